"""Single sign-on through a state's SAML provider in a real browser, by keyboard alone: the
sign-in page sends the address to the provider with an AuthnRequest, and the provider's page posts
its signed answer back to our ACS from another site, as SAML's HTTP-POST binding does. That
cross-site POST carries no session cookie (SameSite=Lax), so this is where allauth's hand-over
from the ACS to the page that checks the answer is proven. The provider's page is served by the
small web server of the test's own, with tests/saml_idp.py signing the answer for the request it got."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from directory.models import Membership, SignInEvent
from tests import factories
from tests.browser.helpers import SIGN_IN_PATH, CheckPage
from tests.saml_idp import TestIdentityProvider, request_id_in, set_up_idaho


class ProviderSite(ThreadingHTTPServer):
    """The provider's single sign-on page on a port of its own (another site than ours): whoever
    `signed_in` names has signed in there, and it answers the AuthnRequest in the address with a
    form that posts its signed answer to our ACS."""

    def __init__(self, idp: TestIdentityProvider, site: str) -> None:
        super().__init__(("127.0.0.1", 0), ProviderPage)
        self.idp, self.site, self.signed_in = idp, site, ""
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class ProviderPage(BaseHTTPRequestHandler):
    server: ProviderSite

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if urlsplit(self.path).path != "/saml/sso":
            self.send_error(404)
            return
        site = self.server.site
        answer = self.server.idp.answer(request_id_in(self.path), self.server.signed_in, site=site)
        body = (
            '<!DOCTYPE html><html lang="en"><head><title>Idaho sign-in</title></head><body>'
            f'<form method="post" action="{site}/sign-in/saml/idaho/acs/">'
            f'<input type="hidden" name="SAMLResponse" value="{html.escape(answer)}">'
            "<button>Continue to Joint Plan</button></form></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def provider(live_server: LiveServer) -> Iterator[ProviderSite]:
    with ProviderSite(TestIdentityProvider(), live_server.url) as server:
        server.idp.sso_url = f"{server.url}/saml/sso"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server
        server.shutdown()
        thread.join()


def through_the_provider(page: Page, live_server: LiveServer, provider: ProviderSite, email: str) -> None:
    """From the sign-in page: the address in the provider's form, Enter, and at the provider (where
    `email` has signed in) the one button that posts its answer back, by keyboard."""
    provider.signed_in = email
    page.goto(f"{live_server.url}{SIGN_IN_PATH}")
    page.locator("#sso_email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.startswith(provider.url))
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Continue to Joint Plan")).to_be_focused()
    page.keyboard.press("Enter")
    # Our ACS hands over to the page that checks the answer, which refuses it or signs in.
    page.wait_for_url(lambda url: url.startswith(live_server.url) and not url.endswith("/acs/"))
    page.wait_for_load_state("load")


def test_a_member_signs_in_through_the_states_saml_provider_and_a_stranger_is_refused(
    page: Page, live_server: LiveServer, check_page: CheckPage, provider: ProviderSite
) -> None:
    set_up_idaho(provider.idp)
    cio = factories.make_member("ID", Membership.Role.CIO, email="cio@idaho.gov", full_name="Avery Quinn")

    # The provider vouches for an Idaho address nobody here invited: refused, no account made.
    through_the_provider(page, live_server, provider, "stranger@idaho.gov")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not signed in")
    expect(page.locator("main")).to_contain_text(
        "There is no Joint Plan account or invitation for stranger@idaho.gov in Idaho"
    )
    check_page(page)

    # Idaho's CIO comes back signed in, and linked.
    through_the_provider(page, live_server, provider, "cio@idaho.gov")
    assert urlsplit(page.url).path == "/"
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert SocialAccount.objects.get().user == cio
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SSO_LINKED, user=cio).exists()
