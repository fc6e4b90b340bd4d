"""Single sign-on through a state's own identity provider (OpenID Connect), on django-allauth's
socialaccount: staff set a provider up in the admin (allauth's SocialApp for the protocol, our
IdentityProvider for whose it is and which address domains it covers).

The rules, all here:
- the sign-in page sends an address in a provider's domains to that provider (sso_views.py);
- a provider signs in only an account that already exists, whose address the provider says it
  verified (`email_verified`), held by a current member of the provider's jurisdiction, in one of
  its domains, or accepts a pending invitation to that jurisdiction for that address (which makes
  the account, as the invitation's link would); nobody else is signed up by it, and anything else
  is refused with a page that says why;
- the first time it signs someone in, the account is linked to the provider's subject and the
  sign-in audit records `sso_linked`; later sign-ins are audited as any sign-in is (signals);
- where staff require it (`require_sso`), a password does not sign in an address in its domains.
"""

from __future__ import annotations

from typing import NoReturn

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from directory import audit, invitations
from directory.models import IdentityProvider, Invitation, Membership, SignInEvent, User

SSO_REQUIRED = (
    "{jurisdiction} signs its people in through its own identity provider: "
    'choose "Sign in with your state\'s identity provider" below and type this address there.'
)
# Why a provider's answer signed nobody in: what the refusal page says, by reason.
REFUSALS = {
    "not_configured": "This identity provider is not set up for any state here.",
    "no_email": "Your identity provider did not tell us your email address, so we cannot tell whose account this is.",
    "unverified": "Your identity provider has not verified your email address, so we cannot sign you in with it. "
    "Ask your state's identity team to verify it, or sign in with your password.",
    "no_account": "There is no Joint Plan account or invitation for {email} in {jurisdiction}. Accounts are made by invitation: "
    "ask your state's CIO or CPO, or NASPO and NASCIO staff, to invite this address.",
    "invitation": "Your invitation cannot be accepted.",  # replaced by the invitation's own reason
    "linked_elsewhere": "Your identity provider's account is linked to a different Joint Plan account. "
    "Ask NASPO or NASCIO staff to check it.",
}


def provider_for(email: str) -> IdentityProvider | None:
    """The identity provider that signs in this address, if staff set one up for its domain."""
    return IdentityProvider.objects.for_address(email)


def refuse_password_if_sso_required(email: str) -> None:
    """Raise the sign-in form's error when the address's domain belongs to a provider staff made
    compulsory. Decided by the domain alone, so the answer says nothing about whether an account
    exists."""
    provider = provider_for(email)
    if provider is not None and provider.require_sso:
        raise ValidationError(SSO_REQUIRED.format(jurisdiction=provider.jurisdiction.name), code="sso_required")


def member_signed_in_by(provider: IdentityProvider, email: str) -> User | None:
    """The active account with this address if the provider may sign it in: the address is in
    one of its domains and its holder is a current member of the provider's jurisdiction."""
    if provider_for(email) != provider:
        return None
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not Membership.objects.active().filter(user=user, jurisdiction=provider.jurisdiction).exists():
        return None
    return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's single sign-on, closed to strangers: a provider's answer signs in a member's
    existing account or nobody (SOCIALACCOUNT_ADAPTER)."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Find whose account the provider's answer is, link it the first time (accepting an
        invitation if that is what makes it theirs), or refuse with a page that says why (403),
        audited as a failed sign-in once whatever the attempt wrote is rolled back."""
        try:
            with transaction.atomic():
                self._link(request, sociallogin)
        except Refusal as refusal:
            provider, email = refusal.provider, refusal.email
            audit.record(
                SignInEvent.Kind.SIGN_IN_FAILED, email=email, request=request, method="sso", reason=refusal.reason
            )
            jurisdiction = provider.jurisdiction.name if provider is not None else "this state"
            message = refusal.message or REFUSALS[refusal.reason].format(email=email, jurisdiction=jurisdiction)
            response = render(request, "directory/sso_refused.html", {"message": message}, status=403)
            raise ImmediateHttpResponse(response) from None

    def _link(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        app = sociallogin.account.get_provider(request).app
        provider = IdentityProvider.objects.select_related("jurisdiction").filter(app__pk=app.pk).first()
        if provider is None:
            self._refuse(request, "not_configured", email="")
        addresses = sociallogin.email_addresses
        if not addresses:
            self._refuse(request, "no_email", email="", provider=provider)
        verified = [a.email for a in addresses if a.verified]
        if not verified:
            self._refuse(request, "unverified", email=addresses[0].email, provider=provider)
        email = verified[0]
        user = member_signed_in_by(provider, email)
        if user is None and not sociallogin.is_existing:
            user = self._accept_invitation(request, sociallogin, provider, email)
        if user is None:
            self._refuse(request, "no_account", email=email, provider=provider)
        if sociallogin.is_existing:
            # Linked before: it must still be the account the verified address names.
            if sociallogin.user.pk != user.pk:
                self._refuse(request, "linked_elsewhere", email=email, provider=provider)
            return
        sociallogin.connect(request, user)
        audit.record(
            SignInEvent.Kind.SSO_LINKED,
            user=user,
            request=request,
            provider=app.provider_id,
            jurisdiction=provider.jurisdiction.code,
        )

    def _accept_invitation(
        self, request: HttpRequest, sociallogin: SocialLogin, provider: IdentityProvider, email: str
    ) -> User | None:
        """A pending invitation to the provider's state for this address, in its domains, accepted
        through the provider: the role from its start date, and the account too when there is none
        (its name from the provider, its zone the state's, no password: it signs in through the
        provider, and may set one later). None when there is no such invitation."""
        if provider_for(email) != provider:
            return None
        invitation = (
            Invitation.objects.pending()
            .filter(email=email.strip().lower(), jurisdiction=provider.jurisdiction, expires_at__gt=timezone.now())
            .order_by("created_at")
            .first()
        )
        if invitation is None:
            return None
        existing = User.objects.filter(email__iexact=email.strip()).first()
        claims = sociallogin.account.get_provider(request).extract_common_fields(sociallogin.account.extra_data)
        try:
            user = invitations.accept(
                invitation,
                user=existing,
                full_name=str(claims.get("name") or email.partition("@")[0])[:150],
                tz=provider.jurisdiction.tz,
                request=request,
            )
        except invitations.InvitationError as error:
            self._refuse(request, "invitation", email=email, provider=provider, message=str(error))
        if existing is None:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def _refuse(
        self,
        request: HttpRequest,
        reason: str,
        *,
        email: str,
        provider: IdentityProvider | None = None,
        message: str = "",
    ) -> NoReturn:
        raise Refusal(reason, email=email, provider=provider, message=message)


class Refusal(Exception):
    """Why a provider's answer signs nobody in (a key of REFUSALS, or the invitation's own message)."""

    def __init__(self, reason: str, *, email: str, provider: IdentityProvider | None, message: str = "") -> None:
        super().__init__(reason)
        self.reason, self.email, self.provider, self.message = reason, email, provider, message
