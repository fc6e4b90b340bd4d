"""Single sign-on in a real browser, by keyboard alone, against the real test OpenID Connect
provider (tests/oidc_provider, a process of its own): an address nobody invited is refused, a
member signs in and is linked. Every page of ours on the way has no accessibility or HTML errors,
under the site's real CSP (a form that leads to the provider must be allowed to)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from directory.models import Membership
from tests import factories
from tests.browser.helpers import SIGN_IN_PATH, CheckPage
from tests.oidc_provider.process import OIDCProvider, Person
from tests.oidc_provider.site import CALLBACK_PATH, set_up_idaho

PASSWORD = "state-directory-password"  # noqa: S105 (the test provider's users)


@pytest.fixture
def provider(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OIDCProvider]:
    people = [Person("cio@idaho.gov", PASSWORD), Person("stranger@idaho.gov", PASSWORD)]
    with OIDCProvider(tmp_path_factory.mktemp("idp"), people, redirect_uri=f"{live_server.url}{CALLBACK_PATH}") as idp:
        yield idp


def through_the_provider(page: Page, live_server: LiveServer, email: str) -> None:
    """From the sign-in page: type the address in the provider's form, Enter, then sign in at the
    provider as that address, by keyboard."""
    page.goto(f"{live_server.url}{SIGN_IN_PATH}")
    page.locator("#sso_email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == "/login/")  # the provider's own page
    page.locator("#id_username").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.startswith(live_server.url))
    page.wait_for_load_state("load")


def test_a_member_signs_in_through_the_state_provider_and_a_stranger_is_refused(
    page: Page, live_server: LiveServer, check_page: CheckPage, provider: OIDCProvider
) -> None:
    set_up_idaho(provider)
    cio = factories.make_member("ID", Membership.Role.CIO, email="cio@idaho.gov", full_name="Avery Quinn")

    page.goto(f"{live_server.url}{SIGN_IN_PATH}")
    expect(page.get_by_role("heading", level=2, name="Or sign in with your state's identity provider")).to_be_visible()
    check_page(page)

    # An address no provider covers: told so on the provider's own page, nothing sent anywhere.
    page.locator("#sso_email").focus()
    page.keyboard.type("someone@maine.gov")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.locator("[data-error-summary]")).to_contain_text("No state's identity provider signs in")
    check_page(page)

    # The provider vouches for an Idaho address nobody here invited: refused, no account made.
    through_the_provider(page, live_server, "stranger@idaho.gov")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not signed in")
    expect(page.locator("main")).to_contain_text(
        "There is no Joint Plan account or invitation for stranger@idaho.gov in Idaho"
    )
    check_page(page)

    # An answer from the provider that does not match a sign-in begun here, and the page for one
    # cancelled there.
    page.goto(f"{live_server.url}{CALLBACK_PATH}?code=forged&state=not-ours")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your state's sign-in did not work")
    check_page(page)
    page.goto(f"{live_server.url}/sign-in/cancelled/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in cancelled")
    check_page(page)

    # Idaho's CIO, signed in at the provider (its session forgotten first), comes back signed in.
    page.context.clear_cookies()
    through_the_provider(page, live_server, "cio@idaho.gov")
    assert urlsplit(page.url).path == "/"
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert SocialAccount.objects.get().user == cio
