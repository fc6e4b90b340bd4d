"""Invitations: the one way in for a new person, and the way an existing one is given a new role.

An invitation is sent as a link that holds a random token (256 bits, `secrets`); only the token's
SHA-256 is stored (Invitation.token_hash). So the link is unguessable, a database or admin reader
cannot open it, and its life is the row's state: resending stores a new hash (the old link then
finds nothing), and accepting or revoking closes the invitation, which every link to it then says.
A signed token would need the row's state folded in to die on resend, and would outlive a
SECRET_KEY only by luck; a stored hash needs neither.

Each service writes its rows, its email (through the outbox) and its audit events (directory/audit.py)
in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from directory import audit
from directory.models import Invitation, Jurisdiction, Membership, SignInEvent, User, role_label
from directory.sides import PRINCIPAL_ROLES
from outbox import emails
from outbox.models import OutgoingEmail


class InvitationError(Exception):
    """What stops an invitation from being sent, resent, revoked or accepted, in words for the page."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def find(token: str) -> Invitation | None:
    """The invitation whose current link holds this token: None for a tampered, made-up or
    replaced (resent) link."""
    return Invitation.objects.select_related("jurisdiction", "invited_by").filter(token_hash=hash_token(token)).first()


def closed_reason(invitation: Invitation, now: datetime.datetime | None = None) -> str:
    """Why a link no longer works ("accepted", "revoked", "expired"), or "" while it does."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.is_expired(now):
        return "expired"
    return ""


def role_taken_message(jurisdiction: Jurisdiction, role: str, *, today: datetime.date | None = None) -> str:
    """Why a principal role cannot be granted (one CIO and one CPO at a time), or ""."""
    if role not in PRINCIPAL_ROLES:
        return ""
    holder = Membership.objects.filter(jurisdiction=jurisdiction, role=role, ended_on__isnull=True).first()
    if holder is None:
        return ""
    return (
        f"{jurisdiction.name} already has a {role_label(role)} ({holder.user}). "
        "Association staff end that role in the admin first; then the invitation can be accepted."
    )


def invite(
    jurisdiction: Jurisdiction,
    *,
    email: str,
    role: str,
    starts_on: datetime.date,
    invited_by: User,
    request: HttpRequest | None = None,
) -> Invitation:
    """Create an invitation and queue its email. The form has checked who may invite to what."""
    token, token_hash = _new_token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email.strip().lower(),
            jurisdiction=jurisdiction,
            role=role,
            starts_on=starts_on,
            invited_by=invited_by,
            token_hash=token_hash,
        )
        _send(invitation, token, request=request, actor=invited_by)
    return invitation


def resend(invitation: Invitation, *, by: User, request: HttpRequest | None = None) -> Invitation:
    """A new link, valid for INVITATION_DAYS from now, by email; the old link stops working."""
    token, token_hash = _new_token()
    with transaction.atomic():
        locked = _locked_pending(invitation.pk, doing="resent")
        locked.token_hash = token_hash
        locked.expires_at = timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS)
        locked.times_resent += 1
        locked.save(update_fields=["token_hash", "expires_at", "times_resent"])
        _send(locked, token, request=request, actor=by)
    return locked


def revoke(invitation: Invitation, *, by: User, request: HttpRequest | None = None) -> Invitation:
    """Close an invitation: its link then says it was withdrawn."""
    with transaction.atomic():
        locked = _locked_pending(invitation.pk, doing="revoked")
        locked.revoked_at, locked.revoked_by = timezone.now(), by
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            SignInEvent.Kind.INVITATION_REVOKED,
            user=User.objects.filter(email__iexact=locked.email).first(),
            email=locked.email,
            actor=by,
            request=request,
            **_facts(locked),
        )
    return locked


def accept(
    invitation: Invitation,
    *,
    user: User | None,
    full_name: str = "",
    tz: str = "",
    password: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Accept an invitation: a new account (`user` None: name, zone, password) or the signed-in
    account with the invited address (`user`), and the role from its start date (today, if that
    has passed). The row is locked first, so two acceptances at once make one account and one role:
    the second finds the invitation accepted."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("jurisdiction").get(pk=invitation.pk)
        reason = closed_reason(locked)
        if reason:
            raise InvitationError(CLOSED_MESSAGES[reason], reason=reason)
        if user is None:
            if User.objects.filter(email__iexact=locked.email).exists():
                raise InvitationError("An account with this address exists: sign in to accept.", reason="account")
            try:
                with transaction.atomic():
                    user = User.objects.create_user(locked.email, password, full_name=full_name, tz=tz)
            except IntegrityError:  # another invitation to this address was accepted a moment ago
                raise InvitationError(
                    "An account with this address exists: sign in to accept.", reason="account"
                ) from None
        elif user.email.lower() != locked.email:
            raise InvitationError(f"This invitation is for {locked.email}.", reason="wrong_account")
        taken = role_taken_message(locked.jurisdiction, locked.role)
        if taken:
            raise InvitationError(taken, reason="taken")
        started_on = max(locked.starts_on, timezone.localdate())
        holds = Membership.objects.active(started_on).filter(
            user=user, jurisdiction=locked.jurisdiction, role=locked.role
        )
        if not holds.exists():
            Membership.objects.create(
                user=user, jurisdiction=locked.jurisdiction, role=locked.role, started_on=started_on
            )
            audit.record(
                SignInEvent.Kind.ROLE_GRANTED,
                user=user,
                actor=locked.invited_by,
                request=request,
                on=str(started_on),
                **_facts(locked),
            )
        locked.accepted_at, locked.accepted_by = timezone.now(), user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(SignInEvent.Kind.INVITATION_ACCEPTED, user=user, request=request, **_facts(locked))
    return user


CLOSED_MESSAGES = {
    "accepted": "This invitation has already been accepted.",
    "revoked": "This invitation was withdrawn.",
    "expired": "This invitation has expired.",
}


def _locked_pending(pk: int, *, doing: str) -> Invitation:
    locked = Invitation.objects.select_for_update().select_related("jurisdiction", "invited_by").get(pk=pk)
    if not locked.is_pending:
        raise InvitationError(f"That invitation was already {closed_reason(locked)}; it cannot be {doing}.")
    return locked


def _facts(invitation: Invitation) -> dict[str, Any]:
    return {"jurisdiction": invitation.jurisdiction.code, "role": invitation.role, "invitation": invitation.pk}


def _send(invitation: Invitation, token: str, *, request: HttpRequest | None, actor: User) -> None:
    """Queue the invitation's email (its link, who invited, to what, until when) and audit it. An
    address with an account gets it in that person's zone; a new one in the jurisdiction's."""
    existing = User.objects.filter(email__iexact=invitation.email).first()
    link = emails.absolute(reverse("directory:invitation", args=[token]))
    emails.queue(
        OutgoingEmail.Kind.ACCOUNT,
        dedupe_key=f"invitation:{invitation.pk}:{invitation.times_resent}",
        template="invitation",
        context={
            "inviter": invitation.invited_by.full_name or invitation.invited_by.email,
            "role": role_label(invitation.role),
            "jurisdiction": invitation.jurisdiction.name,
            "starts_on": invitation.starts_on,
            "expires_at": invitation.expires_at,
            "link": link,
            "has_account": existing is not None,
        },
        user=existing,
        to_address=None if existing is not None else invitation.email,
        tz=None if existing is not None else invitation.jurisdiction.tz,
    )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    audit.record(
        SignInEvent.Kind.INVITATION_SENT,
        user=existing,
        email=invitation.email,
        actor=actor,
        request=request,
        resent=invitation.times_resent,
        **_facts(invitation),
    )
