"""The library's reference data: loaded once, changed by nothing on a second run, corrected when
the seed changes, never over what staff edited, and honest: no recommendation without a source,
none invented for the 2017 paper."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from directory.models import SeededRow
from library import reference
from library.models import (
    CaseStudy,
    DatePrecision,
    Dimension,
    Framework,
    FrameworkItem,
    Milestone,
    Publication,
    Recommendation,
    RecommendationArea,
)
from tests import factories

pytestmark = pytest.mark.usefixtures("reference_data")

PAPER_2017 = "it-procurement-negotiations-2017"


def test_a_second_load_changes_nothing() -> None:
    assert set(reference.load().changed.values()) == {0}


def test_load_reference_prints_what_it_created_or_corrected() -> None:
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "0 publications, 0 recommendation areas, 0 recommendations, 0 milestones" in out.getvalue()


def _seed_says(monkeypatch: pytest.MonkeyPatch, name: str, match: Callable[[Any], bool], **changes: object) -> None:
    """Change what the seed says about one row, as a new release of the seed data would."""
    rows = [row._replace(**changes) if match(row) else row for row in getattr(reference, name)]
    monkeypatch.setattr(reference, name, rows)


def test_a_row_nobody_edited_is_corrected_when_the_seed_changes_and_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    _seed_says(
        monkeypatch,
        "RECOMMENDATIONS",
        lambda row: (row.publication, row.number) == (PAPER_2017, "R3"),
        text="Name one contact in each office.",
        confidence="publication",
    )
    _seed_says(monkeypatch, "PUBLICATIONS", lambda row: row.slug == PAPER_2017, expected_recommendations=19)
    _seed_says(monkeypatch, "CASE_STUDIES", lambda row: row.slug == "ohio-data-center-consolidation", key_facts=[])

    tally = reference.load()

    assert tally.changed["recommendations"] == 1
    assert tally.changed["publications"] == 1
    assert tally.changed["case studies"] == 1
    assert set(tally.kept.values()) == {0}
    recommendation = Recommendation.objects.get(publication__slug=PAPER_2017, number="R3")
    assert recommendation.text == "Name one contact in each office."
    assert recommendation.confidence == Recommendation.Confidence.PUBLICATION
    assert Publication.objects.get(slug=PAPER_2017).expected_recommendations == 19
    assert CaseStudy.objects.get(slug="ohio-data-center-consolidation").key_facts == []
    assert set(reference.load().changed.values()) == {0}


def test_rows_staff_edited_are_kept_and_counted_even_when_the_seed_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    recommendation = Recommendation.objects.get(publication__slug=PAPER_2017, number="R3")
    recommendation.text = "Our own wording."
    recommendation.save()
    Dimension.objects.filter(slug="teaming").update(summary="Who does what, in our words.")
    CaseStudy.objects.filter(slug="ohio-data-center-consolidation").update(key_facts=["A figure staff checked"])
    _seed_says(
        monkeypatch,
        "RECOMMENDATIONS",
        lambda row: (row.publication, row.number) == (PAPER_2017, "R3"),
        text="Name one contact in each office.",
    )

    for _ in range(2):
        tally = reference.load()

        assert set(tally.changed.values()) == {0}
        assert (tally.kept["recommendations"], tally.kept["dimensions"], tally.kept["case studies"]) == (1, 1, 1)
        assert Recommendation.objects.get(pk=recommendation.pk).text == "Our own wording."
        assert Dimension.objects.get(slug="teaming").summary == "Who does what, in our words."
        assert CaseStudy.objects.get(slug="ohio-data-center-consolidation").key_facts == ["A figure staff checked"]


def test_an_edit_in_the_admin_survives_load_reference(client: Client) -> None:
    client.force_login(factories.make_superuser())
    teaming = Dimension.objects.get(slug="teaming")
    response = client.post(
        reverse("admin:library_dimension_change", args=[teaming.pk]),
        {
            "slug": teaming.slug,
            "name": "Teaming, roles and people",
            "position": teaming.position,
            "summary": teaming.summary,
        },
    )
    assert response.status_code == 302

    out = io.StringIO()
    call_command("load_reference", stdout=out)

    assert "0 dimensions" in out.getvalue()
    assert "; 1 kept as staff edited them: 1 dimensions)." in out.getvalue()
    assert Dimension.objects.get(slug="teaming").name == "Teaming, roles and people"


def test_a_row_staff_put_back_as_the_seed_has_it_follows_the_seed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    recommendation = Recommendation.objects.get(publication__slug=PAPER_2017, number="R3")
    seeded_text = recommendation.text
    Recommendation.objects.filter(pk=recommendation.pk).update(text="Our own wording.")
    assert reference.load().kept["recommendations"] == 1
    Recommendation.objects.filter(pk=recommendation.pk).update(text=seeded_text)
    _seed_says(
        monkeypatch,
        "RECOMMENDATIONS",
        lambda row: (row.publication, row.number) == (PAPER_2017, "R3"),
        text="Name one contact in each office.",
    )

    assert reference.load().changed["recommendations"] == 1
    assert Recommendation.objects.get(pk=recommendation.pk).text == "Name one contact in each office."


def test_a_row_seeded_before_the_seed_kept_records_is_taken_as_the_seeds_only_if_it_says_what_the_seed_says() -> None:
    SeededRow.objects.all().delete()  # as a database seeded by an earlier release
    Recommendation.objects.filter(publication__slug=PAPER_2017, number="R3").update(text="Our own wording.")

    tally = reference.load()

    assert set(tally.changed.values()) == {0}
    assert tally.kept["recommendations"] == 1
    assert sum(tally.kept.values()) == 1
    assert Recommendation.objects.get(publication__slug=PAPER_2017, number="R3").text == "Our own wording."
    assert SeededRow.objects.count() == Recommendation.objects.count() - 1 + sum(
        model.objects.count()
        for model in (Dimension, Framework, FrameworkItem, Publication, RecommendationArea, Milestone, CaseStudy)
    )


def test_links_staff_added_are_kept_and_rows_staff_added_are_left_alone() -> None:
    paper = Publication.objects.get(slug=PAPER_2017)
    added = Recommendation.objects.create(
        publication=paper, number="R8", text="From the paper itself", confidence="publication", source_url=paper.url
    )
    ohio = CaseStudy.objects.get(slug="ohio-data-center-consolidation")
    ohio.recommendations.add(added)

    assert set(reference.load().changed.values()) == {0}
    assert ohio.recommendations.filter(pk=added.pk).exists()
    assert Recommendation.objects.filter(pk=added.pk, text="From the paper itself").exists()


def test_a_seeded_link_staff_removed_stays_removed() -> None:
    ohio = CaseStudy.objects.get(slug="ohio-data-center-consolidation")
    ohio.recommendations.clear()

    tally = reference.load()

    assert (tally.changed["case studies"], tally.kept["case studies"]) == (0, 1)
    assert not ohio.recommendations.exists()


def test_a_link_the_seed_adds_is_added_to_a_row_nobody_edited(monkeypatch: pytest.MonkeyPatch) -> None:
    _seed_says(
        monkeypatch,
        "CASE_STUDIES",
        lambda row: row.slug == "ohio-data-center-consolidation",
        recommendations=((PAPER_2017, "R2"), (PAPER_2017, "R5")),
    )

    assert reference.load().changed["case studies"] == 1
    ohio = CaseStudy.objects.get(slug="ohio-data-center-consolidation")
    assert sorted(ohio.recommendations.values_list("number", flat=True)) == ["R2", "R5"]


def test_the_2017_paper_has_exactly_the_recovered_recommendations_none_invented() -> None:
    paper = Publication.objects.get(slug=PAPER_2017)
    numbers = list(paper.recommendations.order_by("position").values_list("number", flat=True))

    assert numbers == ["R1", "R2", "R3", "R4", "R5", "R6", "R7"]
    assert paper.expected_recommendations == 18
    assert set(paper.recommendations.values_list("confidence", flat=True)) == {Recommendation.Confidence.PRESS}
    # DOMAIN.md names the area only for R6; every other placement is our reading.
    inferred = set(paper.recommendations.filter(area_is_inferred=True).values_list("number", flat=True))
    assert inferred == {"R1", "R2", "R3", "R4", "R5", "R7"}
    assert list(paper.areas.values_list("name", flat=True)) == [
        "Relationship building",
        "Procurement processes",
        "Centralization",
        "Legislation and policy",
    ]


def test_every_seeded_recommendation_has_a_source_and_a_confidence_and_none_is_proposed() -> None:
    recommendations = list(Recommendation.objects.all())

    assert len(recommendations) == 5 + 7 + 5
    for recommendation in recommendations:
        assert recommendation.source_url.startswith("http"), recommendation
        assert recommendation.confidence in {Recommendation.Confidence.PUBLICATION, Recommendation.Confidence.PRESS}


def test_confidence_says_whether_the_association_or_only_the_press_states_it() -> None:
    by_publication = {
        slug: set(Recommendation.objects.filter(publication__slug=slug).values_list("confidence", flat=True))
        for slug in ["nascio-2016-call-for-reform", "nascio-2025-procurement-initiative"]
    }
    assert by_publication == {
        "nascio-2016-call-for-reform": {"publication"},
        "nascio-2025-procurement-initiative": {"press"},
    }


def test_publications_with_a_known_count_hold_at_most_that_many() -> None:
    for publication in Publication.objects.exclude(expected_recommendations=None):
        assert publication.recommendations.count() <= publication.expected_recommendations, publication


def test_dates_known_only_to_the_month_or_year_say_so() -> None:
    assert Publication.objects.get(slug="nascio-2004-limitations-on-liability").date_precision == DatePrecision.YEAR
    initiative = Publication.objects.get(slug="nascio-2025-procurement-initiative")
    assert (initiative.published_on, initiative.date_precision) == (datetime.date(2025, 10, 1), DatePrecision.MONTH)
    assert Milestone.objects.get(slug="task-force-vote-2016").date_precision == DatePrecision.MONTH


def test_case_studies_have_facts_sources_topics_and_dimensions() -> None:
    slugs = set(CaseStudy.objects.values_list("slug", flat=True))
    assert {
        "california-child-welfare-modular-procurement",
        "ohio-data-center-consolidation",
        "georgia-gets-managed-services",
        "colorado-procurement-modernization",
        "texas-dir-planned-procurement-schedule",
        "wisconsin-it-procurement-playbook",
        "idaho-terms-and-conditions",
    } <= slugs
    for case_study in CaseStudy.objects.prefetch_related("dimensions"):
        assert case_study.key_facts and case_study.topics, case_study
        assert case_study.sources and all(s["url"].startswith("http") and s["title"] for s in case_study.sources)
        assert case_study.dimensions.all(), case_study
        assert case_study.jurisdiction_id is not None


def test_every_seeded_row_is_valid() -> None:
    models: list[type[Model]] = [
        Publication,
        RecommendationArea,
        Recommendation,
        Milestone,
        CaseStudy,
    ]
    for model in models:
        for row in model.objects.all():
            row.full_clean()
