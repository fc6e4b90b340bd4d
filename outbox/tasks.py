"""Celery tasks of the outbox: delivering queued rows and requeueing abandoned ones. Each takes no
arguments; the schedule is in config/celery.py, and both are safe to run twice, late, or at the
same time as themselves."""

from __future__ import annotations

from celery import shared_task

from outbox import delivery

# Each task stops starting new work after this long, far inside CELERY_TASK_SOFT_TIME_LIMIT (240 s).
TASK_BUDGET_SECONDS = 150


@shared_task(name="outbox.deliver_outbox")
def deliver_outbox() -> dict[str, int]:
    """Send whatever is queued and due, in batches over one SMTP connection each."""
    report = delivery.deliver_due(seconds=TASK_BUDGET_SECONDS)
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


@shared_task(name="outbox.sweep_outbox")
def sweep_outbox() -> int:
    """Requeue emails whose sender died mid-send (their lease ran out)."""
    return delivery.sweep()
