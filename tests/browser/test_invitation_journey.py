"""Staff invite Maine's new CPO on Maine's people page; the email's link leads to a page where
they set their name, zone and password, and they land signed in with Maine's role. Every page and
the email without accessibility or HTML errors. One journey, to keep the browser suite short."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from directory.models import Membership
from outbox.models import OutgoingEmail
from tests import factories
from tests.browser.conftest import HtmlChecker
from tests.browser.helpers import CheckPage, login, sign_out
from tests.browser.test_email_pages import _email_violations

NEW_PASSWORD = "maine-procurement-at-last"


def test_staff_invite_maines_new_cpo_who_accepts_and_lands_signed_in(
    page: Page, live_server: LiveServer, check_page: CheckPage, browser: Browser, html_checker: HtmlChecker
) -> None:
    staff = factories.make_staff("NASPO", email="staff@naspo.example", full_name="Nora Staff")
    factories.make_member("ME", Membership.Role.CIO, full_name="Morgan Cio")
    login(page, live_server, staff.email, factories.PASSWORD)

    # From the home page's roster to Maine's people page, then the invite form by keyboard.
    page.get_by_role("link", name="Maine: people and invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People of Maine")
    check_page(page)
    page.locator("#id_email").focus()
    page.keyboard.type("new.cpo@me.example")
    page.keyboard.press("Tab")
    page.locator("#id_role").select_option("cpo")
    page.get_by_role("button", name="Send the invitation").focus()  # past the date's three segments
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("is on its way to new.cpo@me.example")
    expect(page.get_by_test_id("pending")).to_contain_text("Chief Procurement Officer")
    check_page(page)
    sign_out(page)

    # The email in the outbox: who, what, where, the link and until when.
    email = OutgoingEmail.objects.get(to_address="new.cpo@me.example")
    assert "Nora Staff invites you" in email.body_text and "Maine" in email.subject
    assert html_checker.errors(email.body_html) == []
    assert _email_violations(browser, email.body_html) == []
    link = re.search(r"/invitation/[^/\s]+/", email.body_text)
    assert link is not None, email.body_text

    page.goto(f"{live_server.url}{link.group(0)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Maine on Joint Plan")
    check_page(page)
    expect(page.locator("#id_full_name")).to_be_focused()
    page.keyboard.type("Casey Morgan")
    page.keyboard.press("Tab")
    page.locator("#id_tz").select_option("America/New_York")
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_contain_text("you are Chief Procurement Officer of Maine")
    expect(page.get_by_role("heading", name="Maine", level=2)).to_be_visible()
    expect(page.get_by_text("Your role in Maine: Chief Procurement Officer.")).to_be_visible()
    check_page(page)
