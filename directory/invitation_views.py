"""A jurisdiction's people page (members, pending invitations, ended roles, the invite form), the
resend and revoke buttons, and the invitation link's page. Who may do what is
directory/permissions.py's; anything a person may not see is a 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from config.web import AuthenticatedHttpRequest
from directory import invitations, permissions
from directory.invitation_forms import AcceptForm, InviteForm
from directory.invitations import InvitationError
from directory.models import Invitation, Jurisdiction, Membership, User
from directory.sides import OFFICES, SIDE_ROLES

# Where a new account lands: the home page shows the roles it holds.
AFTER_ACCEPTING = "actionplan:home"


@dataclass
class Group:
    """One block of the members' table: an office (its principal and delegates), or the viewers."""

    title: str
    members: list[Membership] = field(default_factory=list)


def _people_context(request: AuthenticatedHttpRequest, jurisdiction: Jurisdiction) -> dict[str, Any]:
    """Everything the people page shows, in three queries (roles, invitations and the staff check
    aside): members now and to come, by office; pending invitations; ended roles."""
    today = timezone.localdate()
    roles = list(
        Membership.objects.filter(jurisdiction=jurisdiction).select_related("user").order_by("role", "started_on")
    )
    office_names = {"cio": "Chief Information Officer’s office", "cpo": "Chief Procurement Officer’s office"}
    groups = {office: Group(office_names[office]) for office in OFFICES} | {"viewer": Group("Viewers")}
    ended: list[Membership] = []
    for role in roles:
        if role.ended_on is not None and role.ended_on <= today:
            ended.append(role)
            continue
        office = next((o for o in OFFICES if role.role in SIDE_ROLES[o]), "viewer")
        groups[office].members.append(role)
    ended.sort(key=lambda m: m.ended_on or today, reverse=True)
    grantable = permissions.invitable_roles(request.user, jurisdiction)
    pending = list(Invitation.objects.pending().filter(jurisdiction=jurisdiction).select_related("invited_by"))
    now = timezone.now()
    for invitation in pending:
        invitation.may_manage = invitation.role in grantable  # type: ignore[attr-defined]
        invitation.expired = invitation.is_expired(now)  # type: ignore[attr-defined]
    return {
        "jurisdiction": jurisdiction,
        "groups": list(groups.values()),
        "has_members": any(g.members for g in groups.values()),
        "pending": pending,
        "ended": ended,
        "today": today,
        "may_invite": bool(grantable),
    }


def _jurisdiction_for_people(request: AuthenticatedHttpRequest, code: str) -> Jurisdiction:
    jurisdiction = get_object_or_404(Jurisdiction, code=code.upper())
    if not permissions.can_view_people(request.user, jurisdiction):
        raise Http404("No such page")
    return jurisdiction


@require_safe
@login_required
def people(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Who holds which role in a jurisdiction, who is invited, and who held a role before."""
    jurisdiction = _jurisdiction_for_people(request, code)
    context = _people_context(request, jurisdiction)
    roles = permissions.invitable_roles(request.user, jurisdiction)
    context["form"] = InviteForm(jurisdiction=jurisdiction, roles=roles) if roles else None
    return render(request, "directory/people.html", context)


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Send an invitation; a role the viewer may not grant is not offered, and refused if posted."""
    jurisdiction = _jurisdiction_for_people(request, code)
    roles = permissions.invitable_roles(request.user, jurisdiction)
    if not roles:
        raise Http404("No such page")
    form = InviteForm(request.POST, jurisdiction=jurisdiction, roles=roles)
    if form.is_valid():
        invitation = invitations.invite(
            jurisdiction,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            starts_on=form.cleaned_data["starts_on"],
            invited_by=request.user,
            request=request,
        )
        messages.success(
            request, f"An invitation to be {invitation.get_role_display()} is on its way to {invitation.email}."
        )
        return redirect("directory:people", code=jurisdiction.code)
    context = _people_context(request, jurisdiction) | {"form": form}
    return render(request, "directory/people.html", context, status=400)


def _act_on_invitation(
    request: AuthenticatedHttpRequest,
    invitation_id: int,
    action: Callable[..., Invitation],
    done: str,
) -> HttpResponse:
    """Resend or revoke: whoever may grant the invitation's role (anyone else gets a 404), then
    back to the people page with what happened, or why nothing did."""
    invitation = get_object_or_404(Invitation.objects.select_related("jurisdiction"), pk=invitation_id)
    if not permissions.can_manage_invitation(request.user, invitation):
        raise Http404("No such page")
    try:
        action(invitation, by=request.user, request=request)
    except InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done.format(email=invitation.email))
    return redirect("directory:people", code=invitation.jurisdiction.code)


@login_required
@require_POST
def resend(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """A new link by email, valid for another INVITATION_DAYS; the old link stops working."""
    return _act_on_invitation(
        request,
        invitation_id,
        invitations.resend,
        "A new invitation link is on its way to {email}; the old one no longer works.",
    )


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """Withdraw an invitation: its link then says so. Inviting the address again undoes it."""
    return _act_on_invitation(
        request, invitation_id, invitations.revoke, "The invitation to {email} is withdrawn; its link no longer works."
    )


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation. GET shows it and never changes anything; POST accepts it.

    An unknown token (tampered, made up, or replaced by a resend) is a 404: there is nothing to
    name. A link that was real but is used, withdrawn or expired is a 410 (Gone) that says what to
    do: the holder of a real link may learn what became of it. Attempts are throttled per client
    address like signing in (ACCOUNT_RATE_LIMITS["accept_invitation"])."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    limited = ratelimit.consume_or_429(request, action="accept_invitation")
    if limited is not None:
        return limited
    invitation = invitations.find(token)
    if invitation is None:
        return render(request, "directory/invitation_closed.html", {"reason": "unknown"}, status=404)
    if not request.user.is_authenticated:
        # Someone with no account yet has no zone of their own: the state's, as in their email.
        timezone.activate(ZoneInfo(invitation.jurisdiction.tz))
    reason = invitations.closed_reason(invitation)
    if reason:
        return _closed(request, invitation, reason)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    signed_in = request.user if request.user.is_authenticated else None
    context: dict[str, Any] = {"invitation": invitation, "existing": existing, "signed_in": signed_in}
    if signed_in is not None and (existing is None or signed_in.pk != existing.pk):
        # Someone else's invitation in this browser: they sign out, and the invited person opens it.
        return render(request, "directory/invitation.html", context | {"mode": "other_account"})
    if existing is not None and signed_in is None:
        context["sign_in_url"] = f"{reverse('login')}?next={request.path}"
        return render(request, "directory/invitation.html", context | {"mode": "sign_in"})
    if existing is not None:
        if request.method == "POST":
            return _accept(request, invitation, user=existing)
        return render(request, "directory/invitation.html", context | {"mode": "add_role"})
    form = AcceptForm(request.POST if request.method == "POST" else None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        return _accept(request, invitation, user=None, **form.cleaned_data)
    status = 400 if form.is_bound else 200
    return render(request, "directory/invitation.html", context | {"mode": "new", "form": form}, status=status)


def _accept(request: HttpRequest, invitation: Invitation, *, user: User | None, **fields: Any) -> HttpResponse:
    try:
        person = invitations.accept(
            invitation,
            user=user,
            full_name=fields.get("full_name", ""),
            tz=fields.get("tz", ""),
            password=fields.get("password1", ""),
            request=request,
        )
    except InvitationError as error:
        if error.reason in invitations.CLOSED_MESSAGES:  # accepted a moment ago, in another request
            return _closed(request, invitation, error.reason)
        return render(
            request, "directory/invitation_refused.html", {"invitation": invitation, "error": error}, status=409
        )
    if user is None:
        login(request, person, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request, f"Welcome to Joint Plan: you are {invitation.get_role_display()} of {invitation.jurisdiction.name}."
    )
    return redirect(AFTER_ACCEPTING)


def _closed(request: HttpRequest, invitation: Invitation, reason: str) -> HttpResponse:
    return render(request, "directory/invitation_closed.html", {"reason": reason, "invitation": invitation}, status=410)
