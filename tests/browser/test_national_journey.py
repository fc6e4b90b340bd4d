"""Association staff at work, by keyboard alone: the national dashboard (their home, and its own
page), a late CPO cell, that state's items with the filter already applied, the nudge, and the
email arriving at a real SMTP sink. Every page on the way is valid HTML with no WCAG 2.1 A/AA
violation axe can find."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from actionplan.models import ItemSide, Plan
from config.env import parse_email_url
from directory.models import Membership
from library.models import Dimension
from tests import factories
from tests.browser.helpers import CheckPage, login
from tests.integration.harness import SmtpSink
from tests.notifications.helpers import deliver_all

Role = Membership.Role


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    smtp = SmtpSink()
    smtp.start()
    yield smtp
    smtp.stop()


@pytest.fixture
def late_idaho(transactional_db: None) -> None:
    factories.load_reference()
    long_ago = timezone.now() - datetime.timedelta(days=200)
    people = factories.idaho_people("cio", "cpo")
    plan = factories.make_plan("ID", created_at=long_ago)
    governance = Dimension.objects.order_by("position").first()
    factories.make_item(
        plan, title="Joint IT procurement calendar", side=ItemSide.CPO, dimension=governance,
        cpo_owner=people["cpo"], created_at=long_ago, cpo_last_update_at=long_ago, last_update_at=long_ago,
    )  # fmt: skip
    # Never updated, and due within the plan's cadence: not waiting (actionplan.rules.is_waiting).
    factories.make_item(
        plan, title="Cloud governance board", side=ItemSide.CIO, dimension=governance,
        cio_owner=people["cio"], created_at=long_ago, due_on=timezone.localdate() + datetime.timedelta(days=20),
    )  # fmt: skip
    factories.make_staff("NASCIO", full_name="Morgan Lee", email="morgan@nascio.example")


def press(page: Page, name: str, *, role: str = "link", within: str = "body") -> None:
    """Move focus to a control as Tab would reach it, and press Enter."""
    target = page.locator(within).get_by_role(role, name=name)  # type: ignore[arg-type]  # Playwright's role is a Literal
    target.focus()
    expect(target).to_be_focused()
    page.keyboard.press("Enter")


def test_staff_find_a_late_cpo_cell_and_nudge_the_state(
    page: Page,
    live_server: LiveServer,
    check_page: CheckPage,
    late_idaho: None,
    sink: SmtpSink,
    settings: Settings,
) -> None:
    login(page, live_server, "morgan@nascio.example", factories.PASSWORD)
    expect(page.get_by_role("heading", name="National dashboard")).to_be_visible()
    check_page(page)  # staff's home

    press(page, "Open it on its own page")
    expect(page.get_by_role("heading", level=1)).to_have_text("National dashboard")
    check_page(page)

    # Idaho's row, the first dimension: its CPO side has one late item.
    press(page, "1 late", within="#place-ID")
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance and organizational structure")
    assert f"/plans/{Plan.objects.get().pk}/dimensions/" in page.url
    expect(page.locator("#results")).to_contain_text("Joint IT procurement calendar")
    expect(page.locator("#results")).not_to_contain_text("Cloud governance board")
    expect(page.get_by_label("Updates (open items)")).to_have_value("cpo_late")
    check_page(page)

    page.go_back()
    press(page, "Nudge late owners in Idaho", role="button")
    expect(page.get_by_role("status").filter(has_text="Nudged Idaho")).to_be_visible()
    expect(page.locator("#place-ID")).to_contain_text("Nudged")
    expect(page.locator("#place-ID")).to_contain_text("Next nudge possible")
    check_page(page)

    settings.MAILERS = {"default": parse_email_url("EMAIL_URL", sink.url)}
    deliver_all()
    received = {message.to: message.subject for message in sink.accepted}
    assert received == {
        ("cpo@id.example",): "Joint Plan: 1 item in Idaho's plan waiting for your update",
        ("cio@id.example",): "Joint Plan: 1 item in Idaho's plan waiting for your update",
    }
