"""The Celery application and the whole beat schedule, in UTC.

Start a worker with `celery -A config worker` and exactly one beat with
`celery -A config beat -S redbeat.RedBeatScheduler` (RedBeat holds a Redis lock, so a second beat
started by mistake waits instead of doubling every periodic task).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("jointplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task, with what it is for. Each finds due rows in the database and claims them,
# so a late, doubled or concurrent run does no harm. All times are UTC; each person's own hours
# are applied by the services, in their time zone.
app.conf.beat_schedule = {
    # Find reminders that became due (due in 7 days, tomorrow, overdue, stale, awaiting sign-off,
    # mentions) and queue one combined email per person.
    "scan-reminders": {"task": "notifications.scan_reminders", "schedule": 5 * 60},
    # Remind each registered attendee of a roundtable once, in the week before it starts, in their
    # working hours (twin: manage.py send_event_reminders).
    "scan-event-reminders": {"task": "notifications.scan_event_reminders", "schedule": 5 * 60},
    # Tell each state's CIO and CPO of the outcomes newly proposed to it: one email per event and
    # batch, once staff have stopped proposing for a few minutes (roundtables.services.outcomes).
    "announce-proposals": {"task": "roundtables.announce_proposals", "schedule": 60},
    # Read the inbound mail still waiting (replies with updates, auto-replies, bounces): each new
    # message is read by its own task as soon as it is stored; this catches those stored while
    # Redis was away and those whose worker died (twin: manage.py read_mail).
    "read-waiting-mail": {"task": "notifications.read_waiting_mail", "schedule": 60},
    # Queue the weekly digests whose next_digest_at has passed.
    "queue-digests": {"task": "notifications.queue_digests", "schedule": 5 * 60},
    # Deliver the outbox: also catches anything queued while Redis or the worker was away.
    "deliver-outbox": {"task": "outbox.deliver_outbox", "schedule": 60},
    # Requeue emails whose worker died while sending them.
    "sweep-outbox": {"task": "outbox.sweep_outbox", "schedule": 60},
    # Record this ISO week's snapshot of every current plan that has none yet (twin: manage.py
    # record_snapshots). Hourly, so the first run each Monday (UTC) takes it and a beat that was down
    # takes it when it returns; the other runs find it recorded and do nothing.
    "record-snapshots": {"task": "reports.record_snapshots", "schedule": 60 * 60},
    # Delete the downloads (takeouts, national spreadsheets) past their expiry, and give up on
    # export jobs whose worker died.
    "remove-expired-exports": {"task": "reports.remove_expired_exports", "schedule": 15 * 60},
}
