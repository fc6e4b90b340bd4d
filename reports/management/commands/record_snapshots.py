"""`manage.py record_snapshots [--dry-run]`: the human twin of the weekly snapshot task."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from reports import snapshots


class Command(BaseCommand):
    help = (
        "Record this ISO week's snapshot of every current plan that has none yet (idempotent), or with "
        "--dry-run list the plans that would be recorded. Snapshots record figures as they are now: "
        "a past week cannot be recorded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List the plans due; record nothing.")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        now = timezone.now()
        week = snapshots.week_name(snapshots.week_starts_on(now))
        if dry_run:
            due = snapshots.due_plans(now)
            for plan in due:
                self.stdout.write(f"{plan} ({plan.starts_on} to {plan.ends_on})")
            self.stdout.write(f"{len(due)} plans due for the snapshot of {week}; nothing was recorded (dry run).")
            return
        run = snapshots.record_snapshots(now=now)
        self.stdout.write(
            f"Recorded the snapshot of {run.week} for {run.recorded} plans ({run.already} already recorded)."
        )
