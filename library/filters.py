"""Filtering the recommendation library and the case studies (django-filter): GET forms that work
without JavaScript.

The apps above the library may add filters of their own to the recommendation library (see
library/hooks.py): the action plan adds the adoption filter, whose choices depend on who is looking.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from library.models import CaseStudy, Dimension, Publication, Recommendation, RecommendationArea


class RecommendationFilter(django_filters.FilterSet):
    """The library's filters. Publication and area choices come from lists the view has already
    loaded, so the form costs no queries of its own; `extra` filters, from the apps above the
    library, come after the library's own."""

    q = django_filters.CharFilter(method="search", label="Search the recommendations")
    publication = django_filters.ChoiceFilter(
        field_name="publication_id", choices=(), empty_label="Any publication", label="Publication"
    )
    area = django_filters.ChoiceFilter(field_name="area_id", choices=(), empty_label="Any area", label="Area")
    confidence = django_filters.ChoiceFilter(
        choices=Recommendation.Confidence.choices, empty_label="Any source", label="Where it comes from"
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def __init__(
        self,
        *args: Any,
        publications: Sequence[Publication],
        areas: list[RecommendationArea],
        extra: dict[str, django_filters.Filter] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.filters["publication"].extra["choices"] = [(str(p.pk), p.title) for p in publications]
        self.filters["area"].extra["choices"] = [(str(a.pk), a.name) for a in areas]
        self.filters.update(extra or {})

    def search(self, queryset: QuerySet[Recommendation], name: str, value: str) -> QuerySet[Recommendation]:
        return queryset.filter(Q(text__icontains=value) | Q(number__iexact=value.strip()))


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
