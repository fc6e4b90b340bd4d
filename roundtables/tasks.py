"""Celery tasks of the roundtables app (the schedule is in config/celery.py). Each is safe to run
twice, late, or at the same time as itself."""

from __future__ import annotations

from celery import shared_task

from outbox.tasks import deliver_outbox
from roundtables.services import outcomes


@shared_task(name="roundtables.announce_proposals")
def announce_proposals() -> int:
    """Email each state's CIO and CPO the outcomes newly proposed to it, one email per event and
    batch, then try to deliver them; returns how many were queued."""
    queued = len(outcomes.announce_proposals())
    if queued:
        deliver_outbox.delay()
    return queued
