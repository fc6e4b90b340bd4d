"""The figures every national page reads, computed one way: for each plan and dimension, how many
current items there are, their status mix, how far along they are, and how each office stands on
the open ones it owns (actionplan.rules.freshness: fresh, late or never updated).

The national dashboard, the weekly snapshots, the trends and the peer benchmarks all add these up;
none of them counts items its own way. One grouped query adds up every item of the plans asked for,
in the database: the freshness counts are actionplan.models.freshness_q, the filter form of the
rule, once per cadence the plans use (tests/notifications/test_freshness_agrees.py holds it to the
Python predicate and the reminder scan).
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce

from actionplan.models import Item, Plan, Status, disagreement_q, freshness_q
from actionplan.rules import Freshness
from directory import sides

# "Updated recently", as the loop-health panel counts it.
RECENT_DAYS = 30
OFFICES = sides.OFFICES


def _freshness_counter() -> dict[str, Counter[Freshness]]:
    return {office: Counter() for office in OFFICES}


@dataclass
class Figures:
    """What a set of items adds up to: one plan's dimension, one plan, one state or the country."""

    items: int = 0
    done: int = 0
    progress_total: int = 0
    updated_recently: int = 0
    disagreements: int = 0
    last_update_at: datetime.datetime | None = None
    statuses: Counter[str] = field(default_factory=Counter)
    freshness: dict[str, Counter[Freshness]] = field(default_factory=_freshness_counter)

    def __iadd__(self, other: Figures) -> Figures:
        self.items += other.items
        self.done += other.done
        self.progress_total += other.progress_total
        self.updated_recently += other.updated_recently
        self.disagreements += other.disagreements
        if other.last_update_at is not None and (
            self.last_update_at is None or other.last_update_at > self.last_update_at
        ):
            self.last_update_at = other.last_update_at
        self.statuses.update(other.statuses)
        for office in OFFICES:
            self.freshness[office].update(other.freshness[office])
        return self

    @property
    def percent_done(self) -> int | None:
        """Share of items done, in whole percent (None when there are no items)."""
        return round(100 * self.done / self.items) if self.items else None

    @property
    def progress(self) -> int | None:
        """Average reported progress, in whole percent."""
        return round(self.progress_total / self.items) if self.items else None

    @property
    def percent_updated_recently(self) -> int | None:
        return round(100 * self.updated_recently / self.items) if self.items else None

    def open_items(self, office: str) -> int:
        """Open items this office owns (what its freshness counts divide)."""
        return sum(self.freshness[office].values())

    def count(self, office: str, state: Freshness) -> int:
        return self.freshness[office][state]

    def percent_fresh(self, office: str) -> int | None:
        owned = self.open_items(office)
        return round(100 * self.freshness[office][Freshness.FRESH] / owned) if owned else None

    @property
    def percent_fresh_by_office(self) -> dict[str, int | None]:
        return {office: self.percent_fresh(office) for office in OFFICES}

    def status_mix(self) -> list[tuple[str, str, int]]:
        """(value, label, count) for each status present, in the statuses' own order."""
        return [(value, label, self.statuses[value]) for value, label in Status.choices if self.statuses[value]]


def _counts(plans: list[Plan], *, now: datetime.datetime, today: datetime.date) -> dict[str, Any]:
    """The aggregates of one (plan, dimension, status) group, by name. Grouping by status too keeps
    the query short to build: a page with one plan spends more time building it than running it."""
    aggregates: dict[str, Any] = {
        "items": Count("id"),
        "progress_total": Coalesce(Sum("progress"), 0),
        "updated_recently": Count("id", filter=Q(last_update_at__gte=now - datetime.timedelta(days=RECENT_DAYS))),
        "disagreements": Count("id", filter=disagreement_q()),
        "latest_update_at": Max("last_update_at"),
    }
    cadences = sorted({plan.stale_after_days for plan in plans})
    for office in OFFICES:
        mine = Q(side__in=[office, sides.Side.JOINT])
        aggregates[f"{office}_owned"] = Count("id", filter=mine)
        for state in (Freshness.LATE, Freshness.NEVER):
            per_cadence = [
                freshness_q(office, state, stale_after_days=days, now=now, today=today)
                # Only where plans differ in cadence does the plan's own have to be read.
                & (Q(plan__stale_after_days=days) if len(cadences) > 1 else Q())
                for days in cadences
            ]
            aggregates[f"{office}_{state.value}"] = Count(
                "id", filter=mine & functools.reduce(operator.or_, per_cadence)
            )
    return aggregates


def by_plan_and_dimension(
    plans: Iterable[Plan], *, now: datetime.datetime, today: datetime.date
) -> dict[tuple[int, int], Figures]:
    """Figures for every (plan id, dimension id) that has current items, in one query."""
    plans = list(plans)
    if not plans:
        return {}
    rows = (
        Item.objects.current()
        .filter(plan__in=plans)
        .values("plan_id", "dimension_id", "status")
        .annotate(**_counts(plans, now=now, today=today))
        .order_by()
    )
    cells: dict[tuple[int, int], Figures] = {}
    # The stubs type a values() row by its grouped fields only; the aggregates are named above.
    for row in cast("Iterable[dict[str, Any]]", rows):
        status = row["status"]
        group = Figures(
            items=row["items"],
            done=row["items"] if status == Status.DONE else 0,
            progress_total=row["progress_total"],
            updated_recently=row["updated_recently"],
            disagreements=row["disagreements"],
            last_update_at=row["latest_update_at"],
        )
        group.statuses[status] = row["items"]
        if status != Status.DONE:  # freshness is of open items only
            for office in OFFICES:
                late, never = row[f"{office}_late"], row[f"{office}_never"]
                counts = {
                    Freshness.FRESH: row[f"{office}_owned"] - late - never,
                    Freshness.LATE: late,
                    Freshness.NEVER: never,
                }
                group.freshness[office].update({state: n for state, n in counts.items() if n})
        cell = cells.setdefault((row["plan_id"], row["dimension_id"]), Figures())
        cell += group
    return cells


def total(figures: Iterable[Figures]) -> Figures:
    """Several figures added up."""
    result = Figures()
    for each in figures:
        result += each
    return result
