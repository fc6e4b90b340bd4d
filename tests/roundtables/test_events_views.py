"""Event pages through Django's test client: what each person sees, and how refused input comes
back (on its field, with what was typed kept). Access rules are in test_access_events.py."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from time_machine import TimeMachineFixture

from directory.models import Jurisdiction, User
from library.models import Dimension
from roundtables.models import AgendaSession, Attendance, Roundtable
from roundtables.services import events
from tests.factories import DAY_AFTER_DST, local, make_event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Status = Attendance.Status


@pytest.fixture
def event(people: dict[str, User | None]) -> Roundtable:
    """March 15, 2027 in New York; Idaho invited (rows only, no email), its CIO office registered."""
    roundtable = make_event(created_by=people["staff"], invited=["ID"])
    idaho = Jurisdiction.objects.get(code="ID")
    events.register(roundtable, jurisdiction=idaho, side="cio", by=people["cio_A"], attendee=people["cio_delegate_A"])
    return roundtable


def page(client: Client, user: User, path: str) -> str:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_upcoming_events_first_then_the_past_at_their_precision(
    client: Client, people: dict, event: Roundtable
) -> None:
    html = page(client, people["cio_B"], "/roundtables/")
    upcoming, past = html.index('id="upcoming-heading"'), html.index('id="past-heading"')
    assert upcoming < html.index("Spring roundtable") < past
    # The seeded history, as precisely as the sources allow.
    charlotte = html.index("Designing for Agility")
    assert past < charlotte
    assert '<time datetime="2016-07">July 2016</time>' in html
    assert '<time datetime="2027-03-15">Mon, Mar 15, 2027</time>' in html


def test_the_list_filters_by_kind_and_says_when_nothing_matches(
    client: Client, people: dict, event: Roundtable
) -> None:
    html = page(client, people["cio_A"], "/roundtables/?kind=workshop")
    assert "Spring roundtable" not in html
    assert "No workshops are scheduled yet." in html
    assert "Joint task force workshop in Pittsburgh" in html
    assert "Your state is invited" in page(client, people["cio_A"], "/roundtables/")


# --- An event's page ------------------------------------------------------------------------------


def test_the_page_gives_the_time_in_the_events_zone_and_the_readers(
    client: Client, people: dict, event: Roundtable
) -> None:
    html = page(client, people["cio_A"], f"/roundtables/{event.pk}/")  # Idaho's people read in Boise's zone
    assert '<time datetime="2027-03-15T09:00:00-04:00">Monday, March 15, 2027, 9 a.m.</time> to ' in html
    assert '<time datetime="2027-03-15T16:30:00-04:00">4:30 p.m.</time> EDT' in html
    assert "Your time (Mountain Time (Boise))" in html
    assert '<time datetime="2027-03-15T07:00:00-06:00">Monday, March 15, 2027, 7 a.m.</time>' in html
    assert f'href="/roundtables/{event.pk}/event.ics" download' in html
    assert "<strong>teaming</strong>" in html  # the description's Markdown, sanitised
    assert 'data-testid="event-outcomes"' in html  # the outcomes area's fragment


def test_a_reader_in_the_events_zone_sees_one_time(client: Client, people: dict, event: Roundtable) -> None:
    html = page(client, people["staff"], f"/roundtables/{event.pk}/")  # staff@naspo.example reads in New York
    assert "Your time" not in html


def test_who_comes_is_shown_to_the_state_itself_and_to_staff_only(
    client: Client, people: dict, event: Roundtable
) -> None:
    delegate = people["cio_delegate_A"].full_name
    staff_view = page(client, people["staff"], f"/roundtables/{event.pk}/")
    assert delegate in staff_view and "Each invited jurisdiction’s offices" in staff_view
    own_view = page(client, people["viewer_A"], f"/roundtables/{event.pk}/")
    assert delegate in own_view and 'data-testid="own-offices"' in own_view
    other_state = page(client, people["cio_B"], f"/roundtables/{event.pk}/")
    assert delegate not in other_state
    assert "<li>Idaho</li>" in other_state
    assert "Maine was not invited to this event" in other_state


def test_the_agenda_shows_each_sessions_time_and_dimensions(client: Client, people: dict, event: Roundtable) -> None:
    teaming = Dimension.objects.get(slug="teaming")
    events.add_session(
        event,
        by=people["staff"],
        title="Naming the team",
        starts_at=local(DAY_AFTER_DST, 10, 30),
        ends_at=local(DAY_AFTER_DST, 11, 45),
        dimensions=[teaming],
    )
    html = page(client, people["cio_B"], f"/roundtables/{event.pk}/")
    assert "Naming the team" in html
    assert "10:30 a.m. to 11:45 a.m." in html
    assert "Teaming and roles" in html


def test_a_historical_event_shows_its_month_and_says_the_days_are_unknown(client: Client, people: dict) -> None:
    charlotte = Roundtable.objects.get(slug="designing-for-agility-2016")
    html = page(client, people["cio_A"], f"/roundtables/{charlotte.pk}/")
    assert '<time datetime="2016-07">July 2016</time>' in html
    assert "the exact dates were not published" in html
    assert "This event is over; registration is closed." in html


# --- Creating and editing -------------------------------------------------------------------------


def event_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Budgeting workshop",
        "kind": "workshop",
        "tz": "America/Chicago",
        "starts_on": "2027-04-06",
        "starts_time": "13:00",
        "ends_on": "2027-04-06",
        "ends_time": "16:00",
        "place": "Springfield, Illinois",
        "video_url": "",
        "hosts": [],
        "description": "",
        "part_of": "",
    }
    return data | changes


def test_staff_create_an_event_on_the_clocks_of_its_zone(client: Client, people: dict) -> None:
    client.force_login(people["staff"])
    naspo = Roundtable._meta.get_field("hosts").related_model.objects.get(code="NASPO")
    response = client.post("/roundtables/new/", event_form(hosts=[naspo.pk]))
    created = Roundtable.objects.get(title="Budgeting workshop")
    assert response.status_code == 302 and response["Location"] == f"/roundtables/{created.pk}/"
    assert created.starts_at == datetime.datetime(2027, 4, 6, 18, 0, tzinfo=datetime.UTC)  # 13:00 CDT
    assert (created.kind, created.tz, created.created_by) == ("workshop", "America/Chicago", people["staff"])
    assert list(created.hosts.all()) == [naspo]


def test_an_end_before_the_start_is_refused_on_the_end_date_with_the_input_kept(client: Client, people: dict) -> None:
    client.force_login(people["staff"])
    response = client.post("/roundtables/new/", event_form(ends_on="2027-04-05", hosts=[1]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_ends_on_error"' in html
    assert "The event cannot end before it starts" in html
    assert 'value="Budgeting workshop"' in html and 'value="2027-04-05"' in html
    assert not Roundtable.objects.filter(title="Budgeting workshop").exists()


def test_a_time_the_clocks_skip_is_refused(client: Client, people: dict) -> None:
    client.force_login(people["staff"])
    response = client.post(
        "/roundtables/new/", event_form(starts_on="2027-03-14", starts_time="02:30", ends_on="2027-03-14", hosts=[1])
    )
    assert "02:30 does not exist on Mar 14, 2027 in Central Time (Chicago)" in response.content.decode()
    assert not Roundtable.objects.filter(title="Budgeting workshop").exists()


def test_editing_shows_the_event_on_its_own_clocks_and_saves_changes(
    client: Client, people: dict, event: Roundtable
) -> None:
    html = page(client, people["staff"], f"/roundtables/{event.pk}/edit/")
    assert 'value="09:00"' in html and 'value="2027-03-15"' in html
    data = event_form(
        title="Spring roundtable",
        kind="roundtable",
        tz="America/New_York",
        starts_on="2027-03-15",
        starts_time="10:00",
        ends_on="2027-03-15",
        ends_time="16:30",
        hosts=[h.pk for h in event.hosts.all()],
    )
    response = client.post(f"/roundtables/{event.pk}/edit/", data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.starts_at == local(DAY_AFTER_DST, 10)


def test_a_session_is_added_with_its_times_on_the_events_clocks(
    client: Client, people: dict, event: Roundtable
) -> None:
    client.force_login(people["staff"])
    teaming = Dimension.objects.get(slug="teaming")
    response = client.post(
        f"/roundtables/{event.pk}/sessions/",
        {
            "title": "Naming the team",
            "day": "",
            "starts_time": "10:30",
            "ends_time": "11:45",
            "dimensions": [teaming.pk],
        },
    )
    assert response.status_code == 302
    session = AgendaSession.objects.get(roundtable=event)
    assert session.starts_at == local(DAY_AFTER_DST, 10, 30)
    response = client.post(f"/roundtables/{event.pk}/sessions/", {"title": "Dinner", "starts_time": "19:00"})
    assert "A session happens during the event" in response.content.decode()
    assert 'value="Dinner"' in response.content.decode()


# --- Invitations, registration and attendance ------------------------------------------------------


def test_the_invite_page_groups_jurisdictions_and_marks_those_already_invited(
    client: Client, people: dict, event: Roundtable
) -> None:
    html = page(client, people["staff"], f"/roundtables/{event.pk}/invite/")
    for legend in ("States", "Federal district", "Territories"):
        assert f'<legend class="usa-legend text-bold">{legend}</legend>' in html
    assert 'id="id_jurisdictions_id" checked disabled' in html
    assert 'Idaho <span class="jp-muted">(already invited)</span>' in html
    response = client.post(f"/roundtables/{event.pk}/invite/", {})
    assert "Choose at least one jurisdiction to invite." in response.content.decode()


def test_an_office_registers_without_javascript_and_comes_back_to_the_event(
    client: Client, people: dict, event: Roundtable
) -> None:
    client.force_login(people["cpo_A"])
    idaho = Jurisdiction.objects.get(code="ID")
    data = {"jurisdiction": idaho.pk, "side": "cpo", "attending": "yes", "attendee": "", "attendee_name": "Lee Park"}
    response = client.post(f"/roundtables/{event.pk}/register/", data, follow=True)
    assert response.redirect_chain == [(f"/roundtables/{event.pk}/#registration", 302)]
    html = response.content.decode()
    assert "Registered: Lee Park will attend for the Idaho CPO office." in html
    assert event.attendance.get(jurisdiction=idaho, side="cpo").status == Status.REGISTERED


def test_with_htmx_the_answer_is_the_refreshed_registration_section(
    client: Client, people: dict, event: Roundtable
) -> None:
    client.force_login(people["cio_A"])
    idaho = Jurisdiction.objects.get(code="ID")
    data = {"jurisdiction": idaho.pk, "side": "cio", "attending": "no"}
    response = client.post(f"/roundtables/{event.pk}/register/", data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="registration"')
    assert "Noted: the Idaho CIO office will not attend." in html
    assert event.attendance.get(jurisdiction=idaho, side="cio").status == Status.DECLINED


def test_a_registration_without_an_attendee_comes_back_with_the_error_on_its_field(
    client: Client, people: dict, event: Roundtable
) -> None:
    client.force_login(people["cpo_A"])
    idaho = Jurisdiction.objects.get(code="ID")
    data = {"jurisdiction": idaho.pk, "side": "cpo", "attending": "yes", "attendee": "", "attendee_name": ""}
    response = client.post(f"/roundtables/{event.pk}/register/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="register_id_cpo_attendee_error"' in html
    assert "Choose who will attend, or type the name of someone without an account." in html
    assert event.attendance.get(jurisdiction=idaho, side="cpo").status == Status.INVITED


def test_a_state_that_was_not_invited_is_told_so_on_the_form(client: Client, people: dict, event: Roundtable) -> None:
    client.force_login(people["cio_B"])
    maine = Jurisdiction.objects.get(code="ME")
    data = {"jurisdiction": maine.pk, "side": "cio", "attending": "yes", "attendee": people["cio_B"].pk}
    response = client.post(f"/roundtables/{event.pk}/register/", data)
    assert response.status_code == 200
    assert "Maine was not invited to this event, so it cannot register." in response.content.decode()
    assert not event.attendance.filter(jurisdiction=maine).exists()


def test_the_attendance_sheet_saves_every_mark_in_one_go(
    client: Client, people: dict, event: Roundtable, frozen: TimeMachineFixture
) -> None:
    html = page(client, people["staff"], f"/roundtables/{event.pk}/attendance/")
    assert "The event has not started yet" in html and "Save attendance" not in html
    frozen.move_to(local(DAY_AFTER_DST, 12), tick=False)
    html = page(client, people["staff"], f"/roundtables/{event.pk}/attendance/")
    assert people["cio_delegate_A"].full_name in html
    idaho = Jurisdiction.objects.get(code="ID").pk
    response = client.post(
        f"/roundtables/{event.pk}/attendance/", {f"mark_{idaho}_cio": "attended", f"mark_{idaho}_cpo": "absent"}
    )
    assert response.status_code == 302
    assert dict(event.attendance.values_list("side", "status")) == {"cio": Status.ATTENDED, "cpo": Status.ABSENT}
    response = client.post(f"/roundtables/{event.pk}/attendance/", {f"mark_{idaho}_cio": "registered"})
    assert response.status_code == 200
    assert 'id="id_mark_' in response.content.decode() and "Nothing was saved" in response.content.decode()
    assert timezone.now() == local(DAY_AFTER_DST, 12)


# Hostile office values: a name, non-ASCII digits (str.isdigit accepts "²" and int() refuses it),
# a number past bigint, a negative, a float, nothing.
@pytest.mark.parametrize("posted", ["Idaho", "²", "١٢", "99999999999999999999999", "-1", "1e3", ""])
def test_a_garbled_registration_is_refused_on_the_form_not_with_an_error_page(
    client: Client, people: dict, event: Roundtable, posted: str
) -> None:
    client.force_login(people["cio_A"])
    response = client.post(f"/roundtables/{event.pk}/register/", {"jurisdiction": posted, "side": "ceo"})
    assert response.status_code == 200
    assert "Say whether your office will attend." in response.content.decode()


def test_the_event_page_costs_the_same_queries_however_many_are_invited(
    client: Client, people: dict, event: Roundtable
) -> None:
    def queries(user: User) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/roundtables/{event.pk}/").status_code == 200
            assert client.get("/roundtables/").status_code == 200
        return len(captured)

    teaming = Dimension.objects.get(slug="teaming")
    events.add_session(event, by=people["staff"], title="Opening", dimensions=[teaming])
    small = {persona: queries(people[persona]) for persona in ("cio_A", "staff")}
    for n in range(6):
        events.add_session(event, by=people["staff"], title=f"Session {n}", dimensions=[teaming])
    events.invite(event, jurisdictions=Jurisdiction.objects.filter(kind="territory"), by=people["staff"])
    large = {persona: queries(people[persona]) for persona in ("cio_A", "staff")}
    assert large == small


def test_the_event_form_offers_zones_by_name_and_posts_their_ids(client: Client, people: dict) -> None:
    client.force_login(people["staff"])
    html = client.get("/roundtables/new/").content.decode()
    assert '<option value="America/Boise">Mountain Time (Boise)</option>' in html
    assert ">America/Boise<" not in html
