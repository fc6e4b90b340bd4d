"""The library in a real browser: the recommendation library with its filters (with and without
htmx), a recommendation, the publications, the case studies and one of them, the timeline, and an
item citing the library; every page valid HTML with no WCAG 2.1 A/AA violation axe can find."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import Adoption
from directory.models import Membership, User
from library.models import CaseStudy, Recommendation
from tests import factories
from tests.browser.helpers import CheckPage, login
from tests.factories import make_adoption, make_item, make_plan

Role = Membership.Role


@pytest.fixture
def idaho_cio(transactional_db: None) -> User:
    """Idaho's CIO, with the reference library loaded and Idaho's status on two recommendations."""
    factories.load_reference()
    cio = factories.make_member("ID", Role.CIO, full_name="Avery Quinn", email="avery.quinn@idaho.example")
    r3 = Recommendation.objects.get(publication__slug="it-procurement-negotiations-2017", number="R3")
    make_adoption("ID", r3, status=Adoption.Status.IN_PROGRESS)
    make_adoption("ME", r3, status=Adoption.Status.ADOPTED)
    return cio


def test_the_library_filters_without_javascript_and_with_htmx_and_is_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho_cio: User
) -> None:
    login(page, live_server, idaho_cio.email, factories.PASSWORD)
    page.get_by_role("navigation", name="Primary").get_by_role("link", name="Library").click()
    page.wait_for_load_state("load")

    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation library")
    expect(page.get_by_test_id("recovered")).to_have_text("7 of 18 recovered; the rest are not public yet.")
    check_page(page)

    # htmx: choosing a status refreshes the results in place.
    page.get_by_label("Idaho's adoption").select_option(label="In progress")
    expect(page.get_by_test_id("count")).to_have_text("1 of 17 recommendations matches the filters")
    expect(page.get_by_test_id("recommendation")).to_contain_text("Name a point of contact")
    expect(page.get_by_test_id("adoption")).to_contain_text(re.compile(r"Idaho: \W*In progress"))
    assert "adoption=in_progress" in page.url
    check_page(page)

    # A search that matches nothing says so and how to clear it.
    page.get_by_label("Search the recommendations").fill("blockchain")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("empty")).to_contain_text("No recommendation matches these filters.")
    # The click fired both "change" (the field lost focus) and "submit": let the second answer land
    # before leaving, or on a loaded machine it can arrive after the click below.
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("empty").get_by_role("link", name="Clear the filters").click()
    expect(page.get_by_test_id("count")).to_have_text("17 recommendations")
    check_page(page)


def test_the_library_filters_as_a_plain_form_without_javascript(
    browser: object, live_server: LiveServer, idaho_cio: User
) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        login(page, live_server, idaho_cio.email, factories.PASSWORD)
        page.goto(f"{live_server.url}/recommendations/")
        page.get_by_label("Where it comes from").select_option(label="From the publication")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_load_state("load")
        expect(page.get_by_test_id("count")).to_have_text("5 of 17 recommendations match the filters")
    finally:
        context.close()


def test_a_recommendation_page_is_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho_cio: User
) -> None:
    r3 = Recommendation.objects.get(publication__slug="it-procurement-negotiations-2017", number="R3")
    login(page, live_server, idaho_cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/recommendations/{r3.pk}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(r3.short_text)
    expect(page.get_by_test_id("citation")).to_contain_text("Recommendation R3 of State IT Procurement Negotiations")
    expect(page.get_by_test_id("provenance")).to_contain_text("From press coverage")
    expect(page.get_by_test_id("provenance")).to_contain_text("Area inferred")
    expect(page.get_by_test_id("own-status")).to_contain_text("In progress")
    expect(page.get_by_role("row", name="Adopted 1")).to_be_visible()
    expect(page.get_by_test_id("national-adoption")).not_to_contain_text("Maine")
    check_page(page)


def _tab_to(page: Page, name: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element's text is `name` (at most `limit` times)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement && document.activeElement.textContent.trim()")
        if focused == name:
            return
    raise AssertionError(f"{name!r} was not reached with Tab")


def test_a_principal_changes_the_state_s_status_from_the_recommendation_page_by_keyboard(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho_cio: User
) -> None:
    r3 = Recommendation.objects.get(publication__slug="it-procurement-negotiations-2017", number="R3")
    login(page, live_server, idaho_cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/recommendations/{r3.pk}/")
    panel = page.get_by_role("region", name="Where Idaho stands")
    expect(panel.get_by_test_id("own-status")).to_contain_text("In progress")
    expect(panel.get_by_test_id("own-evidence")).to_have_text("None yet.")
    expect(panel.get_by_role("link", name="Record our status")).to_have_count(0)
    check_page(page)

    _tab_to(page, "Change our status on this recommendation")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Idaho: {r3.label}")
    expect(page).to_have_url(re.compile(r"#record$"))
    expect(page.get_by_role("heading", level=2, name="Update Idaho’s status")).to_be_in_viewport()
    expect(page.locator("input[name=status][value=in_progress]")).to_be_checked()  # prefilled
    check_page(page)

    page.locator("label.usa-radio__label", has_text="Exploring").click()
    page.get_by_label("Note").fill("Naming the two contacts at the next steering meeting.")
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/recommendations/{r3.pk}/#own-adoption")
    expect(panel).to_be_in_viewport()
    expect(page.get_by_role("status")).to_contain_text(f"Idaho's status on “{r3.short_text}”")
    expect(panel.get_by_test_id("own-status")).to_contain_text("Exploring")
    expect(panel.get_by_test_id("own-last-change")).to_contain_text("by Avery Quinn")
    check_page(page)


def test_a_viewer_reads_the_state_s_status_and_who_records_it(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho_cio: User
) -> None:
    viewer = factories.make_member("ID", Role.VIEWER, email="viewer@idaho.example")
    r3 = Recommendation.objects.get(publication__slug="it-procurement-negotiations-2017", number="R3")
    login(page, live_server, viewer.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/recommendations/{r3.pk}/")
    panel = page.get_by_role("region", name="Where Idaho stands")
    expect(panel.get_by_test_id("own-status")).to_contain_text("In progress")
    expect(panel.get_by_test_id("who-records")).to_have_text(
        "Idaho's CIO, CPO and their delegates record this status; you can read it."
    )
    expect(panel.get_by_test_id("record-status")).to_have_count(0)
    check_page(page)


def test_the_publications_and_case_studies_pages_are_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho_cio: User
) -> None:
    login(page, live_server, idaho_cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/publications/")
    expect(
        page.get_by_role(
            "heading", level=2, name="Buyer Be Aware: Integrating Cybersecurity into the Acquisition Process"
        )
    ).to_be_visible()
    check_page(page)

    page.get_by_role("navigation", name="Library").get_by_role("link", name="Case studies").click()
    page.wait_for_load_state("load")
    page.get_by_label("Topic").select_option(label="Agile")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("count")).to_have_text("1 case study")
    check_page(page)


def test_a_case_study_page_lists_the_items_that_cite_it_and_is_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho_cio: User
) -> None:
    study = CaseStudy.objects.get(slug="california-child-welfare-modular-procurement")
    item = make_item(make_plan("ID"), title="Buy the case system in modules", cio_owner=idaho_cio)
    item.case_studies.add(study)
    login(page, live_server, idaho_cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/case-studies/{study.slug}/")

    expect(page.get_by_role("heading", level=1)).to_have_text(study.title)
    expect(page.get_by_test_id("sources").get_by_role("link")).to_have_count(len(study.sources))
    expect(page.get_by_test_id("related-recommendations")).to_contain_text("R4")
    expect(
        page.get_by_test_id("citing-items").get_by_role("link", name="Buy the case system in modules")
    ).to_be_visible()
    check_page(page)


def test_the_timeline_is_accessible(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho_cio: User
) -> None:
    login(page, live_server, idaho_cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/timeline/")

    expect(page.get_by_role("heading", level=2, name="2004")).to_be_visible()
    expect(
        page.get_by_role("link", name="Designing for Agility: Advancing IT and Procurement Modernization")
    ).to_be_visible()
    expect(page.get_by_test_id("part")).to_contain_text("Joint task force workshop in Pittsburgh")
    expect(page.get_by_test_id("part")).to_contain_text("August 2017")
    check_page(page)


def test_the_item_form_groups_recommendations_and_the_item_page_lists_them(
    page: Page, live_server: LiveServer, check_page: CheckPage, idaho_cio: User
) -> None:
    plan = make_plan("ID")
    item = make_item(plan, title="Name our points of contact", cio_owner=idaho_cio)
    login(page, live_server, idaho_cio.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/items/{item.pk}/edit/")

    group = page.get_by_role(
        "group", name="State IT Procurement Negotiations: Working Together to Reform and Transform"
    )
    # USWDS draws the box on the label.
    group.locator("label.usa-checkbox__label", has_text="R3: Name a point of contact").click()
    page.locator("label.usa-checkbox__label", has_text="Ohio: consolidating agency data centers").click()
    expect(group.get_by_label(re.compile("^R3: Name a point of contact"))).to_be_checked()
    check_page(page)
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state("load")

    cited = page.get_by_test_id("library-links")
    expect(cited.get_by_role("link", name=re.compile("^Name a point of contact"))).to_be_visible()
    expect(cited).to_contain_text("State IT Procurement Negotiations, 2017, R3")
    expect(
        cited.get_by_role("link", name="Ohio: consolidating agency data centers into a state private cloud")
    ).to_be_visible()
    check_page(page)
