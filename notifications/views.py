"""Email preferences, one-click unsubscribe, and the staff delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from config.web import AuthenticatedHttpRequest
from directory import permissions, sides
from directory.models import Membership, User
from notifications import inbox as inboxes
from notifications import services
from notifications.forms import DeliveryFilterForm, PreferenceForm
from outbox import delivery
from outbox.models import OutgoingEmail


@require_safe
@login_required
def my_updates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The inbox: what needs this person now, across every plan they act in, in sections (see
    notifications.inbox); the reminder email and the digest use the same sections."""
    inbox = inboxes.build(request.user, today=timezone.localdate())
    return render(request, "notifications/my_updates.html", inbox.as_context())


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Switch each kind of email on or off and pick the digest's day and hour."""
    pref = services.preference_for(request.user)
    form = PreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        services.save_preferences(pref, changes=changes)
        messages.success(request, "Your email preferences are saved.")
        return redirect("notifications:preferences")
    acting = any(m.role in sides.ROLE_SIDE for m in permissions.current_memberships(request.user))
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "pref": pref, "acting": acting or permissions.is_association_staff(request.user)},
    )


@csrf_exempt  # RFC 8058: mail providers POST here with no cookie and no token but the signed link
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link does and a button; POST (the button, or a mail provider's one-click
    request) switches that email off. No sign-in needed: the link itself is signed."""
    try:
        user_id, topic = services.read_unsubscribe_token(token)
        user = User.objects.get(pk=user_id, is_active=True)
    except (signing.BadSignature, User.DoesNotExist):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    done = False
    if request.method == "POST":
        services.unsubscribe(user, topic)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"what": services.UNSUBSCRIBE_TOPICS[topic], "done": done, "email": user.email, "token": token},
    )


def _staff_only(request: HttpRequest) -> None:
    if not permissions.is_association_staff(request.user):
        raise PermissionDenied("The delivery log is for NASPO and NASCIO staff.")


@require_safe
@login_required
def delivery_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every email the system wrote, newest first, with why a failed one failed.

    Here rather than in the outbox it shows: who is staff, and who belongs to a jurisdiction, are
    directory's to say, and the outbox sits below directory."""
    _staff_only(request)
    form = DeliveryFilterForm(request.GET or None)
    # The log shows neither the bodies nor the built message; 50 rows of them would be megabytes.
    rows = OutgoingEmail.objects.select_related("recipient").defer("body_html", "raw_message", "attachments")
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["recipient"]:
            rows = rows.filter(to_address__icontains=data["recipient"])
        if data["jurisdiction"]:
            members = Membership.objects.filter(jurisdiction__code=data["jurisdiction"].upper()).values("user_id")
            rows = rows.filter(Q(recipient__in=members))
    page = Paginator(rows.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = {s: OutgoingEmail.objects.filter(status=s).count() for s in OutgoingEmail.Status.values}
    return render(
        request,
        "notifications/delivery_log.html",
        {"form": form, "page": page, "rows": list(page.object_list), "query": query.urlencode(), "counts": counts},
    )


@login_required
@require_POST
def resend(request: AuthenticatedHttpRequest, email_id: int) -> HttpResponse:
    _staff_only(request)
    row = get_object_or_404(OutgoingEmail, pk=email_id)
    if delivery.resend(row):
        messages.success(request, f"The email to {row.to_address} is queued again.")
    elif row.status == OutgoingEmail.Status.SENDING:
        messages.error(request, f"The email to {row.to_address} is being sent right now.")
    else:
        messages.error(request, f"The email to {row.to_address} was never written, so there is nothing to resend.")
    return redirect("notifications:delivery_log")
