"""`manage.py send_proposal_announcements [--dry-run] [--at TIME]`: the human twin of the task that
tells each state's CIO and CPO of the roundtable outcomes newly proposed to it
(roundtables.announce_proposals)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.management.commands import _common
from roundtables.services import outcomes


class Command(BaseCommand):
    help = (
        "Queue (and deliver) the emails about outcomes proposed to states, or with --dry-run list who would get which."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        _common.add_arguments(parser)

    def handle(self, *args: Any, dry_run: bool, at: str | None, **options: Any) -> None:
        now = _common.moment(at)
        pending = outcomes.pending_announcements(now=now)
        for batch in pending:
            titles = "; ".join(outcome.title for outcome in batch.outcomes)
            for user in batch.recipients:
                self.stdout.write(f"{user.email}: {batch.roundtable} proposed to {batch.jurisdiction}: {titles}")
        if dry_run:
            people = sum(len(batch.recipients) for batch in pending)
            self.stdout.write(
                f"{people} emails would be queued for {len(pending)} batches (an event's outcomes to one state) "
                f"at {now.isoformat()}; nothing was sent (dry run)."
            )
            return
        queued = outcomes.announce_proposals(now=now)
        self.stdout.write(f"{len(queued)} emails about proposed outcomes queued at {now.isoformat()}.")
        if queued:
            _common.deliver(self.stdout)
