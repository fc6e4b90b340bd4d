"""Dates at the precision the sources give: "September 19, 2017", "July 2016" or "2004", as
<time> elements machines can read. Used by the library's pages and by the events on its timeline."""

from __future__ import annotations

import datetime

from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import SafeString

from library.models import DatePrecision

_FORMATS = {
    DatePrecision.DAY: ("F j, Y", "%Y-%m-%d"),
    DatePrecision.MONTH: ("F Y", "%Y-%m"),
    DatePrecision.YEAR: ("Y", "%Y"),
}


def when(day: datetime.date, precision: str, until: datetime.date | None = None) -> SafeString:
    """ "September 19, 2017", "July 2016" or "2004" as <time> elements; a span when `until` differs."""
    shown, machine = _FORMATS[DatePrecision(precision)]
    first = format_html('<time datetime="{}">{}</time>', day.strftime(machine), dateformat.format(day, shown))
    if until is None or dateformat.format(until, shown) == dateformat.format(day, shown):
        return first
    last = format_html('<time datetime="{}">{}</time>', until.strftime(machine), dateformat.format(until, shown))
    return format_html("{} to {}", first, last)
