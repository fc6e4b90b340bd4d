"""What roundtables adds to the pages of the apps below it (library/hooks.py, actionplan/hooks.py):
the events behind a publication and on the timeline, the outcomes that cite a recommendation, the
outcomes awaiting a state's decision on the home page, and the outcome an item was accepted from.
Registered once by RoundtablesConfig.ready().
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils.safestring import SafeString

from actionplan import hooks as plan_hooks
from directory import permissions
from library import hooks as library_hooks
from library.dates import when
from roundtables.models import Outcome, OutcomeProposal, Roundtable


def event_when(event: Roundtable) -> SafeString:
    """An event's dates in its own zone, at the precision known."""
    zone = ZoneInfo(event.tz)
    return when(event.starts_at.astimezone(zone).date(), event.date_precision, event.ends_at.astimezone(zone).date())


def _event_entry(event: Roundtable) -> library_hooks.Entry:
    return library_hooks.Entry(
        on=event.starts_at.astimezone(ZoneInfo(event.tz)).date(),
        when=event_when(event),
        kind=event.get_kind_display(),
        title=event.title,
        summary=event.place,
        url=reverse("roundtables:detail", args=[event.pk]),
        parts=[_event_entry(part) for part in event.parts.all()],
    )


def add_events_to_timeline(parts: library_hooks.Timeline) -> None:
    """The events that have begun: top-level ones, each with its parts (a task force's workshop).
    One query for the events, one for their parts."""
    event_parts = Prefetch("parts", queryset=Roundtable.objects.order_by("starts_at", "pk"))
    events = Roundtable.objects.filter(part_of=None, starts_at__lte=parts.now).prefetch_related(event_parts)
    parts.entries += [_event_entry(event) for event in events]


def add_events_to_publications(parts: library_hooks.PublicationList) -> None:
    """Each publication's events (what it came from), in date order, in one query for them all."""
    prefetch_related_objects(parts.publications, Prefetch("events", queryset=Roundtable.objects.order_by("starts_at")))
    for publication in parts.publications:
        parts.events[publication.pk] = [
            (event, reverse("roundtables:detail", args=[event.pk])) for event in publication.events.all()
        ]


def add_outcomes_to_recommendation(parts: library_hooks.RecommendationPage) -> None:
    """The roundtable outcomes that cite the recommendation, latest event first, with the event's
    dates and page."""
    outcomes = (
        Outcome.objects.filter(recommendation=parts.recommendation)
        .select_related("roundtable")
        .order_by("-roundtable__starts_at", "position")
    )
    parts.context["outcomes"] = [
        (o, event_when(o.roundtable), reverse("roundtables:detail", args=[o.roundtable_id])) for o in outcomes
    ]


def add_awaiting_proposals_to_home(parts: plan_hooks.HomePage) -> None:
    """Roundtable outcomes waiting for this person's state to accept or decline them (one count)."""
    deciding = [j.pk for j in permissions.acting_jurisdictions(parts.request.user)]
    parts.context["awaiting_proposals"] = (
        OutcomeProposal.objects.filter(jurisdiction_id__in=deciding, status=OutcomeProposal.Status.PROPOSED).count()
        if deciding
        else 0
    )


def add_outcome_to_item(parts: plan_hooks.ItemOrigin) -> None:
    """The outcome (with its event) a state accepted the item from."""
    parts.context["outcome"] = Outcome.objects.select_related("roundtable").filter(proposals__item=parts.item).first()


def register() -> None:
    """Answer the hooks of the library and the action plan; called by RoundtablesConfig.ready()."""
    library_hooks.timeline.register(add_events_to_timeline)
    library_hooks.publication_list.register(add_events_to_publications)
    library_hooks.recommendation_page.register(add_outcomes_to_recommendation)
    plan_hooks.home_page.register(add_awaiting_proposals_to_home)
    plan_hooks.item_origin.register(add_outcome_to_item)
