"""The periodic work run twice at the same moment: the management commands side by side, the scan
tasks on two workers, and two beats on one Redis. Nobody may get a second digest in a week or hear
a reminder fact twice.

To be sure two runs really overlap (rather than one finishing before the other starts), the test
holds a SHARE lock on the table both must write, starts both runs, waits until both are stuck
behind it (pg_locks), and only then lets them go.
"""

from __future__ import annotations

import collections
import datetime
import re
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from actionplan import services as plan_services
from actionplan.models import Comment, ItemSide
from directory.models import Membership, User
from notifications import tasks
from notifications.models import Preference, ReminderSent
from outbox.models import OutgoingEmail
from tests import factories
from tests.factories import State, make_digests_due
from tests.integration.harness import (
    Beat,
    LoggedProcess,
    RedisServer,
    SmtpSink,
    Worker,
    finish,
    stays_false,
    table_barrier,
    wait_until,
)
from tests.integration.moments import working_hours_from, zone_at_local_hour

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
Kind, Status = OutgoingEmail.Kind, OutgoingEmail.Status


def run_twice_at_once(manage_py: Callable[..., LoggedProcess], command: str, *at: str, barrier: str) -> list[str]:
    """Run `manage.py <command> --at <time>` in two processes that reach `barrier` together;
    the output of each, after checking it exited 0."""
    times = at if len(at) == 2 else (at[0], at[0])
    with table_barrier(barrier, waiters=2):
        runs = [manage_py(command, "--at", moment, name=f"{command}-{n}") for n, moment in enumerate(times)]
    codes = [finish(run) for run in runs]
    outputs = [run.log() for run in runs]
    assert codes == [0, 0], "\n\n".join(outputs)
    return outputs


def assert_each_message_accepted_once(sink: SmtpSink) -> None:
    rows = {row.message_id for row in OutgoingEmail.objects.all()}
    counted = sink.by_message_id()
    assert set(counted) == rows and set(counted.values()) == {1}, counted
    assert not OutgoingEmail.objects.exclude(status=Status.SENT).exists()


def test_send_digests_and_send_reminders_run_twice_at_once_send_each_thing_once(
    idaho: State, smtp_sink: SmtpSink, manage_py: Callable[..., LoggedProcess]
) -> None:
    staff = factories.make_staff("NASCIO", email="staff@nascio.example")
    at = working_hours_from(timezone.now(), idaho.cio.tz)
    make_digests_due([*idaho.people, staff], at=at)
    items = idaho.plan.items.order_by("pk")
    joint = items.filter(side=ItemSide.JOINT).first()
    plan_services.add_comment(items.first(), author=idaho.cio, body="@cpo @deputy the draft is ready.")
    plan_services.add_comment(joint, author=idaho.cpo, body="@cio can we meet on Thursday?")
    plan_services.sign_off(joint, by=idaho.cio, side="cio")  # the CPO side is now awaited
    local_day = at.astimezone(ZoneInfo(idaho.cio.tz)).date()
    plan_services.create_item(
        idaho.plan,
        by=idaho.cio,
        dimension=joint.dimension,
        title="Publish the shared procurement playbook",
        side=ItemSide.CIO,
        starts_on=local_day,
        due_on=local_day + datetime.timedelta(days=7),
        cio_owner=idaho.cio,
    )

    outputs = run_twice_at_once(manage_py, "send_digests", at.isoformat(), barrier="notifications_preference")
    digests_queued = [int(re.search(r"^(\d+) digests queued", out, re.MULTILINE)[1]) for out in outputs]
    assert sum(digests_queued) == 5, outputs
    outputs = run_twice_at_once(manage_py, "send_reminders", at.isoformat(), barrier="notifications_remindersent")
    queued = [int(re.search(r"^(\d+) people queued for reminders", out, re.MULTILINE)[1]) for out in outputs]
    assert sum(queued) == 3, outputs
    print(f"[commands twice] digests queued by each run: {digests_queued}; people reminded by each: {queued}")

    digests = collections.Counter(
        OutgoingEmail.objects.filter(kind__in=[Kind.DIGEST, Kind.STAFF_DIGEST]).values_list("to_address", flat=True)
    )
    assert digests == dict.fromkeys([person.email for person in [*idaho.people, staff]], 1)
    assert not Preference.objects.filter(next_digest_at__lte=at).exists()  # everyone's clock moved on
    reminders = collections.Counter(
        OutgoingEmail.objects.filter(kind=Kind.REMINDER).values_list("to_address", flat=True)
    )
    assert reminders == {"cio@id.example": 1, "cpo@id.example": 1, "deputy@id.example": 1}
    facts = sorted(key.split(":")[0] for key in ReminderSent.objects.values_list("key", flat=True))
    assert facts == ["due7", "mention", "mention", "mention", "signoff"]
    assert_each_message_accepted_once(smtp_sink)


def test_scan_tasks_sent_twice_at_once_to_two_workers_queue_each_thing_once(
    idaho: State, smtp_sink: SmtpSink, broker: RedisServer, start_worker: Callable[[str], Worker]
) -> None:
    now = timezone.now()
    # Real time drives the tasks: put everyone where it is midday now, inside mention hours.
    User.objects.update(tz=zone_at_local_hour(now, 12))
    for person in idaho.people:
        person.refresh_from_db()
    make_digests_due(idaho.people, at=now)
    items = idaho.plan.items.order_by("pk")
    plan_services.add_comment(items.first(), author=idaho.cio, body="@cpo @deputy @viewer agenda for Monday.")
    plan_services.add_comment(items.last(), author=idaho.cpo, body="@cio contract signed.")
    workers = [start_worker("one"), start_worker("two")]

    with table_barrier("notifications_preference", waiters=2):
        tasks.queue_digests.apply_async()
        tasks.queue_digests.apply_async()
    with table_barrier("notifications_remindersent", waiters=2):
        tasks.scan_reminders.apply_async()
        tasks.scan_reminders.apply_async()
    wait_until(
        lambda: (
            all(worker.is_idle() for worker in workers)
            and OutgoingEmail.objects.filter(status=Status.SENT).count() == 8
        ),
        what="both workers to finish and 8 emails to be sent",
    )

    digests = [int(n) for worker in workers for n in worker.task_results("notifications.queue_digests")]
    scans = [int(n) for worker in workers for n in worker.task_results("notifications.scan_reminders")]
    print(f"[tasks twice] queue_digests returned {digests}, scan_reminders returned {scans}")
    assert len(digests) == 2 and sum(digests) == 4
    assert len(scans) == 2 and sum(scans) == 4
    assert not any("raised unexpected" in worker.log() for worker in workers)
    reminder_rows = OutgoingEmail.objects.filter(kind=Kind.REMINDER)
    assert sorted(reminder_rows.values_list("to_address", flat=True)) == sorted(p.email for p in idaho.people)
    assert ReminderSent.objects.count() == 4
    assert_each_message_accepted_once(smtp_sink)


def test_a_second_redbeat_beat_on_the_same_redis_waits_for_the_lock(
    worker_env: dict[str, str], redis_server: RedisServer, tmp_path: Path
) -> None:
    # RedBeat's lock is on by default (redbeat::lock); the setting is its timeout, which must
    # outlast a beat's tick or two beats could overlap.
    assert settings.CELERY_REDBEAT_LOCK_TIMEOUT >= 60
    first, second = (Beat.create(name=name, env=worker_env, directory=tmp_path) for name in ("first", "second"))
    try:
        first.spawn()
        wait_until(lambda: "beat: Acquired lock" in first.log(), what="the first beat to take the lock")
        second.spawn()
        wait_until(lambda: "beat: Starting..." in second.log(), what="the second beat to start")
        # It asks for the lock every second (--max-interval 1); it must not get it while the first lives.
        assert stays_false(lambda: "Acquired lock" in second.log(), seconds=3)
        client = redis_server.client()
        try:
            assert client.exists("redbeat::lock")
        finally:
            client.close()
        first.stop()  # SIGTERM: beat releases the lock on its way out
        assert "beat: Releasing lock" in first.log()
        wait_until(lambda: "beat: Acquired lock" in second.log(), what="the second beat to take over", timeout=15)
    finally:
        first.stop()
        second.stop()


def test_two_digest_runs_at_once_both_finish_when_people_have_no_preferences_yet(
    idaho: State, manage_py: Callable[..., LoggedProcess]
) -> None:
    """Both runs give newcomers their Preference row at the same moment (ensure_preferences)."""
    for n in range(20):
        factories.make_member("ID", Membership.Role.VIEWER, email=f"newcomer{n:02}@id.example")
    assert not Preference.objects.exists()
    with table_barrier("notifications_preference", waiters=2):
        runs = [manage_py("send_digests", name=f"send_digests-{n}") for n in range(2)]
    codes = [finish(run) for run in runs]
    assert codes == [0, 0], "\n\n".join(run.log()[-1500:] for run in runs)
    assert Preference.objects.count() == Membership.objects.count() == 24


def test_two_reminder_runs_at_once_with_overlapping_facts_both_finish_and_tell_each_fact_once(
    idaho: State, smtp_sink: SmtpSink, manage_py: Callable[..., LoggedProcess]
) -> None:
    now = timezone.now()
    User.objects.filter(pk=idaho.cpo.pk).update(tz=zone_at_local_hour(now, 12))
    item = idaho.plan.items.order_by("pk").first()
    older = plan_services.add_comment(item, author=idaho.cio, body="@cpo the budget request went in.")
    Comment.objects.filter(pk=older.pk).update(created_at=now - datetime.timedelta(hours=71))
    plan_services.add_comment(item, author=idaho.cio, body="@cpo the budget was approved.")
    # A run now still sees the older mention (3-day lookback); a run two hours later does not, so
    # the two runs write different emails (different dedupe keys) that share one fact.
    later = now + datetime.timedelta(hours=2)
    outputs = run_twice_at_once(
        manage_py, "send_reminders", now.isoformat(), later.isoformat(), barrier="notifications_remindersent"
    )
    queued = [int(re.search(r"^(\d+) people queued for reminders", out, re.MULTILINE)[1]) for out in outputs]
    assert sorted(queued) == [0, 1], outputs  # the later run stood back for that person
    assert OutgoingEmail.objects.filter(kind=Kind.REMINDER).count() == 1
    facts = list(ReminderSent.objects.values_list("key", flat=True))
    assert len(facts) == len(set(facts)) and len(facts) in (1, 2)
    assert_each_message_accepted_once(smtp_sink)
