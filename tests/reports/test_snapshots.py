"""Weekly snapshots: the trio (records when due, skips when not, records once when run twice), what
a snapshot holds (reports.figures' own numbers), the task, the command twin, and two runs racing on
PostgreSQL."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from time_machine import TimeMachineFixture

from actionplan.models import ItemSide, Status
from actionplan.rules import Freshness
from library.models import Dimension
from reports import figures, snapshots, tasks
from reports.models import Snapshot, figures_from
from tests import factories
from tests.factories import State
from tests.notifications.helpers import NOW, days, while_another_transaction_holds

# NOW is Wednesday 9 December 2026 (17:00 UTC): ISO week 2026-W50, which began on Monday the 7th.
MONDAY = datetime.date(2026, 12, 7)
LONG_AGO = NOW - days(200)


def _items(idaho: State) -> None:
    """One item of each kind the figures tell apart, all in the first dimension."""
    began = {"created_at": LONG_AGO, "starts_on": datetime.date(2026, 7, 1)}
    idaho.item(side=ItemSide.CIO, status=Status.DONE, progress=100, **began)
    idaho.item(side=ItemSide.CIO, status=Status.ON_TRACK, progress=40, last_update_at=NOW - days(2), **began)  # fresh
    idaho.item(side=ItemSide.CPO, status=Status.AT_RISK, progress=20, last_update_at=NOW - days(45), **began)  # late
    # Never, on both sides: due within the plan's 30-day cadence, as a never-updated, not-started item
    # due further off is waiting (actionplan.rules.is_waiting), fresh for both offices.
    idaho.item(side=ItemSide.JOINT, status=Status.NOT_STARTED, progress=0, due_on=NOW.date() + days(25), **began)


@pytest.mark.django_db
def test_the_snapshot_records_each_current_plan_once_a_week_per_dimension_from_the_figures(idaho: State) -> None:
    _items(idaho)

    run = snapshots.record_snapshots()

    assert (run.week, run.recorded, run.already) == ("2026-W50", 1, 0)
    rows = list(Snapshot.objects.filter(plan=idaho.plan).order_by("dimension__position"))
    assert [row.dimension for row in rows] == list(Dimension.objects.order_by("position"))
    assert {row.week_starts_on for row in rows} == {MONDAY}
    assert {row.taken_at for row in rows} == {NOW}
    first, *others = rows
    assert (first.items, first.done, first.progress_total, first.disagreements) == (4, 1, 160, 0)
    assert first.statuses == {"done": 1, "on_track": 1, "at_risk": 1, "not_started": 1}
    assert (first.cio_fresh, first.cio_late, first.cio_never) == (1, 0, 1)
    assert (first.cpo_fresh, first.cpo_late, first.cpo_never) == (0, 1, 1)
    assert all(row.items == 0 and row.statuses == {} for row in others), "a dimension with no items records zeros"
    # Exactly what reports.figures says of the same data: the snapshot counts nothing its own way.
    cell = figures.by_plan_and_dimension([idaho.plan], now=NOW, today=NOW.date())[(idaho.plan.pk, first.dimension_id)]
    assert Snapshot.counts_from(cell) == {field: getattr(first, field) for field in Snapshot.counts_from(cell)}
    assert cell.percent_fresh("cio") == 50


@pytest.mark.django_db
def test_a_second_run_in_the_same_week_records_nothing_and_the_next_week_records_again(
    idaho: State, clock: TimeMachineFixture
) -> None:
    _items(idaho)
    snapshots.record_snapshots()

    clock.move_to(NOW + days(4), tick=False)  # Sunday, still week 50
    again = snapshots.record_snapshots()

    assert (again.recorded, again.already) == (0, 1)
    assert Snapshot.objects.count() == 4

    clock.move_to(NOW + days(5), tick=False)  # Monday: week 51
    next_week = snapshots.record_snapshots()

    assert (next_week.week, next_week.recorded) == ("2026-W51", 1)
    assert sorted(set(Snapshot.objects.values_list("week_starts_on", flat=True))) == [MONDAY, MONDAY + days(7)]


@pytest.mark.django_db
def test_plans_outside_their_period_are_not_recorded(idaho: State) -> None:
    ended = factories.make_plan("ID", "FY2026", starts_on=datetime.date(2025, 7, 1), ends_on=datetime.date(2026, 6, 30))
    future = factories.make_plan(
        "ME", "FY2028", starts_on=datetime.date(2027, 7, 1), ends_on=datetime.date(2028, 6, 30)
    )
    factories.make_item(ended)
    factories.make_item(future)

    run = snapshots.record_snapshots()

    assert run.recorded == 1
    assert set(Snapshot.objects.values_list("plan_id", flat=True)) == {idaho.plan.pk}
    assert [plan.pk for plan in snapshots.due_plans(NOW)] == []


@pytest.mark.django_db
def test_the_week_is_the_iso_week_in_utc(idaho: State, clock: TimeMachineFixture) -> None:
    # Sunday 13 December, 23:30 in Boise, is already Monday the 14th in UTC: week 51.
    clock.move_to(datetime.datetime(2026, 12, 14, 6, 30, tzinfo=datetime.UTC), tick=False)

    assert snapshots.record_snapshots().week == "2026-W51"
    assert snapshots.week_name(datetime.date(2027, 1, 1)) == "2026-W53"  # ISO years end where they end


@pytest.mark.django_db
def test_the_task_records_and_says_how_many_plans(idaho: State) -> None:
    assert tasks.record_snapshots.delay().get() == 1
    assert tasks.record_snapshots.delay().get() == 0
    assert Snapshot.objects.count() == 4


@pytest.mark.django_db
def test_the_command_records_once_and_says_so_in_one_line(idaho: State) -> None:
    first, second = io.StringIO(), io.StringIO()

    call_command("record_snapshots", stdout=first)
    call_command("record_snapshots", stdout=second)

    assert first.getvalue() == "Recorded the snapshot of 2026-W50 for 1 plans (0 already recorded).\n"
    assert second.getvalue() == "Recorded the snapshot of 2026-W50 for 0 plans (1 already recorded).\n"
    assert Snapshot.objects.count() == 4


@pytest.mark.django_db
def test_the_command_dry_run_lists_the_plans_due_and_records_nothing(idaho: State) -> None:
    out = io.StringIO()

    call_command("record_snapshots", "--dry-run", stdout=out)

    assert out.getvalue().splitlines() == [
        "Idaho FY2027 (2026-07-01 to 2027-06-30)",
        "1 plans due for the snapshot of 2026-W50; nothing was recorded (dry run).",
    ]
    assert not Snapshot.objects.exists()


def test_the_command_refuses_an_unknown_option() -> None:
    with pytest.raises(CommandError, match="unrecognized arguments: --week"):
        call_command("record_snapshots", "--week", "2026-W40")


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_record_the_week_once(reference_data: None) -> None:
    plan = factories.make_plan("ID", starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2099, 12, 31))
    factories.make_item(plan)

    second = while_another_transaction_holds(snapshots.record_snapshots, snapshots.record_snapshots)

    assert second.recorded == 0
    assert second.already == 1
    assert Snapshot.objects.filter(plan=plan).count() == 4


@pytest.mark.django_db
def test_the_database_refuses_a_second_row_for_a_plan_week_and_dimension(idaho: State) -> None:
    snapshots.record_snapshots()
    row = Snapshot.objects.first()
    assert row is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Snapshot.objects.create(plan=row.plan, dimension=row.dimension, week_starts_on=row.week_starts_on)


def test_a_snapshot_row_reads_back_as_figures_with_the_same_percentages() -> None:
    cell = figures.Figures(items=4, done=1, progress_total=160)
    cell.freshness["cio"][Freshness.FRESH] = 1
    cell.freshness["cio"][Freshness.NEVER] = 1
    cell.statuses["done"] = 1
    counts = Snapshot.counts_from(cell)
    statuses = counts.pop("statuses")

    again = figures_from(counts, statuses)

    assert (again.percent_done, again.progress, again.percent_fresh("cio"), again.percent_fresh("cpo")) == (
        25,
        40,
        50,
        None,
    )
    assert again.statuses == cell.statuses
