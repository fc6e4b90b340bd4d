"""Single sign-on through a state's own identity provider (OpenID Connect or SAML 2.0), on
django-allauth's socialaccount: staff set a provider up in the admin (allauth's SocialApp for the
protocol, our IdentityProvider for whose it is and which address domains it covers).

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

How a SAML provider vouches for an address. SAML has no `email_verified`; instead:
- its answer counts only if python3-saml accepts it under models.SAML_SECURITY, whatever the
  provider's settings say: the assertion signed with the certificate staff typed in (SHA-256 or
  better), for our entity ID (audience), posted to our ACS (destination, recipient), from the IdP's
  entity ID (issuer), not before NotBefore nor after NotOnOrAfter, and in answer to a sign-in this
  browser started here: its InResponseTo names the request kept in the session (allauth's state),
  which is used once, and the signed assertion's own InResponseTo (which the SAML web browser
  profile requires of the IdP) must say the same. A replayed answer, an unsolicited
  (IdP-initiated) one and anything else it refuses is audited as a failed sign-in with
  python3-saml's reason (`on_authentication_error`). A provider whose settings would loosen these
  checks, or lack the IdP's certificate, is not there at all (`get_app`);
- the address is the assertion's email attribute (staff's `attribute_mapping`, or allauth's
  defaults), or its NameID when that is in emailAddress format;
- a provider staff set up for a state is trusted for addresses in its own domains only: such an
  address is verified (`is_email_verified`), any other is refused even if asserted, and an
  `email_verified` attribute that reads false (where the mapping names one) is believed.
Then the rules above apply as they do to OpenID Connect. There is no SAML single logout
(sso_views.saml_single_logout says why).
"""

from __future__ import annotations

from typing import Any, NoReturn

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from directory import audit, invitations
from directory.models import (
    SAML,
    SAML_SECURITY,
    IdentityProvider,
    Invitation,
    Membership,
    SignInEvent,
    User,
    saml_settings_problems,
)

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
    "outside_domains": "{jurisdiction}'s identity provider signs in addresses at {domains} only, "
    "so it cannot sign in {email}.",
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


def sign_in_address(app: SocialApp) -> str:
    """Where the sign-in page sends people for this application: the OpenID Connect server, or
    the SAML provider's single sign-on URL."""
    if app.provider == SAML:
        return str((app.settings.get("idp") or {}).get("sso_url", ""))
    return str(app.settings.get("server_url", ""))


def with_saml_security(app: SocialApp) -> SocialApp:
    """The application with SAML_SECURITY laid over its "advanced" settings (in memory only), so
    that python3-saml checks every SAML answer as models.SAML_SECURITY says."""
    if app.provider == SAML:
        app.settings = {**app.settings, "advanced": {**(app.settings.get("advanced") or {}), **SAML_SECURITY}}
    return app


def saml_says_unverified(app: SocialApp, attributes: dict[str, Any]) -> bool:
    """Whether a SAML answer carries the provider's own word that the address is not verified: an
    `email_verified` attribute of staff's mapping (or allauth's default, Auth0's) that reads false."""
    mapping = app.settings.get("attribute_mapping") or SAMLProvider.default_attribute_mapping
    keys = mapping.get("email_verified") or []
    for key in [keys] if isinstance(keys, str) else keys:
        values = attributes.get(key)
        if values:
            return str(values[0]).strip().lower() not in {"true", "1", "t", "y", "yes"}
    return False


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

    def get_app(self, request: HttpRequest, provider: str, client_id: str | None = None) -> SocialApp:
        """Every application allauth reads, a SAML one held to SAML_SECURITY (its ACS, metadata and
        login views all find their application here). A SAML one whose settings are unfit
        (models.saml_settings_problems: edited past the admin's checks) is not there at all, so
        its addresses answer 404 rather than fail on what is missing."""
        app = super().get_app(request, provider, client_id=client_id)
        if app.provider == SAML and saml_settings_problems(app):
            raise SocialApp.DoesNotExist
        return with_saml_security(app)

    def is_email_verified(self, provider: Any, email: str) -> bool:
        """SAML: an address in the provider's own domains is verified by its signed assertion (the
        module's docstring), no other. Other protocols say so themselves (`email_verified`)."""
        if provider.id == SAML:
            return provider_for(email) == IdentityProvider.objects.filter(app__pk=provider.app.pk).first()
        return bool(super().is_email_verified(provider, email))

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]) -> User:
        """The name an accepted invitation gives a new account: the provider's `name`, or its first
        and last names (SAML attributes often come apart)."""
        user: User = super().populate_user(request, sociallogin, data)
        parts = [str(data.get(k) or "").strip() for k in ("first_name", "last_name")]
        user.full_name = (str(data.get("name") or "").strip() or " ".join(p for p in parts if p))[:150]
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: str | None = None,
        exception: BaseException | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        """A provider's answer that could not be checked (unsigned, signed with another key, out
        of date, meant for another site, not asked for by this browser): audited as a failed
        sign-in with the reason python3-saml gave; the person sees "Your state's sign-in did not
        work". A sign-in cancelled at the provider is no failure."""
        if error == AuthError.CANCELLED:
            return
        reason = (extra_context or {}).get("saml_last_error_reason") or exception or error or AuthError.UNKNOWN
        audit.record(
            SignInEvent.Kind.SIGN_IN_FAILED,
            request=request,
            method="sso",
            reason="invalid_answer",
            provider=str(provider.sub_id) if provider is not None else "",
            error=str(reason)[:300],
        )

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
            domains = ", ".join(provider.domains) if provider is not None else ""
            message = refusal.message or REFUSALS[refusal.reason].format(
                email=email, jurisdiction=jurisdiction, domains=domains
            )
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
        email = (verified or [a.email for a in addresses])[0]
        # A provider vouches for its own domains only (for SAML, the only addresses it verifies).
        if provider_for(email) != provider:
            self._refuse(request, "outside_domains", email=email, provider=provider)
        if not verified or (app.provider == SAML and saml_says_unverified(app, sociallogin.account.extra_data)):
            self._refuse(request, "unverified", email=email, provider=provider)
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
        try:
            user = invitations.accept(
                invitation,
                user=existing,
                full_name=getattr(sociallogin.user, "full_name", "") or email.partition("@")[0][:150],
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
