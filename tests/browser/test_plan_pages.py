"""Plan pages in a real browser: starting a plan, the dashboard, item lists with filters (with and
without htmx), My updates, sharing and turnover; every page accessible and valid."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan import services
from actionplan.models import Item, Plan, Status
from directory.models import Membership
from directory.models import User as UserModel
from tests import factories
from tests.browser.helpers import CheckPage, login

Role = Membership.Role


@pytest.fixture
def idaho_people(transactional_db: None) -> dict[str, UserModel]:
    """Idaho's CIO (Dana Whitfield) and CPO (Marcus Oyelaran), by role."""
    factories.load_reference()
    return factories.idaho_people("cio", "cpo")


@pytest.fixture
def plan(idaho_people: dict[str, UserModel]) -> Plan:
    """Idaho's FY2027 plan adopted from the framework, one item with both offices' updates, another
    signed by the CIO's office."""
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


def test_a_cio_starts_a_plan_and_lands_on_its_dashboard(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho_people: dict
) -> None:
    login(page, live_server, idaho_people["cio"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/")
    expect(page.get_by_text("Your state has no plan yet")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Start a plan").click()
    check_page(page)
    page.get_by_label("Fiscal year").fill("2027")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Idaho action plan, FY2027")
    expect(page.get_by_role("status")).to_contain_text("with 21 items")
    check_page(page)


def test_the_dashboard_shows_the_four_dimensions_and_recent_activity(
    page: Page, live_server: LiveServer, check_page: CheckPage, plan: Plan, idaho_people: dict
) -> None:
    login(page, live_server, idaho_people["cpo"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    for name in [
        "Governance and organizational structure",
        "Teaming and roles",
        "Interactions and processes",
        "Budgeting and forecasting",
    ]:
        expect(page.get_by_role("heading", level=3, name=name)).to_be_visible()
    expect(page.get_by_text("awaiting your sign-off").first).to_be_visible()
    expect(page.get_by_role("heading", name="Recent activity")).to_be_visible()
    check_page(page)


def test_filtering_the_item_list_works_with_htmx_and_without_javascript(
    page: Page, live_server: LiveServer, check_page: CheckPage, plan: Plan, idaho_people: dict
) -> None:
    login(page, live_server, idaho_people["cio"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{plan.pk}/items/")
    expect(page.get_by_role("status").filter(has_text="items")).to_have_text("21 items")
    check_page(page)
    # With htmx: ticking a status replaces the results in place and updates the address.
    page.locator("label.usa-checkbox__label", has_text="At risk").click()  # USWDS draws the box on the label
    expect(page.locator("#results [role=status]")).to_have_text("1 item")
    expect(page.locator("#results")).to_contain_text("Meet on a fixed rhythm")
    expect(page.locator("#results")).to_contain_text("Sides disagree")
    assert "status=at_risk" in page.url
    check_page(page)
    # Without JavaScript: the same form is an ordinary GET.
    context = page.context.browser.new_context(java_script_enabled=False, storage_state=page.context.storage_state())
    plain = context.new_page()
    plain.goto(f"{live_server.url}/plans/{plan.pk}/items/")
    plain.get_by_label("Search titles and descriptions").fill("forecast")
    plain.get_by_role("button", name="Apply filters").click()
    expect(plain.locator("#results [role=status]")).to_have_text("1 item")
    context.close()


def test_my_updates_shows_what_is_owed_with_empty_sections_explained(
    page: Page, live_server: LiveServer, check_page: CheckPage, plan: Plan, idaho_people: dict
) -> None:
    Item.objects.filter(plan=plan, framework_item__code="B2").update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    login(page, live_server, idaho_people["cpo"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/my-updates/")
    expect(page.get_by_role("heading", name="Overdue")).to_be_visible()
    expect(page.get_by_role("heading", name="Awaiting your sign-off")).to_be_visible()
    awaiting = page.get_by_role("region", name="Awaiting your sign-off")
    expect(awaiting.get_by_role("link", name="Name a point of contact in each office")).to_be_visible()
    check_page(page)


def test_sharing_and_owner_pages_are_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage, plan: Plan, idaho_people: dict
) -> None:
    Membership.objects.filter(user=idaho_people["cio"]).update(ended_on=datetime.date(2026, 1, 31))
    factories.make_member("ID", Role.CIO, full_name="New Cio", started_on=datetime.date(2026, 2, 1))
    login(page, live_server, idaho_people["cpo"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{plan.pk}/sharing/")
    check_page(page)
    page.goto(f"{live_server.url}/plans/{plan.pk}/owners/")
    page.get_by_label("New owner").select_option(label="New Cio")
    page.get_by_role("button", name="Move 17 items").click()
    expect(page.get_by_role("status")).to_contain_text("17 items moved from Dana Whitfield to New Cio")
    check_page(page)
