"""Markdown written by users, rendered to HTML that cannot run anything, or to plain text.

Markdown is converted first, then every tag, attribute and URL scheme not on the allow-list is
stripped by nh3 (an HTML sanitiser written in Rust): no script, no event handler, no `javascript:`
link, no inline style ever reaches a page or an email. The plain-text twin of an email reads that
same sanitised HTML back as text (markdown_to_text), so both parts say the same thing.
"""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

# Building a converter (loading its extensions, compiling their patterns) costs as much as
# converting a short text, and a page converts several. One per thread, since a converter is not
# safe to share; reset() before each text clears everything the previous one left behind.
_converters = threading.local()


def _converter() -> markdown_lib.Markdown:
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown_lib.Markdown(
            extensions=["sane_lists", "tables"], output_format="html"
        )
    return converter


def render_markdown(text: str) -> SafeString:
    """Markdown to safe HTML. Headings start at h3 so user text never competes with the page's."""
    html = _converter().reset().convert(text or "")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def markdown_to_text(text: str) -> str:
    """Markdown as readable plain text, for the text part of an email: emphasis, code and headings
    lose their markup (no stray `*` or `_`), paragraphs stay apart, list items start with "- " or
    their number, a link keeps its address in brackets and table cells are separated by " | "."""
    writer = _TextWriter()
    writer.feed(str(render_markdown(text)))
    writer.close()
    return writer.text()


class _TextWriter(HTMLParser):
    """Reads render_markdown's output (only ALLOWED_TAGS can occur) and writes it as text."""

    BLOCKS = frozenset({"p", "h3", "h4", "h5", "h6", "pre", "blockquote", "table", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[int | None] = []  # per open list: the next number of an <ol>, None for a <ul>
        self.links: list[tuple[str, int]] = []  # per open link: its address and where its text starts
        self.pre = 0
        self.item_starts = False  # just after a list marker: a paragraph inside the item adds no break

    def _written(self) -> str:
        return "".join(self.out)

    def _break(self, *, blank: bool) -> None:
        """End the line (and leave a blank one between blocks, not between list items)."""
        written = self._written()
        if self.item_starts or not written:
            return
        wanted = 2 if blank and not self.lists else 1
        self.out.append("\n" * max(wanted - (len(written) - len(written.rstrip("\n"))), 0))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self._break(blank=True)
            self.pre += tag == "pre"
            if tag == "hr":
                self.out.append("———")
        elif tag in ("ul", "ol"):
            self._break(blank=not self.lists)
            self.lists.append(1 if tag == "ol" else None)
        elif tag == "li":
            self._break(blank=False)
            number = self.lists[-1] if self.lists else None
            if self.lists and number is not None:
                self.lists[-1] = number + 1
            indent = "   " * max(len(self.lists) - 1, 0)
            self.out.append(f"{indent}{number}. " if number is not None else f"{indent}- ")
            self.item_starts = True
        elif tag == "br":
            self.out.append("\n")
        elif tag == "tr":
            self._break(blank=False)
        elif tag in ("td", "th") and self.out and not self._written().endswith("\n"):
            while self.out and self.out[-1].strip(" ") == "":  # the space between two cells
                self.out.pop()
            self.out.append(" | ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self._written())))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.pre -= tag == "pre"
            self._break(blank=True)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._break(blank=not self.lists)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = self._written()[start:].strip()
            if href and href not in (label, f"mailto:{label}"):
                self.out.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            written = self._written()
            if not written or written.endswith(("\n", "- ", ". ")):
                data = data.lstrip()
        if data:
            self.out.append(data)
            self.item_starts = False

    def text(self) -> str:
        lines = [line.rstrip() for line in self._written().split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
