"""Presentational filters for plan and item pages: Markdown, status tags and times.

No queries and no rules here: views decide what is shown, these only say how it looks.
"""

from __future__ import annotations

import datetime
import functools

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from actionplan.models import MENTION, Activity, Comment, Item, ItemSide, Status, mention_targets
from config.markdown import markdown_to_text, render_markdown
from config.mentions import mark_mentions

register = template.Library()

# "Nov 21, 2026, 3:05 p.m.": unambiguous for every reader, whatever their locale. A moment is its
# day ("Nov 21, 2026"), then its time ("P": "3:05 p.m.", "noon", "midnight").
DATE_FORMAT = "M j, Y"

# How a field name in the activity log reads in a sentence.
FIELD_LABELS = {
    "title": "title",
    "description": "description",
    "dimension": "dimension",
    "side": "owning side",
    "cio_owner": "CIO-side owner",
    "cpo_owner": "CPO-side owner",
    "starts_on": "start date",
    "due_on": "due date",
    "status": "status",
    "sharing": "sharing",
    "cio": "CIO side",
    "cpo": "CPO side",
}
VERB_LABELS: dict[str, str] = dict(Activity.Verb.choices)


@register.filter
def markdown(text: str | None) -> SafeString:
    """User-written Markdown as sanitised HTML."""
    return render_markdown(text or "")


@register.filter
def markdown_text(text: str | None) -> str:
    """User-written Markdown as the plain text it reads as (for a table cell or a line; escaped)."""
    return markdown_to_text(text or "")


@register.simple_tag
def comment_body(comment: Comment, reader: object) -> SafeString:
    """A comment's Markdown as sanitised HTML, its @mentions of the people it recorded
    (`comment.mentioned`, put there by the view) marked, the reader's own distinguishable."""
    reader_id = getattr(reader, "pk", None)
    targets = mention_targets(getattr(comment, "mentioned", ()))
    return _comment_html(
        comment.body, tuple(sorted((handle, user.pk == reader_id) for handle, user in targets.items()))
    )


# Markdown, sanitising and marking cost over a millisecond a comment, and the same comments are read
# again and again (My updates, the item page). The HTML is a pure function of the text and of what
# each handle names (the reader, someone else), so each process converts a comment once per reader
# kind; a comment is never edited, and a changed text would be a new key anyway.
@functools.lru_cache(maxsize=4096)
def _comment_html(body: str, marks: tuple[tuple[str, bool], ...]) -> SafeString:
    is_reader = dict(marks)  # handle (lowercased) -> whether it names the reader
    return mark_mentions(render_markdown(body), MENTION, lambda handle: is_reader.get(handle.lower()))


@register.filter
def status_tag(status: str | None) -> SafeString:
    """A status as a USWDS tag whose colour and words both carry the meaning."""
    return _status_tag(status or "", get_language())


@functools.lru_cache(maxsize=64)  # a handful of statuses, and a page shows dozens of tags
def _status_tag(status: str, language: str | None) -> SafeString:
    if not status:
        return format_html('<span class="usa-tag jp-status jp-status--none">{}</span>', "No report")
    return format_html('<span class="usa-tag jp-status jp-status--{}">{}</span>', status, Status(status).label)


@register.filter
def status_label(status: str | None) -> str:
    return Status(status).label if status else ""


@register.filter
def timestamp(value: datetime.datetime | None) -> SafeString | str:
    """A moment in the viewer's time zone, in a <time> element machines can read."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    text = f"{_date_text(local.date(), get_language())}, {dateformat.TimeFormat(local).P()}"
    return format_html('<time datetime="{}">{}</time>', local.isoformat(timespec="seconds"), text)


@register.filter
def day(value: datetime.date | None) -> SafeString | str:
    """A calendar date (no time zone: a due date is the same day everywhere)."""
    if value is None:
        return ""
    return _day(value, get_language())


# An item table shows two dates a row and a timeline one a line, over few distinct days: each day
# is formatted once per process (and language, should month names ever be translated).
@functools.lru_cache(maxsize=4096)
def _date_text(value: datetime.date, language: str | None) -> str:
    return dateformat.format(value, DATE_FORMAT)


@functools.lru_cache(maxsize=4096)
def _day(value: datetime.date, language: str | None) -> SafeString:
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), _date_text(value, language))


@register.filter
def local_day(value: datetime.datetime | None) -> SafeString | str:
    """The calendar day of a moment, in the viewer's time zone."""
    return day(timezone.localtime(value).date()) if value is not None else ""


@register.filter
def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " "))


@register.filter
def side_label(side: str) -> str:
    return {"cio": "CIO", "cpo": "CPO", "joint": "Joint"}.get(side, side)


@register.filter
def activity_summary(activity: Activity) -> str:
    """What someone did, as words: "changed the due date", "signed off (CIO side)"."""
    if activity.verb == Activity.Verb.FIELD_CHANGED and activity.field:
        return f"changed the {field_label(activity.field)}"
    if activity.verb == Activity.Verb.STATUS_CHANGED:
        return "changed the status"
    if activity.verb == Activity.Verb.COMMENTED and activity.field == "reply":
        return "replied to a comment"
    label = VERB_LABELS.get(activity.verb, activity.verb)  # get_verb_display(), without rebuilding its dict
    return f"{label} ({field_label(activity.field)})" if activity.field else label


@register.simple_tag
def item_rows(
    items: list[Item], today: datetime.date, show_plan: bool = False, show_dimension: bool = False
) -> SafeString:
    """The <tr> rows of an item table. Built here rather than in a template loop because lists of
    50 items are the hottest thing the app renders; every value is escaped by format_html."""
    prefix = reverse("actionplan:item", args=[0])[: -len("0/")]
    rows = []
    for item in items:
        flags = (
            format_html('<br><span class="jp-muted">{}</span>', item.dimension.name)
            if show_dimension
            else mark_safe("")
        )
        if item.sides_disagree:
            flags += mark_safe('<br><span class="jp-flag jp-flag--disagree">Sides disagree</span>')  # noqa: S308 - constant
        owners = []
        if item.side != ItemSide.CPO:
            owners.append(format_html("CIO: {}", item.cio_owner or "owner needed"))
        if item.side != ItemSide.CIO:
            owners.append(format_html("CPO: {}", item.cpo_owner or "owner needed"))
        due = day(item.due_on)
        if item.is_overdue(today):
            due += mark_safe('<br><span class="jp-flag jp-flag--overdue">Overdue</span>')  # noqa: S308 - constant
        # Due and status come right after the title: on a phone each row is a card (app.css,
        # .jp-stack) whose first line under the title is these two, labelled by data-label.
        rows.append(
            format_html(
                '<tr><th scope="row"><a class="usa-link" href="{}{}/">{}</a>{}</th>'
                '<td data-label="Due" data-cell="due">{}</td>'
                '<td data-label="Status" data-cell="status">{}</td>{}'
                '<td data-label="Side">{}</td><td data-label="Owners" class="jp-stack__wide">{}</td>'
                '<td data-label="Progress">{}%</td><td data-label="Last update">{}</td></tr>',
                prefix,
                item.pk,
                item.title,
                flags,
                due,
                status_tag(item.status),
                format_html('<td data-label="Plan" class="jp-stack__wide">{}</td>', item.plan) if show_plan else "",
                item.get_side_display(),
                mark_safe("<br>".join(owners)),  # noqa: S308 - each part built by format_html
                item.progress,
                local_day(item.last_update_at) if item.last_update_at else "None yet",
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - each row built by format_html


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register.simple_tag
def timeline_entries(activities: list[Activity]) -> SafeString:
    """The <li> entries of an item's timeline, newest first, in one escaped pass (like item_rows)."""
    arrow = mark_safe('<span aria-hidden="true">→</span><span class="usa-sr-only">to</span>')  # noqa: S308 - constant
    entries = []
    for a in activities:
        change = mark_safe("")  # noqa: S308 - empty
        if a.verb != Activity.Verb.COMMENTED:
            if a.old_value and a.new_value:
                change = format_html(": {} {} {}", _short(a.old_value), arrow, _short(a.new_value))
            elif a.new_value:
                change = format_html(": {}", _short(a.new_value))
            elif a.old_value:
                change = format_html(": {} {} none", _short(a.old_value), arrow)
        entries.append(
            format_html(
                '<li class="padding-y-1 border-bottom-1px border-base-lighter"><strong>{}</strong> {}{}'
                '<span class="display-block font-body-2xs text-base-dark">{}</span></li>',
                a.actor or "Joint Plan",
                activity_summary(a),
                change,
                timestamp(a.created_at),
            )
        )
    return mark_safe("\n".join(entries))  # noqa: S308 - each entry built by format_html
