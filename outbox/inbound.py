"""Email in: every door (the SMTP/LMTP listener, a provider's webhook, a file in the quick start)
stores the message here first, as the bytes that came, and only then says it was received.

What a message means (a reply with an update, a bounce, an auto-reply) is decided above the outbox:
the app that reads messages registers a callback with `on_stored`, called after the row commits
(notifications queues its interpreting task there). The outbox itself knows only bytes, addresses
and a Message-ID.
"""

from __future__ import annotations

import datetime
import email
import email.message
import email.policy
import email.utils
import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from outbox.models import InboundEmail

Status = InboundEmail.Status
LEASE = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 5

_callbacks: list[Callable[[int], None]] = []


class TooLarge(ValueError):
    """The message is over settings.INBOUND_MAX_BYTES: refused, not stored."""


def on_stored(callback: Callable[[int], None]) -> None:
    """Call `callback(inbound_id)` after each newly stored message commits (not for a duplicate)."""
    if callback not in _callbacks:
        _callbacks.append(callback)


@dataclass(frozen=True)
class Stored:
    row: InboundEmail
    created: bool  # False: the same message was stored before (a second delivery, a replay)


def dedupe_key(raw: bytes) -> tuple[str, str]:
    """(key, Message-ID): the message's Message-ID when it has one, else a hash of its bytes."""
    headers = _headers(raw)
    try:
        message_id = " ".join(str(headers.get("Message-ID", "") or "").split())[:240] if headers else ""
    except (ValueError, TypeError, LookupError):  # headers too broken to read: the bytes decide
        message_id = ""
    if message_id:
        return f"mid:{message_id}", message_id
    return f"sha256:{hashlib.sha256(raw).hexdigest()}", ""


def header_envelope(raw: bytes) -> tuple[str, list[str]]:
    """(sender, recipients) read from the headers, for a door that has no SMTP envelope (a file, a
    webhook that sends none): Return-Path, else From; Delivered-To or X-Original-To (what the last
    mail server delivered to), else To and Cc."""
    headers = _headers(raw)
    if headers is None:
        return "", []

    def addresses(*names: str) -> list[str]:
        try:
            values = [str(value) for name in names for value in headers.get_all(name, [])]
            return [address for _, address in email.utils.getaddresses(values) if "@" in address]
        except (ValueError, TypeError, LookupError):
            return []

    senders = addresses("Return-Path") or addresses("From")
    recipients = addresses("Delivered-To", "X-Original-To") or addresses("To", "Cc")
    return (senders[0] if senders else ""), list(dict.fromkeys(recipients))


def _headers(raw: bytes) -> email.message.Message | None:
    """The header block alone, read leniently (mail in the wild breaks every rule); None if unreadable."""
    try:
        return email.message_from_bytes(raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0], policy=email.policy.compat32)
    except (ValueError, TypeError, LookupError):
        return None


def store(raw: bytes, *, source: str, envelope_from: str = "", envelope_to: Iterable[str] = ()) -> Stored:
    """Store one message (committed when this returns), or find it stored already."""
    if len(raw) > settings.INBOUND_MAX_BYTES:
        raise TooLarge(f"message of {len(raw)} bytes is over the limit of {settings.INBOUND_MAX_BYTES}")
    key, message_id = dedupe_key(raw)
    row = InboundEmail(
        source=source,
        dedupe_key=key,
        message_id=message_id,
        envelope_from=envelope_from[:254],
        envelope_to=[address[:254] for address in envelope_to],
        raw=raw,
        size=len(raw),
    )
    try:
        with transaction.atomic():
            row.save()
            for callback in _callbacks:
                # Robust: a callback that fails (the broker is down) is logged, and the message is still
                # stored, which is all a door may tell the sender; the reader's sweep (`due`) finds it.
                transaction.on_commit(functools.partial(callback, row.pk), robust=True)
    except IntegrityError:
        return Stored(InboundEmail.objects.defer("raw").get(dedupe_key=key), created=False)
    return Stored(row, created=True)


def claim(pk: int, *, now: datetime.datetime | None = None) -> InboundEmail | None:
    """Take one stored message for reading: None if it was read already or another worker holds it
    (a lease that ran out, from a worker that died, may be taken again)."""
    now = now or timezone.now()
    taken = (
        InboundEmail.objects.filter(pk=pk, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(status=Status.RECEIVED) | Q(status=Status.PROCESSING, lease_expires_at__lt=now))
        .update(status=Status.PROCESSING, lease_expires_at=now + LEASE, attempts=F("attempts") + 1)
    )
    return InboundEmail.objects.get(pk=pk) if taken else None


def finish(row: InboundEmail, status: str, outcome: str) -> None:
    """Record what reading the message came to (in the caller's transaction)."""
    row.status, row.outcome, row.processed_at, row.lease_expires_at = status, outcome, timezone.now(), None
    row.save(update_fields=["status", "outcome", "processed_at", "lease_expires_at"])


def due(*, now: datetime.datetime | None = None) -> list[int]:
    """Messages still waiting to be read: never claimed, or held by a worker whose lease ran out."""
    now = now or timezone.now()
    return list(
        InboundEmail.objects.filter(attempts__lt=MAX_ATTEMPTS)
        .filter(Q(status=Status.RECEIVED) | Q(status=Status.PROCESSING, lease_expires_at__lt=now))
        .order_by("received_at", "id")
        .values_list("pk", flat=True)[:500]
    )
