"""User Markdown to safe HTML. The converter is reused from one text to the next, so nothing one
text defines may show in another."""

from __future__ import annotations

from config.markdown import render_markdown


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
