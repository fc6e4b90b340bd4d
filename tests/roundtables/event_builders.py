"""Builders for the events tests: an event at a known moment, made through the service."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from directory.models import Association, User
from roundtables.models import Roundtable
from roundtables.services import events

NEW_YORK = "America/New_York"
# The Monday after daylight saving time begins in 2027 (Sunday, March 14): New York is on EDT, UTC-4.
DAY_AFTER_DST = datetime.date(2027, 3, 15)


def local(day: datetime.date, hour: int, minute: int = 0, *, tz: str = NEW_YORK) -> datetime.datetime:
    """`day hour:minute` on the clocks of `tz`, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(tz))


def make_event(
    staff: User,
    *,
    day: datetime.date = DAY_AFTER_DST,
    starts: tuple[int, int] = (9, 0),
    ends: tuple[int, int] = (16, 30),
    tz: str = NEW_YORK,
    title: str = "Spring roundtable",
    **fields: object,
) -> Roundtable:
    """A one-day roundtable hosted by both associations, created by `staff` through the service."""
    values: dict[str, object] = {
        "kind": Roundtable.Kind.ROUNDTABLE,
        "title": title,
        "starts_at": local(day, *starts, tz=tz),
        "ends_at": local(day, *ends, tz=tz),
        "tz": tz,
        "place": "Charlotte, North Carolina",
        "video_url": "",
        "hosts": list(Association.objects.filter(code__in=["NASPO", "NASCIO"])),
        "description": "A day on **teaming**.",
    }
    return events.create_roundtable(by=staff, **(values | fields))  # type: ignore[arg-type]
