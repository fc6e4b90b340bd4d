"""@mentions marked in rendered Markdown: `<mark class="jp-mention">@cio</mark>`.

Marks go into sanitised HTML (config.markdown.render_markdown's output), never into what people
type: a comment's author cannot forge a mark, because the first sanitising pass strips every
<mark> and <span> they write. Only text between tags is touched, never a tag or an attribute (a
link's address or title keeps its "@cio"), and the result is sanitised again, allowing nothing
more than the first pass but these marks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import nh3
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from config.markdown import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS

MARK = "jp-mention"
MARK_YOU = "jp-mention--you"
_MARKED_CLASSES = {"mark": {MARK, MARK_YOU}, "span": {"usa-sr-only"}}

# Who a handle names: None (no one: left as it was), False (someone), True (the reader).
Whose = Callable[[str], bool | None]


def mark_mentions(html: SafeString, pattern: re.Pattern[str], whose: Whose) -> SafeString:
    """Wrap each match of `pattern` (group 1 is the handle, without its "@") in the text of `html`
    whose handle names someone; the reader's own is marked MARK_YOU too and says "(you)" to screen
    readers. Dots after a handle end the sentence, not the handle, as for services.resolve_mentions."""
    writer = _Marker(pattern, whose)
    writer.feed(str(html))
    writer.close()
    marked = "".join(writer.out)
    if not writer.changed:
        return html
    clean = nh3.clean(
        marked,
        tags=ALLOWED_TAGS | _MARKED_CLASSES.keys(),
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=_MARKED_CLASSES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


class _Marker(HTMLParser):
    """Copies sanitised HTML through as it came, marking mentions in its text."""

    def __init__(self, pattern: re.Pattern[str], whose: Whose) -> None:
        # Entities stay as written (handle_entityref), so the copy is the input byte for byte.
        super().__init__(convert_charrefs=False)
        self.pattern = pattern
        self.whose = whose
        self.out: list[str] = []
        self.changed = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_data(self, data: str) -> None:
        self.out.append(self.pattern.sub(self._mark, data))

    def _mark(self, match: re.Match[str]) -> str:
        handle = match.group(1).rstrip(".")
        reader = self.whose(handle)
        if reader is None:
            return match.group(0)
        self.changed = True
        # The handle is made of letters, digits and ._%+-@ only: escaping leaves it as it is.
        mention = "@" + handle
        rest = match.group(0)[len(mention) :]
        if reader:
            marked = format_html(
                '<mark class="{} {}">{}<span class="usa-sr-only"> (you)</span></mark>', MARK, MARK_YOU, mention
            )
        else:
            marked = format_html('<mark class="{}">{}</mark>', MARK, mention)
        return marked + rest
