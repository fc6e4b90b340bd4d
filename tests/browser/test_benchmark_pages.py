"""Peer benchmarks in a real browser: a plan's dashboard with the comparison hidden (fewer than five
states share) and shown, and staff's named comparison; every page accessible and valid."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import Plan, Sharing, Status
from directory.models import Membership
from directory.models import User as UserModel
from library.models import Dimension
from tests import factories
from tests.browser.helpers import CheckPage, login

Role = Membership.Role
PEERS = ["ME", "NC", "WA", "OR", "CA", "TX", "NY"]


@pytest.fixture
def author(transactional_db: None) -> UserModel:
    factories.load_reference()
    return factories.make_user(email="author@example.org")


def state(code: str, author: UserModel, *, sharing: str = Sharing.PEERS, done: int = 2) -> Plan:
    """`code`'s plan with five items in each dimension, `done` of each five done."""
    plan = factories.make_plan(code, sharing=sharing)
    for dimension in Dimension.objects.all():
        for n in range(5):
            factories.make_item(
                plan,
                dimension=dimension,
                created_by=author,
                status=Status.DONE if n < done else Status.ON_TRACK,
                progress=100 if n < done else 10 * (n + done),
            )
    return plan


def test_a_state_below_the_threshold_sees_why_and_where_to_share(
    page: Page, live_server: LiveServer, check_page: CheckPage, author: UserModel
) -> None:
    idaho = state("ID", author, sharing=Sharing.PRIVATE)
    for code in PEERS[:4]:
        state(code, author)
    cio = factories.make_member("ID", Role.CIO)
    login(page, live_server, cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{idaho.pk}/")
    expect(page.get_by_role("heading", name="Peer comparison is hidden for now")).to_be_visible()
    expect(page.get_by_text("share their plans with peers; 4 do today")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="change who can read this plan").click()
    expect(page).to_have_url(f"{live_server.url}/plans/{idaho.pk}/sharing/")


def test_the_dashboard_shows_the_plan_beside_its_peers(
    page: Page, live_server: LiveServer, check_page: CheckPage, author: UserModel
) -> None:
    idaho = state("ID", author, done=1)
    for n, code in enumerate(PEERS):
        state(code, author, done=n % 3 + 1)  # spread, so that some figures are withheld
    cpo = factories.make_member("ID", Role.CPO)
    login(page, live_server, cpo.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{idaho.pk}/")
    section = page.get_by_role("region", name="Among its peers")
    expect(section.get_by_role("table", name="Governance and organizational structure")).to_be_visible()
    expect(section.get_by_role("columnheader", name="Peers: median").first).to_be_visible()
    expect(section.get_by_text("Idaho has 20% of its items done")).to_have_count(4)
    check_page(page)


def test_staff_follow_the_dashboard_to_the_named_comparison(
    page: Page, live_server: LiveServer, check_page: CheckPage, author: UserModel
) -> None:
    idaho = state("ID", author, sharing=Sharing.PRIVATE)
    for code in PEERS[:5]:
        state(code, author)
    staff = factories.make_staff("NASCIO")
    login(page, live_server, staff.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/plans/{idaho.pk}/")
    check_page(page)
    page.get_by_role("link", name="Named comparison of every state (staff)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Peer comparison by name: Governance and organizational structure"
    )
    expect(page.get_by_role("rowheader", name="Idaho")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Budgeting and forecasting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Peer comparison by name: Budgeting and forecasting")
    check_page(page)
