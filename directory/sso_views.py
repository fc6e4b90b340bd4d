"""The sign-in page's way to a state's identity provider: type your address, and if staff set up
a provider for its domain you are sent there (directory/sso.py holds the rules). Works without
JavaScript: the form's POST answers with the redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from allauth.account.utils import get_next_redirect_url
from allauth.account.views import LoginView
from allauth.core import ratelimit
from allauth.socialaccount.providers.base.constants import AuthProcess
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.csp import CSP
from django.views.decorators.http import require_http_methods

from directory import sso
from directory.models import IdentityProvider

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
                    urlsplit(str(p.app.settings.get("server_url", "")))
                    for p in IdentityProvider.objects.select_related("app")
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
        if provider is not None:
            social = provider.app.get_provider(request)
            auth_params = {**social.get_auth_params(), "login_hint": email}
            return social.redirect(
                request, AuthProcess.LOGIN, next_url=get_next_redirect_url(request), auth_params=auth_params
            )
        form.add_error("email", NO_PROVIDER.format(domain=email.rpartition("@")[2]))
    return render(request, "directory/sso_sign_in.html", {"form": form})


class SignInView(LoginView):
    """allauth's sign-in page, which also offers the identity providers when staff set one up."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "has_identity_providers": IdentityProvider.objects.exists()}


sign_in = providers_may_receive_forms(SignInView.as_view())
