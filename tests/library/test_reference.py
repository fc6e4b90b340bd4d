"""The library's reference data: loaded once, changed by nothing on a second run, corrected when
edited, and honest: no recommendation without a source, none invented for the 2017 paper."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Model

from library import reference
from library.models import CaseStudy, DatePrecision, Milestone, Publication, Recommendation, RecommendationArea

pytestmark = pytest.mark.usefixtures("reference_data")

PAPER_2017 = "it-procurement-negotiations-2017"


def test_a_second_load_changes_nothing() -> None:
    assert set(reference.load().values()) == {0}


def test_load_reference_prints_what_it_created_or_corrected() -> None:
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "0 publications, 0 recommendation areas, 0 recommendations, 0 milestones" in out.getvalue()


def test_an_edited_row_is_put_back_and_counted() -> None:
    recommendation = Recommendation.objects.get(publication__slug=PAPER_2017, number="R3")
    Recommendation.objects.filter(pk=recommendation.pk).update(text="Edited", confidence="proposed")
    Publication.objects.filter(slug=PAPER_2017).update(expected_recommendations=7)
    CaseStudy.objects.filter(slug="ohio-data-center-consolidation").update(key_facts=[])

    changed = reference.load()

    assert changed["recommendations"] == 1
    assert changed["publications"] == 1
    assert changed["case studies"] == 1
    recommendation.refresh_from_db()
    assert recommendation.text.startswith("Name a point of contact")
    assert recommendation.confidence == Recommendation.Confidence.PRESS
    assert Publication.objects.get(slug=PAPER_2017).expected_recommendations == 18
    assert set(reference.load().values()) == {0}


def test_links_staff_added_are_kept_and_rows_staff_added_are_left_alone() -> None:
    paper = Publication.objects.get(slug=PAPER_2017)
    added = Recommendation.objects.create(
        publication=paper, number="R8", text="From the paper itself", confidence="publication", source_url=paper.url
    )
    ohio = CaseStudy.objects.get(slug="ohio-data-center-consolidation")
    ohio.recommendations.add(added)

    assert set(reference.load().values()) == {0}
    assert ohio.recommendations.filter(pk=added.pk).exists()
    assert Recommendation.objects.filter(pk=added.pk, text="From the paper itself").exists()


def test_a_removed_link_is_put_back() -> None:
    ohio = CaseStudy.objects.get(slug="ohio-data-center-consolidation")
    ohio.recommendations.clear()

    assert reference.load()["case studies"] == 1
    assert list(ohio.recommendations.values_list("number", flat=True)) == ["R2"]


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
