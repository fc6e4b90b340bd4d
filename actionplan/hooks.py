"""What the apps above the action plan add to its pages (see config/hooks.py).

The home page tells a state's CIO and CPO how many roundtable outcomes await their decision, and
an item that came from a roundtable outcome says which one: both are for the events app to know,
and it sits above the action plan. The pages call these hooks; the events app's receivers.py
answers them. Where a public plan's public page is, is for the reports app to say
(reports/public_receivers.py), and so is where a plan stands among its peers, on its dashboard
(reports/benchmark_receivers.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from config.hooks import Hook

if TYPE_CHECKING:
    from actionplan.models import Item, Plan
    from library.models import Dimension


@dataclass
class HomePage:
    """The home page: receivers add to `context` (the count of outcomes awaiting a decision)."""

    request: HttpRequest
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class ItemOrigin:
    """Where an item that was not copied from the framework came from: receivers add to `context`
    (the roundtable outcome a state accepted it from), in one query at most."""

    item: Item
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class PublicPage:
    """Where anyone reads a public plan without signing in: receivers set `url` (the plan's public
    page, at the item's or the dimension's place on it when one is given), or leave it "" when
    the plan has none. The plan's own pages send the public there, and link to it."""

    plan: Plan
    item: Item | None = None
    dimension: str = ""  # a dimension's slug
    url: str = ""


@dataclass
class PlanDashboard:
    """A plan's dashboard, after its dimension cards: receivers add to `context` and name in
    `sections` the templates the page includes there, in order (the reports app's peer
    benchmark), with the queries they make fixed in number."""

    request: HttpRequest
    plan: Plan
    dimensions: list[Dimension]
    # The newest entry of the plan's activity log: every change to the plan writes one, so a
    # receiver may keep what it computed from the plan until this changes.
    latest_activity_id: int | None = None
    context: dict[str, Any] = field(default_factory=dict)
    sections: list[str] = field(default_factory=list)


home_page: Hook[HomePage] = Hook("actionplan.home_page")
item_origin: Hook[ItemOrigin] = Hook("actionplan.item_origin")
public_page: Hook[PublicPage] = Hook("actionplan.public_page")
plan_dashboard: Hook[PlanDashboard] = Hook("actionplan.plan_dashboard")
