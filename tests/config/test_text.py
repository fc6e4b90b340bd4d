"""What counts as text a person actually wrote (config.text.is_blank)."""

from __future__ import annotations

import pytest

from config.text import is_blank


@pytest.mark.parametrize("text", ["", " \t\n", "\u200b", "\ufeff\u200d", "\u00ad", "\u200e", "\u0301", "\u3000"])
def test_text_that_shows_nothing_is_blank(text: str) -> None:
    assert is_blank(text)


@pytest.mark.parametrize("text", ["x", " 40% ", "\u200bDone\u200b", "é", "日本", "🙂", "0"])
def test_text_with_anything_visible_is_not_blank(text: str) -> None:
    assert not is_blank(text)
