"""Celery tasks: each takes no arguments or ids, and calls a service. The schedule is in
config/celery.py; every task is safe to run twice, late, or at the same time as itself."""

from __future__ import annotations

from celery import shared_task

from notifications import event_reminders, reading, services
from outbox import inbound
from outbox.tasks import TASK_BUDGET_SECONDS, deliver_outbox


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


@shared_task(name="notifications.scan_event_reminders")
def scan_event_reminders() -> int:
    """Queue the week-before reminders of registered event attendees, then try to deliver them."""
    queued = len(event_reminders.queue_event_reminders())
    if queued:
        deliver_outbox.delay()
    return queued


@shared_task(name="notifications.read_inbound")
def read_inbound(pk: int) -> str | None:
    """Read one stored inbound message (a reply, an auto-reply, a bounce) and send its answer."""
    outcome = reading.read_inbound(pk)
    if outcome is not None:
        deliver_outbox.delay()
    return outcome


@shared_task(name="notifications.read_waiting_mail")
def read_waiting_mail() -> int:
    """Read every stored message still waiting: stored while Redis was down, or held by a worker
    that died (its lease ran out). Returns how many were read here."""
    read = sum(reading.read_inbound(pk) is not None for pk in inbound.due())
    if read:
        deliver_outbox.delay()
    return read
