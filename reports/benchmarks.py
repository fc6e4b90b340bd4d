"""Peer benchmarks: where a state's plan stands, dimension by dimension, among the plans of the
states that share theirs, without any one of those states being picked out.

What is compared: for each dimension, the items done, the average reported progress, and each
office's share of its open items that are fresh, all from reports.figures (no second count).

The privacy design (README, "Peer benchmarks", says the same for people):

1. **Who contributes.** Each jurisdiction's standing plan (actionplan.models.standing_plans: one
   per state, the one whose period holds today), when members of every state may read that plan
   anyway: its sharing is peers or public (directory.permissions.contributes_to_peer_benchmark).
   A private plan never contributes, and neither does an older or newer plan of the same state.
2. **One pool for every viewer.** The viewer's own state is in the pool exactly when its plan
   shares, like any other state; nobody gets a pool made for them ("everyone but me"), so any
   two people see the same peer figures. The pool is computed at most once an hour and kept in
   the cache (`PEER_GROUP_SECONDS`; shared by every web process when REDIS_URL is set, else one
   per process): the figures move at most hourly, and the dashboard stays cheap.
3. **k = 5.** A figure is shown only when at least `K` states contribute a value to it; below
   that, nothing of the distribution is shown (not even a band), and the state is told how many
   states share and how to add its own.
4. **Coarse figures only.** The lower quartile, the median and the upper quartile, each rounded
   to the nearest `BAND` percentage points ("about 40%"). Never a mean, a minimum, a maximum, a
   count of states above or below, or any one state's value.
5. **Stable figures only.** A figure is shown only when leaving out any single contributor would
   show the same value (`distribution`). So two pools that differ by one state (it joined, left,
   or changed its figures) show the same value for every figure shown in both: subtracting two
   views, at one time (two viewers) or over time (before and after a state moved), reveals
   nothing of that state's figure, only that a figure appeared or was withheld. For the same
   reason a group of contributors pooling their own exact figures learns nothing from a shown
   figure that they could not compute without the others. A figure one state could move is
   withheld ("not shown"); that happens near a band's edge, more often when few states share.

What it does not try to do: hide who is in the pool (which plans are shared with peers is
visible to every member in their list of plans), or hide from members what those plans say (any
member may open them). The benchmark exists so that a state can see where it stands, not to rank
states in front of each other; staff, who read every plan, see the named comparison.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache

from actionplan.models import Plan, standing_plans
from directory import permissions
from library.models import Dimension
from reports import figures
from reports.figures import Figures

# The fewest states a shown figure may come from.
K = 5
# Shown figures are rounded to the nearest multiple of this many percentage points.
BAND = 10
# How long one pool serves every dashboard (the cache key also changes each hour).
PEER_GROUP_SECONDS = 60 * 60


@dataclass(frozen=True)
class Measure:
    """One percentage compared across states."""

    key: str
    label: str
    of: Callable[[Figures], int | None]


MEASURES = (
    Measure("done", "Items done", lambda f: f.percent_done),
    Measure("progress", "Average progress", lambda f: f.progress),
    Measure("cio_fresh", "CIO office: open items fresh", lambda f: f.percent_fresh("cio")),
    Measure("cpo_fresh", "CPO office: open items fresh", lambda f: f.percent_fresh("cpo")),
)
MEASURE_KEYS = tuple(measure.key for measure in MEASURES)


# --- The pure part: quartiles, rounding, the k rule and stability ------------------------------


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """Lower quartile, median, upper quartile, interpolated between the values (the "inclusive"
    method: the median of 1, 2, 3, 4 is 2.5). Needs at least two values."""
    lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
    return lower, median, upper


def coarsen(value: float) -> int:
    """The nearest multiple of BAND, halves up: 34.9 -> 30, 35 -> 40."""
    return int(math.floor(value / BAND + 0.5)) * BAND


@dataclass(frozen=True)
class Distribution:
    """What the peers' values for one figure may show: how many states contribute, and the
    lower quartile, median and upper quartile, each rounded to BAND, or None where withheld
    (all three when fewer than K contribute)."""

    contributors: int
    lower: int | None = None
    median: int | None = None
    upper: int | None = None

    @property
    def is_shown(self) -> bool:
        return self.contributors >= K

    @property
    def figures(self) -> tuple[int | None, int | None, int | None]:
        return (self.lower, self.median, self.upper)

    @property
    def has_withheld(self) -> bool:
        return self.is_shown and None in self.figures


def distribution(values: Sequence[int]) -> Distribution:
    """The shown distribution of one figure over the states that have a value for it.

    Each quartile, rounded, is shown only if it is the same with any one value left out: then it
    says nothing about any one state. Leaving out each distinct value once is enough (equal
    values leave equal remainders)."""
    if len(values) < K:
        return Distribution(contributors=len(values))
    ordered = sorted(values)
    shown: list[int | None] = [coarsen(q) for q in quartiles(ordered)]
    for left_out in set(ordered):
        rest = list(ordered)
        rest.remove(left_out)
        for position, q in enumerate(quartiles(rest)):
            if coarsen(q) != shown[position]:
                shown[position] = None
    lower, median, upper = shown
    return Distribution(len(values), lower, median, upper)


def contributing_plans(plans: Iterable[Plan], today: datetime.date) -> list[Plan]:
    """The pool: each jurisdiction's standing plan on `today`, when it shares with other states."""
    standing = standing_plans(plans, today)
    return sorted(
        (plan for plan in standing.values() if permissions.contributes_to_peer_benchmark(plan)), key=lambda p: p.pk
    )


@dataclass(frozen=True)
class PeerGroup:
    """The pool's shown distributions, computed once and shared by every viewer: per (dimension
    id, measure key); which plan stands for each jurisdiction; which plans are in the pool."""

    computed_at: datetime.datetime
    standing: dict[int, int]  # jurisdiction id -> its standing plan's id
    members: frozenset[int]  # ids of the plans in the pool
    distributions: dict[tuple[int, str], Distribution]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def is_shown(self) -> bool:
        return self.size >= K

    def of(self, dimension_id: int, measure: str) -> Distribution:
        return self.distributions.get((dimension_id, measure), Distribution(contributors=0))


def values_of(
    plan_ids: Iterable[int], cells: dict[tuple[int, int], Figures], dimension_id: int, measure: Measure
) -> list[int]:
    """Each plan's value of one figure in one dimension, for the plans that have one."""
    found = []
    for plan_id in plan_ids:
        cell = cells.get((plan_id, dimension_id))
        value = measure.of(cell) if cell is not None else None
        if value is not None:
            found.append(value)
    return found


def peer_group(
    plans: Iterable[Plan],
    cells: dict[tuple[int, int], Figures],
    dimension_ids: Iterable[int],
    *,
    today: datetime.date,
    computed_at: datetime.datetime,
) -> PeerGroup:
    """The peer group of all `plans` (every plan, whatever its sharing: the pool is chosen here),
    from figures that include at least the pool's plans."""
    plans = list(plans)
    pool = [plan.pk for plan in contributing_plans(plans, today)]
    return PeerGroup(
        computed_at=computed_at,
        standing={jurisdiction_id: plan.pk for jurisdiction_id, plan in standing_plans(plans, today).items()},
        members=frozenset(pool),
        distributions={
            (dimension_id, measure.key): distribution(values_of(pool, cells, dimension_id, measure))
            for dimension_id in dimension_ids
            for measure in MEASURES
        },
    )


# --- A plan beside its peers, as the dashboard shows it -------------------------------------------


@dataclass(frozen=True)
class Row:
    """One figure of one dimension: the plan's own value beside the peers' distribution."""

    measure: Measure
    own: int | None
    peers: Distribution


@dataclass(frozen=True)
class DimensionRows:
    dimension: Dimension
    rows: list[Row]

    @property
    def done(self) -> Row:
        return self.rows[0]


@dataclass(frozen=True)
class Comparison:
    """A plan beside its peers: everything templates/reports/benchmark.html shows."""

    plan: Plan
    group: PeerGroup
    dimensions: list[DimensionRows]

    @property
    def is_standing(self) -> bool:
        return self.group.standing.get(self.plan.jurisdiction_id) == self.plan.pk

    @property
    def standing_plan_id(self) -> int | None:
        return self.group.standing.get(self.plan.jurisdiction_id)

    @property
    def is_in_pool(self) -> bool:
        return self.plan.pk in self.group.members

    @property
    def others_in_pool(self) -> int:
        return self.group.size - self.is_in_pool

    @property
    def has_withheld(self) -> bool:
        return any(row.peers.has_withheld for d in self.dimensions for row in d.rows)

    def summary(self) -> list[str]:
        """One sentence per dimension on items done, the text alternative to reading the tables."""
        sentences = []
        for d in self.dimensions:
            row = d.done
            if row.own is None:
                own = "has no items yet"
            else:
                own = f"has {row.own}% of its items done"
            median = row.peers.median
            if not row.peers.is_shown:
                peers = f"fewer than {K} peer states have items here"
            elif median is None:
                peers = "the peers’ median is not shown"
            elif row.own is None:
                peers = f"the peers’ median is about {median}%"
            else:
                position = coarsen(row.own)
                relation = "above" if position > median else "below" if position < median else "about level with"
                peers = f"that is {relation} the peers’ median of about {median}%"
            sentences.append(f"{d.dimension.name}: {self.plan.jurisdiction.name} {own}; {peers}.")
        return sentences


def compare(plan: Plan, own: dict[int, Figures], group: PeerGroup, dimensions: Iterable[Dimension]) -> Comparison:
    """`plan` (its figures by dimension id in `own`) beside the peer group."""
    return Comparison(
        plan=plan,
        group=group,
        dimensions=[
            DimensionRows(
                dimension=dimension,
                rows=[
                    Row(
                        measure=measure,
                        own=measure.of(own[dimension.pk]) if dimension.pk in own else None,
                        peers=group.of(dimension.pk, measure.key),
                    )
                    for measure in MEASURES
                ],
            )
            for dimension in dimensions
        ],
    )


# --- Reading the database --------------------------------------------------------------------------


def _all_plans() -> list[Plan]:
    """Every plan, with what choosing the pool and computing figures read of it."""
    fields = ("id", "jurisdiction", "starts_on", "ends_on", "sharing", "stale_after_days")
    return list(Plan.objects.only(*fields).order_by("pk"))


def cache_key(now: datetime.datetime) -> str:
    return f"reports:peer-group:{now.astimezone(datetime.UTC):%Y-%m-%dT%H}"


def plan_beside_peers(
    plan: Plan,
    dimensions: list[Dimension],
    *,
    now: datetime.datetime,
    today: datetime.date,
    changed: int | None = None,
) -> Comparison:
    """The dashboard's comparison: the plan's own figures as of its latest change, beside the peer group
    of this hour. Two queries when the hour's group is not cached yet (every plan, then the
    items of the pool and of this plan together), one when it is (this plan's items), none when
    `changed` (the plan's newest activity: every change writes one) says the plan's figures kept
    from an earlier view this hour still hold."""
    own_key = f"reports:plan-figures:{plan.pk}:{changed}:{now.astimezone(datetime.UTC):%Y-%m-%dT%H}"
    group: PeerGroup | None = cache.get(cache_key(now))
    cached_own = cache.get(own_key) if changed is not None else None
    if group is not None and cached_own is not None:
        cells = cached_own
    elif group is not None:
        cells = figures.by_plan_and_dimension([plan], now=now, today=today)
    else:
        plans = _all_plans()
        pool = contributing_plans(plans, today)
        wanted = pool if any(p.pk == plan.pk for p in pool) else [*pool, plan]
        cells = figures.by_plan_and_dimension(wanted, now=now, today=today)
        group = peer_group(plans, cells, [d.pk for d in dimensions], today=today, computed_at=now)
        cache.set(cache_key(now), group, PEER_GROUP_SECONDS)
    own = {dimension_id: cell for (plan_id, dimension_id), cell in cells.items() if plan_id == plan.pk}
    if changed is not None:
        cache.set(own_key, {(plan.pk, d): cell for d, cell in own.items()}, PEER_GROUP_SECONDS)
    return compare(plan, own, group, dimensions)


@dataclass(frozen=True)
class NamedRow:
    """One jurisdiction's standing plan in one dimension, by name (for staff)."""

    plan: Plan
    is_in_pool: bool
    values: list[int | None]  # in MEASURES order

    @property
    def sharing(self) -> str:
        """The sharing level's short name: "Private", "Peers" or "Public"."""
        return str(self.plan.get_sharing_display()).split(":")[0]


@dataclass(frozen=True)
class NamedComparison:
    """Every jurisdiction's standing plan in one dimension, by name, beside what the states see."""

    dimension: Dimension
    rows: list[NamedRow]
    group: PeerGroup
    exact: dict[str, tuple[float, float, float] | None]  # the pool's exact quartiles, per measure
    jurisdictions_without_plan: int

    @property
    def summary_rows(self) -> list[tuple[Measure, Distribution, tuple[float, float, float] | None]]:
        """Per measure: what the states see, and the exact quartiles."""
        return [(m, self.group.of(self.dimension.pk, m.key), self.exact[m.key]) for m in MEASURES]


def named_comparison(
    dimension: Dimension,
    dimensions: list[Dimension],
    *,
    jurisdictions: int,
    now: datetime.datetime,
    today: datetime.date,
) -> NamedComparison:
    """Staff's view of one dimension, computed now (not cached): two queries, every plan with its
    jurisdiction, then the standing plans' items."""
    plans = list(Plan.objects.select_related("jurisdiction").order_by("pk"))
    standing = sorted(standing_plans(plans, today).values(), key=lambda p: p.jurisdiction.name)
    cells = figures.by_plan_and_dimension(standing, now=now, today=today)
    group = peer_group(plans, cells, [d.pk for d in dimensions], today=today, computed_at=now)
    exact: dict[str, tuple[float, float, float] | None] = {}
    for measure in MEASURES:
        values = values_of(sorted(group.members), cells, dimension.pk, measure)
        exact[measure.key] = quartiles(values) if len(values) >= 2 else None
    rows = []
    for plan in standing:
        cell = cells.get((plan.pk, dimension.pk))
        rows.append(
            NamedRow(
                plan=plan,
                is_in_pool=plan.pk in group.members,
                values=[measure.of(cell) if cell is not None else None for measure in MEASURES],
            )
        )
    return NamedComparison(
        dimension=dimension,
        rows=rows,
        group=group,
        exact=exact,
        jurisdictions_without_plan=jurisdictions - len(standing),
    )
