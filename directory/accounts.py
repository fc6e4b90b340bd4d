"""How django-allauth signs people in here: nobody signs themselves up, its words are ours, and
its mail goes through the outbox like every other email.

Set as ACCOUNT_ADAPTER. Accounts come from staff (the admin) and, later, invitations; allauth
brings the sign-in page, password reset and change, and the rate limits that throttle guessing
(ACCOUNT_RATE_LIMITS in config/settings.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from directory import audit, sso
from directory.models import SignInEvent, User
from directory.permissions import mfa_required
from outbox import emails
from outbox.models import OutgoingEmail

# allauth's emails -> ours (templates/emails/<name>/); any other is ours under its own last name.
# The three notices that a password changed are one email, told how by `how`.
EMAIL_TEMPLATES = {
    "account/email/password_changed": "password_changed",
    "account/email/password_reset": "password_changed",
    "account/email/password_set": "password_changed",
    "mfa/email/totp_activated": "mfa_changed",
    "mfa/email/totp_deactivated": "mfa_changed",
    "mfa/email/recovery_codes_generated": "mfa_changed",
    "mfa/email/webauthn_added": "mfa_changed",
    "mfa/email/webauthn_removed": "mfa_changed",
    "mfa/email/reset_by_staff": "mfa_changed",
    # An account linked to a state's identity provider (directory/sso.py).
    "socialaccount/email/account_connected": "sso_linked",
}
PASSWORD_CHANGES = {
    "account/email/password_changed": "changed",
    "account/email/password_reset": "reset with a link sent by email",
    "account/email/password_set": "set",
}
# The notices of a change to a person's second factor: one email, told what changed by `what`.
MFA_CHANGES = {
    "mfa/email/totp_activated": "An authenticator app was set up",
    "mfa/email/totp_deactivated": "The authenticator app was removed",
    "mfa/email/recovery_codes_generated": "New recovery codes were made (the old ones no longer work)",
    "mfa/email/webauthn_added": "A passkey was added",
    "mfa/email/webauthn_removed": "A passkey was removed",
    "mfa/email/reset_by_staff": "Association staff removed every second factor (they were told you lost them)",
}
MFA_OFFERED = "Protect your account with a second factor: choose Two-factor authentication at the top of the page to set up an authenticator app or a passkey."


class AccountAdapter(DefaultAccountAdapter):
    """Closed sign-up, our messages, and mail queued in the outbox rather than sent on the spot."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "That email address and password do not match an account. Check both and try again.",
        # Counted per address typed, whether or not it has an account, and per client address:
        # the message says nothing about which addresses have one.
        "too_many_login_attempts": "Too many failed attempts to sign in. "
        "Wait 15 minutes and try again, or reset your password.",
        "enter_current_password": "Type your current password.",
        "incorrect_password": "That is not your current password.",
        "invalid_password_reset": "This password reset link is not valid.",
        "rate_limited": "Too many requests in a short time. Wait a few minutes and try again.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts come from association staff and invitations, never from a stranger's form."""
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failures count per address typed, whatever host name the request named: allauth puts
        the site's domain in front, which follows the Host header, so each of ALLOWED_HOSTS
        would count apart and multiply a guesser's tries. (A private hook of allauth, pinned in
        requirements.txt; tests/directory/test_passwords_and_lockout.py holds it to this.)"""
        return str(credentials.get("email", "")).strip().lower()

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """Offer a second factor once, on the page after signing in, to whoever has none and is not
        required to set one up (staff are sent to set it up: MFARequiredMiddleware)."""
        response = super().post_login(request, user, **kwargs)
        if isinstance(user, User) and not mfa_required(user) and not is_mfa_enabled(user):
            messages.info(request, MFA_OFFERED)
        return response

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """allauth's throttle, and the audit of each sign-in it refuses as locked out; then no
        password for an address whose state requires its identity provider (directory/sso.py)."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            audit.on_locked_out(request, str(credentials.get("email", "")))
            raise
        # After the throttle, so that guessing here is counted like anywhere else.
        sso.refuse_password_if_sso_required(str(credentials.get("email", "")))

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The link in the reset email, on the site's own address (SITE_URL) as every email's
        links are, not on whatever host the request that asked for it named."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return emails.absolute(path.replace("UID-KEY", key))

    def send_notification_mail(
        self, template_prefix: str, user: Any, context: dict[str, Any] | None = None, email: str | None = None
    ) -> None:
        """The notice that a password was changed, reset or set (ACCOUNT_EMAIL_NOTIFICATIONS):
        to the person, in their time zone, with when, from where, and what to do if it was not
        them."""
        notice = {
            "user": user,
            "how": PASSWORD_CHANGES.get(template_prefix, ""),
            "what": MFA_CHANGES.get(template_prefix, ""),
            "mfa_url": emails.absolute(reverse("mfa_index")),
            "password_reset_url": emails.absolute(reverse("account_reset_password")),
        }
        super().send_notification_mail(template_prefix, user, {**(context or {}), **notice}, email)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Queue allauth's email in the outbox (a task delivers it, with retries), rendered from
        templates/emails/<name>/ in the recipient's time zone (EMAIL_TEMPLATES). An email we have
        no template for is stored as failed by the outbox, visible in the delivery log, rather
        than sent in allauth's words."""
        name = EMAIL_TEMPLATES.get(template_prefix, template_prefix.rsplit("/", 1)[-1])
        user = context.get("user")
        recipient = user if isinstance(user, User) and user.email.lower() == email.lower() else None
        if template_prefix == "account/email/password_reset_key" and recipient is not None:
            audit.record(SignInEvent.Kind.PASSWORD_RESET_REQUESTED, user=recipient, request=context.get("request"))
        emails.queue(
            OutgoingEmail.Kind.ACCOUNT,
            # Each request is its own email (allauth's rate limits bound how many): the key only
            # has to be unique.
            dedupe_key=f"account:{name}:{uuid.uuid4().hex}",
            template=name,
            context={key: value for key, value in context.items() if key not in {"request", "user"}},
            user=recipient,
            to_address=None if recipient is not None else email,
        )


class MFAAdapter(DefaultMFAAdapter):
    """The second factor under the site's own name: "Joint Plan" in authenticator apps, and passkeys
    bound to the site's host name (MFA_WEBAUTHN_RP_ID, from SITE_URL) rather than to whatever Host
    header a request carried."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "That code is not right, or was already used. Type the code your app shows now.",
    }

    def _get_site_name(self) -> str:
        return "Joint Plan"

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        return {"id": settings.MFA_WEBAUTHN_RP_ID, "name": "Joint Plan"}
