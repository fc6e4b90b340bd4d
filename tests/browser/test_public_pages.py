"""The public pages in a real browser, signed out: the list of public plans, a public plan's page and
the adoption of the recommendations. Every page valid and accessible (check_page), usable with the
keyboard alone, complete without JavaScript, readable on paper, and safe from hostile text."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from actionplan import adoption as adoption_services
from actionplan import services
from actionplan.models import Item, Plan, Sharing, Status
from directory.models import Jurisdiction, Membership
from library.models import Dimension, Recommendation
from library.services import current_framework
from tests import factories
from tests.browser.helpers import CheckPage

Role = Membership.Role

COMMENT = "The budget figures stay between us."
FILE_NAME = "Charter.pdf"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def utah(transactional_db: None, settings: Settings, tmp_path: Path) -> Plan:
    """Utah's FY2027 plan from the national framework, made public, with updates from both offices,
    a comment and evidence on one item, and two adoption records of which one is published."""
    settings.MEDIA_ROOT = tmp_path
    factories.load_reference()
    cio = factories.make_member("UT", Role.CIO, email="cio@ut.example", full_name="Lee Anderson")
    cpo = factories.make_member("UT", Role.CPO, email="cpo@ut.example", full_name="Kim Larsen")
    plan = services.adopt_framework(
        current_framework(), jurisdiction=Jurisdiction.objects.get(code="UT"), fiscal_year=2027, by=cio
    )
    Plan.objects.filter(pk=plan.pk).update(sharing=Sharing.PUBLIC)
    i1 = Item.objects.get(plan=plan, framework_item__code="I1")
    services.post_update(
        i1, author=cio, side="cio", status=Status.ON_TRACK, progress=40, narrative="Two meetings *held*."
    )
    services.post_update(i1, author=cpo, side="cpo", status=Status.AT_RISK, progress=20, narrative="One slipped.")
    services.add_comment(i1, author=cpo, body=COMMENT)
    services.attach_evidence(i1, by=cio, upload=factories.pdf(FILE_NAME, PDF))
    first, second = Recommendation.objects.order_by("publication__published_on", "position", "pk")[:2]
    for rec, public in ((first, True), (second, False)):
        adoption_services.record_adoption(
            plan.jurisdiction,
            rec,
            by=cio,
            status="adopted",
            note="Private note.",
            evidence_kind="statute",
            evidence_url=f"https://example.org/ut/{rec.pk}",
            items=[],
            is_public=public,
        )
    plan.refresh_from_db()
    return plan


def test_the_public_pages_are_valid_accessible_and_read_signed_out(
    page: Page, live_server: LiveServer, check_page: CheckPage, utah: Plan
) -> None:
    page.goto(f"{live_server.url}/public/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Public action plans")
    check_page(page)

    page.get_by_role("link", name="Utah action plan, FY2027").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utah action plan, FY2027")
    item = page.locator("article", has_text="Meet on a fixed rhythm")
    expect(item.get_by_test_id("latest-cio")).to_contain_text("Two meetings held.")
    expect(item.get_by_test_id("latest-cpo")).to_contain_text("One slipped.")
    expect(item).to_contain_text("The two offices report different statuses")
    expect(page.get_by_text(COMMENT)).to_have_count(0)
    expect(page.get_by_text(FILE_NAME)).to_have_count(0)
    expect(page.get_by_text("Lee Anderson")).to_have_count(0)
    check_page(page)

    page.get_by_role("link", name="Adoption", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adoption of the NASPO and NASCIO recommendations")
    expect(page.locator("a[href^='https://example.org/ut/']")).to_have_count(1)
    expect(page.get_by_text("Private note.")).to_have_count(0)
    check_page(page)


def test_the_list_with_no_public_plan_yet_is_valid_and_says_so(
    page: Page, live_server: LiveServer, check_page: CheckPage, transactional_db: None
) -> None:
    factories.load_reference()
    page.goto(f"{live_server.url}/public/")
    expect(page.get_by_test_id("no-public-plans")).to_contain_text("No state has published a plan yet")
    check_page(page)
    page.goto(f"{live_server.url}/public/adoption/")
    expect(page.get_by_test_id("nothing-published")).to_be_visible()
    check_page(page)


def test_a_link_to_a_public_plans_own_page_brings_the_public_to_its_item_on_the_public_page(
    page: Page, live_server: LiveServer, check_page: CheckPage, utah: Plan
) -> None:
    item = Item.objects.get(plan=utah, framework_item__code="I1")
    page.goto(f"{live_server.url}/items/{item.pk}/")
    assert page.url == f"{live_server.url}/public/plans/{utah.pk}/#item-{item.pk}"
    expect(page.locator(f"#item-{item.pk}")).to_be_in_viewport()
    check_page(page)


def _tab_to(page: Page, name: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element is the link named `name` (at most `limit` times)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement && document.activeElement.textContent.trim()")
        if focused == name:
            return
    raise AssertionError(f"{name!r} was not reached with Tab")


def test_the_public_pages_work_with_the_keyboard_alone(page: Page, live_server: LiveServer, utah: Plan) -> None:
    page.goto(f"{live_server.url}/public/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    _tab_to(page, "Utah action plan, FY2027")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Utah action plan, FY2027")

    _tab_to(page, "Teaming and roles")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#dimension-teaming$"))
    expect(page.locator("#dimension-teaming")).to_be_in_viewport()


@pytest.fixture
def no_javascript(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_the_public_pages_are_complete_without_javascript(
    no_javascript: BrowserContext, live_server: LiveServer, utah: Plan
) -> None:
    page = no_javascript.new_page()
    page.goto(f"{live_server.url}/public/")
    page.get_by_role("link", name="Utah action plan, FY2027").click()
    expect(page.get_by_test_id("public-item")).to_have_count(21)
    expect(page.get_by_test_id("dimension-progress")).to_contain_text("Teaming and roles")
    expect(page.get_by_text("Two meetings held.")).to_be_visible()
    page.goto(f"{live_server.url}/public/adoption/")
    expect(page.locator("a[href^='https://example.org/ut/']")).to_have_count(1)


def test_a_public_plan_prints_without_navigation_and_with_its_links_written_out(
    page: Page, live_server: LiveServer, utah: Plan
) -> None:
    page.goto(f"{live_server.url}/public/plans/{utah.pk}/")
    page.emulate_media(media="print")
    expect(page.locator(".usa-header")).to_be_hidden()
    expect(page.locator(".usa-footer")).to_be_hidden()
    expect(page.get_by_test_id("public-item").first).to_be_visible()
    # A status tag is ink on paper, not white words on a background the printer leaves out.
    colour = page.locator(".jp-status").first.evaluate("el => getComputedStyle(el).color")
    assert colour == "rgb(27, 27, 27)", colour
    page.goto(f"{live_server.url}/public/adoption/")
    written_out = page.locator("a[href^='https://example.org/ut/']").first.evaluate(
        "el => getComputedStyle(el, '::after').content"
    )
    assert "example.org/ut/" in written_out, written_out


# --- Hostile text ------------------------------------------------------------------------------

HOSTILE = [
    "<script>window.__xss='title'</script> Vendor scorecard",
    "<img src=x onerror=\"window.__xss='narrative'\"> [click](javascript:window.__xss='link') done",
    '"><svg onload="window.__xss=\'attribute\'">',
]
FIND_PLANTED = """
() => Array.from(document.querySelectorAll("head *, main *")).flatMap((el) => {
  const found = [];
  if (el.localName === "script" && !(el.src && el.src.startsWith(location.origin + "/static/"))) found.push(el.outerHTML);
  if (["iframe", "object", "embed", "svg", "img"].includes(el.localName)) found.push(el.outerHTML);
  for (const attr of el.attributes) {
    if (attr.name.startsWith("on") || attr.value.replace(/\\s/g, "").toLowerCase().startsWith("javascript:")) {
      found.push(`${attr.name} on <${el.localName}>`);
    }
  }
  return found;
})
"""


def test_hostile_titles_and_narratives_read_as_text_on_the_public_page(
    browser: Browser, live_server: LiveServer, utah: Plan
) -> None:
    """With the CSP bypassed, only escaping and the Markdown sanitiser keep these from running."""
    cio = Membership.objects.get(jurisdiction__code="UT", role=Role.CIO).user
    today = timezone.localdate()
    dimension = Dimension.objects.get(slug="governance")
    for text in HOSTILE:
        item = services.create_item(
            utah,
            by=cio,
            dimension=dimension,
            title=text[:200],
            side="cio",
            starts_on=today,
            due_on=today + datetime.timedelta(days=30),
            cio_owner=cio,
        )
        services.post_update(item, author=cio, side="cio", status=Status.ON_TRACK, progress=5, narrative=text)
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{live_server.url}/public/plans/{utah.pk}/")
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.__xss === undefined")
        assert page.evaluate(FIND_PLANTED) == []
        assert dialogs == []
        expect(page.get_by_role("heading", level=3, name=HOSTILE[0])).to_have_count(1)
    finally:
        context.close()
