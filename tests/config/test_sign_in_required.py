"""A signed-out visitor of any page that is not public is sent to sign in and brought back, whether
or not what the address names exists: the answer says nothing about what is there. (The public pages
are read without signing in, and a public plan's own pages send the public there:
tests/reports/test_public_pages.py, tests/actionplan/test_authorization_matrix.py.)"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests import access

pytestmark = pytest.mark.django_db

# The only addresses a signed-out visitor is answered at, and what they get.
OPEN_TO_ANYONE = {
    "login": 200,  # the sign-in page itself
    "account_login": 200,  # the same page, under django-allauth's name for it
    "account_reset_password": 200,  # asking for a reset link, and the page after it
    "account_reset_password_done": 200,
    "account_reset_password_from_key": 200,  # the reset link is its own key; this one says it does not work
    "account_reset_password_from_key_done": 200,
    "logout": 405,  # POST only: a link cannot sign anyone out
    # The second step of signing in and signing in with a passkey: without a first step, or asked
    # for outside the sign-in page's script, they send the visitor to the sign-in page.
    "mfa_authenticate": 302,
    "mfa_login_webauthn": 302,
    # Single sign-on: the address that names a state's provider, the provider's way back (this one
    # names no provider) and the page for a sign-in cancelled there.
    "sign_in_with_provider": 200,
    "openid_connect_callback": 404,
    "socialaccount_login_cancelled": 200,
    # SAML: our metadata, where the provider posts its answer (POST only) and where that is
    # checked, and single logout (not offered); these name no provider.
    "saml_metadata": 404,
    "saml_acs": 405,
    "saml_finish_acs": 404,
    "saml_sls": 404,
    "robots_txt": 200,
    "notifications:unsubscribe": 400,  # the signed link is its own key; this one is not valid
    "notifications:status_link": 404,  # a reminder's status link is its own key; this one names none
    "directory:invitation": 404,  # an invitation's link is its own key; this one names none
    "reports:public_plans": 200,
    "reports:public_adoption": 200,
    "reports:public_plan": 404,  # only a public plan has a public page; this one names no plan
    # A mail provider's webhook, not a page: its own shared secret, and no door at all without one
    # (tests/outbox/test_inbound_webhook.py has its 401, 405 and the rest).
    "outbox:inbound_email": 404,
}
PATHS = access.every_path()


def test_the_open_addresses_are_all_still_there() -> None:
    assert set(OPEN_TO_ANYONE) <= set(PATHS)


@pytest.mark.parametrize("name", sorted(set(PATHS) - set(OPEN_TO_ANYONE)))
def test_a_signed_out_visitor_is_sent_to_sign_in_even_for_something_that_does_not_exist(
    client: Client, name: str
) -> None:
    path = PATHS[name]
    response = client.get(path)
    where = urlsplit(response.get("Location", ""))
    assert response.status_code == 302, f"{path}: got {response.status_code}"
    assert where.path == "/sign-in/"
    assert parse_qs(where.query)["next"] == [path]


@pytest.mark.parametrize(("name", "status"), sorted(OPEN_TO_ANYONE.items()))
def test_the_open_addresses_answer_a_signed_out_visitor(client: Client, name: str, status: int) -> None:
    assert client.get(PATHS[name]).status_code == status
