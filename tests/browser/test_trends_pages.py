"""The trends pages in a real browser: staff reach the national trends and a state's from the
keyboard alone, a CIO reaches the state's from the plan's dashboard, both work without JavaScript,
and the charts stay readable in forced colours (Windows high contrast) and on paper; every page
valid and free of WCAG 2.1 A/AA violations axe can find."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import Plan, Sharing
from directory.models import Membership
from reports import snapshots
from tests import factories
from tests.browser.helpers import CheckPage, login

Role = Membership.Role


@pytest.fixture
def country(transactional_db: None) -> dict[str, Plan]:
    """Idaho's and Maine's FY2027 plans with eight recorded weeks (one missed), Utah's with none
    yet; Idaho's CIO, Utah's CIO and NASCIO staff."""
    factories.load_reference()
    factories.idaho_people("cio")
    factories.make_member("UT", Role.CIO, email="cio@ut.example", full_name="Lee Anderson")
    factories.make_staff("NASCIO", full_name="Morgan Lee", email="morgan@nascio.example")
    monday = snapshots.week_starts_on(datetime.datetime.now(datetime.UTC))
    plans = {
        "ID": factories.make_plan("ID"),
        "ME": factories.make_plan("ME", sharing=Sharing.PEERS),
        "UT": factories.make_plan("UT"),
    }
    for n in range(8):
        if n == 3:
            continue  # the week beat was down: a gap, not a made-up figure
        week = monday - datetime.timedelta(weeks=7 - n)
        factories.make_snapshot(
            plans["ID"], week, items=20, done=2 + n, progress=20 + 5 * n, cio_fresh=14, cio_late=4 - n // 2
        )
        factories.make_snapshot(
            plans["ME"], week, items=10, done=n, progress=10 + 8 * n, cpo_fresh=5, cpo_never=5 - n // 2
        )
    return plans


def _tab_to(page: Page, name: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element is the link or button named `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement && document.activeElement.textContent.trim()")
        if focused == name:
            return
    raise AssertionError(f"{name!r} was not reached with Tab")


def test_staff_reach_the_national_trends_and_a_states_from_the_keyboard(
    page: Page, live_server: LiveServer, check_page: CheckPage, country: dict[str, Plan]
) -> None:
    login(page, live_server, "morgan@nascio.example", factories.PASSWORD)
    _tab_to(page, "Trends")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trends across the country")
    expect(page.get_by_role("img", name="Share of items done and average progress")).to_be_visible()
    expect(page.get_by_text("The national share of items done rose from 7% to 53% over 7 weeks")).to_be_visible()
    expect(page.locator("figure.jp-chart")).to_have_count(4)
    expect(
        page.get_by_role("table", name=re.compile("Share of items done and average progress: the figures"))
    ).to_be_visible()
    check_page(page)

    # The period: a select and a button, from the keyboard.
    page.get_by_label("Period", exact=True).focus()
    page.keyboard.press("ArrowUp")  # from "26 weeks" to "13 weeks"
    _tab_to(page, "Show")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?weeks=13$"))
    expect(page.get_by_label("Period", exact=True)).to_have_value("13")
    check_page(page)

    _tab_to(page, "Idaho")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Idaho: trends")
    expect(page.get_by_text("Idaho’s share of items done rose from 10% to 45% over 7 weeks")).to_be_visible()
    check_page(page)


def test_a_cio_opens_the_states_trends_from_the_plan_dashboard(
    page: Page, live_server: LiveServer, check_page: CheckPage, country: dict[str, Plan]
) -> None:
    login(page, live_server, "cio@id.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{country['ID'].pk}/")
    page.get_by_role("link", name="Trends over time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Idaho: trends")
    expect(page.locator("svg.jp-chart__svg")).to_have_count(3)
    check_page(page)


def test_a_state_with_no_snapshot_yet_says_what_comes_next(
    page: Page, live_server: LiveServer, check_page: CheckPage, country: dict[str, Plan]
) -> None:
    login(page, live_server, "cio@ut.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/trends/UT/")
    expect(page.get_by_role("heading", name="No weekly snapshot of Utah FY2027 in this period")).to_be_visible()
    check_page(page)


def test_the_trends_pages_are_complete_without_javascript(
    browser: Browser, page: Page, live_server: LiveServer, country: dict[str, Plan]
) -> None:
    login(page, live_server, "morgan@nascio.example", factories.PASSWORD)
    context = browser.new_context(java_script_enabled=False, storage_state=page.context.storage_state())
    try:
        plain = context.new_page()
        plain.goto(f"{live_server.url}/trends/")
        expect(plain.locator("svg.jp-chart__svg")).to_have_count(4)
        plain.get_by_label("Period", exact=True).select_option("all")
        plain.get_by_role("button", name="Show").click()
        expect(plain).to_have_url(re.compile(r"\?weeks=all$"))
        plain.get_by_role("link", name="Maine").click()
        expect(plain.get_by_role("heading", level=1)).to_have_text("Maine: trends")
        expect(plain.get_by_role("table")).to_have_count(3)
    finally:
        context.close()


def test_the_charts_stay_readable_in_forced_colours_and_on_paper(
    page: Page, live_server: LiveServer, country: dict[str, Plan]
) -> None:
    login(page, live_server, "cio@id.example", factories.PASSWORD)
    page.goto(f"{live_server.url}/trends/ID/")
    line = page.locator(".jp-chart__series--2 .jp-chart__line").first
    text_colour = "() => getComputedStyle(document.body).color"

    page.emulate_media(forced_colors="active")
    # Every line in the system's text colour, still told apart by its dash pattern.
    assert line.evaluate("el => getComputedStyle(el).stroke") == page.evaluate(text_colour)
    assert line.evaluate("el => getComputedStyle(el).strokeDasharray") not in ("", "none")

    page.emulate_media(forced_colors="none", media="print")
    expect(page.locator(".usa-header")).to_be_hidden()
    expect(page.locator("#chart-progress svg")).to_be_visible()
    expect(page.locator("#chart-progress table")).to_be_visible()
    assert line.evaluate("el => getComputedStyle(el).stroke") == "rgb(0, 0, 0)"
