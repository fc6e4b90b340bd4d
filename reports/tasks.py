"""Celery tasks of the reports app (the schedule is in config/celery.py). Each is safe to run twice,
late, or at the same time as itself."""

from __future__ import annotations

from celery import shared_task

from reports import snapshots


@shared_task(name="reports.record_snapshots")
def record_snapshots() -> int:
    """Record this ISO week's snapshot of every current plan that has none yet; returns how many."""
    return snapshots.record_snapshots().recorded
