"""The presentational filters: dates and moments read the same wherever they are shown, and the
timeline says what happened in words."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import dateformat, timezone

from actionplan.models import Activity, Comment
from actionplan.templatetags.plan_tags import activity_summary, comment_body, day, local_day, timestamp
from directory.models import User

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
        (Activity.Verb.COMMENTED, "reply", "replied to a comment"),
        (Activity.Verb.SIGNED_OFF, "cio", "signed off (CIO side)"),
        (Activity.Verb.FIELD_CHANGED, "due_on", "changed the due date"),
        (Activity.Verb.STATUS_CHANGED, "status", "changed the status"),
    ],
)
def test_the_timeline_says_what_happened_in_words(verb: str, field: str, summary: str) -> None:
    activity = Activity(verb=verb, field=field)

    assert activity_summary(activity) == summary
    if verb not in (Activity.Verb.FIELD_CHANGED, Activity.Verb.STATUS_CHANGED) and field != "reply":
        assert activity_summary(activity).startswith(activity.get_verb_display())


# --- Mentions in comments -------------------------------------------------------------------------


def _comment(body: str, *mentioned: User) -> Comment:
    """A comment as the item page shows it: its recorded mentions put on it by the view."""
    comment = Comment(body=body)
    comment.mentioned = list(mentioned)  # type: ignore[attr-defined]
    return comment


CIO = User(pk=1, email="cio@id.example")
CPO = User(pk=2, email="cpo@id.example")


def test_a_mention_of_a_member_is_marked_and_nothing_else_is() -> None:
    body = "Thanks @cpo. Mail cio@id.example or @nobody; @cio@id.example, see `@cpo`."

    html = comment_body(_comment(body, CPO, CIO), CPO)

    assert html == (
        '<p>Thanks <mark class="jp-mention jp-mention--you">@cpo<span class="usa-sr-only"> (you)</span></mark>. '
        'Mail cio@id.example or @nobody; <mark class="jp-mention">@cio@id.example</mark>, see '
        '<code><mark class="jp-mention jp-mention--you">@cpo<span class="usa-sr-only"> (you)</span></mark></code>.</p>'
    )


def test_a_handle_the_comment_did_not_record_as_a_mention_is_left_as_text() -> None:
    assert comment_body(_comment("Ask @cpo", CIO), CIO) == "<p>Ask @cpo</p>"
    assert comment_body(_comment("Ask @cpo"), None) == "<p>Ask @cpo</p>"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            '<mark class="jp-mention jp-mention--you">forged</mark> <span class="usa-sr-only">(you)</span>',
            "<p>forged (you)</p>",
            id="forged-mark",
        ),
        pytest.param(
            '[see @cpo](https://example.org/@cpo "t>@cpo")',
            '<p><a href="https://example.org/@cpo" title="t&gt;@cpo" rel="noopener noreferrer nofollow">see '
            '<mark class="jp-mention">@cpo</mark></a></p>',
            id="link-keeps-its-attributes",
        ),
        pytest.param(
            '@cpo <img src=x onerror="window.__xss=1"><script>alert(1)</script>',
            '<p><mark class="jp-mention">@cpo</mark> </p>',
            id="script-beside-a-mention",
        ),
        pytest.param(
            "a &amp; @cpo &lt;b&gt;", '<p>a &amp; <mark class="jp-mention">@cpo</mark> &lt;b&gt;</p>', id="entities"
        ),
    ],
)
def test_marking_mentions_never_lets_a_comment_write_markup(body: str, expected: str) -> None:
    assert comment_body(_comment(body, CPO), CIO) == expected
