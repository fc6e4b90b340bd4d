"""The sign-in audit's pages: every event for association staff (anyone else gets a 404), and each
person's own recent sign-ins. Times show in the viewer's zone (UserTimezoneMiddleware)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from config.web import AuthenticatedHttpRequest
from directory import permissions
from directory.filters import SignInEventFilter
from directory.models import Jurisdiction, SignInEvent

EVENTS_PER_PAGE = 50
# "Recent sign-ins": enough to spot a sign-in that was not you, short enough to read.
OWN_EVENTS = 20


@require_safe
@login_required
def sign_in_events(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone's sign-in events, newest first, filtered by event, address, jurisdiction, days and
    client address."""
    if not permissions.can_view_sign_in_audit(request.user):
        raise Http404("No such page")
    events = SignInEvent.objects.select_related("user", "actor").order_by("-created_at", "-id")
    event_filter = SignInEventFilter(
        request.GET or None, queryset=events, jurisdictions=list(Jurisdiction.objects.only("code", "name"))
    )
    # A filter the form refuses (a day that is no date, an unknown event) shows nothing, and the
    # form says why, rather than every event as if it had not been asked.
    rows = events if not event_filter.is_bound else event_filter.qs if event_filter.form.is_valid() else events.none()
    page = Paginator(rows, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/sign_in_events.html",
        {
            "form": event_filter.form,
            "filtered": event_filter.is_bound,
            "page": page,
            "events": list(page.object_list),
            "query": query.urlencode(),
        },
    )


@require_safe
@login_required
def my_sign_ins(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in person's own latest events, and never anyone else's: the query names them."""
    events = list(SignInEvent.objects.filter(user=request.user).select_related("actor")[:OWN_EVENTS])
    return render(request, "directory/my_sign_ins.html", {"events": events, "limit": OWN_EVENTS})
