"""Celery tasks of the roundtables app: each takes no arguments or ids and calls a service. The
schedule is in config/celery.py; every task is safe to run twice, late, or beside itself."""

from __future__ import annotations

from celery import shared_task

from outbox.tasks import deliver_outbox
from roundtables.services import events


@shared_task(name="roundtables.scan_event_reminders")
def scan_event_reminders() -> int:
    """Queue the week-before reminders of registered attendees, then try to deliver them."""
    queued = len(events.queue_event_reminders())
    if queued:
        deliver_outbox.delay()
    return queued
