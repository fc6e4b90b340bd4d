"""`manage.py send_reminders [--dry-run] [--at TIME]`: the human twin of the reminder scan."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications import services
from notifications.management.commands import _common


class Command(BaseCommand):
    help = "Queue (and deliver) the reminders due now, or with --dry-run list who would get what."

    def add_arguments(self, parser: CommandParser) -> None:
        _common.add_arguments(parser)

    def handle(self, *args: Any, dry_run: bool, at: str | None, **options: Any) -> None:
        now = _common.moment(at)
        batches = services.pending_reminders(now) if dry_run else services.queue_reminders(now=now)
        for batch in batches:
            self.stdout.write(f"{batch.user.email} ({batch.user.tz}): {len(batch.facts)} reminder(s)")
            for fact in batch.facts:
                self.stdout.write(f"  - {fact.title}: {fact.item.title} [{fact.key}]")
        verb = "would get" if dry_run else "queued for"
        self.stdout.write(f"{len(batches)} people {verb} reminders at {now.isoformat()}.")
        if not dry_run and batches:
            _common.deliver(self.stdout)
