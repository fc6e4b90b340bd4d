"""The second factor (django-allauth's mfa app) as the directory keeps it: who must have one, the
audit of each person's own changes, and staff resetting it for someone who lost every factor."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.http import HttpRequest

from directory import audit
from directory.models import SignInEvent, User

# Recovery codes come and go with the factors they back up: the audit names the factors.
AUDITED_TYPES = {Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN}
# The notice to a person whose second factors staff reset (directory/accounts.py, MFA_CHANGES).
RESET_NOTICE = "mfa/email/reset_by_staff"
FACTOR_NAMES = {
    Authenticator.Type.TOTP: "an authenticator app",
    Authenticator.Type.WEBAUTHN: "a passkey",
    Authenticator.Type.RECOVERY_CODES: "recovery codes",
}


def factors_of(person: User) -> list[str]:
    """The kinds of second factor this person has set up, for staff to read before a reset."""
    types = Authenticator.objects.filter(user=person).order_by("type", "pk").values_list("type", flat=True)
    return [FACTOR_NAMES.get(kind, kind) for kind in types]


def reset_mfa(person: User, *, actor: User, request: HttpRequest | None = None) -> int:
    """Remove every second factor of `person` (authenticator app, passkeys, recovery codes), who
    lost them, so they can sign in with their password and set one up again; audited as done by
    `actor`. Returns how many were removed."""
    with transaction.atomic():
        factors = factors_of(person)
        removed, _ = Authenticator.objects.filter(user=person).delete()
        audit.record(SignInEvent.Kind.MFA_RESET_BY_STAFF, user=person, actor=actor, request=request, removed=factors)
        # Told by email like any other change to how they sign in, in case they did not ask for it.
        if request is not None:
            get_account_adapter(request).send_notification_mail(RESET_NOTICE, person)
    return removed


def on_authenticator_added(
    sender: type, request: HttpRequest | None, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    if authenticator.type in AUDITED_TYPES:
        audit.record(SignInEvent.Kind.MFA_ENROLLED, user=user, request=request, method=authenticator.type)


def on_authenticator_removed(
    sender: type, request: HttpRequest | None, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    if authenticator.type in AUDITED_TYPES:
        audit.record(SignInEvent.Kind.MFA_REMOVED, user=user, request=request, method=authenticator.type)
