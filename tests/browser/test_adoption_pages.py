"""Adoption pages in a real browser: a state's record, the form (its errors shown on the fields with
what was typed kept, with and without JavaScript), staff verification, and the national matrix at
56 columns (filter with htmx and without, scrolled from the keyboard); every page valid and free of
WCAG 2.1 A/AA violations axe can find."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from actionplan import adoption as services
from actionplan.models import Adoption, Item
from directory.models import Jurisdiction, Membership, User
from library.models import Recommendation
from tests import factories
from tests.browser.helpers import CheckPage, login
from tests.factories import make_item, make_plan

Role = Membership.Role


@dataclass
class World:
    cio: User
    staff: User
    item: Item
    recommendations: list[Recommendation]


@pytest.fixture
def world(transactional_db: None, settings: Settings, tmp_path: Path) -> World:
    """The seeded library, Idaho's CIO with a plan item, NASPO staff, and a few Idaho records."""
    settings.MEDIA_ROOT = tmp_path
    factories.load_reference()
    cio = factories.make_member("ID", Role.CIO, full_name="Dana Whitfield")
    staff = factories.make_staff("NASPO", full_name="Alex Rivera")
    item = make_item(make_plan("ID"), title="Name a point of contact in each office")
    recommendations = services.recommendations_in_order()
    idaho = Jurisdiction.objects.get(code="ID")
    services.record_adoption(
        idaho,
        recommendations[0],
        by=cio,
        status=Adoption.Status.ADOPTED,
        note="Our terms now cap liability.",
        evidence_kind=Adoption.EvidenceKind.CONTRACT_CLAUSE,
        evidence_url="https://example.org/demo/id/terms",
        items=[item],
    )
    services.record_adoption(
        idaho, recommendations[1], by=cio, status="exploring", note="", evidence_kind="", evidence_url="", items=[]
    )
    return World(cio=cio, staff=staff, item=item, recommendations=recommendations)


def fill_the_nation(recommendations: list[Recommendation]) -> None:
    """A row for every jurisdiction and recommendation, statuses in turn: national-scale data."""
    statuses = list(Adoption.Status)
    rows = [
        Adoption(
            jurisdiction=j,
            recommendation=r,
            status=statuses[(i + n) % len(statuses)],
            evidence_kind="policy",
            evidence_url="https://example.org/demo/x",
        )
        for i, j in enumerate(Jurisdiction.objects.exclude(code="ID"))
        for n, r in enumerate(recommendations[:-1])
    ]
    Adoption.objects.bulk_create(rows)


def test_a_cio_reads_the_state_record_and_records_a_status_after_fixing_an_error(
    page: Page, live_server: LiveServer, check_page: CheckPage, world: World
) -> None:
    login(page, live_server, world.cio.email, factories.PASSWORD)
    page.get_by_role("link", name="Adoption", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Idaho: adoption of the recommendations")
    counts = page.get_by_role("list", name="Recommendations by status")
    expect(counts).to_contain_text("1 adopted")
    expect(counts).to_contain_text("1 exploring")
    expect(page.get_by_role("link", name="Name a point of contact in each office")).to_be_visible()
    check_page(page)

    target = world.recommendations[5]  # 2017 R1, not recorded yet
    page.locator(f"#rec-{target.pk}").get_by_role("link", name=target.text).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Idaho: {target.label}")
    check_page(page)
    page.locator("label.usa-radio__label", has_text="Adopted").click()
    page.get_by_label("Note").fill("Signed by the governor in March.")
    page.get_by_role("button", name="Save").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("needs evidence")
    expect(summary).to_be_focused()
    expect(page.locator("#id_evidence_url_error")).to_be_visible()
    expect(page.get_by_label("Note")).to_have_value("Signed by the governor in March.")
    expect(page.locator("input[name=status][value=adopted]")).to_be_checked()
    check_page(page)

    page.get_by_label("Kind of evidence").select_option("executive_order")
    page.get_by_label("Evidence link").fill("https://example.org/demo/id/eo-12")
    page.locator("label.usa-checkbox__label", has_text="Name a point of contact").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Idaho's status on “{target.short_text}” ({target.citation}) was saved: Adopted."
    )
    expect(page.locator(f"#rec-{target.pk}")).to_contain_text("Executive order")
    expect(page.get_by_role("list", name="Recommendations by status")).to_contain_text("2 adopted")
    check_page(page)


def test_the_form_works_without_javascript(page: Page, live_server: LiveServer, world: World) -> None:
    login(page, live_server, world.cio.email, factories.PASSWORD)
    context = page.context.browser.new_context(java_script_enabled=False, storage_state=page.context.storage_state())
    context.set_default_timeout(10_000)
    plain = context.new_page()
    target = world.recommendations[6]
    plain.goto(f"{live_server.url}/adoption/ID/{target.pk}/")
    plain.locator("label.usa-radio__label", has_text="In progress").click()
    plain.get_by_label("Evidence link").fill("https://example.org/demo/id/draft-policy")
    plain.get_by_role("button", name="Save").click()
    expect(plain.locator("#id_evidence_kind_error")).to_contain_text("Say what the evidence is")
    expect(plain.get_by_label("Evidence link")).to_have_value("https://example.org/demo/id/draft-policy")
    plain.get_by_label("Kind of evidence").select_option("policy")
    plain.get_by_role("button", name="Save").click()
    expect(plain.get_by_role("heading", level=1)).to_have_text("Idaho: adoption of the recommendations")
    expect(plain.locator(f"#rec-{target.pk}")).to_contain_text("In progress")
    context.close()


def test_staff_verify_evidence_from_the_record_page(
    page: Page, live_server: LiveServer, check_page: CheckPage, world: World
) -> None:
    login(page, live_server, world.staff.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/adoption/id/{world.recommendations[0].pk}/")
    expect(page.get_by_text("You can read Idaho's adoption record")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Mark the evidence verified").click()
    expect(page.get_by_role("status")).to_contain_text("marked verified")
    expect(page.get_by_test_id("verification")).to_contain_text("Verified by Alex Rivera")
    expect(page.locator("section", has=page.locator("#history-heading"))).to_contain_text("verified the evidence")
    check_page(page)


def test_the_national_matrix_at_56_columns_is_accessible_filterable_and_scrolls_from_the_keyboard(
    page: Page, live_server: LiveServer, check_page: CheckPage, world: World
) -> None:
    fill_the_nation(world.recommendations)
    login(page, live_server, world.staff.email, factories.PASSWORD)
    page.get_by_role("link", name="Adoption", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adoption across the states")
    table = page.get_by_test_id("matrix")
    expect(table.locator("thead th")).to_have_count(58)
    expect(table.locator("abbr[title=Idaho]")).to_have_text("ID")
    expect(page.get_by_test_id("nobody-adopted")).to_contain_text(world.recommendations[-1].text)
    expect(page.get_by_test_id("tallies").locator("tbody tr")).to_have_count(56)
    check_page(page)

    # Keyboard: the scrolling region takes focus and the arrow keys scroll it.
    region = page.get_by_role("region", name="Adoption matrix, scrolls sideways")
    region.focus()
    expect(region).to_be_focused()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    assert region.evaluate("el => el.scrollLeft") > 0

    # With htmx: choosing a publication replaces the results and updates the address.
    page.get_by_label("Publication").select_option("it-procurement-negotiations-2017")
    expect(page.get_by_role("status").filter(has_text="recommendations")).to_contain_text("7 recommendations")
    expect(page).to_have_url(re.compile(r"publication=it-procurement-negotiations-2017"))
    check_page(page)

    # Without JavaScript: the same form is an ordinary GET.
    context = page.context.browser.new_context(java_script_enabled=False, storage_state=page.context.storage_state())
    plain = context.new_page()
    plain.goto(f"{live_server.url}/adoption/")
    plain.get_by_label("Publication").select_option("nascio-2025-procurement-initiative")
    plain.get_by_role("button", name="Show").click()
    expect(plain.get_by_role("status").filter(has_text="recommendations")).to_contain_text("5 recommendations")
    context.close()
