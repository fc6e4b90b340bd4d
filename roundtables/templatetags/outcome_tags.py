"""What the event page's outcomes fragment (templates/roundtables/outcomes/_event_outcomes.html)
needs, loaded in one query: that page belongs to the events area and passes only the roundtable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from directory import permissions
from roundtables.models import Outcome, Roundtable

register = template.Library()


@dataclass
class EventOutcomes:
    outcomes: list[Outcome]
    can_manage: bool


@register.simple_tag(takes_context=True)
def event_outcomes(context: dict[str, Any], roundtable: Roundtable) -> EventOutcomes:
    """An event's outcomes, with their dimension and recommendation, and whether the viewer records them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    outcomes = list(
        roundtable.outcomes.select_related("dimension", "recommendation__publication").order_by("position", "id")
    )
    return EventOutcomes(outcomes=outcomes, can_manage=user is not None and permissions.can_manage_events(user))
