"""Bounces for the notification tests: a sent email, the mail server's report about it as the
listener stores it (the .eml files of tests/outbox/bounces/)."""

from __future__ import annotations

import email
import email.message
import email.policy
from pathlib import Path

from directory.models import User
from notifications import bounces as notices
from outbox import bounces, emails, inbound
from outbox.models import InboundEmail, OutgoingEmail

Status = OutgoingEmail.Status
FIXTURES = Path(__file__).parents[1] / "outbox" / "bounces"
DOMAIN = "reply.jointplan.example"


def sent_to(user: User | None = None, *, address: str = "", key: str = "reminders:1") -> OutgoingEmail:
    row = emails.queue(
        OutgoingEmail.Kind.REMINDER if user else OutgoingEmail.Kind.ACCOUNT,
        user=user,
        to_address=address or None,
        dedupe_key=key,
        template="reminders",
        context={"sections": [{"title": "Due in 7 days", "entries": []}], "count": 1},
    )
    assert row is not None
    OutgoingEmail.objects.filter(pk=row.pk).update(status=Status.SENT)
    return row


def report(row: OutgoingEmail, name: str = "postfix_user_unknown.eml") -> InboundEmail:
    """The mail server's report about `row`, as the listener stores it."""
    text = (FIXTURES / name).read_text()
    raw = (
        text.replace("{bounce_address}", bounces.bounce_address(row) or "")
        .replace("{message_id}", row.message_id)
        .replace("{recipient}", row.to_address)
        .replace("{envelope_to}", "no-reply@jointplan.localhost")
        .replace("4Ck2Zb1Q9Rz9sT@", f"{row.pk}x@")  # each report its own Message-ID
    ).encode()
    stored = inbound.store(raw, source="smtp", envelope_from="", envelope_to=[bounces.bounce_address(row) or ""])
    return stored.row


def handle(row: InboundEmail) -> str | None:
    message = email.message_from_bytes(bytes(row.raw), policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return notices.handle_inbound(row, message)


def bounce_notices() -> dict[str, OutgoingEmail]:
    """The "has X left office?" notices queued, by address."""
    return {row.to_address: row for row in OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.BOUNCE)}
