"""How adoption statuses look: a tag on a state's record, a glyph plus words in the national matrix.

Shape and words carry the meaning, colour only repeats it (WCAG 1.4.1). No queries and no rules here.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from actionplan.adoption import NOT_RECORDED, STATUS_ORDER, Cell, MatrixRow
from actionplan.models import Adoption

register = template.Library()

# status -> (glyph, words). The glyph is hidden from screen readers, which read the words instead.
LOOKS: dict[str, tuple[str, str]] = {
    Adoption.Status.ADOPTED: ("●", "Adopted"),
    Adoption.Status.IN_PROGRESS: ("◐", "In progress"),
    Adoption.Status.EXPLORING: ("○", "Exploring"),
    Adoption.Status.NOT_STARTED: ("–", "Not started"),
    Adoption.Status.NOT_APPLICABLE: ("n/a", "Not applicable"),
    NOT_RECORDED: ("", "Not recorded"),
}
VERIFIED_GLYPH = "✓"


def _css(status: str) -> str:
    return status or "none"


@register.filter
def adoption_tag(status: str | None) -> SafeString:
    """A status as a USWDS tag, in words; "" reads "Not recorded"."""
    glyph, words = LOOKS[status or NOT_RECORDED]
    return format_html(
        '<span class="usa-tag jp-adoption-tag jp-adoption--{}"><span aria-hidden="true">{} </span>{}</span>',
        _css(status or ""),
        glyph,
        words,
    )


@register.simple_tag
def adoption_legend() -> SafeString:
    """The matrix's key: each glyph with its words, in the order statuses are counted."""
    entries = [(s.value, *LOOKS[s.value]) for s in STATUS_ORDER] + [(NOT_RECORDED, "(blank)", "Not recorded")]
    items = format_html_join(
        "",
        '<li><span class="jp-cell jp-adoption--{}" aria-hidden="true">{}</span> {}</li>',
        ((_css(s), glyph, words) for s, glyph, words in entries),
    )
    verified = format_html(
        '<li><span class="jp-cell" aria-hidden="true">{}</span> Evidence verified by staff</li>', VERIFIED_GLYPH
    )
    return format_html('<ul class="usa-list usa-list--unstyled jp-legend">{}{}</ul>', items, verified)


def _cell_html(cell: Cell) -> SafeString:
    glyph, words = LOOKS[cell.status]
    if cell.is_verified:
        glyph, words = f"{glyph}{VERIFIED_GLYPH}", f"{words}, evidence verified"
    return format_html(
        '<td class="jp-cell jp-adoption--{}"><span aria-hidden="true">{}</span><span class="usa-sr-only">{}</span></td>',
        _css(cell.status),
        glyph,
        words,
    )


@register.simple_tag
def matrix_cells(row: MatrixRow) -> SafeString:
    """A matrix row's 56 cells in one escaped pass: a thousand cells through the template engine's
    loop would cost more than the whole rest of the page. Equal cells share one rendering."""
    rendered: dict[Cell, SafeString] = {}
    parts = []
    for cell in row.cells:
        html = rendered.get(cell)
        if html is None:
            html = rendered[cell] = _cell_html(cell)
        parts.append(html)
    return format_html_join("", "{}", ((part,) for part in parts))
