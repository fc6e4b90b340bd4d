"""User Markdown to safe HTML. The converter is reused from one text to the next, so nothing one
text defines may show in another."""

from __future__ import annotations

from config.markdown import markdown_to_text, render_markdown


def test_markdown_is_converted_and_sanitised() -> None:
    html = render_markdown(
        '# Title\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1)) <b onclick="x">b</b>'
    )

    assert "<h3>Title</h3>" in html
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onclick" not in html


def test_a_link_reference_defined_in_one_text_does_not_resolve_in_the_next() -> None:
    assert 'href="https://one.example"' in render_markdown("[see][ref]\n\n[ref]: https://one.example")

    assert "href" not in render_markdown("[see][ref]")


def test_the_same_text_converts_the_same_way_every_time() -> None:
    text = "- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |"

    assert render_markdown(text) == render_markdown(text) == render_markdown(text)
    assert "<table>" in render_markdown(text)


def test_markdown_as_text_keeps_the_words_and_drops_the_markup() -> None:
    text = markdown_to_text(
        "Name *one* person in the **CIO** office and `one_contact`.\n\n"
        "- a [list](https://one.example) of _two_\n- <https://two.example>\n\n"
        "1. first\n2. second\n\n# Heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "fish &amp; chips <script>alert(1)</script>"
    )

    assert text == (
        "Name one person in the CIO office and one_contact.\n\n"
        "- a list (https://one.example) of two\n- https://two.example\n\n"
        "1. first\n2. second\n\nHeading\n\na | b\n1 | 2\n\nfish & chips"
    )


def test_plain_markdown_as_text_is_the_text_itself() -> None:
    assert markdown_to_text("Each state names one person.") == "Each state names one person."
    assert markdown_to_text("") == ""
