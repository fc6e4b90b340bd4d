"""The figures every national page reads, computed one way: for each plan and dimension, how many
current items there are, their status mix, how far along they are, and how each office stands on
the open ones it owns (actionplan.rules.freshness: fresh, late or never updated).

The national dashboard, the weekly snapshots, the trends and the peer benchmarks all add these up;
none of them counts items its own way. One query reads every item of the plans asked for, as plain
values, whatever their number.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from actionplan import rules
from actionplan.models import Item, Plan, Status, statuses_disagree
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
    statuses: Counter[str] = field(default_factory=Counter)
    freshness: dict[str, Counter[Freshness]] = field(default_factory=_freshness_counter)

    def __iadd__(self, other: Figures) -> Figures:
        self.items += other.items
        self.done += other.done
        self.progress_total += other.progress_total
        self.updated_recently += other.updated_recently
        self.disagreements += other.disagreements
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


class ItemRow(NamedTuple):
    """One current item, as plain values: all the national pages read of it."""

    pk: int
    title: str
    plan_id: int
    dimension_id: int
    side: str
    status: str
    progress: int
    created_at: datetime.datetime
    starts_on: datetime.date
    last_update_at: datetime.datetime | None
    cio_last_update_at: datetime.datetime | None
    cpo_last_update_at: datetime.datetime | None
    cio_status: str
    cpo_status: str
    cio_owner_id: int | None
    cpo_owner_id: int | None

    def last_update_by(self, office: str) -> datetime.datetime | None:
        return self.cio_last_update_at if office == "cio" else self.cpo_last_update_at

    def owner_id(self, office: str) -> int | None:
        return self.cio_owner_id if office == "cio" else self.cpo_owner_id


def read_items(plans: Iterable[Plan]) -> list[ItemRow]:
    """Every current item of these plans, in one query."""
    rows = Item.objects.current().filter(plan__in=list(plans)).order_by("due_on", "id")
    return [ItemRow(*values) for values in rows.values_list(*ItemRow._fields)]


def freshness_of(
    row: ItemRow, office: str, *, stale_after_days: int, now: datetime.datetime, today: datetime.date
) -> Freshness:
    return rules.freshness(
        side_last_update_at=row.last_update_by(office),
        created_at=row.created_at,
        starts_on=row.starts_on,
        stale_after_days=stale_after_days,
        now=now,
        today=today,
    )


def by_plan_and_dimension(
    plans: Iterable[Plan],
    *,
    now: datetime.datetime,
    today: datetime.date,
    rows: Iterable[ItemRow] | None = None,
) -> dict[tuple[int, int], Figures]:
    """Figures for every (plan id, dimension id) that has current items: from `rows` when the
    caller has read them (read_items), else in one query."""
    plans = list(plans)
    cadence = {plan.pk: plan.stale_after_days for plan in plans}
    recent = now - datetime.timedelta(days=RECENT_DAYS)
    cells: dict[tuple[int, int], Figures] = {}
    for row in read_items(plans) if rows is None else rows:
        cell = cells.get((row.plan_id, row.dimension_id))
        if cell is None:
            cell = cells[(row.plan_id, row.dimension_id)] = Figures()
        cell.items += 1
        cell.progress_total += row.progress
        cell.statuses[row.status] += 1
        if row.last_update_at is not None and row.last_update_at >= recent:
            cell.updated_recently += 1
        if row.side == sides.Side.JOINT and statuses_disagree(row.cio_status, row.cpo_status):
            cell.disagreements += 1
        if row.status == Status.DONE:
            cell.done += 1
            continue
        for office in sides.offices_of(row.side):
            cell.freshness[office][
                freshness_of(row, office, stale_after_days=cadence[row.plan_id], now=now, today=today)
            ] += 1
    return cells


def total(figures: Iterable[Figures]) -> Figures:
    """Several figures added up."""
    result = Figures()
    for each in figures:
        result += each
    return result
