"""Event pages in a real browser: the list, an event's page with registration (with htmx and
without JavaScript), creating an event (its error shown on the field with what was typed kept),
inviting jurisdictions and the attendance sheet, each done from the keyboard; every page valid
and free of WCAG 2.1 A/AA violations axe can find."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from directory.models import Jurisdiction, Membership, User
from library.models import Dimension
from roundtables.models import Roundtable
from roundtables.services import events
from tests import factories
from tests.browser.helpers import CheckPage, login

Role = Membership.Role


@dataclass
class World:
    cio: User
    delegate: User
    staff: User
    upcoming: Roundtable
    under_way: Roundtable


# What staff wrote about both events: Markdown, shown on the event's page.
DESCRIPTION = "A day on **teaming** and *budgeting*.\n\n- one\n- two"
VIDEO_URL = "https://meet.example.org/roundtable"


@pytest.fixture
def world(transactional_db: None) -> World:
    """NASPO staff; Idaho's CIO (in Boise's zone) and deputy; an event in three weeks with an agenda
    (Idaho invited) and one under way (Idaho and Maine invited, Idaho's CIO office registered)."""
    factories.load_reference()
    cio = factories.make_member("ID", Role.CIO, full_name="Dana Whitfield")
    delegate = factories.make_member("ID", Role.CIO_DELEGATE, full_name="Priya Raman")
    factories.make_member("ME", Role.CIO, full_name="Elena Brooks")
    staff = factories.make_staff("NASPO", full_name="Alex Rivera")
    soon = (timezone.now() + datetime.timedelta(days=21)).replace(hour=14, minute=0, second=0, microsecond=0)
    as_staff_wrote = {"created_by": staff, "video_url": VIDEO_URL, "description": DESCRIPTION}
    upcoming = factories.make_event(
        title="Spring CIO and CPO roundtable",
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=7),
        invited=["ID"],
        **as_staff_wrote,
    )
    for n, dimension in enumerate(Dimension.objects.order_by("position")):
        events.add_session(
            upcoming,
            by=staff,
            title=f"Session on {dimension.name.lower()}",
            starts_at=soon + datetime.timedelta(hours=n),
            ends_at=soon + datetime.timedelta(hours=n, minutes=50),
            dimensions=[dimension],
        )
    started = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    under_way = factories.make_event(
        title="Budgeting workshop",
        starts_at=started,
        ends_at=started + datetime.timedelta(hours=6),
        invited=["ID", "ME"],
        **as_staff_wrote,
    )
    events.register(under_way, jurisdiction=Jurisdiction.objects.get(code="ID"), side="cio", by=cio, attendee=delegate)
    return World(cio=cio, delegate=delegate, staff=staff, upcoming=upcoming, under_way=under_way)


def test_a_cio_finds_an_event_and_registers_their_office_with_htmx(
    page: Page, live_server: LiveServer, check_page: CheckPage, world: World
) -> None:
    login(page, live_server, world.cio.email, factories.PASSWORD)
    page.get_by_role("link", name="Roundtables", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roundtables, task forces and workshops")
    upcoming = page.get_by_test_id("upcoming")
    expect(upcoming.get_by_role("link", name="Spring CIO and CPO roundtable")).to_be_visible()
    expect(upcoming.get_by_text("Your state is invited").first).to_be_visible()
    expect(page.get_by_test_id("past").get_by_text("July 2016")).to_be_visible()  # the seeded Charlotte roundtable
    check_page(page)

    upcoming.get_by_role("link", name="Spring CIO and CPO roundtable").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring CIO and CPO roundtable")
    expect(page.get_by_test_id("when-mine")).to_be_visible()  # Boise reads it in Mountain time too
    expect(page.get_by_test_id("agenda").get_by_text("Teaming and roles", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Add to your calendar (.ics file)")).to_be_visible()
    check_page(page)

    form = page.get_by_test_id("register-id-cio")
    form.get_by_label("Who will attend").select_option(label="Priya Raman, Delegate of the CIO")
    form.get_by_role("button", name="Save the answer for the CIO office").click()
    expect(page.locator("#registration-notice")).to_contain_text(
        "Registered: Priya Raman will attend for the Idaho CIO office."
    )
    expect(page.get_by_test_id("register-id-cio")).to_contain_text("Registered")
    assert page.url.endswith(f"/roundtables/{world.upcoming.pk}/")  # answered in place, no reload
    check_page(page)


def test_registering_works_without_javascript_and_shows_a_refusal_on_its_field(
    page: Page, live_server: LiveServer, check_page: CheckPage, world: World
) -> None:
    login(page, live_server, world.cio.email, factories.PASSWORD)
    context = page.context.browser.new_context(java_script_enabled=False, storage_state=page.context.storage_state())
    plain = context.new_page()
    plain.goto(f"{live_server.url}/roundtables/{world.upcoming.pk}/")
    form = plain.get_by_test_id("register-id-cio")
    form.get_by_label("Who will attend").select_option(label="Someone without an account (type their name below)")
    form.get_by_role("button", name="Save the answer for the CIO office").click()
    expect(plain.get_by_role("heading", level=1)).to_have_text("Register for Spring CIO and CPO roundtable")
    expect(plain.locator("#register_id_cio_attendee_error")).to_contain_text("Choose who will attend")
    plain.get_by_label("Name of the attendee without an account").fill("Lee Park")
    plain.get_by_role("button", name="Save the answer for the CIO office").click()
    expect(plain.get_by_role("status").first).to_contain_text("Registered: Lee Park will attend")
    context.close()
    page.goto(f"{live_server.url}/roundtables/{world.upcoming.pk}/register/")
    check_page(page)


def test_staff_create_an_event_after_fixing_an_end_before_its_start(
    page: Page, live_server: LiveServer, check_page: CheckPage, world: World
) -> None:
    login(page, live_server, world.staff.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/roundtables/")
    page.get_by_role("link", name="Create an event").click()
    check_page(page)
    page.get_by_label("Title").fill("Autumn roundtable")
    page.get_by_label("Kind of event").select_option("roundtable")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_label("Start date").fill("2027-10-05")
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("End date").fill("2027-10-04")
    page.get_by_label("End time").fill("17:00")
    page.locator("label.usa-checkbox__label", has_text="NASCIO").click()  # USWDS draws the box on the label
    page.get_by_label("Description").fill("A **demo** day.")
    page.get_by_role("button", name="Create the event").click()

    expect(page.locator("[data-error-summary]")).to_contain_text("The event cannot end before it starts")
    expect(page.locator("#id_ends_on_error")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Autumn roundtable")
    expect(page.get_by_label("End date")).to_have_value("2027-10-04")
    expect(page.get_by_label("NASCIO")).to_be_checked()
    check_page(page)

    page.get_by_label("End date").fill("2027-10-05")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Autumn roundtable")
    expect(page.get_by_test_id("when-event")).to_contain_text("Tuesday, October 5, 2027, 9 a.m. to 5 p.m. CDT")
    check_page(page)


def test_staff_invite_from_the_keyboard_and_keep_the_attendance_sheet(
    page: Page, live_server: LiveServer, check_page: CheckPage, world: World
) -> None:
    login(page, live_server, world.staff.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/roundtables/{world.under_way.pk}/invite/")
    expect(page.get_by_label("Idaho (already invited)")).to_be_disabled()
    check_page(page)
    # Keyboard only: tab to a checkbox, tick it with the space bar, submit with Enter.
    page.get_by_label("North Carolina").focus()
    page.keyboard.press("Space")
    page.get_by_label("Guam").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Invite the ticked jurisdictions").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Invited: Guam, North Carolina")
    expect(page.get_by_test_id("invited")).to_contain_text("4 jurisdictions invited")
    check_page(page)

    page.get_by_role("link", name="Attendance sheet").click()
    sheet = page.get_by_test_id("attendance-sheet")
    expect(sheet).to_contain_text("Priya Raman")
    check_page(page)
    # USWDS draws the radio on its label: a pointer clicks the label, the keyboard uses the input.
    page.get_by_role("group", name="Idaho, CIO office").locator("label", has_text="Attended").click()
    page.get_by_role("group", name="Idaho, CPO office").locator("label", has_text="Did not attend").click()
    page.get_by_role("group", name="Maine, CIO office").get_by_label("Attended").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status").first).to_contain_text("Attendance saved: 3 offices changed.")
    expect(page.get_by_role("group", name="Idaho, CIO office").get_by_label("Attended")).to_be_checked()
    check_page(page)
    statuses = dict(world.under_way.attendance.filter(jurisdiction__code="ID").values_list("side", "status"))
    assert statuses == {"cio": "attended", "cpo": "absent"}
