"""The presentational filters: dates and moments read the same wherever they are shown, and the
timeline says what happened in words."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import dateformat, timezone

from actionplan.models import Activity
from actionplan.templatetags.plan_tags import activity_summary, day, local_day, timestamp

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime.datetime(2026, 11, 21, 20, 5, 9, tzinfo=UTC), "Nov 21, 2026, 3:05 p.m."),
        (datetime.datetime(2026, 11, 21, 14, 0, tzinfo=UTC), "Nov 21, 2026, 9 a.m."),
        (datetime.datetime(2026, 11, 22, 5, 0, tzinfo=UTC), "Nov 22, 2026, midnight"),
        (datetime.datetime(2026, 11, 21, 17, 0, tzinfo=UTC), "Nov 21, 2026, noon"),
        (datetime.datetime(2027, 3, 14, 7, 30, tzinfo=UTC), "Mar 14, 2027, 3:30 a.m."),  # first hour of DST
    ],
)
def test_a_moment_is_shown_in_the_viewers_zone_as_django_formats_it(moment: datetime.datetime, shown: str) -> None:
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        local = timezone.localtime(moment)
        html = timestamp(moment)

    assert html == f'<time datetime="{local.isoformat(timespec="seconds")}">{shown}</time>'
    assert shown == dateformat.format(local, "M j, Y, P")


def test_a_day_is_the_same_everywhere_and_a_moments_day_is_the_viewers() -> None:
    assert day(datetime.date(2027, 3, 31)) == '<time datetime="2027-03-31">Mar 31, 2027</time>'
    assert day(None) == ""
    late = datetime.datetime(2027, 4, 1, 2, 0, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("America/Los_Angeles")):
        assert local_day(late) == '<time datetime="2027-03-31">Mar 31, 2027</time>'


@pytest.mark.parametrize(
    ("verb", "field", "summary"),
    [
        (Activity.Verb.COMMENTED, "", "commented"),
        (Activity.Verb.SIGNED_OFF, "cio", "signed off (CIO side)"),
        (Activity.Verb.FIELD_CHANGED, "due_on", "changed the due date"),
        (Activity.Verb.STATUS_CHANGED, "status", "changed the status"),
    ],
)
def test_the_timeline_says_what_happened_in_words(verb: str, field: str, summary: str) -> None:
    activity = Activity(verb=verb, field=field)

    assert activity_summary(activity) == summary
    if verb not in (Activity.Verb.FIELD_CHANGED, Activity.Verb.STATUS_CHANGED):
        assert activity_summary(activity).startswith(activity.get_verb_display())
