"""Trends for the demo: the snapshots of past weeks, replayed from the demo plans' own history
(`manage.py seed_demo_snapshots`, after `seed_demo --scale national`).

A snapshot records figures as they are, and a week nobody recorded cannot be recorded later: an
item's status on a past day is stored nowhere (reports.snapshots). A plan whose items were never
edited in a way that changes how they count is the exception: none handed over, archived or its
sign-offs reset, and no side, dimension or start date changed (its Activity log says so). Then
where each item stood at any past moment is exactly what its updates and sign-offs up to then
say: its status, progress and each office's latest status and time, the fields post_update and
sign_off keep on the item. For each past week the replay writes those fields back as they were,
asks reports.figures (the one computation of every page) inside a transaction it then rolls
back, and records what it answered. A plan whose log shows such an edit is skipped, not guessed.
Like seed_demo, this runs only with DEBUG on.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from actionplan.models import Activity, Item, ItemSide, Plan, SignOff, Status, Update
from library.models import Dimension
from reports import figures, snapshots
from reports.models import Snapshot

# What changes how an item counts, other than its updates and sign-offs: a plan whose log has any of
# these is not replayed. (Other edits, its title or the case studies it cites, say, change nothing
# the figures read.)
EDITS = Q(verb__in=[Activity.Verb.TRANSFERRED, Activity.Verb.ARCHIVED, Activity.Verb.SIGN_OFFS_RESET]) | Q(
    verb=Activity.Verb.FIELD_CHANGED, field__in=["dimension", "side", "starts_on"]
)


@dataclass(frozen=True)
class _Posted:
    at: datetime.datetime
    side: str
    status: str
    progress: int


# The fields of an item that its updates and sign-offs set (and archived_at, which keeps an item
# created later out of an earlier week).
REPLAYED_FIELDS = [
    "status", "progress", "last_update_at", "cio_last_update_at", "cpo_last_update_at", "cio_status", "cpo_status",
    "archived_at",
]  # fmt: skip


class _History:
    """One item's updates (oldest first) and sign-offs, read back as of any moment."""

    def __init__(
        self,
        item: Item,
        updates: list[_Posted],
        sign_offs: list[tuple[str, datetime.datetime, datetime.datetime | None]],
    ) -> None:
        self.item = item
        self.updates = updates
        self.times = [u.at for u in updates]
        self.sign_offs = sign_offs

    def as_of(self, moment: datetime.datetime) -> dict[str, object]:
        """The REPLAYED_FIELDS as post_update and sign_off had left them at `moment`."""
        if self.item.created_at > moment:
            return {"archived_at": moment}  # not created yet: out of the figures, like an archived item
        posted = self.updates[: bisect.bisect_right(self.times, moment)]
        latest = {update.side: update for update in posted}
        last = posted[-1] if posted else None
        status, progress = (last.status, last.progress) if last else (Status.NOT_STARTED.value, 0)
        signed = {side for side, at, gone in self.sign_offs if at <= moment and (gone is None or gone > moment)}
        if self.item.side == ItemSide.JOINT and len(signed) == 2:
            status, progress = Status.DONE.value, 100
        return {
            "status": status,
            "progress": progress,
            "last_update_at": last.at if last else None,
            "cio_last_update_at": latest["cio"].at if "cio" in latest else None,
            "cpo_last_update_at": latest["cpo"].at if "cpo" in latest else None,
            "cio_status": latest["cio"].status if "cio" in latest else "",
            "cpo_status": latest["cpo"].status if "cpo" in latest else "",
            "archived_at": None,
        }


def replayable(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """The plans whose items were never edited in a way that changes how they count."""
    return plans.exclude(pk__in=Activity.objects.filter(EDITS).values("plan_id"))


def histories(plans: list[Plan]) -> list[_History]:
    """Every current item of `plans` with its updates and sign-offs, in three queries."""
    updates: dict[int, list[_Posted]] = defaultdict(list)
    for item_id, at, side, status, progress in (
        Update.objects.filter(item__plan__in=plans).order_by("item_id", "created_at", "id")
        .values_list("item_id", "created_at", "side", "status", "progress")
    ):  # fmt: skip
        updates[item_id].append(_Posted(at, side, status, progress))
    sign_offs: dict[int, list[tuple[str, datetime.datetime, datetime.datetime | None]]] = defaultdict(list)
    for item_id, side, at, gone in SignOff.objects.filter(item__plan__in=plans).values_list(
        "item_id", "side", "signed_at", "withdrawn_at"
    ):
        sign_offs[item_id].append((side, at, gone))
    items = Item.objects.current().filter(plan__in=plans).order_by("id")
    return [_History(item, updates[item.pk], sign_offs[item.pk]) for item in items]


# PostgreSQL's type of each replayed field, for the one-statement write-back below.
PG_TYPES = {
    "status": "text", "progress": "integer", "last_update_at": "timestamptz", "cio_last_update_at": "timestamptz",
    "cpo_last_update_at": "timestamptz", "cio_status": "text", "cpo_status": "text", "archived_at": "timestamptz",
}  # fmt: skip


def _write_back(items: list[Item]) -> None:
    """Save the items' REPLAYED_FIELDS: on PostgreSQL in one UPDATE from arrays (bulk_update's
    CASE per row and field costs minutes for a national replay), elsewhere with bulk_update."""
    if connection.vendor != "postgresql":
        Item.objects.bulk_update(items, REPLAYED_FIELDS, batch_size=500)
        return
    table = connection.ops.quote_name(Item._meta.db_table)
    # A concrete field always has a column (the stubs allow None for the abstract case).
    column_of = {field.name: field.column for field in Item._meta.concrete_fields if field.column}
    columns = {name: connection.ops.quote_name(column_of[name]) for name in REPLAYED_FIELDS}
    placeholders = ", ".join(["%s::bigint[]", *(f"%s::{PG_TYPES[name]}[]" for name in REPLAYED_FIELDS)])
    # Identifiers come from the model's own metadata and the constants above; every value is a parameter.
    sql = (
        f"UPDATE {table} SET {', '.join(f'{columns[name]} = v.{name}' for name in REPLAYED_FIELDS)} "  # noqa: S608
        f"FROM unnest({placeholders}) AS v(id, {', '.join(REPLAYED_FIELDS)}) WHERE {table}.id = v.id"
    )
    values = [[item.pk for item in items], *([getattr(item, name) for item in items] for name in REPLAYED_FIELDS)]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def figures_as_of(
    plans: list[Plan], item_histories: list[_History], moment: datetime.datetime
) -> dict[tuple[int, int], figures.Figures]:
    """What reports.figures says of `plans` as they stood at `moment`: their items are written
    back to that moment, counted, and restored (the transaction is rolled back)."""
    with transaction.atomic():
        for history in item_histories:
            for name, value in history.as_of(moment).items():
                setattr(history.item, name, value)
        _write_back([h.item for h in item_histories])
        cells = figures.by_plan_and_dimension(plans, now=moment, today=moment.date())
        transaction.set_rollback(True)
    return cells


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
    plans = list(replayable(in_range).order_by("pk"))
    skipped = in_range.count() - len(plans)
    recorded = set(Snapshot.objects.filter(plan__in=plans).values_list("plan_id", "week_starts_on"))
    item_histories = histories(plans)
    dimensions = list(Dimension.objects.order_by("position"))
    written = 0
    for monday in mondays:
        moment = datetime.datetime.combine(monday, datetime.time(), tzinfo=datetime.UTC)
        due = [
            plan
            for plan in plans
            if (plan.pk, monday) not in recorded
            and plan.starts_on <= monday <= plan.ends_on
            and plan.created_at <= moment
        ]
        if not due:
            continue
        due_ids = {plan.pk for plan in due}
        cells = figures_as_of(due, [h for h in item_histories if h.item.plan_id in due_ids], moment)
        Snapshot.objects.bulk_create(
            [
                Snapshot(
                    plan=plan,
                    dimension=dimension,
                    week_starts_on=monday,
                    taken_at=moment,
                    **Snapshot.counts_from(cells.get((plan.pk, dimension.pk), figures.Figures())),
                )
                for plan in due
                for dimension in dimensions
            ],
            ignore_conflicts=True,
        )
        written += len(due)
    return Replay(weeks=written, plans=len(plans), skipped=skipped)
