"""How a recommendation is named wherever a person sees one: by its words and its publication,
never by a number alone (3 of 2016 and R3 of 2017 are both in the library)."""

from __future__ import annotations

import datetime

from library.models import SHORT_TEXT, Publication, Recommendation


def recommendation(text: str, *, number: str = "3", title: str = "", year: int | None = 2016) -> Recommendation:
    publication = Publication(
        title=title or "NASCIO call to action on state IT procurement reform",
        published_on=datetime.date(year, 2, 25) if year else None,
    )
    return Recommendation(publication=publication, number=number, text=text)


def test_a_short_recommendation_is_named_by_its_whole_text_and_its_publication() -> None:
    rec = recommendation("Stop requiring performance bonds from technology vendors.")
    assert rec.label == (
        "Stop requiring performance bonds from technology vendors "
        "(NASCIO call to action on state IT procurement reform, 2016, no. 3)"
    )
    assert str(rec) == rec.label
    assert not rec.is_shortened


def test_a_long_one_is_cut_at_a_word_and_says_so() -> None:
    text = (
        "Name a point of contact in both the CPO's and the CIO's office, to improve communication and "
        "the handling of technology purchases."
    )
    rec = recommendation(
        text,
        number="R3",
        title="State IT Procurement Negotiations: Working Together to Reform and Transform",
        year=2017,
    )
    assert rec.short_text == "Name a point of contact in both the CPO's and the CIO's office, to improve…"
    assert len(rec.short_text) <= SHORT_TEXT
    assert rec.is_shortened
    assert rec.citation == "State IT Procurement Negotiations, 2017, R3"


def test_a_subtitle_or_a_parenthesis_leaves_the_publication_s_short_title() -> None:
    assert recommendation("Do it.", title="NASCIO 2025 procurement initiative (presented at the annual conference)",
                          year=None).citation == "NASCIO 2025 procurement initiative, no. 3"  # fmt: skip
