"""Pages: the library. What NASPO and NASCIO recommended (by publication and area, with where each
recommendation comes from), their publications, the case studies states learn from, and the
timeline of the collaboration since 2004.

Every page is for signed-in people (directory.permissions.can_view_library); others are sent to
sign in. What the apps above the library know (adoption, the events, the plan items that cite a
case study) is added to each page through library/hooks.py; other states' adoption appears only as
national counts, never by name.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from directory import permissions
from library import hooks
from library.dates import when
from library.filters import CaseStudyFilter, RecommendationFilter, topics_of
from library.hooks import Entry
from library.models import (
    CaseStudy,
    Dimension,
    Milestone,
    Publication,
    PublicationHeld,
    Recommendation,
    RecommendationArea,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


View = Callable[..., HttpResponse]


def library_page(view: View) -> View:
    """Signed-in readers only; anyone else is sent to sign in and brought back. Pages to read:
    GET and HEAD only."""

    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not permissions.can_view_library(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


# --- The recommendation library ---------------------------------------------------------------


@dataclass
class AreaGroup:
    area: RecommendationArea | None
    recommendations: list[Recommendation] = field(default_factory=list)


@dataclass
class PublicationGroup:
    """One publication's recommendations that match the filters, by area, and how many of the
    publication's recommendations the library holds at all."""

    publication: Publication
    held: int
    areas: list[AreaGroup] = field(default_factory=list)

    @property
    def missing(self) -> int:
        expected = self.publication.expected_recommendations
        return max(expected - self.held, 0) if expected else 0


def _publications_with_counts() -> list[WithAnnotations[Publication, PublicationHeld]]:
    return list(Publication.objects.annotate(held=Count("recommendations")).order_by("published_on", "pk"))


def _group(
    recommendations: list[Recommendation], publications: list[WithAnnotations[Publication, PublicationHeld]]
) -> list[PublicationGroup]:
    """Recommendations (already in publication, area, position order) grouped for the page."""
    held = {p.pk: p.held for p in publications}
    groups: list[PublicationGroup] = []
    for recommendation in recommendations:
        if not groups or groups[-1].publication.pk != recommendation.publication_id:
            groups.append(PublicationGroup(recommendation.publication, held[recommendation.publication_id]))
        areas = groups[-1].areas
        if not areas or (areas[-1].area.pk if areas[-1].area else None) != recommendation.area_id:
            areas.append(AreaGroup(recommendation.area))
        areas[-1].recommendations.append(recommendation)
    return groups


@library_page
def library(request: HttpRequest) -> HttpResponse:
    """Every recommendation, grouped by publication and area, filtered by the GET form. The same
    handful of queries whatever the number of recommendations, states or adoption records: the
    apps above add their aggregates to the one query for the recommendations."""
    publications = _publications_with_counts()
    areas = list(
        RecommendationArea.objects.select_related("publication").order_by("publication__published_on", "position")
    )
    parts = hooks.recommendation_list(
        hooks.RecommendationList(
            request=request,
            queryset=Recommendation.objects.select_related("publication", "area").order_by(
                "publication__published_on",
                "publication_id",
                "area__position",
                "area__name",
                "position",
                "number",
                "pk",
            ),
        )
    )
    filters = RecommendationFilter(
        request.GET or None,
        queryset=parts.queryset,
        publications=publications,
        areas=areas,
        extra=parts.filters,
    )
    recommendations = list(filters.qs)
    context = {
        "filter": filters,
        "groups": _group(recommendations, publications),
        "count": len(recommendations),
        "total": sum(p.held for p in publications),
        "is_filtered": any(value not in ("", None) for value in request.GET.values()),
        "adoption_view": None,
        "adoption_url": None,
        "section": "recommendations",
    }
    template = "library/library.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
    return render(request, template, context | parts.context)


@library_page
def recommendation(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    """One recommendation: its text and provenance and the case studies that cite it; the apps
    above add the outcomes that cite it, national adoption counts and the viewer's own state's
    record of it, with the way to record or change it for those who may."""
    rec = get_object_or_404(Recommendation.objects.select_related("publication", "area"), pk=recommendation_id)
    parts = hooks.recommendation_page(hooks.RecommendationPage(request=request, recommendation=rec))
    context = {
        "recommendation": rec,
        "publication": rec.publication,
        "held": rec.publication.recommendations.count(),
        "case_studies": list(rec.case_studies.select_related("jurisdiction")),
        "outcomes": [],
        "national": [],
        "adoption_view": None,
        "own_status": None,
        "own_adoption": None,
        "own_url": None,
        "own_record_url": None,
        "record_url": None,
        "who_records": "",
        "section": "recommendations",
    }
    return render(request, "library/recommendation.html", context | parts.context)


# --- Publications -------------------------------------------------------------------------------


@library_page
def publications(request: HttpRequest) -> HttpResponse:
    """Every publication, oldest first: who wrote it, what it says, how many of its
    recommendations the library holds, and (from the apps above) the events that produced it."""
    rows = list(
        Publication.objects.annotate(held=Count("recommendations"))
        .prefetch_related("associations")
        .order_by("published_on", "pk")
    )
    parts = hooks.publication_list(hooks.PublicationList(request=request, publications=rows))
    entries = [
        {
            "publication": p,
            "when": when(p.published_on, p.date_precision) if p.published_on else None,
            "authors": [a.code for a in p.associations.all()] + ([p.other_authors] if p.other_authors else []),
            "events": parts.events.get(p.pk, []),
        }
        for p in rows
    ]
    return render(request, "library/publications.html", {"entries": entries, "section": "publications"})


# --- Case studies -------------------------------------------------------------------------------


@library_page
def case_studies(request: HttpRequest) -> HttpResponse:
    """What states did, filtered by dimension and topic."""
    everything = CaseStudy.objects.select_related("jurisdiction").prefetch_related("dimensions").order_by("title")
    filters = CaseStudyFilter(
        request.GET or None,
        queryset=everything,
        dimensions=list(Dimension.objects.all()),
        topics=topics_of(list(everything)),
    )
    found = list(filters.qs)
    return render(
        request,
        "library/case_studies.html",
        {
            "filter": filters,
            "case_studies": found,
            "is_filtered": any(value not in ("", None) for value in request.GET.values()),
            "section": "case_studies",
        },
    )


def _sources(study: CaseStudy) -> list[dict[str, str]]:
    """A case study's sources as {"title", "url"}; `url` is kept only when it is a web address,
    since the list is free JSON in the admin and ends up in an href."""
    sources = []
    for source in study.sources:
        url = str(source.get("url", "")) if isinstance(source, dict) else ""
        title = str(source.get("title", "")) if isinstance(source, dict) else str(source)
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            url = ""
        sources.append({"title": title or url, "url": url})
    return sources


@library_page
def case_study(request: HttpRequest, slug: str) -> HttpResponse:
    """One case study: what happened, its figures and sources, the recommendations it relates to,
    and (from the action plan) the plan items the viewer may read that learn from it."""
    study = get_object_or_404(CaseStudy.objects.select_related("jurisdiction"), slug=slug)
    parts = hooks.case_study_page(hooks.CaseStudyPage(request=request, study=study))
    context = {
        "study": study,
        "sources": _sources(study),
        "dimensions": list(study.dimensions.all()),
        "recommendations": list(study.recommendations.select_related("publication").order_by(
            "publication__published_on", "position"
        )),
        "items": [],
        "section": "case_studies",
    }  # fmt: skip
    return render(request, "library/case_study.html", context | parts.context)


# --- The timeline -------------------------------------------------------------------------------


def timeline_entries(now: datetime.datetime) -> list[Entry]:
    """Publications, milestones and (from the apps above) the events that have begun, in date
    order. Two queries for the library's rows; the events' receiver adds its own."""
    entries = [
        Entry(
            on=p.published_on,
            when=when(p.published_on, p.date_precision),
            kind="Publication",
            title=p.title,
            summary=p.summary,
            url=reverse("library:publications") + f"#{p.slug}",
            source_url=p.url,
        )
        for p in Publication.objects.exclude(published_on=None)
        if p.published_on is not None  # for the type checker: the query leaves out undated ones
    ]
    entries += [
        Entry(
            on=m.happened_on,
            when=when(m.happened_on, m.date_precision),
            kind="Milestone",
            title=m.title,
            summary=m.summary,
            source_url=m.source_url,
        )
        for m in Milestone.objects.all()
    ]
    entries = hooks.timeline(hooks.Timeline(now=now, entries=entries)).entries
    return sorted(entries, key=lambda e: (e.on, e.title))


@library_page
def timeline(request: HttpRequest) -> HttpResponse:
    """The NASPO–NASCIO collaboration from 2004 to today, grouped by year."""
    entries = timeline_entries(timezone.now())
    years = [(year, list(group)) for year, group in itertools.groupby(entries, key=lambda e: e.on.year)]
    return render(request, "library/timeline.html", {"years": years, "section": "timeline"})
