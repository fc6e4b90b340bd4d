"""Two-factor sign-in in a real browser (issue 15, item 3), every page checked by axe-core and the
Nu HTML checker: staff set up an authenticator app and sign in with its code; a passkey made by
Chromium's virtual authenticator signs someone in on its own. Two journeys, to keep the suite short."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from directory.models import Membership, SignInEvent
from tests import factories
from tests.browser.helpers import SIGN_IN_PATH, CheckPage, login


def type_code(page: Page, secret: str) -> None:
    """Type the code an authenticator app shows now (allauth's TOTP arithmetic), not in the last
    seconds of its 30: the server would already want the next one."""
    if 30 - time.time() % 30 < 3:
        page.wait_for_timeout(3_000)
    page.locator("#id_code").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Joint Plan")


def test_staff_set_up_an_authenticator_app_then_sign_in_with_its_code(
    page: Page, live_server: LiveServer, check_page: CheckPage, settings: Settings
) -> None:
    settings.MFA_REQUIRED_FOR_STAFF = True
    staff = factories.make_staff("NASPO", full_name="Nora Staff")

    # Signing in sends staff without a second factor to set one up.
    login(page, live_server, staff.email, factories.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication")
    expect(page.get_by_text("Association staff must protect their account")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Set up an authenticator app").click()

    # allauth asks for the password again before a change to how someone signs in.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    check_page(page)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    # The QR code, and the key written out, which an app takes as well.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    check_page(page)
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    type_code(page, secret)
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    check_page(page)
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    page.get_by_role("link", name="I have saved them: go on").click()
    page.wait_for_url(f"{live_server.url}/")

    sign_out(page)
    page.locator("#id_login").fill(staff.email)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Second step of signing in")
    check_page(page)
    type_code(page, secret)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")
    assert SignInEvent.objects.filter(user=staff, kind=SignInEvent.Kind.MFA_ENROLLED).exists()


def test_a_passkey_added_with_a_virtual_authenticator_signs_in_on_its_own(
    page: Page, live_server: LiveServer, check_page: CheckPage, settings: Settings
) -> None:
    # The browser's address is http://localhost:<port>, the one plain-http origin passkeys allow.
    settings.MFA_WEBAUTHN_RP_ID = "localhost"
    cio = factories.make_member("ID", Membership.Role.CIO, full_name="Avery Quinn")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    login(page, live_server, cio.email, factories.PASSWORD)
    page.get_by_role("link", name="Two-factor authentication").click()
    page.get_by_role("link", name="Add a passkey").click()
    page.locator("#id_password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add a passkey")
    check_page(page)
    page.locator("#id_name").fill("Work laptop")
    expect(page.locator("#id_passwordless")).to_be_checked()  # a passkey signs in on its own
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    passkey = Authenticator.objects.get(user=cio, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless

    page.goto(f"{live_server.url}/account/two-factor/webauthn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Passkeys")
    check_page(page)

    sign_out(page)
    assert page.url.endswith(SIGN_IN_PATH)
    check_page(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_test_id("viewer")).to_contain_text("Avery Quinn")
