"""`manage.py send_event_reminders [--dry-run] [--at TIME]`: the human twin of the event reminder scan."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications import event_reminders
from notifications.management.commands import _common
from roundtables.services import events


class Command(BaseCommand):
    help = "Queue (and deliver) the event reminders due now, or with --dry-run list who would get which."

    def add_arguments(self, parser: CommandParser) -> None:
        _common.add_arguments(parser)

    def handle(self, *args: Any, dry_run: bool, at: str | None, **options: Any) -> None:
        now = _common.moment(at)
        pending = event_reminders.pending_event_reminders(now=now)
        for reminder in pending:
            row = reminder.attendance
            self.stdout.write(
                f"{reminder.user.email} ({reminder.user.tz}): {row.roundtable} "
                f"for the {row.jurisdiction} {events.SIDE_NAMES[events.Side(row.side)]} office [{reminder.dedupe_key}]"
            )
        if dry_run:
            self.stdout.write(f"{len(pending)} people would get an event reminder at {now.isoformat()}.")
            return
        queued = event_reminders.queue_event_reminders(now=now)
        self.stdout.write(f"{len(queued)} event reminders queued at {now.isoformat()}.")
        if queued:
            _common.deliver(self.stdout)
