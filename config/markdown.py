"""Markdown written by users, rendered to HTML that cannot run anything.

Markdown is converted first, then every tag, attribute and URL scheme not on the allow-list is
stripped by nh3 (an HTML sanitiser written in Rust): no script, no event handler, no `javascript:`
link, no inline style ever reaches a page or an email.
"""

from __future__ import annotations

import threading

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
