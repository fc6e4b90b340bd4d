"""Event services: creating events and their agenda, inviting (with one email per principal,
carrying the .ics), registering an office, and recording attendance."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from directory.models import Jurisdiction, User
from library.models import Dimension
from outbox import delivery
from outbox.models import OutgoingEmail
from roundtables.models import Attendance, Roundtable
from roundtables.services import events
from tests.factories import DAY_AFTER_DST, event_fields, local, make_event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Status = Attendance.Status


@pytest.fixture
def event(people: dict[str, User | None]) -> Roundtable:
    return make_event(created_by=people["staff"])


def idaho() -> Jurisdiction:
    return Jurisdiction.objects.get(code="ID")


def maine() -> Jurisdiction:
    return Jurisdiction.objects.get(code="ME")


def statuses(roundtable: Roundtable) -> dict[tuple[str, str], str]:
    return {(a.jurisdiction.code, a.side): a.status for a in roundtable.attendance.select_related("jurisdiction")}


def field_errors(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


# --- Creating and editing ------------------------------------------------------------------------


def test_an_event_that_ends_before_it_starts_is_refused(people: dict) -> None:
    with pytest.raises(ValidationError) as error:
        events.create_roundtable(by=people["staff"], **event_fields(starts=(16, 0), ends=(9, 0)))
    assert "cannot end before it starts" in field_errors(error)["ends_at"][0]
    assert not Roundtable.objects.filter(title="Spring roundtable").exists()


def test_an_edit_that_makes_the_event_end_before_it_starts_is_refused(people: dict, event: Roundtable) -> None:
    with pytest.raises(ValidationError) as error:
        events.update_roundtable(
            event,
            by=people["staff"],
            kind=event.kind,
            title="Moved",
            starts_at=event.starts_at,
            ends_at=event.starts_at - datetime.timedelta(hours=1),
            tz=event.tz,
            place=event.place,
            video_url="",
            hosts=list(event.hosts.all()),
            description="",
        )
    assert "ends_at" in field_errors(error)
    event.refresh_from_db()
    assert event.title == "Spring roundtable"


def test_only_association_staff_create_events(people: dict) -> None:
    with pytest.raises(PermissionDenied):
        events.create_roundtable(by=people["cio_A"], **event_fields())


def test_an_event_needs_a_host_and_cannot_be_part_of_its_own_part(people: dict, event: Roundtable) -> None:
    with pytest.raises(ValidationError) as error:
        events.create_roundtable(by=people["staff"], **event_fields(hosts=[]))
    assert "hosts" in field_errors(error)
    workshop = make_event(created_by=people["staff"], title="Workshop", part_of=event)
    with pytest.raises(ValidationError) as error:
        events.update_roundtable(
            event,
            by=people["staff"],
            kind=event.kind,
            title=event.title,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            tz=event.tz,
            place="",
            video_url="",
            hosts=list(event.hosts.all()),
            description="",
            part_of=workshop,
        )
    assert "part_of" in field_errors(error)


def test_sessions_join_the_end_of_the_agenda_with_their_dimensions(people: dict, event: Roundtable) -> None:
    governance = Dimension.objects.get(slug="governance")
    first = events.add_session(event, by=people["staff"], title="Opening", starts_at=local(DAY_AFTER_DST, 9))
    second = events.add_session(
        event,
        by=people["staff"],
        title="Who decides",
        starts_at=local(DAY_AFTER_DST, 10),
        ends_at=local(DAY_AFTER_DST, 11),
        dimensions=[governance],
    )
    assert [s.title for s in event.sessions.all()] == ["Opening", "Who decides"]
    assert second.position > first.position
    assert list(second.dimensions.all()) == [governance]


def test_a_session_outside_the_event_or_ending_before_it_starts_is_refused(people: dict, event: Roundtable) -> None:
    with pytest.raises(ValidationError) as error:
        events.add_session(event, by=people["staff"], title="Late", starts_at=local(DAY_AFTER_DST, 18))
    assert "during the event" in field_errors(error)["starts_at"][0]
    with pytest.raises(ValidationError) as error:
        events.add_session(
            event,
            by=people["staff"],
            title="Back",
            starts_at=local(DAY_AFTER_DST, 11),
            ends_at=local(DAY_AFTER_DST, 10),
        )
    assert "ends_at" in field_errors(error)
    assert not event.sessions.exists()


# --- Invitations ---------------------------------------------------------------------------------


def test_inviting_creates_both_offices_once_however_often_it_is_done(people: dict, event: Roundtable) -> None:
    assert [j.code for j in events.invite(event, jurisdictions=[idaho()], by=people["staff"])] == ["ID"]
    assert events.invite(event, jurisdictions=[idaho()], by=people["staff"]) == []
    assert [j.code for j in events.invite(event, jurisdictions=[idaho(), maine()], by=people["staff"])] == ["ME"]
    assert statuses(event) == {
        ("ID", "cio"): Status.INVITED,
        ("ID", "cpo"): Status.INVITED,
        ("ME", "cio"): Status.INVITED,
        ("ME", "cpo"): Status.INVITED,
    }
    assert event.attendance.filter(invited_by=people["staff"]).count() == 4


def test_only_staff_invite_and_an_empty_invitation_is_refused(people: dict, event: Roundtable) -> None:
    with pytest.raises(PermissionDenied):
        events.invite(event, jurisdictions=[idaho()], by=people["cio_A"])
    with pytest.raises(ValidationError) as error:
        events.invite(event, jurisdictions=[], by=people["staff"])
    assert "jurisdictions" in field_errors(error)
    assert not event.attendance.exists()


def test_each_principal_gets_one_invitation_email_delegates_and_viewers_none(people: dict, event: Roundtable) -> None:
    events.invite(event, jurisdictions=[idaho()], by=people["staff"])
    events.invite(event, jurisdictions=[idaho(), maine()], by=people["staff"])
    rows = OutgoingEmail.objects.filter(dedupe_key__startswith=f"event-invite:{event.pk}:")
    assert sorted(r.to_address for r in rows) == ["cio@id.example", "cio@me.example", "cpo@id.example"]
    assert {r.kind for r in rows} == {OutgoingEmail.Kind.EVENT}
    assert {r.dedupe_key for r in rows} == {
        f"event-invite:{event.pk}:{people[p].pk}" for p in ("cio_A", "cpo_A", "cio_B")
    }


def test_the_invitation_states_the_event_time_in_both_zones_and_carries_the_ics(
    people: dict, event: Roundtable
) -> None:
    boise = people["cio_A"]  # Idaho's people live in Boise's zone (Mountain time)
    assert boise.tz == "America/Boise"
    events.invite(event, jurisdictions=[idaho()], by=people["staff"])
    row = OutgoingEmail.objects.get(dedupe_key=f"event-invite:{event.pk}:{boise.pk}")
    assert row.subject == "Invitation: Spring roundtable, Mon, Mar 15, 2027"
    for body in (row.body_text, row.body_html):
        assert "Monday, March 15, 2027, 9 a.m. to 4:30 p.m. EDT" in body  # the event's own clocks
        assert "Monday, March 15, 2027, 7 a.m. to 2:30 p.m. MDT" in body  # the reader's
        assert "Charlotte, North Carolina" in body
        assert f"https://jointplan.example.org/roundtables/{event.pk}/register/" in body
    ((name, content, mimetype),) = _attachments(row)
    assert name == "spring-roundtable.ics"
    assert mimetype.startswith("text/calendar") and "method=REQUEST" in mimetype
    calendar = icalendar.Calendar.from_ical(content)
    assert calendar["METHOD"] == "REQUEST"
    (vevent,) = calendar.events
    assert vevent.start == local(DAY_AFTER_DST, 9)
    assert str(vevent["ATTENDEE"]) == "mailto:cio@id.example"


def test_the_delivered_invitation_has_a_calendar_part_with_its_method(
    people: dict, event: Roundtable, settings: Settings
) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    events.invite(event, jurisdictions=[idaho()], by=people["staff"])
    delivery.deliver(delivery.claim())
    (message,) = [m for m in mail.outbox if m.to == ["cio@id.example"]]
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "spring-roundtable.ics"
    (vevent,) = icalendar.Calendar.from_ical(part.get_content()).events
    assert vevent.start == local(DAY_AFTER_DST, 9)
    mail.outbox = []


def test_no_invitation_email_for_an_event_that_is_over(people: dict, frozen: TimeMachineFixture) -> None:
    past = make_event(created_by=people["staff"], day=datetime.date(2027, 2, 1))
    assert [j.code for j in events.invite(past, jurisdictions=[idaho()], by=people["staff"])] == ["ID"]
    assert not OutgoingEmail.objects.exists()


def _attachments(row: OutgoingEmail) -> list[tuple[str, str, str]]:
    """The attachments an outbox row carries, as (filename, content, mimetype)."""
    return [(a["filename"], a["content"], a["mimetype"]) for a in row.attachments]


# --- Registration --------------------------------------------------------------------------------


def test_a_jurisdiction_that_was_not_invited_cannot_register(people: dict, event: Roundtable) -> None:
    events.invite(event, jurisdictions=[idaho()], by=people["staff"])
    with pytest.raises(ValidationError) as error:
        events.register(event, jurisdiction=maine(), side="cio", by=people["cio_B"], attendee=people["cio_B"])
    assert "Maine was not invited to this event" in field_errors(error)["jurisdiction"][0]
    assert not event.attendance.filter(jurisdiction__code="ME").exists()


def test_an_office_registers_only_itself(people: dict, event: Roundtable) -> None:
    events.invite(event, jurisdictions=[idaho(), maine()], by=people["staff"])
    with pytest.raises(PermissionDenied):
        events.register(event, jurisdiction=idaho(), side="cpo", by=people["cio_A"], attendee=people["cio_A"])
    with pytest.raises(PermissionDenied):
        events.register(event, jurisdiction=idaho(), side="cio", by=people["viewer_A"], attendee_name="Someone")
    with pytest.raises(PermissionDenied):
        events.register(event, jurisdiction=idaho(), side="cio", by=people["cio_B"], attendee=people["cio_B"])
    with pytest.raises(PermissionDenied):
        events.register(event, jurisdiction=idaho(), side="cio", by=people["staff"], attendee_name="Someone")
    assert set(statuses(event).values()) == {Status.INVITED}


def test_a_delegate_registers_a_colleague_then_the_office_declines(people: dict, event: Roundtable) -> None:
    events.invite(event, jurisdictions=[idaho()], by=people["staff"])
    row = events.register(
        event, jurisdiction=idaho(), side="cio", by=people["cio_delegate_A"], attendee=people["cio_A"]
    )
    assert (row.status, row.attendee, row.registered_by) == (
        Status.REGISTERED,
        people["cio_A"],
        people["cio_delegate_A"],
    )
    row = events.register(event, jurisdiction=idaho(), side="cio", by=people["cio_A"], attending=False)
    assert (row.status, row.attendee, row.attendee_name) == (Status.DECLINED, None, "")
    assert statuses(event)[("ID", "cpo")] == Status.INVITED


def test_an_attendee_without_an_account_is_named_and_one_from_elsewhere_is_refused(
    people: dict, event: Roundtable
) -> None:
    events.invite(event, jurisdictions=[idaho()], by=people["staff"])
    with pytest.raises(ValidationError) as error:
        events.register(event, jurisdiction=idaho(), side="cpo", by=people["cpo_A"], attendee=people["cio_A"])
    assert "CPO office of Idaho" in field_errors(error)["attendee"][0]
    with pytest.raises(ValidationError) as error:
        events.register(event, jurisdiction=idaho(), side="cpo", by=people["cpo_A"], attendee_name="  ")
    assert "attendee" in field_errors(error)
    row = events.register(event, jurisdiction=idaho(), side="cpo", by=people["cpo_A"], attendee_name=" Lee Park ")
    assert (row.status, row.attendee, row.attendee_name) == (Status.REGISTERED, None, "Lee Park")


def test_registration_closes_when_the_event_ends(people: dict, event: Roundtable, frozen: TimeMachineFixture) -> None:
    events.invite(event, jurisdictions=[idaho()], by=people["staff"])
    frozen.move_to(local(DAY_AFTER_DST, 17), tick=False)
    with pytest.raises(ValidationError, match="registration is closed"):
        events.register(event, jurisdiction=idaho(), side="cio", by=people["cio_A"], attendee=people["cio_A"])


# --- Attendance ----------------------------------------------------------------------------------


def _invited_and_started(people: dict, event: Roundtable, frozen: TimeMachineFixture) -> None:
    events.invite(event, jurisdictions=[idaho(), maine()], by=people["staff"])
    events.register(event, jurisdiction=idaho(), side="cio", by=people["cio_A"], attendee=people["cio_A"])
    frozen.move_to(local(DAY_AFTER_DST, 12), tick=False)


def test_staff_record_attendance_for_every_office_at_once(
    people: dict, event: Roundtable, frozen: TimeMachineFixture
) -> None:
    _invited_and_started(people, event, frozen)
    id_, me = idaho().pk, maine().pk
    marks = {(id_, "cio"): Status.ATTENDED, (id_, "cpo"): Status.ABSENT, (me, "cio"): Status.ATTENDED}
    assert events.record_attendance(event, marks=marks, by=people["staff"]) == 3
    assert statuses(event) == {
        ("ID", "cio"): Status.ATTENDED,
        ("ID", "cpo"): Status.ABSENT,
        ("ME", "cio"): Status.ATTENDED,
        ("ME", "cpo"): Status.INVITED,
    }
    row = event.attendance.get(jurisdiction=idaho(), side="cio")
    assert (row.attendee, row.recorded_by) == (people["cio_A"], people["staff"])
    assert events.record_attendance(event, marks=marks, by=people["staff"]) == 0  # the same marks change nothing


def test_attendance_is_all_or_nothing(people: dict, event: Roundtable, frozen: TimeMachineFixture) -> None:
    _invited_and_started(people, event, frozen)
    north_carolina = Jurisdiction.objects.get(code="NC")
    marks = {(idaho().pk, "cio"): Status.ATTENDED, (north_carolina.pk, "cio"): Status.ATTENDED}
    with pytest.raises(ValidationError, match="invited jurisdictions"):
        events.record_attendance(event, marks=marks, by=people["staff"])
    with pytest.raises(ValidationError, match="attended or did not attend"):
        events.record_attendance(
            event, marks={(idaho().pk, "cio"): Status.ATTENDED, (idaho().pk, "cpo"): "registered"}, by=people["staff"]
        )
    assert statuses(event)[("ID", "cio")] == Status.REGISTERED


def test_attendance_waits_for_the_start_and_is_for_staff(people: dict, event: Roundtable) -> None:
    events.invite(event, jurisdictions=[idaho()], by=people["staff"])
    marks = {(idaho().pk, "cio"): Status.ATTENDED}
    with pytest.raises(ValidationError, match="not started yet"):
        events.record_attendance(event, marks=marks, by=people["staff"])
    with pytest.raises(PermissionDenied):
        events.record_attendance(event, marks=marks, by=people["cio_A"])


def test_attendance_cannot_be_changed_by_registering_afterwards(
    people: dict, event: Roundtable, frozen: TimeMachineFixture
) -> None:
    _invited_and_started(people, event, frozen)
    events.record_attendance(event, marks={(idaho().pk, "cio"): Status.ATTENDED}, by=people["staff"])
    with pytest.raises(ValidationError, match="already recorded"):
        events.register(event, jurisdiction=idaho(), side="cio", by=people["cio_A"], attending=False)


def test_the_people_who_may_attend_for_an_office_are_its_principal_and_delegates(people: dict) -> None:
    assert {u.email for u in events.side_members(idaho(), "cio")} == {"cio@id.example", "deputy@id.example"}
    assert {u.email for u in events.side_members(idaho(), "cpo")} == {"cpo@id.example"}
