"""Pages: the library. What NASPO and NASCIO recommended (by publication and area, with where each
recommendation comes from), their publications, the case studies states learn from, and the
timeline of the collaboration since 2004.

Every page is for signed-in people (directory.permissions.can_view_library); others are sent to
sign in. Other states' adoption appears only as national counts, never by name.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from actionplan.models import Dimension, Item
from directory import permissions
from directory.models import Jurisdiction, User
from roundtables.filters import AdoptionView, CaseStudyFilter, RecommendationFilter, topics_of, with_adoption
from roundtables.models import (
    Adoption,
    CaseStudy,
    DatePrecision,
    Milestone,
    Publication,
    Recommendation,
    RecommendationArea,
    Roundtable,
)
from roundtables.services.adoption import NOT_RECORDED, STATUS_ORDER, StatusCount

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


def adoption_view_for(user: User) -> AdoptionView:
    """Staff see the nation's adoption as counts; a state's member sees their own state's status
    (the first of their states by name, if they hold roles in more than one)."""
    if permissions.is_association_staff(user):
        return AdoptionView(national=True)
    states = sorted(
        (m.jurisdiction for m in permissions.current_memberships(user)
         if permissions.can_view_adoption(user, m.jurisdiction)),
        key=lambda j: j.name,
    )  # fmt: skip
    return AdoptionView(jurisdiction=states[0]) if states else AdoptionView()


# --- Dates at the precision the sources give -------------------------------------------------

_FORMATS = {
    DatePrecision.DAY: ("F j, Y", "%Y-%m-%d"),
    DatePrecision.MONTH: ("F Y", "%Y-%m"),
    DatePrecision.YEAR: ("Y", "%Y"),
}


def when(day: datetime.date, precision: str, until: datetime.date | None = None) -> SafeString:
    """ "September 19, 2017", "July 2016" or "2004" as <time> elements; a span when `until` differs."""
    shown, machine = _FORMATS[DatePrecision(precision)]
    first = format_html('<time datetime="{}">{}</time>', day.strftime(machine), dateformat.format(day, shown))
    if until is None or dateformat.format(until, shown) == dateformat.format(day, shown):
        return first
    last = format_html('<time datetime="{}">{}</time>', until.strftime(machine), dateformat.format(until, shown))
    return format_html("{} to {}", first, last)


def event_when(event: Roundtable) -> SafeString:
    """An event's dates in its own zone, at the precision known."""
    zone = ZoneInfo(event.tz)
    return when(event.starts_at.astimezone(zone).date(), event.date_precision, event.ends_at.astimezone(zone).date())


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


def _publications_with_counts() -> list[Publication]:
    return list(Publication.objects.annotate(held=Count("recommendations")).order_by("published_on", "pk"))


def _group(recommendations: list[Recommendation], publications: list[Publication]) -> list[PublicationGroup]:
    """Recommendations (already in publication, area, position order) grouped for the page."""
    held = {p.pk: p.held for p in publications}  # type: ignore[attr-defined]
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
    handful of queries whatever the number of recommendations, states or adoption records."""
    adoption_view = adoption_view_for(request.user)
    publications = _publications_with_counts()
    areas = list(
        RecommendationArea.objects.select_related("publication").order_by("publication__published_on", "position")
    )
    queryset = with_adoption(
        Recommendation.objects.select_related("publication", "area").order_by(
            "publication__published_on", "publication_id", "area__position", "area__name", "position", "number", "pk"
        ),
        adoption_view,
    )
    filters = RecommendationFilter(
        request.GET or None,
        queryset=queryset,
        publications=publications,
        areas=areas,
        adoption_view=adoption_view,
    )
    recommendations = list(filters.qs)
    context = {
        "filter": filters,
        "groups": _group(recommendations, publications),
        "count": len(recommendations),
        "total": sum(p.held for p in publications),  # type: ignore[attr-defined]
        "is_filtered": any(value not in ("", None) for value in request.GET.values()),
        "adoption_view": adoption_view,
        "adoption_url": reverse("roundtables:adoption", args=[adoption_view.jurisdiction.code])
        if adoption_view.jurisdiction
        else None,
        "section": "recommendations",
    }
    template = "roundtables/library/library.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
    return render(request, template, context)


def _national_counts(recommendation: Recommendation) -> list[StatusCount]:
    """How many jurisdictions stand where on this recommendation: counts only, never which."""
    counted = dict(
        Adoption.objects.filter(recommendation=recommendation)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    rows = [StatusCount(s.value, s.label, counted.get(s.value, 0)) for s in STATUS_ORDER]
    rows.append(StatusCount(NOT_RECORDED, "Not recorded", Jurisdiction.objects.count() - sum(counted.values())))
    return rows


@library_page
def recommendation(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    """One recommendation: its text and provenance, the case studies and outcomes that cite it,
    national adoption counts, and the viewer's own state's status."""
    rec = get_object_or_404(Recommendation.objects.select_related("publication", "area"), pk=recommendation_id)
    adoption_view = adoption_view_for(request.user)
    own_status: str | None = None
    own_url = None
    if adoption_view.jurisdiction is not None:
        own_status = (
            Adoption.objects.filter(jurisdiction=adoption_view.jurisdiction, recommendation=rec)
            .values_list("status", flat=True)
            .first()
        ) or NOT_RECORDED
        own_url = reverse("roundtables:adoption", args=[adoption_view.jurisdiction.code])
    outcomes = list(rec.outcomes.select_related("roundtable").order_by("-roundtable__starts_at", "position"))
    return render(
        request,
        "roundtables/library/recommendation.html",
        {
            "recommendation": rec,
            "publication": rec.publication,
            "held": rec.publication.recommendations.count(),
            "case_studies": list(rec.case_studies.select_related("jurisdiction")),
            "outcomes": [
                (o, event_when(o.roundtable), reverse("roundtables:detail", args=[o.roundtable_id])) for o in outcomes
            ],
            "national": _national_counts(rec),
            "adoption_view": adoption_view,
            "own_status": own_status,
            "own_url": own_url,
            "section": "recommendations",
        },
    )


# --- Publications -------------------------------------------------------------------------------


@library_page
def publications(request: HttpRequest) -> HttpResponse:
    """Every publication, oldest first: who wrote it, what it says, and how many of its
    recommendations the library holds."""
    rows = list(
        Publication.objects.annotate(held=Count("recommendations"))
        .prefetch_related("associations", Prefetch("events", queryset=Roundtable.objects.order_by("starts_at")))
        .order_by("published_on", "pk")
    )
    entries = [
        {
            "publication": p,
            "when": when(p.published_on, p.date_precision) if p.published_on else None,
            "authors": [a.code for a in p.associations.all()] + ([p.other_authors] if p.other_authors else []),
            "events": [(e, reverse("roundtables:detail", args=[e.pk])) for e in p.events.all()],
        }
        for p in rows
    ]
    return render(request, "roundtables/library/publications.html", {"entries": entries, "section": "publications"})


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
        "roundtables/library/case_studies.html",
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
    and the plan items the viewer may read that learn from it."""
    study = get_object_or_404(CaseStudy.objects.select_related("jurisdiction"), slug=slug)
    items = list(
        Item.objects.visible_to(request.user)
        .current()
        .filter(case_studies=study)
        .select_related("plan__jurisdiction")
        .order_by("plan__jurisdiction__name", "title")
    )
    return render(
        request,
        "roundtables/library/case_study.html",
        {
            "study": study,
            "sources": _sources(study),
            "dimensions": list(study.dimensions.all()),
            "recommendations": list(study.recommendations.select_related("publication").order_by(
                "publication__published_on", "position"
            )),
            "items": items,
            "section": "case_studies",
        },
    )  # fmt: skip


# --- The timeline -------------------------------------------------------------------------------


@dataclass
class Entry:
    """One thing on the timeline: a publication, a milestone or an event (with its parts)."""

    on: datetime.date
    when: SafeString
    kind: str
    title: str
    summary: str = ""
    url: str | None = None  # its page in Joint Plan
    source_url: str = ""
    parts: list[Entry] = field(default_factory=list)


def _event_entry(event: Roundtable) -> Entry:
    return Entry(
        on=event.starts_at.astimezone(ZoneInfo(event.tz)).date(),
        when=event_when(event),
        kind=event.get_kind_display(),
        title=event.title,
        summary=event.place,
        url=reverse("roundtables:detail", args=[event.pk]),
        parts=[_event_entry(part) for part in event.parts.all()],
    )


def timeline_entries(now: datetime.datetime) -> list[Entry]:
    """Publications, milestones and the events that have begun (top-level ones, each with its
    parts), in date order. Three queries for the rows, one for the events' parts."""
    parts = Prefetch("parts", queryset=Roundtable.objects.order_by("starts_at", "pk"))
    entries = [
        Entry(
            on=p.published_on,
            when=when(p.published_on, p.date_precision),
            kind="Publication",
            title=p.title,
            summary=p.summary,
            url=reverse("roundtables:publications") + f"#{p.slug}",
            source_url=p.url,
        )
        for p in Publication.objects.exclude(published_on=None)
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
    events = Roundtable.objects.filter(part_of=None, starts_at__lte=now).prefetch_related(parts)
    entries += [_event_entry(event) for event in events]
    return sorted(entries, key=lambda e: (e.on, e.title))


@library_page
def timeline(request: HttpRequest) -> HttpResponse:
    """The NASPO–NASCIO collaboration from 2004 to today, grouped by year."""
    entries = timeline_entries(timezone.now())
    years = [(year, list(group)) for year, group in itertools.groupby(entries, key=lambda e: e.on.year)]
    return render(request, "roundtables/library/timeline.html", {"years": years, "section": "timeline"})
