"""The event reminder: each registered attendee is told once, in the week before the start, in
their working hours, with the event's time in its own zone and theirs and the .ics attached."""

from __future__ import annotations

import datetime
from io import StringIO

import icalendar
import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from directory.models import Jurisdiction, User
from notifications import event_reminders
from outbox.models import OutgoingEmail
from roundtables.models import Attendance, Roundtable
from roundtables.services import events
from tests.factories import DAY_AFTER_DST, local, make_event

pytestmark = pytest.mark.django_db

BOISE = "America/Boise"
INVITED_AT = local(datetime.date(2027, 2, 1), 10)
# Six days before the event, 10:00 in Boise (where Idaho's people live): due.
DUE = local(DAY_AFTER_DST - datetime.timedelta(days=6), 10, tz=BOISE)


@pytest.fixture
def registered(
    people: dict[str, User | None], time_machine: TimeMachineFixture, settings: Settings
) -> tuple[Roundtable, Attendance]:
    """Monday March 15, 2027 in New York; Idaho invited in February, its CIO registered."""
    settings.SITE_URL = "https://jointplan.example.org"
    time_machine.move_to(INVITED_AT, tick=False)
    roundtable = make_event(created_by=people["staff"])
    idaho = Jurisdiction.objects.get(code="ID")
    events.invite(roundtable, jurisdictions=[idaho], by=people["staff"])
    row = events.register(roundtable, jurisdiction=idaho, side="cio", by=people["cio_A"], attendee=people["cio_A"])
    return roundtable, row


def reminders() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(dedupe_key__startswith="event-reminder:"))


def test_a_registered_attendee_is_reminded_in_the_week_before(
    registered: tuple[Roundtable, Attendance], people: dict, time_machine: TimeMachineFixture
) -> None:
    roundtable, _ = registered
    time_machine.move_to(DUE, tick=False)
    (email,) = event_reminders.queue_event_reminders(now=DUE)
    assert email.recipient == people["cio_A"]
    assert email.dedupe_key == f"event-reminder:{roundtable.pk}:{people['cio_A'].pk}"
    assert email.kind == OutgoingEmail.Kind.EVENT
    assert email.subject == "Reminder: Spring roundtable, Mon, Mar 15, 2027"
    for body in (email.body_text, email.body_html):
        assert "You are registered to attend" in body
        assert "Monday, March 15, 2027, 9 a.m. to 4:30 p.m. EDT" in body
        assert "Monday, March 15, 2027, 7 a.m. to 2:30 p.m. MDT" in body
    ((name, content, mimetype),) = [(a["filename"], a["content"], a["mimetype"]) for a in email.attachments]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    (vevent,) = icalendar.Calendar.from_ical(content).events
    assert vevent.start == local(DAY_AFTER_DST, 9)


@pytest.mark.parametrize(
    "when",
    [
        pytest.param(local(DAY_AFTER_DST - datetime.timedelta(days=8), 10, tz=BOISE), id="eight-days-before"),
        pytest.param(local(DAY_AFTER_DST - datetime.timedelta(days=3), 3, tz=BOISE), id="at-night-where-they-are"),
        pytest.param(local(DAY_AFTER_DST, 10), id="once-it-has-started"),
    ],
)
def test_no_reminder_when_it_is_not_due(
    registered: tuple[Roundtable, Attendance], time_machine: TimeMachineFixture, when: datetime.datetime
) -> None:
    time_machine.move_to(when, tick=False)
    assert event_reminders.queue_event_reminders(now=when) == []
    assert reminders() == []


def test_the_event_reminder_keeps_the_working_hours_of_every_reminder(
    registered: tuple[Roundtable, Attendance], people: dict, time_machine: TimeMachineFixture
) -> None:
    """Weekdays 08:00 to 18:00 where the attendee is (Boise), as for every other reminder: not
    before eight, not from six in the evening, not at the weekend."""
    tuesday, saturday = (DAY_AFTER_DST - datetime.timedelta(days=n) for n in (6, 2))
    for when in (local(tuesday, 7, 59, tz=BOISE), local(tuesday, 18, tz=BOISE), local(saturday, 10, tz=BOISE)):
        time_machine.move_to(when, tick=False)
        assert event_reminders.queue_event_reminders(now=when) == [], when

    eight = local(tuesday, 8, tz=BOISE)
    time_machine.move_to(eight, tick=False)
    (email,) = event_reminders.queue_event_reminders(now=eight)

    assert email.recipient == people["cio_A"]


def test_no_reminder_for_an_office_that_declined_or_was_only_invited(
    registered: tuple[Roundtable, Attendance], people: dict, time_machine: TimeMachineFixture
) -> None:
    roundtable, row = registered
    events.register(roundtable, jurisdiction=row.jurisdiction, side="cio", by=people["cio_A"], attending=False)
    time_machine.move_to(DUE, tick=False)
    assert event_reminders.queue_event_reminders(now=DUE) == []  # the CPO office was invited, never registered


def test_the_reminder_is_sent_exactly_once_however_often_the_scan_runs(
    registered: tuple[Roundtable, Attendance], people: dict, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(DUE, tick=False)
    assert len(event_reminders.queue_event_reminders(now=DUE)) == 1
    assert event_reminders.queue_event_reminders(now=DUE) == []
    later = DUE + datetime.timedelta(days=2)
    time_machine.move_to(later, tick=False)
    assert event_reminders.queue_event_reminders(now=later) == []
    assert len(reminders()) == 1


def test_a_name_without_an_account_reminds_whoever_registered_it(
    registered: tuple[Roundtable, Attendance], people: dict, time_machine: TimeMachineFixture
) -> None:
    roundtable, row = registered
    events.register(roundtable, jurisdiction=row.jurisdiction, side="cpo", by=people["cpo_A"], attendee_name="Lee Park")
    time_machine.move_to(DUE, tick=False)
    queued = {e.recipient: e for e in event_reminders.queue_event_reminders(now=DUE)}
    assert set(queued) == {people["cio_A"], people["cpo_A"]}
    assert "You registered Lee Park to attend" in queued[people["cpo_A"]].body_text


def test_the_command_lists_then_queues_the_reminders(
    registered: tuple[Roundtable, Attendance], time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(DUE, tick=False)
    out = StringIO()
    call_command("send_event_reminders", "--dry-run", "--at", DUE.isoformat(), stdout=out)
    assert "cio@id.example" in out.getvalue()
    assert reminders() == []
    call_command("send_event_reminders", "--at", DUE.isoformat(), stdout=StringIO())
    assert len(reminders()) == 1
