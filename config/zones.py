"""Time zones as people say them: "Mountain Time (Boise)", not "America/Boise".

What is stored stays the IANA id (User.tz, Jurisdiction.tz, Roundtable.tz); this only names it for
pages, emails and choice labels. In config because every app shows zones, outbox's emails included.
"""

from __future__ import annotations

import datetime
import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The US zones by their standard-time abbreviation and UTC offset in hours. The offset is checked
# too, because abbreviations repeat around the world (China's "CST" is not Central Time).
_US_NAMES = {
    ("EST", -5): "Eastern Time",
    ("CST", -6): "Central Time",
    ("MST", -7): "Mountain Time",
    ("PST", -8): "Pacific Time",
    ("AKST", -9): "Alaska Time",
    ("HST", -10): "Hawaii-Aleutian Time",
    ("AST", -4): "Atlantic Time",
    ("ChST", 10): "Chamorro Time",
    ("SST", -11): "Samoa Time",
}
# A January day, when the northern hemisphere (where every zone above is, or keeps no DST) is on
# standard time: the name is the zone's, whichever half of the year it is read in.
_STANDARD_DAY = datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC)


@functools.cache
def zone_label(zone: str) -> str:
    """A zone id as a person reads it: "Mountain Time (Boise)" for a US zone, "Paris time" for
    another, "UTC" for UTC; an unknown id is returned as it is (never an error on a page)."""
    if zone in {"UTC", "Etc/UTC", "Etc/GMT", "GMT"}:
        return "UTC"
    try:
        moment = _STANDARD_DAY.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return zone
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    offset = moment.utcoffset() or datetime.timedelta(0)
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    name = None if rest else _US_NAMES.get((moment.tzname() or "", hours))
    if name and zone.startswith(("America/", "Pacific/", "US/")):
        return f"{name} ({city})"
    return f"{city} time"


def zone_choices(zones: set[str] | list[str]) -> list[tuple[str, str]]:
    """Choices for a time-zone field: the zone id stored, its label shown, in label order."""
    return sorted(((zone, zone_label(zone)) for zone in zones), key=lambda choice: choice[1])
