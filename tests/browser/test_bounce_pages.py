"""The staff list of addresses that bounce, reached from the national dashboard, in a real browser
and by keyboard alone, and the notice that asks "has X left office?": no axe violation and no Nu
HTML checker error on any of them."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from directory.models import Membership
from notifications import bounces
from notifications.models import AddressBounce
from outbox.models import OutgoingEmail
from tests import factories
from tests.browser.conftest import HtmlChecker
from tests.browser.helpers import CheckPage, login
from tests.browser.test_email_pages import _email_violations
from tests.browser.test_password_pages import tab_to

Role = Membership.Role


def test_staff_read_the_bounce_list_and_resolve_a_row_by_keyboard(
    page: Page, live_server: LiveServer, check_page: CheckPage, browser: Browser, html_checker: HtmlChecker
) -> None:
    staff = factories.make_staff("NASCIO", full_name="Robin Ellery")
    cio = factories.make_member("ID", Role.CIO, email="dana@idaho.example", full_name="Dana Whitfield")
    factories.make_member("ID", Role.CPO, email="marcus@idaho.example", full_name="Marcus Oyelaran")
    factories.make_plan("ID")
    flag = AddressBounce.objects.create(
        user=cio, address=cio.email, reason="550 5.1.1 <dana@idaho.example>: Recipient address rejected: User unknown"
    )
    assert bounces.tell_about(flag) == 2
    notice = OutgoingEmail.objects.get(kind=OutgoingEmail.Kind.BOUNCE, recipient=staff)

    login(page, live_server, staff.email, factories.PASSWORD)
    page.goto(f"{live_server.url}{reverse('reports:national')}")
    check_page(page)
    tab_to(page, "Mail to 1 address bounces")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")

    expect(page.get_by_role("heading", level=1)).to_have_text("Addresses that bounce")
    row = page.get_by_role("row", name="Dana Whitfield")
    expect(row).to_contain_text("Idaho: Chief Information Officer")
    expect(row).to_contain_text("Recipient address rejected")
    check_page(page)

    tab_to(page, "Mark resolved: mail to dana@idaho.example")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    expect(page.get_by_role("status")).to_contain_text("Mail to dana@idaho.example is marked resolved.")
    expect(page.get_by_text("No address bounces at the moment.")).to_be_visible()
    check_page(page)

    assert html_checker.errors(notice.body_html) == []
    violations = _email_violations(browser, notice.body_html)
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in violations]
