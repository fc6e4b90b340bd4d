"""The state report and the CIO–CPO meeting one-pager in a real browser: both accessible and valid
on screen and in print preview, the report's period chosen from the keyboard, and a period that
ends before it starts shown back with its error."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan import services
from actionplan.models import Item, Plan, Status
from directory.models import User as UserModel
from tests import factories
from tests.browser.helpers import CheckPage, login


@pytest.fixture
def idaho_people(transactional_db: None) -> dict[str, UserModel]:
    factories.load_reference()
    return factories.idaho_people("cio", "cpo")


@pytest.fixture
def plan(idaho_people: dict[str, UserModel]) -> Plan:
    """Idaho's plan adopted from the framework: one item the offices see differently, one signed
    by the CIO's office only."""
    plan = factories.adopt_plan(idaho_people["cio"])
    i1 = Item.objects.get(plan=plan, framework_item__code="I1")
    services.post_update(
        i1, author=idaho_people["cio"], side="cio", status=Status.ON_TRACK, progress=40, narrative="Meeting held."
    )
    services.post_update(
        i1, author=idaho_people["cpo"], side="cpo", status=Status.AT_RISK, progress=20, narrative="Slipping."
    )
    services.sign_off(Item.objects.get(plan=plan, framework_item__code="T1"), by=idaho_people["cio"], side="cio")
    return plan


def test_the_state_report_is_accessible_on_screen_and_in_print(
    page: Page, live_server: LiveServer, check_page: CheckPage, plan: Plan, idaho_people: dict
) -> None:
    login(page, live_server, idaho_people["cpo"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.get_by_role("link", name="Report", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Idaho: FY2027 action plan")
    expect(page.get_by_role("navigation", name="Contents")).to_be_visible()
    check_page(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Show this period")).to_be_hidden()
    expect(page.locator(".usa-header")).to_be_hidden()
    check_page(page)


def _submit_by_keyboard(page: Page, button: str) -> None:
    """From the focused field, Tab (through a date field's month, day and year) to the button, and
    press Enter on it."""
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == button:
            break
    else:
        pytest.fail(f"Tab never reached the {button!r} button")
    page.keyboard.press("Enter")


def test_the_period_is_chosen_from_the_keyboard_and_a_bad_one_is_shown_back(
    page: Page, live_server: LiveServer, check_page: CheckPage, plan: Plan, idaho_people: dict
) -> None:
    login(page, live_server, idaho_people["cio"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{plan.pk}/report/")
    start, end = page.get_by_role("textbox", name="From"), page.get_by_role("textbox", name="To")
    start.fill("2026-12-01")
    end.fill("2026-11-01")
    end.focus()
    _submit_by_keyboard(page, "Show this period")
    expect(page.get_by_text("The period ends before it starts")).to_have_count(2)  # summary and field
    expect(page.get_by_role("textbox", name="From")).to_have_value("2026-12-01")  # what was typed, kept
    expect(page.get_by_role("textbox", name="To")).to_have_value("2026-11-01")
    check_page(page)
    end = page.get_by_role("textbox", name="To")
    end.fill("2026-12-31")
    end.focus()
    _submit_by_keyboard(page, "Show this period")
    expect(page.get_by_test_id("period")).to_contain_text("2026")
    expect(page).to_have_url(f"{live_server.url}/plans/{plan.pk}/report/?start=2026-12-01&end=2026-12-31")
    check_page(page)


def test_the_meeting_one_pager_is_accessible_on_screen_and_in_print(
    page: Page, live_server: LiveServer, check_page: CheckPage, plan: Plan, idaho_people: dict
) -> None:
    login(page, live_server, idaho_people["cio"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.get_by_role("link", name="Meeting one-pager").click()
    expect(page.get_by_role("heading", name="Red and amber items (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Sign-offs waiting (1)")).to_be_visible()
    check_page(page)
    page.emulate_media(media="print")
    expect(page.locator(".usa-header")).to_be_hidden()
    check_page(page)
