"""`manage.py seed_demo_snapshots [--weeks N]`: past weeks' snapshots for the demo, replayed from
the demo plans' own history (reports/demo.py), then this week's, recorded as the task records it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reports import demo, snapshots

DEFAULT_WEEKS = 26


class Command(BaseCommand):
    help = (
        "Demo only (DEBUG=1): record the snapshots of the past N weeks for every plan whose items were never "
        "edited, replayed from its updates and sign-offs, and this week's. Run after seed_demo --scale national."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--weeks", type=int, default=DEFAULT_WEEKS, help=f"weeks before this one (default {DEFAULT_WEEKS})."
        )

    def handle(self, *args: Any, weeks: int, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo_snapshots writes demo history; it runs only with DEBUG=1")
        if not 1 <= weeks <= 520:
            raise CommandError("--weeks must be between 1 and 520")
        now = timezone.now()
        replay = demo.replay_weeks(weeks=weeks, now=now)
        current = snapshots.record_snapshots(now=now)
        self.stdout.write(
            f"Replayed {replay.weeks} plan-weeks of {replay.plans} plans from their history "
            f"({replay.skipped} skipped: items edited), and recorded {current.week} for {current.recorded} plans."
        )
