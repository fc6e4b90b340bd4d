"""The sign-in page's way to a state's identity provider: type your address, and if staff set up
a provider for its domain you are sent there (directory/sso.py holds the rules). Works without
JavaScript: the form's POST answers with the redirect. And the site's ends of SAML: where the
provider posts its answer, and what single logout gets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from allauth.account.utils import get_next_redirect_url
from allauth.account.views import LoginView
from allauth.core import ratelimit
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.base.constants import AuthError, AuthProcess
from allauth.socialaccount.providers.saml import views as saml
from allauth.socialaccount.providers.saml.utils import get_app_or_404
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.csp import CSP
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from directory import sso
from directory.models import IdentityProvider, saml_settings_problems

NOT_SET_UP = (
    "{jurisdiction}'s identity provider is not set up correctly here yet. Sign in with your email address "
    "and password, and tell NASPO or NASCIO staff."
)
NO_PROVIDER = (
    "No state's identity provider signs in addresses at {domain}. Sign in with your email address and password."
)


class ProviderSignInForm(forms.Form):
    """The one field: the address whose domain names the provider."""

    email = forms.EmailField(label="Your work email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))


def providers_may_receive_forms(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page with a form whose answer may redirect to an identity provider: its Content Security
    Policy lets forms lead to the providers staff set up (form-action also governs where a form's
    answer redirects to), and nowhere else."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        origins = sorted(
            {
                f"{url.scheme}://{url.netloc}"
                for url in (
                    urlsplit(sso.sign_in_address(p.app)) for p in IdentityProvider.objects.select_related("app")
                )
                if url.scheme in {"http", "https"} and url.netloc
            }
        )
        if origins:
            config = getattr(response, "_csp_config", settings.SECURE_CSP)
            response._csp_config = {**config, "form-action": [CSP.SELF, *origins]}  # type: ignore[attr-defined]
        return response

    return wrapped


@require_http_methods(["GET", "POST"])
@providers_may_receive_forms
def sign_in_with_provider(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: off to the provider for the address's domain, or the form again
    saying there is none (which says nothing about accounts: only domains are looked at)."""
    if request.method == "POST":
        # Counted as a sign-in attempt per client address (ACCOUNT_RATE_LIMITS["login"]): each one
        # that matches makes our server call the provider, which must not be ours to flood.
        limited = ratelimit.consume_or_429(request, action="login")
        if limited is not None:
            return limited
    form = ProviderSignInForm(request.POST if request.method == "POST" else None, auto_id="sso_%s")
    if form.is_valid():
        email = form.cleaned_data["email"]
        provider = sso.provider_for(email)
        if provider is not None and provider.app.provider == sso.SAML and saml_settings_problems(provider.app):
            form.add_error("email", NOT_SET_UP.format(jurisdiction=provider.jurisdiction.name))
        elif provider is not None:
            social = provider.app.get_provider(request)
            if social.id == sso.SAML:  # an AuthnRequest, whose ID the session keeps for the answer
                name_the_host(request)
                return social.redirect(request, AuthProcess.LOGIN, next_url=get_next_redirect_url(request))
            auth_params = {**social.get_auth_params(), "login_hint": email}
            return social.redirect(
                request, AuthProcess.LOGIN, next_url=get_next_redirect_url(request), auth_params=auth_params
            )
        else:
            form.add_error("email", NO_PROVIDER.format(domain=email.rpartition("@")[2]))
    return render(request, "directory/sso_sign_in.html", {"form": form})


class SignInView(LoginView):
    """allauth's sign-in page, which also offers the identity providers when staff set one up."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "has_identity_providers": IdentityProvider.objects.exists()}


sign_in = providers_may_receive_forms(SignInView.as_view())


# Why an answer was refused before python3-saml looked at it (the audit's `error`).
NOT_ASKED_FOR = "The answer names no sign-in this browser is waiting for: it was used already, or started elsewhere."
UNREADABLE = "The answer could not be read as a SAML Response."


@csrf_exempt  # the provider's page posts it, with no token of ours
@require_POST
def saml_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """Where a state's SAML provider posts its answer (allauth's ACS, which keeps it aside for
    saml_finish_acs, whose request carries the session cookie that this cross-site POST lacks).
    POST only, and only for a provider staff set up, so nothing else makes it store a session."""
    get_app_or_404(request, organization_slug)
    name_the_host(request)  # kept with the answer: python3-saml checks where it was posted
    response: HttpResponse = saml.acs(request, organization_slug=organization_slug)
    return response


def name_the_host(request: HttpRequest) -> None:
    """python3-saml reads our address from the Host header, which an HTTP/1.0 client may leave
    out: then the host Django answered as (validated against ALLOWED_HOSTS), not an error."""
    request.META.setdefault("HTTP_HOST", request.get_host())


def saml_finish_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's check of the answer and sign-in (directory/sso.py), but an answer that names no
    sign-in this browser started, such as a replayed one, or that cannot be read, is refused on
    the page any other bad answer gets and audited, rather than with the site's 403 page about
    changing plans or an error."""
    try:
        response: HttpResponse = saml.finish_acs(request, organization_slug=organization_slug)
    except PermissionDenied:
        reason = NOT_ASKED_FOR
    except (SyntaxError, ValueError) as error:
        # Not XML (lxml's XMLSyntaxError), XML with a DTD or entities (python3-saml's parser
        # refuses them with a ValueError), or no subject in it (allauth's ValueError).
        reason = f"{UNREADABLE} ({type(error).__name__}: {error})"
    else:
        return response
    provider = get_app_or_404(request, organization_slug).get_provider(request)
    return render_authentication_error(
        request, provider, error=AuthError.DENIED, extra_context={"saml_last_error_reason": reason}
    )


def saml_single_logout(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """Single logout is not offered: a logout request from the provider need not be signed, so
    it would let any page sign a person out, which nothing else here allows (sign-out is a POST
    with our token). Signing out of the state's provider leaves a Joint Plan session to end by
    sign-out or its idle and 12-hour limits. The address exists because SAML metadata names it."""
    raise Http404("Joint Plan does not take part in SAML single logout.")
