"""Delivering the outbox over SMTP: claim a batch, send it over one connection, record the result.

A row is claimed with a conditional UPDATE (queued → sending) and a lease; a worker killed while
sending leaves the row in `sending`, and the sweeper puts it back in the queue when the lease ends.
Temporary failures (4xx, refused or dropped connections) are retried with exponential backoff;
permanent ones (5xx) are marked failed and shown to staff. Nothing here is ever sent twice on
purpose, and every message carries its row's deterministic Message-ID.

Over SMTP a row's message goes out as the bytes built when it was queued (`raw_message`): a
worker's time goes to the mail server, not to the email package. Other backends (the quick
start's folder, tests' memory) get the same message as a Django email built from the row.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import format_datetime

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection as database
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from outbox import bounces, emails
from outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status

BATCH_SIZE = 100
# What building a message needs and sending stored bytes does not: left in the database unless a
# row has to be built (written before messages were stored, or a backend other than SMTP).
BUILD_FIELDS = ("subject", "body_text", "body_html", "headers", "attachments")
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
    return list(OutgoingEmail.objects.filter(id__in=ids, status=Status.SENDING).defer(*BUILD_FIELDS).order_by("id"))


def _load_for_building(rows: list[OutgoingEmail], *, smtp: bool) -> dict[int, OutgoingEmail]:
    """The rows that must be built before they are sent, in full, in one query."""
    ids = [row.pk for row in rows if not smtp or row.raw_message is None]
    return OutgoingEmail.objects.defer("raw_message").in_bulk(ids) if ids else {}


class SmtpSender:
    """Sends stored messages over the SMTP connection Django's backend opened: its address
    checks, bytes as they were built, and a Date stamped now.

    The envelope sender (MAIL FROM, which the receiving server turns into Return-Path and where
    failure reports go) is the row's own bounce address when REPLY_DOMAIN is set
    (outbox.bounces), so a report names the row it is about; the From header is unchanged."""

    def __init__(self, backend: SmtpBackend) -> None:
        self.backend = backend
        self.from_address = backend.prep_address(settings.DEFAULT_FROM_EMAIL)
        # Made only after backend.open() succeeded, which leaves the connection set.
        connection = backend.connection
        assert connection is not None  # noqa: S101 - narrows for mypy
        # Bodies may be 8bit (see emails.WholeLinesContent): say so to a server that asks to know.
        connection.ehlo_or_helo_if_needed()
        self.options = ["BODY=8BITMIME"] if connection.has_extn("8bitmime") else []

    def send(self, row: OutgoingEmail, built: OutgoingEmail | None) -> None:
        if built is None:
            # Rows without stored bytes are always built (see _load_for_building).
            assert row.raw_message is not None  # noqa: S101 - narrows for mypy
            raw = bytes(row.raw_message)
        else:
            raw = emails.raw_message(built)
        date = b"Date: " + format_datetime(timezone.now()).encode() + b"\r\n"
        to = [self.backend.prep_address(row.to_address)]
        connection = self.backend.connection  # open until deliver() closes it, after the last send
        assert connection is not None  # noqa: S101 - narrows for mypy
        sender = bounces.bounce_address(row) or self.from_address
        connection.sendmail(sender, to, date + raw, mail_options=self.options)


@contextmanager
def _outcomes_without_waiting_for_disk() -> Iterator[None]:
    """Each outcome is still its own committed UPDATE, made as soon as the server answers; this
    only skips waiting for the commit to reach the disk (most of an UPDATE's time on a busy host).

    A killed worker loses nothing by it: PostgreSQL already has the commit. Only a crash of the
    database server itself can forget the last fraction of a second of outcomes; those rows stay
    `sending`, the sweeper re-queues them and they go out once more with the same Message-ID: the
    at-least-once that a worker killed between the server's 250 and its UPDATE already gives.
    """
    if database.vendor != "postgresql":
        yield
        return
    with database.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with database.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _mark(row: OutgoingEmail, **fields: object) -> None:
    """Record the outcome, only if the row is still ours (still `sending`)."""
    OutgoingEmail.objects.filter(pk=row.pk, status=Status.SENDING).update(lease_expires_at=None, **fields)


# _mark(row, status=SENT, sent_at=now, last_error=""), written out for the one UPDATE per message.
# The ORM took longer to compose it than PostgreSQL to run it; and for `status = 'sending'`,
# which the statistics say is rare, the planner walks the status index (every row of the batch,
# and every dead entry of the batches before) and filters by id. `IS TRUE` keeps the check off
# that index, so the row is found by its primary key.
MARK_SENT = (
    f"UPDATE {OutgoingEmail._meta.db_table} SET status = %s, sent_at = %s, last_error = '',"  # noqa: S608 - a table name, no input
    " lease_expires_at = NULL WHERE id = %s AND (status = %s) IS TRUE"
)


def _mark_sent(row: OutgoingEmail) -> None:
    """The server accepted the message: record it, only if the row is still ours."""
    with database.cursor() as cursor:
        cursor.execute(MARK_SENT, [Status.SENT, timezone.now(), row.pk, Status.SENDING])


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
    connection: BaseEmailBackend = mailers.default
    try:
        connection.open()
        smtp = SmtpSender(connection) if isinstance(connection, SmtpBackend) else None
    except (OSError, smtplib.SMTPException) as error:  # refused, timed out, TLS failure, 4xx greeting
        logger.warning("mail server unavailable, %d emails wait: %s", len(rows), error)
        _close(connection)
        for row in rows:
            _retry_or_fail(row, f"Mail server unavailable: {_describe(error)}", report, now=now)
        return report
    try:
        to_build = _load_for_building(rows, smtp=smtp is not None)
        with _outcomes_without_waiting_for_disk():
            _send_each(rows, connection=connection, smtp=smtp, to_build=to_build, report=report, now=now)
    finally:
        _close(connection)
    return report


def _close(connection: BaseEmailBackend) -> None:
    try:
        connection.close()
    except (OSError, smtplib.SMTPException):
        pass


def _send_each(
    rows: list[OutgoingEmail],
    *,
    connection: BaseEmailBackend,
    smtp: SmtpSender | None,
    to_build: dict[int, OutgoingEmail],
    report: DeliveryReport,
    now: datetime.datetime,
) -> None:
    """Send row after row over the open connection; record each outcome the moment it is known, so
    a worker killed mid-batch leaves at most the one message in flight unrecorded."""
    for row in rows:
        try:
            if smtp is not None:
                smtp.send(row, to_build.get(row.pk))
            else:
                connection.send_messages([emails.build_message(to_build[row.pk])])
        except (ValueError, LookupError) as error:
            # This row cannot be turned into a message (an address SMTP cannot carry, a broken
            # attachment): retrying will not mend it, and the others still go.
            logger.exception("email %s could not be sent as written", row.pk)
            _mark(row, status=Status.FAILED, last_error=f"Message error: {error}")
            report.failed += 1
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
            _mark_sent(row)
            report.sent += 1


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
