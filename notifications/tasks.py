"""Celery tasks: each takes no arguments or ids, and calls a service. The schedule is in
config/celery.py; every task is safe to run twice, late, or at the same time as itself."""

from __future__ import annotations

from celery import shared_task

from notifications import delivery, services

# Each task stops starting new work after this long, far inside CELERY_TASK_SOFT_TIME_LIMIT (240 s).
TASK_BUDGET_SECONDS = 150


@shared_task(name="notifications.scan_reminders")
def scan_reminders() -> int:
    """Queue combined reminder emails for whatever is newly due, then try to deliver them."""
    queued = len(services.queue_reminders())
    if queued:
        deliver_outbox.delay()
    return queued


@shared_task(name="notifications.queue_digests")
def queue_digests() -> int:
    """Queue the weekly digests that have fallen due (each person's own day and hour)."""
    # Bounded well inside the task time limit; the next run (every 5 minutes) continues the work.
    queued = len(services.queue_digests(seconds=TASK_BUDGET_SECONDS))
    if queued:
        deliver_outbox.delay()
    return queued


@shared_task(name="notifications.deliver_outbox")
def deliver_outbox() -> dict[str, int]:
    """Send whatever is queued and due, in batches over one SMTP connection each."""
    report = delivery.deliver_due(seconds=TASK_BUDGET_SECONDS)
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox() -> int:
    """Requeue emails whose sender died mid-send (their lease ran out)."""
    return delivery.sweep()
