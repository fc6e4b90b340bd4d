"""The sign-in audit: one call, `record`, writes one SignInEvent for anything that happens to a
person's way in. Staff read them on the sign-in events page, each person their own on "Recent
sign-ins" (directory/views.py).

The kinds (SignInEvent.Kind) and who records them:

- signed_in, sign_in_failed, signed_out: Django's auth signals (`user_logged_in`,
  `user_login_failed`, `user_logged_out`), connected below by DirectoryConfig.ready(). Whatever
  signs people in (Django's views, the admin's sign-in, django-allauth) sends them, so nothing else
  needs to call `record` for these. A failure keeps the address as typed, with or without an account.
- role_granted, role_ended: the admin, where staff record who holds which role (directory/admin.py).
- password_changed (changed or first set), password_reset: django-allauth's signals, connected by
  DirectoryConfig.ready() too.
- locked_out, password_reset_requested: the account adapter (directory/accounts.py), when the
  throttle refuses a sign-in and when it queues a reset link.
- mfa_enrolled, mfa_removed, mfa_reset_by_staff, invitation_sent, invitation_accepted,
  invitation_revoked, sso_linked: whatever does the thing calls `record` in the same transaction, e.g.
  `record(SignInEvent.Kind.MFA_RESET_BY_STAFF, user=person, actor=request.user, request=request)`.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpRequest
from django.utils import timezone

from directory.models import Membership, SignInEvent, StaffMembership, User

USER_AGENT_LENGTH = SignInEvent._meta.get_field("user_agent").max_length or 300


def record(
    kind: SignInEvent.Kind | str,
    *,
    user: User | None = None,
    email: str = "",
    request: HttpRequest | None = None,
    actor: User | AnonymousUser | None = None,
    **detail: Any,
) -> SignInEvent:
    """Write one event of the sign-in audit. `email` defaults to the user's address; `request`
    gives the client's address and browser; `actor` is whoever did it for the person (staff, a
    principal); `detail` is a few JSON-safe facts (a jurisdiction's code, a role, a method)."""
    address = (email or (user.email if user is not None else "")).strip().lower()
    return SignInEvent.objects.create(
        kind=SignInEvent.Kind(kind),
        user=user,
        email=address[:254],
        actor=actor if isinstance(actor, User) else None,
        ip_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH] if request is not None else "",
        detail=detail,
    )


def client_address(request: HttpRequest | None) -> str | None:
    """The address the request came from, read as the sign-in throttle reads it (allauth's
    adapter): REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the nearest of them
    appended to X-Forwarded-For, so that the audit names the address a lockout counted. None when
    there is none, or the header does not fit the setting."""
    if request is None:
        return None
    try:
        address = get_adapter(request).get_client_ip(request)
        validate_ipv46_address(address)
    except (PermissionDenied, ImproperlyConfigured, ValidationError):
        return None
    return address


def record_role(
    kind: SignInEvent.Kind, membership: Membership | StaffMembership, *, request: HttpRequest, removed: bool = False
) -> None:
    """A role granted or ended, with where and what it is, by whoever is signed in to do it. A role
    `removed` (its row deleted, which only a superuser may do) has ended too, and says so."""
    if isinstance(membership, Membership):
        where: dict[str, Any] = {"jurisdiction": membership.jurisdiction.code, "role": membership.role}
    else:
        where = {"association": membership.association.code, "role": "staff"}
    if removed:
        where["removed"] = True
    day = membership.started_on if kind == SignInEvent.Kind.ROLE_GRANTED else membership.ended_on
    if removed and day is None:
        day = timezone.localdate()  # a role held until now ends today
    record(kind, user=membership.user, request=request, actor=request.user, on=str(day or ""), **where)


# --- Django's auth signals ------------------------------------------------------------------------


def on_signed_in(sender: type, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    record(SignInEvent.Kind.SIGNED_IN, user=user, request=request)


def on_sign_in_failed(
    sender: str, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A wrong password, or an address with no account: the address as typed is kept either way,
    and the account, when there is one, sees the failure among its own sign-ins."""
    typed = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or credentials.get("login") or ""
    address = str(typed).strip().lower()
    user = User.objects.filter(email__iexact=address).first() if address else None
    record(SignInEvent.Kind.SIGN_IN_FAILED, user=user, email=address, request=request)


def on_signed_out(sender: type, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record(SignInEvent.Kind.SIGNED_OUT, user=user, request=request)


def on_password_changed(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """allauth's password_changed and password_set: the person changed (or first set) it."""
    record(SignInEvent.Kind.PASSWORD_CHANGED, user=user, request=request)


def on_password_reset(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """allauth's password_reset: a new password set through a link sent by email."""
    record(SignInEvent.Kind.PASSWORD_RESET, user=user, request=request)


def on_locked_out(request: HttpRequest, typed: str) -> None:
    """A sign-in refused unheard because its address is locked (AccountAdapter.pre_authenticate):
    kept like a failure, with the account when the address has one."""
    address = typed.strip().lower()
    user = User.objects.filter(email__iexact=address).first() if address else None
    record(SignInEvent.Kind.LOCKED_OUT, user=user, email=address, request=request)
