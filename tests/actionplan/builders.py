"""Builders for plans, frameworks and items, with defaults; override what the test is about.

They write rows directly, without Activity, so a test about reading starts from a known state.
Tests about a change (an update, a sign-off, an edit) make it through `actionplan.services`.
"""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from actionplan.models import Item, ItemSide, Plan, Sharing
from directory.models import User
from library.models import Dimension, Framework, FrameworkItem
from tests import factories

_counter = itertools.count(1)


def make_plan(
    code: str = "ID",
    period: str = "FY2027",
    *,
    sharing: str = Sharing.PRIVATE,
    starts_on: datetime.date = datetime.date(2026, 7, 1),
    ends_on: datetime.date = datetime.date(2027, 6, 30),
    framework: Framework | None = None,
    **fields: object,
) -> Plan:
    """A plan for the jurisdiction with USPS code `code` (reference data loads if it is missing)."""
    return Plan.objects.create(
        jurisdiction=factories.jurisdiction(code),
        period=period,
        sharing=sharing,
        starts_on=starts_on,
        ends_on=ends_on,
        framework=framework,
        **fields,
    )


def make_framework(
    *,
    title: str = "2016 NASPO–NASCIO joint action plan",
    edition: str | None = None,
    items: int = 1,
) -> Framework:
    """A published framework edition with `items` proposed starter items, all joint."""
    n = next(_counter)
    framework = Framework.objects.create(
        title=title,
        edition=edition or f"Edition {n}",
        state=Framework.State.PUBLISHED,
        published_at=timezone.now(),
    )
    dimension = first_dimension()
    for position in range(1, items + 1):
        FrameworkItem.objects.create(
            framework=framework,
            dimension=dimension,
            code=f"{dimension.position}.{position}",
            title=f"Framework item {dimension.position}.{position}",
            side=ItemSide.JOINT,
            position=position,
        )
    return framework


def first_dimension() -> Dimension:
    """The first of the four dimensions (loads the reference data if needed)."""
    if not Dimension.objects.exists():
        factories.load_reference()
    return Dimension.objects.order_by("position").first()  # type: ignore[return-value]


def make_item(
    plan: Plan,
    *,
    title: str | None = None,
    side: str = ItemSide.JOINT,
    dimension: Dimension | None = None,
    cio_owner: User | None = None,
    cpo_owner: User | None = None,
    starts_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    created_by: User | None = None,
    framework_item: FrameworkItem | None = None,
    **fields: object,
) -> Item:
    """An item in `plan`, running over the whole plan period unless dates are given."""
    n = next(_counter)
    return Item.objects.create(
        plan=plan,
        dimension=dimension or first_dimension(),
        title=title or f"Plan item {n}",
        side=side,
        cio_owner=cio_owner,
        cpo_owner=cpo_owner,
        starts_on=starts_on or plan.starts_on,
        due_on=due_on or plan.ends_on,
        created_by=created_by or cio_owner or cpo_owner or factories.make_user(),
        origin=Item.Origin.FRAMEWORK if framework_item else Item.Origin.STATE,
        framework_item=framework_item,
        **fields,
    )


def edit_data(item: Item, **overrides: object) -> dict[str, object]:
    """The edit form as it opens for `item`; override the fields being changed."""
    return {
        "title": item.title,
        "dimension": item.dimension_id,
        "description": item.description,
        "side": item.side,
        "cio_owner": item.cio_owner_id or "",
        "cpo_owner": item.cpo_owner_id or "",
        "starts_on": item.starts_on.isoformat(),
        "due_on": item.due_on.isoformat(),
        "version": item.version,
    } | overrides
