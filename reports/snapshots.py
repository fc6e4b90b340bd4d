"""Weekly snapshots: once per ISO week, each current plan's figures per dimension (reports.figures),
recorded so the trends can show how plans moved. Item statuses at a past date are stored nowhere
else, so a week that was not recorded cannot be recorded later: there is no backfill.

Which plans: every plan current on the day of the run (UTC), i.e. with `starts_on <= day <= ends_on`,
whatever its sharing (who may read a plan's trends is decided when they are shown). A plan before
its period or after it has nothing to report that week.

When: the task runs hourly; a plan is due when it has no snapshot for the current ISO week (UTC),
so the first run each Monday records the week and the others find nothing to do, and a beat that
was down on Monday records the week when it returns (`taken_at` says when).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from actionplan.models import Plan
from library.models import Dimension
from reports import figures
from reports.models import Snapshot


def week_starts_on(moment: datetime.datetime) -> datetime.date:
    """The Monday of the ISO week `moment` falls in, in UTC (the zone beat runs in)."""
    day = moment.astimezone(datetime.UTC).date()
    return day - datetime.timedelta(days=day.weekday())


def week_name(monday: datetime.date) -> str:
    """An ISO week as people write it: 2026-W49."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def next_week_at(moment: datetime.datetime) -> datetime.datetime:
    """When the next week's snapshot falls due: the coming Monday, 00:00 UTC."""
    monday = week_starts_on(moment) + datetime.timedelta(weeks=1)
    return datetime.datetime.combine(monday, datetime.time(), tzinfo=datetime.UTC)


def current_plans(day: datetime.date) -> QuerySet[Plan]:
    """Plans whose period includes `day`: the ones a snapshot of that week records."""
    return Plan.objects.filter(starts_on__lte=day, ends_on__gte=day)


def due_plans(now: datetime.datetime) -> list[Plan]:
    """Current plans with no snapshot yet for the week of `now`, in id order."""
    week = week_starts_on(now)
    today = now.astimezone(datetime.UTC).date()
    return list(
        current_plans(today).exclude(snapshots__week_starts_on=week).select_related("jurisdiction").order_by("pk")
    )


@dataclass(frozen=True)
class SnapshotRun:
    """What one run recorded: the week, and how many plans it recorded and found already done."""

    week_starts_on: datetime.date
    recorded: int
    already: int

    @property
    def week(self) -> str:
        return week_name(self.week_starts_on)


def record_snapshots(*, now: datetime.datetime | None = None) -> SnapshotRun:
    """Record this week's snapshot of every current plan that has none yet.

    The plans are locked first (in id order, so two runs cannot deadlock), and the ones recorded
    while this run waited for the lock are skipped: a second run, concurrent or not, records
    nothing. The unique constraint on (plan, week, dimension) backs this up in the database.
    """
    now = now or timezone.now()
    week = week_starts_on(now)
    today = now.astimezone(datetime.UTC).date()
    current = list(current_plans(today).order_by("pk").values_list("pk", flat=True))
    dimensions = list(Dimension.objects.order_by("position"))
    with transaction.atomic():
        # order_by("pk") also drops Plan's default ordering, whose join FOR UPDATE would lock too.
        plans = list(Plan.objects.select_for_update().filter(pk__in=current).order_by("pk"))
        recorded = set(
            Snapshot.objects.filter(week_starts_on=week, plan__in=plans).values_list("plan_id", flat=True).distinct()
        )
        due = [plan for plan in plans if plan.pk not in recorded]
        cells = figures.by_plan_and_dimension(due, now=now, today=today)
        Snapshot.objects.bulk_create(
            [
                Snapshot(
                    plan=plan,
                    dimension=dimension,
                    week_starts_on=week,
                    taken_at=now,
                    **Snapshot.counts_from(cells.get((plan.pk, dimension.pk), figures.Figures())),
                )
                for plan in due
                for dimension in dimensions
            ],
            ignore_conflicts=True,
        )
    return SnapshotRun(week_starts_on=week, recorded=len(due), already=len(recorded))
