"""Resetting and changing a password in a real browser, by keyboard alone: every page of it has no
accessibility or HTML errors. One journey, to keep the browser suite short."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from directory.models import Membership
from outbox.models import OutgoingEmail
from tests import factories
from tests.browser.conftest import HtmlChecker
from tests.browser.helpers import SIGN_IN_PATH, CheckPage
from tests.browser.test_email_pages import _email_violations

NEW_PASSWORD = "plenty-of-new-words-here"
NEWER_PASSWORD = "and-then-some-more-words"


def tab_to(page: Page, name: str, *, limit: int = 40) -> None:
    """Press Tab until the link or button called `name` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name!r} was not reached in {limit} presses of Tab")


def test_reset_then_change_a_password_by_keyboard_on_pages_and_emails_without_errors(
    page: Page, live_server: LiveServer, check_page: CheckPage, browser: Browser, html_checker: HtmlChecker
) -> None:
    cio = factories.make_member("ID", Membership.Role.CIO, full_name="Avery Quinn")
    page.goto(f"{live_server.url}{SIGN_IN_PATH}")
    check_page(page)

    # Sign-in -> "Forgot your password?" -> the reset page, whose email field has the cursor.
    tab_to(page, "Forgot your password?")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    check_page(page)
    expect(page.locator("#id_email")).to_be_focused()
    page.keyboard.type(cio.email)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page)

    # The link in the email (queued in the outbox) -> choose a new password.
    body = OutgoingEmail.objects.get(recipient=cio).body_text
    link = re.search(r"/account/password/reset/key/\S+/", body)
    assert link is not None, body
    page.goto(f"{live_server.url}{link.group(0)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    check_page(page)
    expect(page.locator("#id_password1")).to_be_focused()
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is changed")
    check_page(page)

    # Sign in with it, then change it from the header.
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Joint Plan")
    page.keyboard.type(cio.email)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    tab_to(page, "Change password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    check_page(page)
    page.keyboard.type(NEW_PASSWORD)
    for password in (NEWER_PASSWORD, NEWER_PASSWORD):
        page.keyboard.press("Tab")
        page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")
    check_page(page)
    cio.refresh_from_db()
    assert cio.check_password(NEWER_PASSWORD)

    # The emails on the way (the link, then a notice for the reset and one for the change).
    sent = OutgoingEmail.objects.filter(recipient=cio)
    assert sent.count() == 3
    for email in sent:
        assert html_checker.errors(email.body_html) == [], email.subject
        assert _email_violations(browser, email.body_html) == [], email.subject
