"""`manage.py send_digests [--dry-run] [--at TIME]`: the human twin of the digest scan."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications import services
from notifications.management.commands import _common


class Command(BaseCommand):
    help = "Queue (and deliver) the weekly digests due now, or with --dry-run list who would get one."

    def add_arguments(self, parser: CommandParser) -> None:
        _common.add_arguments(parser)

    def handle(self, *args: Any, dry_run: bool, at: str | None, **options: Any) -> None:
        now = _common.moment(at)
        if dry_run:
            due = services.due_digests(now)
            for pref in due:
                digest = services.build_digest(pref.user, now=now)
                quiet = digest.is_quiet and not pref.digest_when_quiet
                what = "nothing (quiet week)" if quiet else ("national digest" if digest.is_staff else "digest")
                assert pref.next_digest_at is not None  # noqa: S101 - narrows for mypy; due_digests filters on it
                self.stdout.write(f"{pref.user.email} ({pref.user.tz}, due {pref.next_digest_at.isoformat()}): {what}")
            self.stdout.write(f"{len(due)} digests due at {now.isoformat()}; nothing was sent (dry run).")
            return
        rows = services.queue_digests(now=now)
        self.stdout.write(f"{len(rows)} digests queued at {now.isoformat()}.")
        if rows:
            _common.deliver(self.stdout)
