"""The demo's past weeks, replayed from its plans' history (reports/demo.py): a replayed week is
exactly the snapshot the task would have recorded that week, a plan with an edited item is skipped
rather than guessed, and the command runs only in development."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from actionplan import services
from actionplan.models import Activity, Item, ItemSide, Plan, Status
from reports import demo, figures, snapshots
from reports.models import SUMMED_FIELDS, Snapshot
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC)  # ISO week 2026-W45
LONG_AGO = MONDAY - datetime.timedelta(days=120)


def _week(n: int, *, hour: int = 0) -> datetime.datetime:
    return MONDAY + datetime.timedelta(weeks=n, hours=hour)


def _recorded() -> dict[tuple[int, datetime.date, int], dict[str, object]]:
    """Every snapshot's figures (not its id or when it was taken), by plan, week and dimension."""
    return {
        (row.plan_id, row.week_starts_on, row.dimension_id): {f: getattr(row, f) for f in (*SUMMED_FIELDS, "statuses")}
        for row in Snapshot.objects.all()
    }


@pytest.fixture
def history(reference_data: None, time_machine: TimeMachineFixture) -> Plan:
    """Idaho's plan since long ago, three items, and four weeks of updates and sign-offs, with the
    task recording each Monday at midnight UTC as it happens."""
    time_machine.move_to(LONG_AGO, tick=False)
    people = factories.idaho_people("cio", "cpo")
    cio, cpo = people["cio"], people["cpo"]
    plan = factories.make_plan("ID", created_at=LONG_AGO)
    joint = factories.make_item(plan, side=ItemSide.JOINT, cio_owner=cio, cpo_owner=cpo, created_at=LONG_AGO)
    mine = factories.make_item(plan, side=ItemSide.CIO, cio_owner=cio, created_at=LONG_AGO)
    theirs = factories.make_item(plan, side=ItemSide.CPO, cpo_owner=cpo, created_at=LONG_AGO)
    steps = [
        lambda: services.post_update(joint, author=cio, side="cio", status=Status.ON_TRACK, progress=30, narrative="Met."),
        lambda: services.post_update(theirs, author=cpo, side="cpo", status=Status.AT_RISK, progress=10, narrative="Slow."),
        lambda: services.post_update(joint, author=cpo, side="cpo", status=Status.BLOCKED, progress=35, narrative="Stuck."),
        lambda: services.sign_off(joint, by=cio, side="cio"),
        lambda: services.sign_off(joint, by=cpo, side="cpo"),
        lambda: services.post_update(mine, author=cio, side="cio", status=Status.DONE, progress=100, narrative="Done."),
    ]  # fmt: skip
    for week in range(4):
        time_machine.move_to(_week(week), tick=False)
        snapshots.record_snapshots()
        time_machine.move_to(_week(week, hour=30), tick=False)  # Tuesday
        for step in steps[week * 2 : week * 2 + 2]:
            step()
    time_machine.move_to(_week(4, hour=60), tick=False)  # Wednesday of the fifth week
    return plan


def test_a_replayed_week_is_the_snapshot_the_task_recorded_that_week(history: Plan) -> None:
    live = _recorded()
    Snapshot.objects.all().delete()

    replay = demo.replay_weeks(weeks=4, now=_week(4, hour=60))

    assert (replay.weeks, replay.plans, replay.skipped) == (4, 1, 0)
    assert _recorded() == live
    assert len(live) == 4 * 4


def test_the_replay_as_of_now_is_todays_figures_and_leaves_the_items_as_they_are(history: Plan) -> None:
    now = _week(4, hour=60)
    before = list(Item.objects.filter(plan=history).order_by("id").values())

    replayed = demo.figures_as_of([history], demo.histories([history]), now)

    today = figures.by_plan_and_dimension([history], now=now, today=now.date())
    assert {key: Snapshot.counts_from(cell) for key, cell in replayed.items()} == {
        key: Snapshot.counts_from(cell) for key, cell in today.items()
    }
    assert list(Item.objects.filter(plan=history).order_by("id").values()) == before


def test_weeks_already_recorded_are_left_as_they_are(history: Plan) -> None:
    before = set(Snapshot.objects.values_list("pk", flat=True))

    replay = demo.replay_weeks(weeks=4, now=_week(4, hour=60))

    assert replay.weeks == 0
    assert set(Snapshot.objects.values_list("pk", flat=True)) == before


def test_a_plan_with_an_edited_item_is_skipped_not_guessed(history: Plan) -> None:
    Snapshot.objects.all().delete()
    item = history.items.first()
    Activity.objects.create(plan=history, item=item, verb=Activity.Verb.FIELD_CHANGED, field="title")  # harmless
    assert demo.replay_weeks(weeks=1, now=_week(4, hour=60)).plans == 1
    Snapshot.objects.all().delete()
    Activity.objects.create(plan=history, item=item, verb=Activity.Verb.FIELD_CHANGED, field="side")

    replay = demo.replay_weeks(weeks=4, now=_week(4, hour=60))

    assert (replay.weeks, replay.plans, replay.skipped) == (0, 0, 1)
    assert not Snapshot.objects.exists()


def test_the_command_replays_then_records_this_week(history: Plan, settings: Settings) -> None:
    settings.DEBUG = True
    Snapshot.objects.all().delete()
    out = io.StringIO()

    call_command("seed_demo_snapshots", "--weeks", "4", stdout=out)

    assert out.getvalue() == (
        "Replayed 4 plan-weeks of 1 plans from their history (0 skipped: items edited), "
        "and recorded 2026-W49 for 1 plans.\n"
    )
    assert Snapshot.objects.values("week_starts_on").distinct().count() == 5


def test_the_command_runs_only_in_development(settings: Settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG=1"):
        call_command("seed_demo_snapshots")
