"""Trends for the demo: the snapshots of past weeks, replayed from the demo plans' own history
(`manage.py seed_demo_snapshots`, after `seed_demo --scale national`).

A snapshot records figures as they are, and a week nobody recorded cannot be recorded later: an
item's status on a past day is stored nowhere (reports.snapshots). A plan whose items were never
edited in a way that changes how they count is the exception: none handed over, archived or its
sign-offs reset, and no side, dimension or start date changed (its Activity log says so). Then
where each item stood at any past moment is exactly what its updates and sign-offs up to then
say, and reports.figures counts those rows as it counts today's. The demo's plans are such plans;
a plan whose log shows such an edit is skipped, not guessed. Like seed_demo, this runs only with
DEBUG on.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from actionplan.models import Activity, Item, ItemSide, Plan, SignOff, Status, Update
from library.models import Dimension
from reports import figures, snapshots
from reports.figures import ItemRow
from reports.models import Snapshot

# What changes how an item counts, other than its updates and sign-offs: a plan whose log has any of
# these is not replayed. (Other edits, its title or the case studies it cites, say, change nothing
# the figures read.)
EDITS = Q(verb__in=[Activity.Verb.TRANSFERRED, Activity.Verb.ARCHIVED, Activity.Verb.SIGN_OFFS_RESET]) | Q(
    verb=Activity.Verb.FIELD_CHANGED, field__in=["dimension", "side", "starts_on"]
)
ITEM_FIELDS = (
    "pk", "title", "plan_id", "dimension_id", "side", "created_at", "starts_on", "cio_owner_id", "cpo_owner_id",
)  # fmt: skip


@dataclass(frozen=True)
class _Posted:
    at: datetime.datetime
    side: str
    status: str
    progress: int


class _History:
    """One item's updates (oldest first) and sign-offs, read back as of any moment."""

    def __init__(self, values: tuple, updates: list[_Posted], sign_offs: list[tuple[str, datetime.datetime, datetime.datetime | None]]) -> None:  # fmt: skip
        self.values = dict(zip(ITEM_FIELDS, values, strict=True))
        self.updates = updates
        self.times = [u.at for u in updates]
        self.sign_offs = sign_offs

    def as_of(self, moment: datetime.datetime) -> ItemRow | None:
        """The item as post_update and sign_off had left it at `moment` (None: not yet created)."""
        v = self.values
        if v["created_at"] > moment:
            return None
        posted = self.updates[: bisect.bisect_right(self.times, moment)]
        latest = {update.side: update for update in posted}
        last = posted[-1] if posted else None
        status, progress = (last.status, last.progress) if last else (Status.NOT_STARTED.value, 0)
        signed = {
            side for side, at, withdrawn in self.sign_offs if at <= moment and (withdrawn is None or withdrawn > moment)
        }
        if v["side"] == ItemSide.JOINT and len(signed) == 2:
            status, progress = Status.DONE.value, 100
        return ItemRow(
            pk=v["pk"],
            title=v["title"],
            plan_id=v["plan_id"],
            dimension_id=v["dimension_id"],
            side=v["side"],
            status=status,
            progress=progress,
            created_at=v["created_at"],
            starts_on=v["starts_on"],
            last_update_at=last.at if last else None,
            cio_last_update_at=latest["cio"].at if "cio" in latest else None,
            cpo_last_update_at=latest["cpo"].at if "cpo" in latest else None,
            cio_status=latest["cio"].status if "cio" in latest else "",
            cpo_status=latest["cpo"].status if "cpo" in latest else "",
            cio_owner_id=v["cio_owner_id"],
            cpo_owner_id=v["cpo_owner_id"],
        )


def replayable(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """The plans whose items were never edited: their past can be read back from their log."""
    return plans.exclude(pk__in=Activity.objects.filter(EDITS).values("plan_id"))


def histories(plan: Plan) -> list[_History]:
    """Every current item of `plan` with its updates and sign-offs, in three queries."""
    updates: dict[int, list[_Posted]] = defaultdict(list)
    for item_id, at, side, status, progress in (
        Update.objects.filter(item__plan=plan).order_by("item_id", "created_at", "id")
        .values_list("item_id", "created_at", "side", "status", "progress")
    ):  # fmt: skip
        updates[item_id].append(_Posted(at, side, status, progress))
    sign_offs: dict[int, list[tuple[str, datetime.datetime, datetime.datetime | None]]] = defaultdict(list)
    for item_id, side, at, withdrawn in SignOff.objects.filter(item__plan=plan).values_list(
        "item_id", "side", "signed_at", "withdrawn_at"
    ):
        sign_offs[item_id].append((side, at, withdrawn))
    items = Item.objects.current().filter(plan=plan).order_by("id").values_list(*ITEM_FIELDS)
    return [_History(values, updates[values[0]], sign_offs[values[0]]) for values in items]


def rows_as_of(plan_histories: list[_History], moment: datetime.datetime) -> list[ItemRow]:
    return [row for history in plan_histories if (row := history.as_of(moment)) is not None]


@dataclass(frozen=True)
class Replay:
    """What a replay recorded: plan-weeks written, plans replayed and plans skipped (edited)."""

    weeks: int
    plans: int
    skipped: int


def replay_weeks(*, weeks: int, now: datetime.datetime) -> Replay:
    """Record the `weeks` ISO weeks before this one for every replayable plan that was current on
    their Monday (00:00 UTC, the moment each snapshot is replayed as of) and existed by then. A week
    already recorded is left as it is; this week is the real task's (reports.snapshots)."""
    this_week = snapshots.week_starts_on(now)
    mondays = [this_week - datetime.timedelta(weeks=n) for n in range(weeks, 0, -1)]
    if not mondays:
        return Replay(0, 0, 0)
    in_range = Plan.objects.filter(starts_on__lte=mondays[-1], ends_on__gte=mondays[0])
    plans = list(replayable(in_range).distinct().order_by("pk"))
    skipped = in_range.count() - len(plans)
    dimensions = list(Dimension.objects.order_by("position"))
    written = 0
    for plan in plans:
        done = set(Snapshot.objects.filter(plan=plan).values_list("week_starts_on", flat=True))
        plan_histories = histories(plan)
        rows: list[Snapshot] = []
        for monday in mondays:
            moment = datetime.datetime.combine(monday, datetime.time(), tzinfo=datetime.UTC)
            if monday in done or not plan.starts_on <= monday <= plan.ends_on or plan.created_at > moment:
                continue
            cells = figures.by_plan_and_dimension(
                [plan], now=moment, today=monday, rows=rows_as_of(plan_histories, moment)
            )
            rows += [
                Snapshot(
                    plan=plan,
                    dimension=dimension,
                    week_starts_on=monday,
                    taken_at=moment,
                    **Snapshot.counts_from(cells.get((plan.pk, dimension.pk), figures.Figures())),
                )
                for dimension in dimensions
            ]
            written += 1
        Snapshot.objects.bulk_create(rows, ignore_conflicts=True)
    return Replay(weeks=written, plans=len(plans), skipped=skipped)
