"""Outcome pages in a real browser: staff record an outcome and propose it; a state's CIO finds it
among the proposals, is refused a bad due date (shown on the field, with what was typed kept),
accepts it from the keyboard and finds the new item with its provenance; the CPO of another state
declines one with a reason. Every page valid and free of WCAG 2.1 A/AA violations axe can find."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import Item, Plan
from directory.models import Membership, User
from roundtables.models import Outcome, OutcomeProposal, Roundtable
from roundtables.services import outcomes as services
from tests import factories
from tests.browser.helpers import CheckPage, login
from tests.factories import make_outcome, make_past_event, make_plan

Role = Membership.Role


@dataclass
class World:
    cio: User
    cpo_maine: User
    staff: User
    plan: Plan
    event: Roundtable


@pytest.fixture
def world(transactional_db: None) -> World:
    """A roundtable that ended ten days ago, attended by Idaho and Maine; Idaho has a plan running now."""
    factories.load_reference()
    today = timezone.localdate()
    cio = factories.idaho_people("cio", "cpo", personal=True)["cio"]
    cpo_maine = factories.make_member("ME", Role.CPO, full_name="Tom Kessler", email="tom@maine.example")
    staff = factories.make_staff("NASPO", full_name="Alex Rivera", email="alex@naspo.example")
    plan = make_plan("ID", starts_on=today - datetime.timedelta(days=100), ends_on=today + datetime.timedelta(days=265))
    event = make_past_event(day=today - datetime.timedelta(days=10), title="Fall CIO–CPO Roundtable")
    return World(cio=cio, cpo_maine=cpo_maine, staff=staff, plan=plan, event=event)


def proposed(world: World, title: str = "Name a point of contact in each office") -> Outcome:
    outcome = make_outcome(world.event, title=title)
    services.propose_outcome(outcome, by=world.staff)
    return outcome


def test_staff_record_an_outcome_and_propose_it_from_the_keyboard(
    page: Page, live_server: LiveServer, check_page: CheckPage, world: World
) -> None:
    login(page, live_server, world.staff.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/roundtables/{world.event.pk}/outcomes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes of Fall CIO–CPO Roundtable")
    expect(page.get_by_test_id("attending")).to_contain_text("Idaho, Maine")
    check_page(page)

    page.get_by_label("Title").fill("Meet monthly")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.locator("#outcome_text_error")).to_have_text("Say what the event agreed, in a sentence or two.")
    expect(page.get_by_label("Title")).to_have_value("Meet monthly")
    check_page(page)

    page.get_by_label("What was agreed").fill("The two offices meet **monthly** to review the pipeline.")
    page.get_by_label("Dimension").select_option(label="Budgeting and forecasting")
    page.get_by_role("button", name="Record the outcome").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("“Meet monthly” was recorded")
    outcome = page.get_by_test_id("outcome").filter(has_text="Meet monthly")
    expect(outcome.locator("strong")).to_have_text("monthly")
    check_page(page)

    outcome.get_by_role("button", name="Propose it to the states that attended").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("was proposed to Idaho, Maine")
    expect(page.get_by_test_id("outcome-status")).to_contain_text("Asked: 2. Awaiting a decision: 2.")
    check_page(page)
    assert OutcomeProposal.objects.filter(outcome__title="Meet monthly").count() == 2

    page.goto(f"{live_server.url}/roundtables/{world.event.pk}/")
    expect(page.get_by_test_id("event-outcomes")).to_contain_text("Meet monthly")
    check_page(page)


def test_a_cio_accepts_an_outcome_after_a_refused_due_date_and_finds_the_item(
    page: Page, live_server: LiveServer, check_page: CheckPage, world: World
) -> None:
    outcome = proposed(world)
    login(page, live_server, world.cio.email, factories.PASSWORD)
    hint = page.get_by_test_id("proposals-hint")
    expect(hint).to_contain_text("One outcome of a roundtable your state attended awaits its decision")
    check_page(page)
    hint.get_by_role("link", name="See the proposed outcomes").click()
    awaiting = page.get_by_test_id("awaiting")
    expect(awaiting).to_contain_text("Fall CIO–CPO Roundtable")
    check_page(page)

    awaiting.get_by_role("link", name=outcome.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(outcome.title)
    expect(page.get_by_label("Owned by")).to_have_value("joint")
    check_page(page)

    too_early = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    page.get_by_label("CPO-side owner").select_option(label="Owner needed")
    page.get_by_label("Due date").fill(too_early)
    page.get_by_role("button", name="Accept into the plan").click()
    expect(page.locator("#accept_due_on_error")).to_have_text("The due date cannot be before the start date.")
    expect(page.get_by_label("Due date")).to_have_value(too_early)
    expect(page.get_by_label("CPO-side owner")).to_have_value("")
    expect(page.locator("[data-error-summary]")).to_be_visible()
    check_page(page)
    assert not Item.objects.exists()

    due = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    page.get_by_label("Due date").fill(due)
    page.get_by_label("Due date").press("Enter")  # submits its own form, from the keyboard
    expect(page.get_by_role("heading", level=1)).to_have_text(outcome.title)
    expect(page.get_by_role("status").first).to_contain_text("is now an item in Idaho")
    provenance = page.get_by_test_id("provenance")
    expect(provenance).to_contain_text(f"From the outcome “{outcome.title}” of Fall CIO–CPO Roundtable")
    check_page(page)
    item = Item.objects.get()
    assert (item.plan, item.cpo_owner, item.due_on.isoformat()) == (world.plan, None, due)

    provenance.get_by_role("link", name="Fall CIO–CPO Roundtable").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fall CIO–CPO Roundtable")


def test_a_cpo_declines_with_a_reason_and_staff_see_the_answers(
    page: Page, live_server: LiveServer, check_page: CheckPage, world: World
) -> None:
    outcome = proposed(world, "Review the technology pipeline together")
    maine = OutcomeProposal.objects.get(outcome=outcome, jurisdiction__code="ME")
    login(page, live_server, world.cpo_maine.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/proposals/{maine.pk}/")
    expect(page.get_by_text("Maine has no plan yet")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name="Decline").click()
    expect(page.locator("#decline_reason_error")).to_have_text(
        "Say why your state declines this outcome: staff read the reasons."
    )
    check_page(page)

    page.get_by_label("Why your state declines it").fill("Maine already reviews the pipeline monthly.")
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_test_id("reason")).to_have_text("Maine already reviews the pipeline monthly.")
    expect(page.get_by_test_id("proposal-status")).to_contain_text("Declined")
    check_page(page)

    page.get_by_role("button", name="Sign out").click()
    login(page, live_server, world.staff.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/proposals/")
    summary = page.get_by_test_id("proposal-summary")
    expect(summary).to_contain_text("Maine: declined")
    expect(summary).to_contain_text("Idaho: awaiting a decision")
    check_page(page)
    page.goto(f"{live_server.url}/proposals/{maine.pk}/")
    expect(page.get_by_role("button", name="Decline")).to_have_count(0)
    check_page(page)
