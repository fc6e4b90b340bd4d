"""An event as an iCalendar file (RFC 5545), for the download on every event page and the
attachment of invitation and reminder emails.

Times are written in the event's own zone (DTSTART;TZID=America/New_York:...), with a VTIMEZONE
for that zone, so a calendar shows the event at the right local time whatever daylight saving
does between now and then; the UID is stable per event, so a later file updates the same entry.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from library.models import DatePrecision
from roundtables.models import Roundtable

PRODID = "-//NASPO and NASCIO//Joint Plan//EN"
CONTENT_TYPE = "text/calendar"
# iTIP methods (RFC 5546): a file to add to one's calendar, or an invitation addressed to someone.
PUBLISH = "PUBLISH"
REQUEST = "REQUEST"


def uid(roundtable: Roundtable) -> str:
    """The same for every file of one event, so calendars update their entry instead of adding one."""
    domain = urlsplit(settings.SITE_URL).hostname or "jointplan.localhost"
    return f"roundtable-{roundtable.pk}@{domain}"


def filename(roundtable: Roundtable) -> str:
    return f"{slugify(roundtable.title)[:60] or 'event'}.ics"


def content_type(method: str) -> str:
    """The HTTP Content-Type of a download, with its method (RFC 5545 §8.1)."""
    return f"{CONTENT_TYPE}; charset=utf-8; method={method}"


def email_mimetype(method: str) -> str:
    """The MIME type of an email's calendar part, with its method as RFC 6047 asks (the outbox
    adds the charset)."""
    return f"{CONTENT_TYPE}; method={method}"


def _organizer() -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{_from_address()}")
    address.params["cn"] = "Joint Plan (NASPO and NASCIO)"
    return address


def _from_address() -> str:
    value = settings.DEFAULT_FROM_EMAIL
    return value.rsplit("<", 1)[-1].rstrip(">").strip() if "<" in value else value.strip()


def _description(roundtable: Roundtable, page_url: str) -> str:
    """Plain text: calendars show DESCRIPTION as typed, so the Markdown source reads fine."""
    parts = []
    if roundtable.date_precision != DatePrecision.DAY:
        precision = "month" if roundtable.date_precision == DatePrecision.MONTH else "year"
        parts.append(
            f"The exact dates of this event were not published; only its {precision} is known. "
            "This entry is placed on the first day of that period."
        )
    if roundtable.description:
        parts.append(roundtable.description.replace("\r\n", "\n").strip())
    if roundtable.video_url:
        parts.append(f"Video link: {roundtable.video_url}")
    parts.append(f"Event page (agenda, registration): {page_url}")
    return "\n\n".join(parts)


def _sequence(roundtable: Roundtable) -> int:
    """Grows with every change to the event, so a calendar takes a later file as the newer one."""
    changed = roundtable.updated_at or roundtable.created_at
    return max(0, int((changed - roundtable.created_at).total_seconds()))


def build(
    roundtable: Roundtable,
    *,
    method: str = PUBLISH,
    attendee: tuple[str, str] | None = None,
    now: datetime.datetime | None = None,
) -> str:
    """The event as an iCalendar document (text with CRLF line ends).

    `method=REQUEST` with `attendee=(email, name)` is an invitation addressed to that person
    (RSVP=FALSE: people register on the event page, not by answering the calendar).
    Events known only to the month or year (the seeded history) become all-day entries.
    """
    zone = ZoneInfo(roundtable.tz)
    starts = roundtable.starts_at.astimezone(zone)
    ends = roundtable.ends_at.astimezone(zone)
    page_url = settings.SITE_URL + reverse("roundtables:detail", args=[roundtable.pk])

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = icalendar.Event()
    event.add("uid", uid(roundtable))
    event.add("dtstamp", (now or timezone.now()).astimezone(datetime.UTC).replace(microsecond=0))
    event.add("sequence", _sequence(roundtable))
    if roundtable.date_precision == DatePrecision.DAY:
        event.add("dtstart", starts.replace(microsecond=0))
        event.add("dtend", ends.replace(microsecond=0))
        calendar.add_component(
            icalendar.Timezone.from_tzid(
                roundtable.tz,
                first_date=datetime.date(starts.year - 1, 1, 1),
                last_date=datetime.date(ends.year + 1, 12, 31),
            )
        )
    else:
        event.add("dtstart", starts.date())
        event.add("dtend", ends.date() + datetime.timedelta(days=1))  # DTEND of an all-day entry is exclusive
    event.add("summary", roundtable.title)
    location = roundtable.place or roundtable.video_url
    if location:
        event.add("location", location)
    event.add("url", page_url)
    event.add("description", _description(roundtable, page_url))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    if method == REQUEST:
        event.add("organizer", _organizer())
        if attendee is not None:
            email, name = attendee
            address = icalendar.vCalAddress(f"mailto:{email}")
            address.params.update({"cn": name or email, "role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION"})
            address.params["rsvp"] = "FALSE"
            event.add("attendee", address)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
