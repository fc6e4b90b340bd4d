"""The national quarterly report in a real browser: reached from the national dashboard, accessible
and valid on screen and in print preview, its quarter chosen from the keyboard, and a quarter it
does not offer shown back with its error. Idaho's private plan is counted, never named."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import Sharing, Status
from tests import factories
from tests.browser.helpers import CheckPage, PageWatch, login

STAFF = "morgan@nascio.example"


@pytest.fixture
def country(transactional_db: None) -> None:
    """Idaho's plan is private, Maine's shared with peers; both came to a roundtable in Q3 2026 and
    have adopted a recommendation."""
    factories.load_reference()
    factories.make_staff("NASCIO", full_name="Morgan Lee", email=STAFF)
    recommendation = factories.make_recommendations(1)[0]
    for code, sharing in (("ID", Sharing.PRIVATE), ("ME", Sharing.PEERS)):
        plan = factories.make_plan(code, sharing=sharing)
        factories.make_item(plan, title="Meet on a fixed rhythm", status=Status.DONE, progress=100)
        factories.make_item(plan, title="Name both liaisons", status=Status.ON_TRACK, progress=40)
        factories.make_adoption(code, recommendation, status="adopted")
    factories.make_event(title="Summer roundtable", day=datetime.date(2026, 8, 20), attended=["ID", "ME"])


def test_the_quarterly_report_is_accessible_on_screen_and_in_print(
    page: Page, live_server: LiveServer, check_page: CheckPage, country: None
) -> None:
    login(page, live_server, STAFF, factories.PASSWORD)
    page.goto(f"{live_server.url}/national/")
    page.get_by_role("link", name="Quarterly report", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("National quarterly report: Q")
    expect(page.get_by_role("navigation", name="Contents")).to_be_visible()
    expect(page.get_by_text("1 state not named (private plans)").first).to_be_visible()
    assert "Idaho" not in page.content()
    check_page(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Show this quarter")).to_be_hidden()
    expect(page.locator(".usa-header")).to_be_hidden()
    check_page(page)


def test_the_quarter_is_chosen_from_the_keyboard_and_a_bad_one_is_shown_back(
    page: Page, live_server: LiveServer, check_page: CheckPage, page_watch: PageWatch, country: None
) -> None:
    login(page, live_server, STAFF, factories.PASSWORD)
    page.goto(f"{live_server.url}/national/quarterly/")
    page.get_by_role("combobox", name="Quarter").focus()
    page.get_by_role("combobox", name="Quarter").select_option("2026-Q3")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show this quarter")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("National quarterly report: Q3 2026")
    expect(page.get_by_role("table").filter(has_text="Summer roundtable")).to_be_visible()
    page_watch.expect_status("/national/quarterly/?quarter=2026-Q5", 400)
    page.goto(f"{live_server.url}/national/quarterly/?quarter=2026-Q5")
    expect(page.get_by_text("is not a quarter this report covers")).not_to_have_count(0)
    check_page(page)
