"""Bounces as the outbox reads them: each email's own return address (bounce+<id>-<mac>@domain) and
its check, and the delivery reports of Postfix, Exchange Online, Gmail and qmail, hard and soft,
built as the .eml files in tests/outbox/bounces/."""

from __future__ import annotations

import datetime
import email
import email.message
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from outbox import bounces, delivery, emails
from outbox.models import OutgoingEmail
from tests.outbox.backends import RecordingSmtpBackend

pytestmark = pytest.mark.django_db

Status = OutgoingEmail.Status
FIXTURES = Path(__file__).parent / "bounces"
DOMAIN = "reply.jointplan.example"
RECIPIENT = "dana@idaho.example"


@pytest.fixture(autouse=True)
def reply_domain(settings: Settings) -> None:
    settings.REPLY_DOMAIN = DOMAIN


def queue_row(address: str = RECIPIENT, key: str = "test:bounce") -> OutgoingEmail:
    row = emails.queue(
        OutgoingEmail.Kind.REMINDER,
        to_address=address,
        dedupe_key=key,
        template="reminders",
        context={"sections": [{"title": "Due in 7 days", "entries": []}], "count": 1},
    )
    assert row is not None
    return row


def fixture(
    name: str, row: OutgoingEmail, *, envelope_to: str = "no-reply@jointplan.localhost"
) -> email.message.Message:
    """A fixture .eml filled in with this row's bounce address, Message-ID and recipient."""
    text = (FIXTURES / name).read_text()
    filled = (
        text.replace("{bounce_address}", bounces.bounce_address(row) or "")
        .replace("{message_id}", row.message_id)
        .replace("{recipient}", row.to_address)
        .replace("{envelope_to}", envelope_to)
    )
    return email.message_from_bytes(filled.encode(), policy=email.policy.default)


# --- The address --------------------------------------------------------------------------------


def test_a_bounce_address_names_its_row_and_survives_case_folding() -> None:
    row = queue_row()
    address = bounces.bounce_address(row)
    assert address is not None
    local, _, domain = address.partition("@")
    assert domain == DOMAIN and local.startswith(f"bounce+{row.pk}-") and local == local.lower()

    assert bounces.find_row(address) == row
    assert bounces.find_row(address.upper()) == row
    assert bounces.find_row(f"<{address}>") == row


def test_a_bounce_address_with_a_wrong_mac_or_another_rows_id_names_nothing() -> None:
    row, other = queue_row(), queue_row(key="test:other")
    address = bounces.bounce_address(row)
    assert address is not None
    mac = address.partition("-")[2].partition("@")[0]
    wrong = "a" * len(mac) if mac != "a" * len(mac) else "b" * len(mac)

    assert bounces.find_row(f"bounce+{row.pk}-{wrong}@{DOMAIN}") is None
    assert bounces.find_row(f"bounce+{other.pk}-{mac}@{DOMAIN}") is None
    assert bounces.find_row(f"update+{mac}@{DOMAIN}") is None
    assert bounces.find_row("not an address") is None


def test_a_bounce_address_made_with_a_replaced_key_still_names_its_row(settings: Settings) -> None:
    row = queue_row()
    address = bounces.bounce_address(row)
    assert address is not None
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50

    assert bounces.find_row(address) == row
    assert bounces.bounce_address(row) != address


def test_there_is_no_bounce_address_without_a_reply_domain(settings: Settings) -> None:
    settings.REPLY_DOMAIN = ""
    assert bounces.bounce_address(queue_row()) is None


# --- Delivery's envelope sender -----------------------------------------------------------------


@pytest.fixture
def smtp_sent(settings: Settings) -> Iterator[list[tuple[str, list[str], bytes]]]:
    settings.MAILERS = {
        "default": {"BACKEND": "tests.outbox.backends.RecordingSmtpBackend", "OPTIONS": {"host": "127.0.0.1"}}
    }
    RecordingSmtpBackend.sent = []
    yield RecordingSmtpBackend.sent
    RecordingSmtpBackend.sent = []


def test_each_email_goes_out_with_its_own_bounce_address_as_envelope_sender(
    smtp_sent: list[tuple[str, list[str], bytes]],
) -> None:
    first, second = queue_row(), queue_row("cpo@idaho.example", key="test:second")

    assert delivery.deliver(delivery.claim()).sent == 2

    senders = {recipients[0]: sender for sender, recipients, _ in smtp_sent}
    assert senders == {RECIPIENT: bounces.bounce_address(first), "cpo@idaho.example": bounces.bounce_address(second)}
    for _, _, raw in smtp_sent:  # the From header is still the site's own
        assert b"From: Joint Plan <no-reply@jointplan.localhost>" in raw


# --- Reading a report ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("postfix_user_unknown.eml", "550 5.1.1 <dana@idaho.example>: Recipient address rejected: User unknown"),
        ("gmail_no_such_user.eml", "The email account that you tried to reach does not exist."),
        ("qmail_failure_notice.eml", "Remote host said: 550 5.1.1 <dana@idaho.example>... User unknown"),
    ],
)
def test_a_hard_bounce_to_the_bounce_address_names_its_row_and_why(name: str, reason: str) -> None:
    row = queue_row()
    found = bounces.classify(fixture(name, row), envelope_to=[bounces.bounce_address(row) or ""])

    assert found is not None
    assert (found.row, found.hard, found.recipient) == (row, True, RECIPIENT)
    assert found.reason.startswith(reason)
    assert "\n" not in found.reason


def test_an_exchange_report_sent_to_the_from_address_is_matched_by_the_original_message_id() -> None:
    row = queue_row()
    queue_row("someone@else.example", key="test:other")
    message = fixture("exchange_recipient_not_found.eml", row)

    found = bounces.classify(message, envelope_to=["no-reply@jointplan.localhost"])

    assert found is not None and found.row == row and found.hard
    assert found.reason == "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"


def test_a_report_whose_message_id_is_ours_but_about_another_address_names_no_row() -> None:
    row = queue_row()
    text = (FIXTURES / "exchange_recipient_not_found.eml").read_text()
    message = email.message_from_bytes(
        text.replace("{message_id}", row.message_id)
        .replace("{recipient}", "stranger@idaho.example")
        .replace("{envelope_to}", "no-reply@jointplan.localhost")
        .encode(),
        policy=email.policy.default,
    )

    found = bounces.classify(message)

    assert found is not None and found.row is None and found.hard


def test_a_delay_notice_is_a_soft_bounce_and_changes_nothing() -> None:
    row = queue_row()
    OutgoingEmail.objects.filter(pk=row.pk).update(status=Status.SENT)
    found = bounces.classify(fixture("postfix_delayed.eml", row), envelope_to=[bounces.bounce_address(row) or ""])

    assert found is not None and found.row == row and not found.hard
    assert found.reason.startswith("connect to mailbox.idaho.example")
    assert bounces.record(found) is False
    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.SENT, "")


def test_recording_a_hard_bounce_fails_a_sent_row_with_the_reason_once() -> None:
    row = queue_row()
    OutgoingEmail.objects.filter(pk=row.pk).update(status=Status.SENT)
    found = bounces.classify(fixture("postfix_user_unknown.eml", row), envelope_to=[bounces.bounce_address(row) or ""])
    assert found is not None

    assert bounces.record(found) is True
    assert bounces.record(found) is False  # the same report again changes nothing
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.last_error == f"Bounced: {found.reason}"


def test_a_report_to_a_bounce_address_with_a_wrong_mac_is_not_ours() -> None:
    row = queue_row()
    forged = f"bounce+{row.pk}-aaaaaaaaaa@{DOMAIN}"
    if forged == bounces.bounce_address(row):
        forged = f"bounce+{row.pk}-bbbbbbbbbb@{DOMAIN}"
    text = (FIXTURES / "postfix_user_unknown.eml").read_text()
    message = email.message_from_bytes(
        text.replace("{bounce_address}", forged).replace("{message_id}", row.message_id).encode(),
        policy=email.policy.default,
    )

    assert bounces.classify(message, envelope_to=[forged]) is None
    assert bounces.classify(message) is None  # nor when only the headers name the address


def test_an_auto_reply_to_the_bounce_address_is_no_bounce() -> None:
    row = queue_row()
    message = fixture("out_of_office.eml", row)

    assert bounces.classify(message, envelope_to=[bounces.bounce_address(row) or ""]) is None


def test_a_plain_reply_is_not_a_bounce() -> None:
    row = queue_row()
    message = fixture("plain_reply.eml", row, envelope_to=f"update+abcdefghijklmnopqrstuvwxyz@{DOMAIN}")

    assert bounces.classify(message, envelope_to=[f"update+abcdefghijklmnopqrstuvwxyz@{DOMAIN}"]) is None


def test_the_bounce_address_is_found_in_the_headers_when_no_envelope_is_given() -> None:
    row = queue_row()

    found = bounces.classify(fixture("gmail_no_such_user.eml", row))

    assert found is not None and found.row == row and found.hard


def test_a_report_matched_by_message_id_names_only_a_recent_row() -> None:
    """Message-IDs can be guessed: a DSN without our bounce address reaches only mail queued in the
    last MESSAGE_ID_MATCH_DAYS, so a forged report cannot fail and flag an old row."""
    row = queue_row()
    OutgoingEmail.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=bounces.MESSAGE_ID_MATCH_DAYS + 1)
    )
    message = fixture("exchange_recipient_not_found.eml", row)

    found = bounces.classify(message, envelope_to=["no-reply@jointplan.localhost"])

    assert found is not None and found.row is None and found.hard
