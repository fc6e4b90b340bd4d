"""How a public plan's items look: each item's facts and each office's latest update, built in one
escaped pass (like actionplan's item_rows). A plan of 60 items through the template engine's loop
cost several times what the rest of the page did. No queries and no rules here."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from actionplan.templatetags.plan_tags import day, local_day, status_tag
from reports.public import OfficeUpdate, PublicItem

register = template.Library()

ITEM = (
    '<article id="item-{pk}" aria-labelledby="item-{pk}-title" class="jp-public-item" data-testid="public-item">'
    '<h3 id="item-{pk}-title" class="margin-bottom-1">{title}</h3>'
    '<dl class="jp-public-facts">'
    "<div><dt>Status</dt><dd>{status}{disagree}</dd></div>"
    "<div><dt>Progress</dt><dd>{progress}%</dd></div>"
    "<div><dt>Due</dt><dd>{due}{overdue}</dd></div>"
    "<div><dt>Owned by</dt><dd>{owners}</dd></div>"
    "</dl>{offices}</article>"
)
UPDATE = (
    '<div class="jp-public-update" data-testid="latest-{office}">'
    '<h4 class="margin-bottom-05">Latest from the {name}</h4>'
    '<p class="margin-top-05 margin-bottom-05">{status} {progress}% · {on}</p>'
    '<div class="usa-prose">{narrative}</div></div>'
)
NO_UPDATE = (
    '<div class="jp-public-update" data-testid="latest-{office}">'
    '<h4 class="margin-bottom-05">Latest from the {name}</h4>'
    '<p class="margin-top-05">No update yet.</p></div>'
)
DISAGREE = mark_safe(' <span class="jp-flag jp-flag--disagree">The two offices report different statuses</span>')  # noqa: S308 - constant
OVERDUE = mark_safe(' <span class="jp-flag jp-flag--overdue">Overdue</span>')  # noqa: S308 - constant


def _office(office: OfficeUpdate, tags: dict[str, SafeString]) -> SafeString:
    update = office.update
    if update is None:
        return format_html(NO_UPDATE, office=office.office, name=office.name)
    return format_html(
        UPDATE,
        office=office.office,
        name=office.name,
        status=tags.setdefault(update.status, status_tag(update.status)),
        progress=update.progress,
        on=local_day(update.created_at),
        narrative=office.narrative_html,
    )


@register.simple_tag
def public_items(entries: list[PublicItem]) -> SafeString:
    """The <article> of each item of a dimension, in order."""
    tags: dict[str, SafeString] = {}  # a status's tag is the same every time: built once
    parts = []
    for entry in entries:
        item = entry.item
        parts.append(
            format_html(
                ITEM,
                pk=item.pk,
                title=item.title,
                status=tags.setdefault(item.status, status_tag(item.status)),
                disagree=DISAGREE if item.sides_disagree else "",
                progress=item.progress,
                due=day(item.due_on),
                overdue=OVERDUE if entry.is_overdue else "",
                owners=entry.owners,
                offices=mark_safe("".join(_office(office, tags) for office in entry.latest)),  # noqa: S308 - each part built by format_html
            )
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - each item built by format_html
