"""The site's side of the test provider: set it up as staff would in the admin."""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp

from directory.models import IdentityProvider
from tests import factories
from tests.oidc_provider.process import OIDCProvider

CALLBACK_PATH = "/sign-in/oidc/idaho/callback/"


def set_up_idaho(idp: OIDCProvider, *, require_sso: bool = False) -> IdentityProvider:
    """Idaho's provider as staff set it up: a Social application, then whose it is."""
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="idaho",
        name="Idaho state sign-in",
        client_id=idp.client_id,
        secret=idp.client_secret,
        settings={"server_url": idp.url},
    )
    return IdentityProvider.objects.create(
        app=app, jurisdiction=factories.jurisdiction("ID"), email_domains="idaho.gov", require_sso=require_sso
    )
