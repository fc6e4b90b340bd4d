"""Celery tasks of the reports app (the schedule is in config/celery.py). Each is safe to run twice,
late, or at the same time as itself."""

from __future__ import annotations

from celery import shared_task

from reports import jobs, snapshots


@shared_task(name="reports.record_snapshots")
def record_snapshots() -> int:
    """Record this ISO week's snapshot of every current plan that has none yet; returns how many."""
    return snapshots.record_snapshots().recorded


@shared_task(name="reports.run_export")
def run_export(job_id: int) -> None:
    """Build an export job's file (reports/jobs.py); a job already done or running is left alone."""
    jobs.run(job_id)


@shared_task(name="reports.remove_expired_exports")
def remove_expired_exports() -> int:
    """Delete the files of export jobs past their expiry; returns how many."""
    return jobs.remove_expired()
