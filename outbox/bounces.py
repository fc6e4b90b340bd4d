"""Bounces: mail that came back. Each outgoing email leaves with its own return address (VERP),
bounce+<row id>-<mac>@REPLY_DOMAIN, as the SMTP envelope sender; the receiving server writes it
into Return-Path, and whatever reports a failure (a delivery status notification, an old-style
"undeliverable" note) sends it there. The address alone names the row; its MAC, keyed by
SECRET_KEY, keeps anyone from naming a row they did not receive.

A report that reaches us some other way (a provider that sends DSNs to the From address, a row sent
before REPLY_DOMAIN was set) is matched by the Message-ID of the original, which every DSN carries
in its returned headers.

Here is only what the outbox can say: which row, hard or soft, why. What a bounce means for a
person (their counterpart and staff should hear of it) is notifications.bounces'.
"""

from __future__ import annotations

import base64
import datetime
import email.message
import email.parser
import email.policy
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from outbox.models import OutgoingEmail

LOCAL_PART = "bounce"
SALT = "outbox.bounces.address"
MAC_LENGTH = 10  # 50 bits of lower-case base32: a local part survives case folding, and a guess is hopeless
# bounce+<id>-<mac>@any-domain: the MAC is the check, so a changed REPLY_DOMAIN does not orphan
# the reports about mail sent before the change.
ADDRESS = re.compile(rf"^{LOCAL_PART}\+(\d{{1,18}})-([a-z2-7]{{{MAC_LENGTH}}})@[^@\s]+$", re.IGNORECASE)
REASON_LENGTH = 300
MESSAGE_ID_MATCH_DAYS = 7  # a DSN without our bounce address is matched only to recent mail
# Headers in which a mailbox's own address may appear when the envelope is not given to us (a
# provider's webhook that passes only the message).
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To")
# The subject of a failure notice that is not a DSN (qmail, old Exchange, some appliances).
FAILURE_SUBJECT = re.compile(
    r"undeliver|delivery (status notification \(failure\)|failure|has failed)|mail delivery failed"
    r"|returned mail|failure notice|could not be delivered|non.?delivery",
    re.IGNORECASE,
)
STATUS_CODE = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
REPLY_CODE = re.compile(r"^\s*([45])\d\d[\s-]", re.MULTILINE)


@dataclass(frozen=True)
class Bounce:
    """A report about mail we sent: the outbox row it is about (None when it names none we have),
    whether the failure is for good (hard) or only for now (soft), why, and the failing address."""

    row: OutgoingEmail | None
    hard: bool
    reason: str
    recipient: str


def _mac(row_id: int, secret: str | None = None) -> str:
    digest = salted_hmac(SALT, str(row_id), secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest).decode().lower()[:MAC_LENGTH]


def bounce_address(row: OutgoingEmail) -> str | None:
    """The envelope sender of this row's message; None when REPLY_DOMAIN is unset (no mail comes
    back to us then, and the sender stays DEFAULT_FROM_EMAIL)."""
    if not settings.REPLY_DOMAIN or row.pk is None:
        return None
    return f"{LOCAL_PART}+{row.pk}-{_mac(row.pk)}@{settings.REPLY_DOMAIN}"


def _row_id(address: str) -> int | None:
    """The row id a bounce address names, if its MAC is right (by this key or one it replaced)."""
    match = ADDRESS.match(address.strip().strip("<>").strip())
    if match is None:
        return None
    row_id, mac = int(match.group(1)), match.group(2).lower()
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if any(constant_time_compare(mac, _mac(row_id, secret)) for secret in secrets):
        return row_id
    return None


def is_bounce_address(address: str) -> bool:
    """Shaped like one of ours, whatever its MAC: such mail is never a reply to read."""
    return ADDRESS.match(address.strip().strip("<>").strip()) is not None


def find_row(address: str) -> OutgoingEmail | None:
    """The outbox row a bounce address names; None for an address that is not one of ours, a
    wrong MAC, or a row that no longer exists."""
    row_id = _row_id(address)
    if row_id is None:
        return None
    return OutgoingEmail.objects.defer("body_text", "body_html", "raw_message").filter(pk=row_id).first()


# --- Reading a report ---------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:REASON_LENGTH]


def _addresses(message: email.message.Message, envelope_to: Iterable[str]) -> Iterator[str]:
    """Where the message was sent: the envelope when we have it (the headers say what the sender
    wished to show), else the headers that name a mailbox."""
    envelope = [address for address in envelope_to if address]
    if envelope:
        yield from envelope
        return
    for name in RECIPIENT_HEADERS:
        for value in message.get_all(name, []) or []:
            try:
                for part in str(value).split(","):
                    yield part.strip().rpartition("<")[2].rstrip(">").strip()
            except (TypeError, ValueError):  # a header too broken to read names nobody
                continue


@dataclass(frozen=True)
class _Report:
    """What a delivery status notification says about one recipient, and about which message."""

    action: str
    status: str
    diagnostic: str
    recipient: str
    original_message_id: str


def _address_field(value: str) -> str:
    """`rfc822; someone@example.org` → someone@example.org."""
    kind, _, address = str(value).partition(";")
    return (address if _ else kind).strip().strip("<>").strip()


def _delivery_status_blocks(part: email.message.Message) -> list[email.message.Message]:
    """The blocks of fields of a message/delivery-status part: the per-message block first, then
    one per recipient. Python parses the part into them; a part it could not split is re-read."""
    payload = part.get_payload()
    if isinstance(payload, list) and all(isinstance(block, email.message.Message) for block in payload):
        return list(payload)
    text = payload if isinstance(payload, str) else ""
    parser = email.parser.HeaderParser(policy=email.policy.compat32)
    return [parser.parsestr(block) for block in re.split(r"\r?\n\s*\r?\n", text.strip()) if block.strip()]


def _returned_message_id(report: email.message.Message) -> str:
    """The Message-ID of the message the report is about, from its returned copy or headers."""
    for part in report.walk():
        kind = part.get_content_type()
        if kind in ("message/rfc822", "message/global"):
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, email.message.Message) and inner.get("Message-ID"):
                return _one_line(str(inner["Message-ID"]))
        elif kind in ("text/rfc822-headers", "message/rfc822-headers", "message/global-headers"):
            raw = part.get_payload(decode=True)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(part.get_payload())
            headers = email.parser.HeaderParser(policy=email.policy.compat32).parsestr(text.lstrip())
            if headers.get("Message-ID"):
                return _one_line(str(headers["Message-ID"]))
    return ""


def _read_dsn(message: email.message.Message) -> _Report | None:
    """The recipient block that matters (a failure before a delay before anything else) of the
    first multipart/report of type delivery-status in the message; None if there is none."""
    for report in message.walk():
        if report.get_content_type() != "multipart/report":
            continue
        if str(report.get_param("report-type", "") or "").lower() != "delivery-status":
            continue
        status_part = next((p for p in report.walk() if p.get_content_type() == "message/delivery-status"), None)
        if status_part is None:
            continue
        blocks = [b for b in _delivery_status_blocks(status_part)[1:] if b.get("Action") or b.get("Status")]
        if not blocks:
            continue

        def rank(block: email.message.Message) -> int:
            action = str(block.get("Action", "")).strip().lower()
            return {"failed": 0, "delayed": 1}.get(action, 2)

        block = min(blocks, key=rank)
        return _Report(
            action=str(block.get("Action", "")).strip().lower(),
            status=str(block.get("Status", "")).strip(),
            diagnostic=_one_line(str(block.get("Diagnostic-Code", "") or "")),
            recipient=_address_field(str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")),
            original_message_id=_returned_message_id(report),
        )
    return None


def _diagnostic_text(diagnostic: str) -> str:
    """`smtp; 550 5.1.1 user unknown` → `550 5.1.1 user unknown`."""
    kind, sep, rest = diagnostic.partition(";")
    return rest.strip() if sep and " " not in kind.strip() else diagnostic


def _from_report(report: _Report) -> tuple[bool, str]:
    """(hard, reason) of a DSN: failed with a 5.x.x status is for good; a delay, or a failure a
    4.x.x status calls temporary, is not."""
    status = STATUS_CODE.search(report.status)
    klass = status.group(1) if status else ""
    hard = report.action == "failed" and klass != "4"
    if report.action == "failed" and not klass:
        # A failure without a readable status: the diagnostic's own code decides, else it is final.
        code = STATUS_CODE.search(report.diagnostic) or REPLY_CODE.search(report.diagnostic)
        hard = code is None or code.group(1) == "5"
    reason = _diagnostic_text(report.diagnostic) or (f"Status {report.status}" if report.status else "")
    if report.action not in ("failed", "delayed"):
        reason = f"{report.action or 'delivery'} notice" + (f": {reason}" if reason else "")
    elif report.action == "delayed" and not reason:
        reason = "Delivery delayed"
    return hard, _one_line(reason or "Delivery failed")


def _body_text(message: email.message.Message) -> str:
    """The first text/plain part's text, for a failure notice that is not a DSN."""
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.is_multipart():
            raw = part.get_payload(decode=True)
            if isinstance(raw, bytes):
                return raw.decode(part.get_content_charset() or "utf-8", "replace")
    return ""


def _from_notice(message: email.message.Message) -> tuple[bool, str] | None:
    """(hard, reason) of mail to a bounce address that is no DSN: a plain failure notice is hard
    unless its only codes are temporary; anything else (an auto-reply sent to the Return-Path, as
    RFC 3834 says it should be) is no failure at all: None."""
    subject = _one_line(str(message.get("Subject", "") or ""))
    sender = str(message.get("From", "") or "").lower()
    text = _body_text(message)
    codes = [m.group(1) for m in STATUS_CODE.finditer(text)] + [m.group(1) for m in REPLY_CODE.finditer(text)]
    looks_failed = bool(FAILURE_SUBJECT.search(subject)) or "mailer-daemon" in sender or "postmaster" in sender
    if not looks_failed:
        return None
    hard = "5" in codes or not codes
    line = next(
        (_one_line(line) for line in text.splitlines() if STATUS_CODE.search(line) or REPLY_CODE.match(line)), ""
    )
    return hard, line or subject or "Delivery failed"


def _row_by_message_id(report: _Report) -> OutgoingEmail | None:
    """The row whose Message-ID the report returns, if the report is about that row's recipient.

    The Message-ID column has no index: this runs only for a DSN that came without a bounce
    address, which mail sent while REPLY_DOMAIN is set does not do.

    Message-IDs are derived from dedupe keys, which can be guessed, so this path is narrow: the
    report must name the failing address, and the row must be one queued in the last
    MESSAGE_ID_MATCH_DAYS (a real DSN comes within days). A forged report can then at most flag
    an address that recently received mail, and only the bounce+ path, whose MAC cannot be
    guessed, reaches older rows."""
    if not report.original_message_id or not report.recipient:
        return None
    row = (
        OutgoingEmail.objects.defer("body_text", "body_html", "raw_message")
        .filter(
            message_id=report.original_message_id,
            created_at__gte=timezone.now() - datetime.timedelta(days=MESSAGE_ID_MATCH_DAYS),
        )
        .first()
    )
    if row is not None and report.recipient.lower() != row.to_address.lower():
        return None  # the Message-ID is one of ours, but the failing address is not the row's
    return row


def classify(message: email.message.Message, envelope_to: Iterable[str] = ()) -> Bounce | None:
    """What this message says about mail we sent, or None when it is no report of ours (a reply,
    an auto-reply to a reply address, mail to a bounce address whose MAC is wrong).

    Mail to one of our bounce addresses names its row; a DSN sent elsewhere names it by the
    original's Message-ID, and then only if it is about that row's recipient (else it is a bounce
    with no row: still not a reply to read).
    """
    addresses = list(_addresses(message, envelope_to))
    ours = [address for address in addresses if is_bounce_address(address)]
    row: OutgoingEmail | None = None
    if ours:
        row = next((found for found in map(find_row, ours) if found is not None), None)
        if row is None:
            return None  # a forged or mangled bounce address: not ours to believe
    report = _read_dsn(message)
    if report is not None:
        hard, reason = _from_report(report)
        if row is None:
            row = _row_by_message_id(report)
        return Bounce(row=row, hard=hard, reason=reason, recipient=report.recipient or (row.to_address if row else ""))
    if row is None:
        return None
    notice = _from_notice(message)
    if notice is None:
        return None  # an out-of-office sent to the Return-Path: an auto-reply, for the reader to ignore
    hard, reason = notice
    return Bounce(row=row, hard=hard, reason=reason, recipient=row.to_address)


def record(bounce: Bounce) -> bool:
    """A hard bounce marks its row failed with the reason, even if it was sent (the server took it,
    then could not deliver it); a soft one changes nothing, as a 4xx at sending time is already
    retried. True if the row was changed."""
    if not bounce.hard or bounce.row is None:
        return False
    error = f"Bounced: {bounce.reason}"
    changed = (
        OutgoingEmail.objects.filter(pk=bounce.row.pk)
        .exclude(status=OutgoingEmail.Status.FAILED, last_error=error)
        .update(status=OutgoingEmail.Status.FAILED, last_error=error, lease_expires_at=None)
    )
    bounce.row.status, bounce.row.last_error = OutgoingEmail.Status.FAILED, error
    return bool(changed)
