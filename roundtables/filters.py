"""Filtering the recommendation library and the case studies (django-filter): GET forms that work
without JavaScript.

The library's adoption filter depends on who is looking: a state's member filters by their own
state's status on each recommendation; association staff filter by whether any state adopted it.
Nobody filters by another state's status: the library shows other states only as counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from actionplan.models import Dimension
from directory.models import Jurisdiction
from roundtables.models import Adoption, CaseStudy, Publication, Recommendation, RecommendationArea

NOT_RECORDED = "none"
ADOPTED_SOMEWHERE, ADOPTED_NOWHERE = "adopted", "nowhere"


@dataclass(frozen=True)
class AdoptionView:
    """Whose adoption the library shows and filters by: one state's (`jurisdiction`) or, for
    staff, the nation's (`national`). Neither, for a signed-in person with no state."""

    jurisdiction: Jurisdiction | None = None
    national: bool = False


def with_adoption(queryset: QuerySet[Recommendation], view: AdoptionView) -> QuerySet[Recommendation]:
    """Each recommendation with `adopted_in` (how many jurisdictions adopted it) and, for a state's
    member, `own_status` (their state's status, or None): aggregates in the one query, none per row."""
    queryset = queryset.annotate(
        adopted_in=Count("adoptions", filter=Q(adoptions__status=Adoption.Status.ADOPTED), distinct=True)
    )
    if view.jurisdiction is not None:
        own = Adoption.objects.filter(jurisdiction=view.jurisdiction, recommendation=OuterRef("pk"))
        queryset = queryset.annotate(own_status=Subquery(own.values("status")[:1]))
    return queryset


class RecommendationFilter(django_filters.FilterSet):
    """The library's filters. Publication and area choices come from lists the view has already
    loaded, so the form costs no queries of its own."""

    q = django_filters.CharFilter(method="search", label="Search the recommendations")
    publication = django_filters.ChoiceFilter(
        field_name="publication_id", choices=(), empty_label="Any publication", label="Publication"
    )
    area = django_filters.ChoiceFilter(field_name="area_id", choices=(), empty_label="Any area", label="Area")
    confidence = django_filters.ChoiceFilter(
        choices=Recommendation.Confidence.choices, empty_label="Any source", label="Where it comes from"
    )
    adoption = django_filters.ChoiceFilter(method="by_adoption", choices=(), label="Adoption")

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def __init__(
        self,
        *args: Any,
        publications: list[Publication],
        areas: list[RecommendationArea],
        adoption_view: AdoptionView,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.adoption_view = adoption_view
        self.filters["publication"].extra["choices"] = [(str(p.pk), p.title) for p in publications]
        self.filters["area"].extra["choices"] = [(str(a.pk), a.name) for a in areas]
        adoption = self.filters["adoption"]
        if adoption_view.jurisdiction is not None:
            place = adoption_view.jurisdiction.name
            adoption.label = f"{place}'s adoption"
            adoption.extra["empty_label"] = "Any status"
            adoption.extra["choices"] = [*Adoption.Status.choices, (NOT_RECORDED, "Not recorded yet")]
        elif adoption_view.national:
            adoption.label = "Adoption across the states"
            adoption.extra["empty_label"] = "Adopted or not"
            adoption.extra["choices"] = [
                (ADOPTED_SOMEWHERE, "Adopted by at least one state"),
                (ADOPTED_NOWHERE, "Adopted by none"),
            ]
        else:
            del self.filters["adoption"]

    def search(self, queryset: QuerySet[Recommendation], name: str, value: str) -> QuerySet[Recommendation]:
        return queryset.filter(Q(text__icontains=value) | Q(number__iexact=value.strip()))

    def by_adoption(self, queryset: QuerySet[Recommendation], name: str, value: str) -> QuerySet[Recommendation]:
        # Filters on the annotations of with_adoption(), which the view applies first.
        if self.adoption_view.jurisdiction is not None:
            return (
                queryset.filter(own_status__isnull=True) if value == NOT_RECORDED else queryset.filter(own_status=value)
            )
        if value == ADOPTED_SOMEWHERE:
            return queryset.filter(adopted_in__gt=0)
        return queryset.filter(adopted_in=0)


class CaseStudyFilter(django_filters.FilterSet):
    """Case studies by dimension and by topic; topic choices are the topics the case studies use."""

    dimension = django_filters.ChoiceFilter(
        field_name="dimensions__slug", choices=(), empty_label="Any dimension", label="Dimension"
    )
    topic = django_filters.ChoiceFilter(method="by_topic", choices=(), empty_label="Any topic", label="Topic")

    class Meta:
        model = CaseStudy
        fields: list[str] = []

    def __init__(self, *args: Any, dimensions: list[Dimension], topics: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["dimension"].extra["choices"] = [(d.slug, d.name) for d in dimensions]
        self.filters["topic"].extra["choices"] = [(t, t.capitalize()) for t in topics]

    def by_topic(self, queryset: QuerySet[CaseStudy], name: str, value: str) -> QuerySet[CaseStudy]:
        # The quoted topic as JSON text: matches a whole list element, on PostgreSQL and SQLite alike.
        return queryset.filter(topics__icontains=f'"{value}"')


def topics_of(case_studies: list[CaseStudy]) -> list[str]:
    """Every topic the case studies use, each once, alphabetically."""
    return sorted({topic for case_study in case_studies for topic in case_study.topics})
