"""When an event happens, in words: in the event's own zone, in a reader's zone, and only as
precisely as the sources allow ("July 2016" for the 2016 roundtable, whose days were never
published). Used by the event pages and by the invitation and reminder emails alike.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import dateformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from library.models import DatePrecision
from roundtables.models import Roundtable

DAY = "l, F j, Y"  # Tuesday, April 13, 2027
SHORT_DAY = "D, M j, Y"  # Tue, Apr 13, 2027
TIME = "P"  # 9 a.m., 4:30 p.m.


def _local(moment: datetime.datetime, tz: str) -> datetime.datetime:
    return moment.astimezone(ZoneInfo(tz)).replace(microsecond=0)


def _period(moment: datetime.datetime, precision: str) -> str:
    return dateformat.format(moment, "F Y" if precision == DatePrecision.MONTH else "Y")


def _period_iso(moment: datetime.datetime, precision: str) -> str:
    return moment.strftime("%Y-%m" if precision == DatePrecision.MONTH else "%Y")


def _parts(roundtable: Roundtable, tz: str, day_format: str) -> list[tuple[str, str | None]]:
    """The line as pieces of text, each with the ISO moment it stands for (None for joining words)."""
    starts, ends = _local(roundtable.starts_at, tz), _local(roundtable.ends_at, tz)
    precision = roundtable.date_precision
    if precision != DatePrecision.DAY:
        first, last = _period(starts, precision), _period(ends, precision)
        if first == last:
            return [(first, _period_iso(starts, precision))]
        return [(first, _period_iso(starts, precision)), (" to ", None), (last, _period_iso(ends, precision))]
    start_text = f"{dateformat.format(starts, day_format)}, {dateformat.format(starts, TIME)}"
    if starts.date() == ends.date():
        end_text = dateformat.format(ends, TIME)
        return [
            (start_text, starts.isoformat()),
            (" to ", None),
            (end_text, ends.isoformat()),
            (f" {dateformat.format(ends, 'T')}", None),
        ]
    end_text = f"{dateformat.format(ends, day_format)}, {dateformat.format(ends, TIME)} {dateformat.format(ends, 'T')}"
    return [
        (f"{start_text} {dateformat.format(starts, 'T')}", starts.isoformat()),
        (" to ", None),
        (end_text, ends.isoformat()),
    ]


def span_text(roundtable: Roundtable, tz: str | None = None, *, day_format: str = DAY) -> str:
    """The event's dates and times in `tz` (the event's own zone by default), as one line:
    "Tuesday, April 13, 2027, 9 a.m. to 4:30 p.m. EDT", or "July 2016" when only the month is known."""
    return "".join(text for text, _ in _parts(roundtable, tz or roundtable.tz, day_format))


def span_html(roundtable: Roundtable, tz: str | None = None, *, day_format: str = DAY) -> SafeString:
    """`span_text` with the start and the end as <time> elements machines can read (no microseconds)."""
    pieces = [
        format_html('<time datetime="{}">{}</time>', iso, text) if iso else format_html("{}", text)
        for text, iso in _parts(roundtable, tz or roundtable.tz, day_format)
    ]
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def differs_for(roundtable: Roundtable, tz: str) -> bool:
    """Whether a reader in `tz` would see other dates or times than the event's own zone shows."""
    if roundtable.date_precision != DatePrecision.DAY or tz == roundtable.tz:
        return False
    return span_text(roundtable, tz) != span_text(roundtable)


def short_text(roundtable: Roundtable) -> str:
    """For lists: "Tue, Apr 13, 2027" in the event's zone, or "July 2016"."""
    starts = _local(roundtable.starts_at, roundtable.tz)
    ends = _local(roundtable.ends_at, roundtable.tz)
    if roundtable.date_precision != DatePrecision.DAY:
        return span_text(roundtable)
    first = dateformat.format(starts, SHORT_DAY)
    if starts.date() == ends.date():
        return first
    return f"{first} to {dateformat.format(ends, SHORT_DAY)}"


def short_html(roundtable: Roundtable) -> SafeString:
    starts = _local(roundtable.starts_at, roundtable.tz)
    if roundtable.date_precision != DatePrecision.DAY:
        return format_html(
            '<time datetime="{}">{}</time>', _period_iso(starts, roundtable.date_precision), short_text(roundtable)
        )
    return format_html('<time datetime="{}">{}</time>', starts.date().isoformat(), short_text(roundtable))
