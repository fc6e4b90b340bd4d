"""Item tables on a phone and on a desktop: below tablet width each row is a card that keeps its
title, status and due date in view; at 1280 px the table fits the page. Nothing scrolls sideways,
and every page stays accessible and valid at both widths."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from actionplan import services
from actionplan.models import Item, Plan, Status
from directory.models import User
from tests import factories
from tests.browser.helpers import DESKTOP, PHONE, TABLET, CheckPage, assert_fits, login


@pytest.fixture
def idaho_plan(transactional_db: None) -> tuple[Plan, dict[str, User]]:
    """Idaho's plan as the demo has it: 21 adopted items, one with a long title, two overdue, one
    signed by the CIO's office (so awaiting the CPO), one with both offices' updates."""
    factories.load_reference()
    people = factories.idaho_people("cio", "cpo")
    plan = factories.adopt_plan(people["cio"])
    today = timezone.localdate()
    i1 = Item.objects.get(plan=plan, framework_item__code="I1")
    services.post_update(
        i1, author=people["cio"], side="cio", status=Status.ON_TRACK, progress=40, narrative="Meeting held."
    )
    services.post_update(
        i1, author=people["cpo"], side="cpo", status=Status.AT_RISK, progress=20, narrative="Slipping."
    )
    services.sign_off(Item.objects.get(plan=plan, framework_item__code="T1"), by=people["cio"], side="cio")
    Item.objects.filter(plan=plan, framework_item__code__in=["B2", "G3"]).update(
        due_on=today - datetime.timedelta(days=3)
    )
    Item.objects.filter(plan=plan, framework_item__code="G1").update(
        title="Sign a joint CIO–CPO charter or memorandum of understanding for IT procurement, "
        "covering delegations, approval thresholds and the enterprise architecture review board"
    )
    return plan, people


def _assert_rows_fit(page: Page) -> int:
    """The item table's rows: each keeps its due date and status in view."""
    cells = {"due date": "[data-label][data-cell='due']", "status": "[data-label][data-cell='status'] .jp-status"}
    return assert_fits(page, "table.jp-items tbody tr", cells)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_the_plan_item_list_keeps_status_and_due_in_view(
    page: Page,
    live_server: LiveServer,
    check_page: CheckPage,
    idaho_plan: tuple[Plan, dict[str, User]],
    viewport: ViewportSize,
) -> None:
    plan, people = idaho_plan
    page.set_viewport_size(viewport)
    login(page, live_server, people["cpo"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{plan.pk}/items/")
    assert _assert_rows_fit(page) >= 20
    check_page(page)
    # A dimension's own list (no dimension under each title) fits the same way.
    page.get_by_role("link", name="Governance and organizational structure").first.click()
    page.wait_for_load_state("load")
    assert _assert_rows_fit(page) >= 1
    check_page(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_my_updates_keeps_status_and_due_in_view(
    page: Page,
    live_server: LiveServer,
    check_page: CheckPage,
    idaho_plan: tuple[Plan, dict[str, User]],
    viewport: ViewportSize,
) -> None:
    _, people = idaho_plan
    page.set_viewport_size(viewport)
    login(page, live_server, people["cpo"].email, factories.PASSWORD)
    page.goto(f"{live_server.url}/my-updates/")
    # My updates lists each item with its status tag and, on the line below, its due date.
    cells = {"status": ".jp-status", "due date": "p:has-text('due ')"}
    assert assert_fits(page, "li.jp-inbox__entry:has(.jp-status)", cells) >= 3
    check_page(page)


@pytest.mark.parametrize("viewport", [PHONE, TABLET, DESKTOP], ids=["390px", "768px", "1280px"])
def test_a_state_officials_other_pages_do_not_scroll_sideways(
    page: Page, live_server: LiveServer, idaho_plan: tuple[Plan, dict[str, User]], viewport: ViewportSize
) -> None:
    plan, people = idaho_plan
    item = Item.objects.get(plan=plan, framework_item__code="I1")
    event = factories.make_event(invited=["ID"])
    recommendation = factories.make_recommendation()
    page.set_viewport_size(viewport)
    login(page, live_server, people["cpo"].email, factories.PASSWORD)
    wide = []
    for path in [
        "/",
        "/plans/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/items/",
        f"/plans/{plan.pk}/sharing/",
        f"/plans/{plan.pk}/owners/",
        f"/items/{item.pk}/",
        f"/items/{item.pk}/update/",
        "/adoption/ID/",
        "/roundtables/",
        f"/roundtables/{event.pk}/",
        "/proposals/",
        "/recommendations/",
        f"/recommendations/{recommendation.pk}/",
    ]:
        page.goto(f"{live_server.url}{path}")
        scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
        if scroll_width > viewport["width"]:
            wide.append(f"{path}: {scroll_width} px")
    assert wide == [], f"pages that scroll sideways at {viewport['width']} px: {wide}"
