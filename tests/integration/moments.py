"""Moments that fall inside someone's hours whatever time the integration suite runs: it runs on
the real clock, since its worker is another process that no frozen clock reaches."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo


def working_hours_from(now: datetime.datetime, tz: str) -> datetime.datetime:
    """The first whole half hour at or after `now` that is a weekday between 09:00 and 17:00 in `tz`:
    every kind of reminder may go out then. At most three days ahead (Friday evening to Monday)."""
    zone = ZoneInfo(tz)
    moment = now.replace(minute=0, second=0, microsecond=0)
    while moment < now or not (moment.astimezone(zone).weekday() < 5 and 9 <= moment.astimezone(zone).hour < 17):
        moment += datetime.timedelta(minutes=30)
    return moment


def zone_at_local_hour(now: datetime.datetime, hour: int) -> str:
    """An IANA zone (Etc/GMT±N) in which it is `hour` o'clock at `now`, so a test can run in
    someone's waking hours whatever time the suite runs."""
    offset = (hour - now.astimezone(datetime.UTC).hour + 12) % 24 - 12
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # POSIX sign: Etc/GMT-3 is UTC+3
