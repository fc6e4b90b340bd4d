"""`manage.py read_mail [--dry-run]`: the human twin of the read_waiting_mail task."""

from __future__ import annotations

import email
import email.policy
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications import reading
from notifications.management.commands import _common
from outbox import inbound
from outbox.models import InboundEmail


class Command(BaseCommand):
    help = "Read the stored inbound messages still waiting (replies, auto-replies, bounces) and send the answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what is waiting; read nothing.")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        waiting = inbound.due()
        if dry_run:
            for row in InboundEmail.objects.filter(pk__in=waiting).order_by("received_at", "id"):
                self.stdout.write(f"#{row.pk} from {_sender(row)}: {_subject(row)} [{row.status}]")
            self.stdout.write(f"{len(waiting)} messages waiting to be read.")
            return
        read = 0
        for pk in waiting:
            outcome = reading.read_inbound(pk)
            if outcome is not None:
                read += 1
                self.stdout.write(f"#{pk}: {outcome}")
        self.stdout.write(f"{read} messages read.")
        if read:
            _common.deliver(self.stdout)


def _headers(row: InboundEmail) -> email.message.Message:
    head = bytes(row.raw).split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return email.message_from_bytes(head, policy=email.policy.compat32)


def _sender(row: InboundEmail) -> str:
    return " ".join(str(_headers(row).get("From", "") or row.envelope_from or "(no sender)").split())


def _subject(row: InboundEmail) -> str:
    return " ".join(str(_headers(row).get("Subject", "") or "(no subject)").split())[:120]
