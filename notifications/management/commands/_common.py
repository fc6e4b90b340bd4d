"""What the send_* commands share: reading --at and --dry-run, and delivering what they queued."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError, CommandParser, OutputWrapper
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from outbox import delivery


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="List who would get what; send nothing.")
    parser.add_argument(
        "--at",
        metavar="TIME",
        help="Pretend it is this moment (ISO 8601, e.g. 2026-11-23T13:00Z or 2026-11-23T08:00-05:00; UTC if no offset).",
    )


def moment(value: str | None) -> datetime.datetime:
    if not value:
        return timezone.now()
    try:
        parsed = parse_datetime(value.replace("Z", "+00:00"))
    except ValueError:  # well formed but impossible, e.g. 2026-02-30T10:00
        parsed = None
    if parsed is None:
        raise CommandError(f"--at: {value!r} is not a date and time such as 2026-11-23T13:00Z")
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)


def deliver(stdout: OutputWrapper) -> None:
    """Deliver what is due in the outbox now, as the deliver task would, and say how it went."""
    report = delivery.deliver_due()
    stdout.write(f"Delivered {report.sent}, retrying {report.retrying}, failed {report.failed}.")
