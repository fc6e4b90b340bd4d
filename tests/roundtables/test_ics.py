"""The .ics of an event: RFC 5545 that the icalendar library parses back, in the event's own zone,
so a calendar shows the local start time that was typed whatever daylight saving does."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from directory.models import User
from library.models import DatePrecision
from roundtables import ics
from roundtables.models import Roundtable
from tests.factories import DAY_AFTER_DST, local, make_event

pytestmark = pytest.mark.django_db

# Written in February, on standard time, for events after the change to daylight time.
STAMPED = datetime.datetime(2027, 2, 10, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def site(settings: Settings, time_machine: TimeMachineFixture) -> None:
    settings.SITE_URL = "https://jointplan.example.org"
    time_machine.move_to(STAMPED, tick=False)


def parse(text: str) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    (event,) = calendar.events
    return calendar, event


@pytest.mark.parametrize(
    ("tz", "day", "utc_hour"),
    [
        # New York, the Monday after the clocks went forward: 09:00 EDT is 13:00 UTC (14:00 in February).
        ("America/New_York", DAY_AFTER_DST, 13),
        # Phoenix keeps standard time all year: 09:00 MST is 16:00 UTC on either side of the change.
        ("America/Phoenix", DAY_AFTER_DST, 16),
        # Guam has no daylight saving time and is ahead of UTC: 09:00 ChST is 23:00 UTC the day before.
        ("Pacific/Guam", DAY_AFTER_DST, 23),
        # New York, the Monday after the clocks went back (November 7, 2027): 09:00 EST is 14:00 UTC.
        ("America/New_York", datetime.date(2027, 11, 8), 14),
    ],
)
def test_the_local_start_time_round_trips_across_a_daylight_saving_change(
    people: dict[str, User | None], tz: str, day: datetime.date, utc_hour: int
) -> None:
    roundtable = make_event(created_by=people["staff"], tz=tz, day=day, starts=(9, 0), ends=(16, 30))
    calendar, event = parse(ics.build(roundtable))

    assert calendar["PRODID"] == ics.PRODID
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    (vtimezone,) = calendar.timezones
    assert vtimezone.tz_name == tz
    # The start and end are written on the event's own clocks, with its zone named.
    assert event["DTSTART"].params["TZID"] == tz
    assert event["DTEND"].params["TZID"] == tz
    assert event["DTSTART"].to_ical() == f"{day:%Y%m%d}T090000".encode()
    assert event["DTEND"].to_ical() == f"{day:%Y%m%d}T163000".encode()
    # Read back through the VTIMEZONE the file carries, the moment is the one stored.
    start = event.start
    assert (start.hour, start.minute, start.date()) == (9, 0, day)
    assert start.astimezone(datetime.UTC) == roundtable.starts_at
    assert start.astimezone(datetime.UTC).hour == utc_hour
    assert event.end.astimezone(datetime.UTC) == roundtable.ends_at
    # The same answer from the VTIMEZONE alone, not from the system's zone database.
    zone = vtimezone.to_tz()
    naive = datetime.datetime.combine(day, datetime.time(9, 0))
    assert naive.replace(tzinfo=zone).utcoffset() == naive.replace(tzinfo=ZoneInfo(tz)).utcoffset()


def test_the_event_carries_its_summary_place_link_and_a_stable_uid(people: dict) -> None:
    roundtable = make_event(created_by=people["staff"], place="Charlotte, NC", video_url="https://meet.example.org/rt")
    first = ics.build(roundtable)
    _, event = parse(first)
    assert event["SUMMARY"] == "Spring roundtable"
    assert event["LOCATION"] == "Charlotte, NC"
    assert event["URL"] == f"https://jointplan.example.org/roundtables/{roundtable.pk}/"
    assert event["UID"] == f"roundtable-{roundtable.pk}@jointplan.example.org"
    assert event["DTSTAMP"].dt == STAMPED
    description = str(event["DESCRIPTION"])
    assert "A day on **teaming**." in description  # plain text: the Markdown source as typed
    assert "https://meet.example.org/rt" in description
    # Built again later, after an edit: same UID, later SEQUENCE, so calendars update their entry.
    Roundtable.objects.filter(pk=roundtable.pk).update(
        title="Spring roundtable, moved", updated_at=roundtable.updated_at + datetime.timedelta(hours=1)
    )
    roundtable.refresh_from_db()
    _, again = parse(ics.build(roundtable))
    assert again["UID"] == event["UID"]
    assert again["SEQUENCE"] > event["SEQUENCE"]


def test_an_invitation_names_the_organizer_and_the_attendee(people: dict) -> None:
    roundtable = make_event(created_by=people["staff"])
    calendar, event = parse(ics.build(roundtable, method=ics.REQUEST, attendee=("cio@id.example", "Dana Whitfield")))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:cio@id.example"
    assert attendee.params["CN"] == "Dana Whitfield"
    assert attendee.params["RSVP"] == "FALSE"


def test_an_event_known_only_to_the_month_is_an_all_day_entry(people: dict) -> None:
    roundtable = make_event(created_by=people["staff"], day=datetime.date(2016, 7, 1), starts=(0, 0), ends=(0, 0))
    Roundtable.objects.filter(pk=roundtable.pk).update(date_precision=DatePrecision.MONTH)
    roundtable.refresh_from_db()
    calendar, event = parse(ics.build(roundtable))
    assert event.start == datetime.date(2016, 7, 1)
    assert event.end == datetime.date(2016, 7, 2)
    assert not calendar.timezones
    assert "exact dates of this event were not published" in str(event["DESCRIPTION"])


def test_the_download_is_an_attachment_for_anyone_signed_in(people: dict, client: Client) -> None:
    roundtable = make_event(created_by=people["staff"])
    client.force_login(people["cio_B"])
    response = client.get(f"/roundtables/{roundtable.pk}/event.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert response["Content-Disposition"] == 'attachment; filename="spring-roundtable.ics"'
    _, event = parse(response.content.decode())
    assert event.start == local(DAY_AFTER_DST, 9)
