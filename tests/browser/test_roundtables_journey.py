"""The whole roundtable loop in one browser, as the issue tells it: staff create a roundtable and
invite two states; Idaho's CIO registers; staff record attendance and an outcome and propose it;
Idaho accepts it and finds the new item in its plan, saying where it came from. Every page on the
way is valid HTML with no WCAG 2.1 A/AA violation axe can find."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from actionplan.models import Item
from directory.models import Membership
from outbox.models import OutgoingEmail
from roundtables.models import Attendance, OutcomeProposal, Roundtable
from tests import factories
from tests.browser.helpers import CheckPage, login
from tests.factories import make_plan

Role = Membership.Role


@pytest.fixture
def journey_people(transactional_db: None) -> dict[str, object]:
    """Who takes part, by role (not the matrix personas of tests/conftest.py): NASCIO staff, Idaho's
    CIO and CPO, Maine's CIO; and Idaho's plan, running now."""
    factories.load_reference()
    today = timezone.localdate()
    make_plan("ID", starts_on=today - datetime.timedelta(days=100), ends_on=today + datetime.timedelta(days=265))
    return {
        "staff": factories.make_staff("NASCIO", full_name="Morgan Lee", email="morgan@nascio.example"),
        **factories.idaho_people("cio", "cpo", personal=True),
        "cio_maine": factories.make_member("ME", Role.CIO, full_name="Elena Brooks", email="elena@maine.example"),
    }


def tick(page: Page, box: Locator) -> None:
    """Tick a USWDS checkbox or radio from the keyboard (its input is drawn by its label)."""
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def sign_in_as(page: Page, live_server: LiveServer, email: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, email, factories.PASSWORD)


def test_from_a_new_roundtable_to_an_item_in_a_state_plan(
    page: Page, live_server: LiveServer, check_page: CheckPage, journey_people: dict[str, object]
) -> None:
    # The event runs from yesterday to tomorrow in Boise's zone, so it is under way: staff may
    # record attendance and outcomes while it still accepts registrations.
    now = timezone.now().astimezone(datetime.UTC)
    first, last = (now - datetime.timedelta(days=1)).date(), (now + datetime.timedelta(days=1)).date()

    # Staff create the roundtable.
    sign_in_as(page, live_server, "morgan@nascio.example")
    page.get_by_role("link", name="Roundtables", exact=True).click()
    check_page(page)
    page.get_by_role("link", name="Create an event").click()
    page.get_by_label("Title").fill("Western states CIO–CPO roundtable")
    page.get_by_label("Kind of event").select_option("roundtable")
    page.get_by_label("Time zone").select_option("America/Boise")
    page.get_by_label("Start date").fill(first.isoformat())
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("End date").fill(last.isoformat())
    page.get_by_label("End time").fill("17:00")
    tick(page, page.get_by_label("NASCIO"))
    tick(page, page.get_by_label("NASPO"))
    page.get_by_label("Description").fill("Two days on **forecasting** technology purchases together.")
    check_page(page)
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Western states CIO–CPO roundtable")
    check_page(page)
    event = Roundtable.objects.get(title="Western states CIO–CPO roundtable")

    # ... and invite Idaho and Maine, which emails each state's CIO and CPO with an .ics.
    page.get_by_role("link", name="Invite jurisdictions").click()
    tick(page, page.get_by_label("Idaho"))
    tick(page, page.get_by_label("Maine"))
    check_page(page)
    page.get_by_role("button", name="Invite the ticked jurisdictions").click()
    expect(page.get_by_role("status").first).to_contain_text("Invited: Idaho, Maine")
    invitations = OutgoingEmail.objects.filter(dedupe_key__startswith=f"event-invite:{event.pk}:")
    assert sorted(invitations.values_list("to_address", flat=True)) == [
        "dana@idaho.example",
        "elena@maine.example",
        "marcus@idaho.example",
    ]

    # Idaho's CIO registers herself for the CIO office.
    sign_in_as(page, live_server, "dana@idaho.example")
    page.goto(f"{live_server.url}/roundtables/{event.pk}/")
    check_page(page)
    form = page.get_by_test_id("register-id-cio")
    form.get_by_label("Who will attend").select_option(label="Dana Whitfield, Chief Information Officer")
    form.get_by_role("button", name="Save the answer for the CIO office").click()
    expect(page.get_by_role("status").first).to_contain_text("Dana Whitfield will attend")
    check_page(page)

    # Staff mark who came and record what the roundtable agreed, then propose it.
    sign_in_as(page, live_server, "morgan@nascio.example")
    page.goto(f"{live_server.url}/roundtables/{event.pk}/attendance/")
    tick(page, page.get_by_role("group", name="Idaho, CIO office").get_by_label("Attended"))
    tick(page, page.get_by_role("group", name="Maine, CIO office").get_by_label("Did not attend"))
    check_page(page)
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status").first).to_contain_text("Attendance saved")
    assert Attendance.objects.get(roundtable=event, jurisdiction__code="ID", side="cio").status == "attended"

    page.goto(f"{live_server.url}/roundtables/{event.pk}/outcomes/")
    page.get_by_label("Title").fill("Share a four-quarter purchasing forecast")
    page.get_by_label("What was agreed").fill("Each state's two offices keep one forecast of upcoming buys.")
    page.get_by_label("Dimension").select_option(label="Budgeting and forecasting")
    page.get_by_role("button", name="Record the outcome").click()
    check_page(page)
    page.get_by_role("button", name="Propose it to the states that attended").click()
    expect(page.get_by_role("status").first).to_contain_text("was proposed to Idaho")
    check_page(page)
    proposal = OutcomeProposal.objects.get()
    assert proposal.jurisdiction.code == "ID"  # Maine did not attend, so it is not asked

    # Idaho's CIO accepts it and finds the item in the plan, with where it came from.
    sign_in_as(page, live_server, "dana@idaho.example")
    page.goto(f"{live_server.url}/proposals/")
    check_page(page)
    page.get_by_role("link", name="Share a four-quarter purchasing forecast").click()
    check_page(page)
    page.get_by_role("button", name="Accept into the plan").click()
    expect(page.get_by_role("status").first).to_contain_text("is now an item in Idaho")
    provenance = page.get_by_test_id("provenance")
    expect(provenance).to_contain_text("Western states CIO–CPO roundtable")
    check_page(page)

    item = Item.objects.get()
    assert item.origin == Item.Origin.ROUNDTABLE and item.proposal == proposal
    page.goto(f"{live_server.url}/plans/{item.plan_id}/items/")
    expect(page.get_by_role("link", name="Share a four-quarter purchasing forecast")).to_be_visible()
    check_page(page)
