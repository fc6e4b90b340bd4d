"""The sign-in audit's two pages in a real browser: a person's own recent sign-ins, reached from the
header by keyboard, and staff's page of every event, filtered from the keyboard; both with zero
axe and Nu errors."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from directory import audit
from directory.models import SignInEvent
from tests import factories
from tests.browser.helpers import CheckPage, login
from tests.browser.test_trends_pages import _tab_to


def test_staff_read_their_own_sign_ins_and_filter_everyones_by_keyboard(
    page: Page, live_server: LiveServer, check_page: CheckPage
) -> None:
    staff = factories.make_staff("NASCIO", email="morgan@nascio.example", full_name="Morgan Analyst")
    dana = factories.make_member("ID", email="cio@id.example", full_name="Dana Whitfield")
    audit.record(SignInEvent.Kind.SIGN_IN_FAILED, email="stranger@nowhere.example")
    audit.record(SignInEvent.Kind.ROLE_GRANTED, user=dana, actor=staff, jurisdiction="ID", role="cio")
    login(page, live_server, staff.email, factories.PASSWORD)

    _tab_to(page, "Recent sign-ins")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recent sign-ins")
    expect(page.get_by_role("table", name="Your recent sign-ins")).to_contain_text("Signed in")
    check_page(page)

    page.goto(f"{live_server.url}/sign-in-events/")
    page.get_by_label("Email address contains").focus()
    page.keyboard.type("nowhere")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    table = page.get_by_role("table", name="Sign-in events")
    expect(table).to_contain_text("stranger@nowhere.example")
    expect(table).to_contain_text("No account has this address")
    expect(table).not_to_contain_text("Dana Whitfield")
    check_page(page)
