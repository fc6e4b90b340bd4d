"""The page a one-click status link in a reminder opens: no sign-in, the link is its own key.

GET (and HEAD) only show: mail scanners and link previews open every link in an email, so opening
one must change nothing, not even a mark that it was seen. The Confirm button POSTs (with CSRF, no
JavaScript needed), and that posts the update (notifications.status_links). The person is not
signed in by any of it: the link lets them post one status on one item, nothing more.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from actionplan.forms import SIDE_LABELS
from actionplan.models import Status
from config.web import add_service_error
from directory import permissions
from notifications import mail_tokens, services, status_links
from notifications.forms import StatusLinkForm
from notifications.models import StatusLink

CONFIRM = "notifications/status_link.html"
REFUSED = "notifications/status_link_refused.html"
DONE = "notifications/status_link_done.html"


def _refused(
    request: HttpRequest, reason: str, status: int, *, link: StatusLink | None = None, message: str = ""
) -> HttpResponse:
    context = {"reason": reason, "link": link, "item": link.item if link else None, "message": message}
    if link is not None and link.update_id is not None:
        context["used_status"] = link.update.get_status_display() if link.update else ""
    return render(request, REFUSED, context, status=status)


@never_cache  # what the page shows is one person's, through a key in the address
@require_http_methods(["GET", "HEAD", "POST"])
def status_link(request: HttpRequest, token: str, status: str) -> HttpResponse:
    """Show the item and ask to confirm the status (GET); confirm it (POST)."""
    link = mail_tokens.find_status_link(token)
    if link is None or status not in services.STATUS_LINK_CHOICES:
        # A status the email never offers is as unknown as a token it never held.
        return _refused(request, "not_found", 404)
    refusal = status_links.refusal(link)
    if refusal is not None:
        return _refused(request, refusal.reason, refusal.status, link=link)
    item, label = link.item, Status(status).label
    acting = permissions.acting_sides(link.user, item)
    form = StatusLinkForm(
        request.POST if request.method == "POST" else None,
        side_choices=[(side, SIDE_LABELS[side]) for side in acting],
        auto_id="status_link_%s",
    )
    if request.method == "POST" and form.is_valid():
        try:
            update = status_links.use_status_link(
                link, status=status, side=form.chosen_side(), sentence=form.cleaned_data["sentence"]
            )
        except status_links.LinkRefused as refused:
            link.refresh_from_db(fields=["used_at", "update"])
            return _refused(request, refused.refusal.reason, refused.refusal.status, link=link)
        except PermissionDenied as error:
            return _refused(request, "cannot_edit", 403, link=link, message=str(error))
        except ValidationError as error:
            if hasattr(error, "error_dict") and set(error.error_dict) <= {"narrative"}:
                add_service_error(form, error, renames={"narrative": "sentence"})
            else:
                # Nothing the sentence can fix (both offices signed the item off, say): the link
                # is not spent, and the page says what to do instead.
                return _refused(request, "not_posted", 409, link=link, message=" ".join(error.messages))
        else:
            return render(request, DONE, {"link": link, "item": item, "update": update, "label": label})
    return render(
        request,
        CONFIRM,
        {"link": link, "item": item, "status": status, "label": label, "form": form, "token": token},
        status=400 if form.is_bound else 200,
    )
