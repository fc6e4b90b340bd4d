"""What the apps above the library add to its pages (see config/hooks.py).

The library sits below the plans and the events, yet its pages show where states stand on each
recommendation and how many adopted it (actionplan's adoption records), the plan items that learn
from a case study (actionplan), and the events behind a publication or on the timeline, and the
outcomes that cite a recommendation (the events app). Each page below builds its own part, calls
its hook with these parts, and renders what the receivers added. The receivers live in each of
those apps' receivers.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString

from config.hooks import Hook
from library.models import CaseStudy, Publication, Recommendation


@dataclass
class RecommendationList:
    """The recommendation library's list. `queryset` is its one query for the recommendations: a
    receiver annotates it (one aggregate, never a query per row) and may add `filters` on those
    annotations to the page's filter form, and `context` for the template."""

    request: HttpRequest
    queryset: QuerySet[Recommendation]
    filters: dict[str, django_filters.Filter] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class RecommendationPage:
    """One recommendation's page: receivers add to `context` the adoption counts, the outcomes,
    and for a state's member their state's record of it (`own_adoption`, `own_status`), with
    `record_url` (the form, for those who record it, returning here) or `who_records` (who does)."""

    request: HttpRequest
    recommendation: Recommendation
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class PublicationList:
    """The publications page: receivers fill `events`, each publication's events (the event and
    its page's URL, in date order) by publication id, in one query for them all."""

    request: HttpRequest
    publications: Sequence[Publication]
    events: dict[int, list[tuple[Any, str]]] = field(default_factory=dict)


@dataclass
class CaseStudyPage:
    """One case study's page: receivers add to `context` (the plan items the viewer may read that
    learn from it)."""

    request: HttpRequest
    study: CaseStudy
    context: dict[str, Any] = field(default_factory=dict)


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


@dataclass
class Timeline:
    """The timeline's entries up to `now`: the library's publications and milestones; receivers
    add theirs (the events that have begun). The page sorts them."""

    now: datetime.datetime
    entries: list[Entry] = field(default_factory=list)


recommendation_list: Hook[RecommendationList] = Hook("library.recommendation_list")
recommendation_page: Hook[RecommendationPage] = Hook("library.recommendation_page")
publication_list: Hook[PublicationList] = Hook("library.publication_list")
case_study_page: Hook[CaseStudyPage] = Hook("library.case_study_page")
timeline: Hook[Timeline] = Hook("library.timeline")
