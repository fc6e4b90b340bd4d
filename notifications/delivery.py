"""Delivering the outbox over SMTP: claim a batch, send it over one connection, record the result.

A row is claimed with a conditional UPDATE (queued → sending) and a lease; a worker killed while
sending leaves the row in `sending`, and the sweeper puts it back in the queue when the lease ends.
Temporary failures (4xx, refused or dropped connections) are retried with exponential backoff;
permanent ones (5xx) are marked failed and shown to staff. Nothing here is ever sent twice on
purpose, and every message carries its row's deterministic Message-ID.
"""

from __future__ import annotations

import datetime
import email.message
import email.policy
import logging
import smtplib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status

BATCH_SIZE = 100
LEASE = datetime.timedelta(minutes=5)  # far longer than one batch takes; shorter than anyone waits
MAX_ATTEMPTS = 10
MAX_BACKOFF = datetime.timedelta(hours=6)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.retrying or self.failed)


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most six hours."""
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def claim(*, now: datetime.datetime | None = None, limit: int = BATCH_SIZE) -> list[OutgoingEmail]:
    """Take up to `limit` due rows for this worker. Rows another worker holds are skipped."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(status=Status.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        OutgoingEmail.objects.filter(id__in=ids, status=Status.QUEUED).update(
            status=Status.SENDING, lease_expires_at=now + LEASE, attempts=F("attempts") + 1
        )
    return list(OutgoingEmail.objects.filter(id__in=ids, status=Status.SENDING).order_by("id"))


# RFC 5322 allows header lines of up to 998 characters. With the default 78, Python folds a long
# List-Unsubscribe URL into RFC 2047 encoded words, which mail clients do not decode as a link.
LONG_HEADER_POLICY = email.policy.default.clone(max_line_length=998)


class OutboxMessage(EmailMultiAlternatives):
    def message(self, *, policy: email.policy.Policy = LONG_HEADER_POLICY) -> email.message.EmailMessage:
        return super().message(policy=policy)


def to_message(row: OutgoingEmail) -> EmailMultiAlternatives:
    message = OutboxMessage(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_address],
        headers={**row.headers, "Message-ID": row.message_id},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def _mark(row: OutgoingEmail, **fields: object) -> None:
    """Record the outcome, only if the row is still ours (still `sending`)."""
    OutgoingEmail.objects.filter(pk=row.pk, status=Status.SENDING).update(lease_expires_at=None, **fields)


def _retry_or_fail(row: OutgoingEmail, error: str, report: DeliveryReport, *, now: datetime.datetime) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        _mark(row, status=Status.FAILED, last_error=f"Gave up after {row.attempts} attempts: {error}")
        report.failed += 1
    else:
        _mark(row, status=Status.QUEUED, last_error=error, next_attempt_at=now + backoff(row.attempts))
        report.retrying += 1


def _permanent(error: smtplib.SMTPException) -> bool:
    """5xx answers are permanent; 4xx, and anything without a code, are worth another try."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in error.recipients.items())
    code = getattr(error, "smtp_code", None)
    message = getattr(error, "smtp_error", b"")
    if code:
        return f"{code} {_text(message)}".strip()
    return f"{type(error).__name__}: {error}".strip()


def deliver(rows: list[OutgoingEmail], *, now: datetime.datetime | None = None) -> DeliveryReport:
    """Send claimed rows over one SMTP connection and record each outcome."""
    report = DeliveryReport()
    if not rows:
        return report
    now = now or timezone.now()
    connection = mailers.default
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:  # refused, timed out, TLS failure, 4xx greeting
        logger.warning("mail server unavailable, %d emails wait: %s", len(rows), error)
        for row in rows:
            _retry_or_fail(row, f"Mail server unavailable: {_describe(error)}", report, now=now)
        return report
    try:
        for row in rows:
            try:
                connection.send_messages([to_message(row)])
            except smtplib.SMTPServerDisconnected as error:
                # The connection is gone: this row and the rest wait for the next batch.
                for rest in rows[rows.index(row) :]:
                    _retry_or_fail(rest, _describe(error), report, now=now)
                break
            except smtplib.SMTPException as error:
                if _permanent(error):
                    _mark(row, status=Status.FAILED, last_error=_describe(error))
                    report.failed += 1
                else:
                    _retry_or_fail(row, _describe(error), report, now=now)
            except OSError as error:  # includes timeouts
                for rest in rows[rows.index(row) :]:
                    _retry_or_fail(rest, _describe(error), report, now=now)
                break
            else:
                _mark(row, status=Status.SENT, sent_at=timezone.now(), last_error="")
                report.sent += 1
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            pass
    return report


def deliver_due(*, seconds: float = 60.0) -> DeliveryReport:
    """Claim and send batches until nothing is due or `seconds` have passed (then the next run
    carries on), so one task never holds a worker for long."""
    total = DeliveryReport()
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at:
        rows = claim()
        if not rows:
            break
        report = deliver(rows)
        total.sent += report.sent
        total.retrying += report.retrying
        total.failed += report.failed
    return total


def sweep(*, now: datetime.datetime | None = None) -> int:
    """Put rows whose sender vanished (lease over, still `sending`) back in the queue; a row that
    has already used all its attempts is marked failed instead of being tried for ever."""
    now = now or timezone.now()
    abandoned = OutgoingEmail.objects.filter(status=Status.SENDING, lease_expires_at__lt=now)
    abandoned.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED,
        lease_expires_at=None,
        last_error=f"Gave up after {MAX_ATTEMPTS} attempts: the sender kept stopping before finishing.",
    )
    return abandoned.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=Status.QUEUED,
        lease_expires_at=None,
        next_attempt_at=now,
        last_error="Sender stopped before finishing; retried.",
    )


def resend(row: OutgoingEmail) -> bool:
    """Staff asked to try a failed (or sent) email again: queue it now, keeping its Message-ID.

    False if there is nothing to resend: a row being sent right now, or one that failed before it
    was written (no valid address, a template error) and so has no body; sending that would mail
    the person a blank "(digest not rendered)" message.
    """
    requeued = (
        OutgoingEmail.objects.filter(pk=row.pk)
        .exclude(status=Status.SENDING)
        .exclude(body_text="")
        .update(status=Status.QUEUED, next_attempt_at=timezone.now(), attempts=0, last_error="")
    )
    return bool(requeued)
