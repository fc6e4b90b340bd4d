"""Inbound mail as the outbox keeps it: each message stored once as the bytes that came (by its
Message-ID, or a hash of its bytes without one), nothing over the size limit, a lease for whoever
reads it, and the reader told after the row commits, once, never for a second delivery."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.utils import timezone
from pytest_django.fixtures import Settings

from outbox import inbound
from outbox.models import InboundEmail

pytestmark = pytest.mark.django_db
Status = InboundEmail.Status


def message(message_id: str | None = "<r1@mail.example>", *, body: str = "on track 50%", received: str = "") -> bytes:
    """A small reply as a mail server hands it over (CRLF line ends); `received` varies the bytes."""
    headers = [f"Received: {received}"] if received else []
    headers += ["From: Ana CIO <cio@id.example>", "To: update+abc@reply.example.org", "Subject: Re: reminder"]
    if message_id:
        headers.append(f"Message-ID: {message_id}")
    return ("\r\n".join([*headers, "", body, ""])).encode()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Ids handed to a callback registered with on_stored (and only ours, for this test)."""
    monkeypatch.setattr(inbound, "_callbacks", [])
    seen: list[int] = []
    inbound.on_stored(seen.append)
    return seen


def test_a_message_is_stored_as_the_bytes_that_came_with_its_envelope() -> None:
    raw = message(body="I2: at risk 40% caf\xe9 vendor slipped").replace(b"caf\xc3\xa9", b"caf\xe9")  # Latin-1 byte
    stored = inbound.store(
        raw, source="smtp", envelope_from="cio@id.example", envelope_to=["update+abc@reply.example.org"]
    )
    assert stored.created
    row = InboundEmail.objects.get()
    assert bytes(row.raw) == raw
    assert row.size == len(raw)
    assert (row.source, row.status, row.attempts) == ("smtp", Status.RECEIVED, 0)
    assert row.message_id == "<r1@mail.example>"
    assert row.dedupe_key == "mid:<r1@mail.example>"
    assert row.envelope_from == "cio@id.example"
    assert row.envelope_to == ["update+abc@reply.example.org"]


def test_the_same_message_id_delivered_twice_is_one_row() -> None:
    first = inbound.store(message(received="from mx1"), source="smtp")
    again = inbound.store(message(received="from mx2 (a second delivery)"), source="webhook")
    assert first.created and not again.created
    assert again.row.pk == first.row.pk
    assert InboundEmail.objects.count() == 1
    assert InboundEmail.objects.get().source == "smtp"  # the first delivery is the one kept


def test_without_a_message_id_the_bytes_decide() -> None:
    raw = message(None)
    first = inbound.store(raw, source="file")
    assert first.row.dedupe_key.startswith("sha256:")
    assert first.row.message_id == ""
    assert not inbound.store(raw, source="file").created
    assert inbound.store(message(None, body="off track"), source="file").created
    assert InboundEmail.objects.count() == 2


def test_headers_too_broken_to_read_still_store_by_hash() -> None:
    raw = b"\xff\xfe garbage without a colon\r\n\r\n\x00\x01 body"
    stored = inbound.store(raw, source="webhook")
    assert stored.created
    assert stored.row.dedupe_key.startswith("sha256:")


def test_a_message_over_the_limit_is_refused_and_not_stored(settings: Settings) -> None:
    settings.INBOUND_MAX_BYTES = 65536
    head = message(body="")
    at_limit = head + b"x" * (65536 - len(head))
    with pytest.raises(inbound.TooLarge):
        inbound.store(at_limit + b"x", source="smtp")
    assert not InboundEmail.objects.exists()
    assert inbound.store(at_limit, source="smtp").created  # the limit itself is allowed


def test_on_stored_is_told_once_after_commit_and_not_for_a_duplicate(
    calls: list[int], django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        stored = inbound.store(message(), source="smtp")
        assert calls == []  # not before the row commits
    with django_capture_on_commit_callbacks(execute=True):
        inbound.store(message(received="again"), source="smtp")
    assert calls == [stored.row.pk]


def test_on_stored_is_not_told_of_a_message_whose_transaction_rolled_back(
    calls: list[int], django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            inbound.store(message(), source="smtp")
            raise RuntimeError("the caller failed after storing")
    assert calls == []
    assert not InboundEmail.objects.exists()


def test_registering_the_same_callback_twice_calls_it_once(
    calls: list[int], django_capture_on_commit_callbacks: Callable
) -> None:
    inbound.on_stored(calls.append)
    with django_capture_on_commit_callbacks(execute=True):
        stored = inbound.store(message(), source="smtp")
    assert calls == [stored.row.pk]


def test_a_failing_callback_does_not_undo_or_hide_the_stored_message(
    calls: list[int], django_capture_on_commit_callbacks: Callable
) -> None:
    def broker_down(pk: int) -> None:
        raise ConnectionError("redis is down")

    inbound.on_stored(broker_down)
    inbound.on_stored(calls.append)
    with django_capture_on_commit_callbacks(execute=True):
        stored = inbound.store(message(), source="smtp")  # no exception reaches the door
    assert stored.created
    assert calls == [stored.row.pk]  # the next callback still ran
    assert inbound.due() == [stored.row.pk]  # and the reader's sweep finds the message


@pytest.mark.django_db(transaction=True)
def test_on_stored_runs_when_another_connection_can_already_read_the_row(calls: list[int]) -> None:
    seen_elsewhere: list[bool] = []

    def look_from_another_connection(pk: int) -> None:
        def look() -> None:
            seen_elsewhere.append(InboundEmail.objects.filter(pk=pk).exists())
            connection.close()

        thread = threading.Thread(target=look)
        thread.start()
        thread.join()

    inbound.on_stored(look_from_another_connection)
    stored = inbound.store(message(), source="smtp")
    assert calls == [stored.row.pk]
    assert seen_elsewhere == [True]


def test_claim_takes_a_message_once_and_again_after_the_lease_lapses() -> None:
    pk = inbound.store(message(), source="smtp").row.pk
    now = timezone.now()
    row = inbound.claim(pk, now=now)
    assert row is not None
    assert (row.status, row.attempts) == (Status.PROCESSING, 1)
    assert row.lease_expires_at == now + inbound.LEASE
    assert inbound.claim(pk, now=now + datetime.timedelta(minutes=1)) is None  # another worker holds it
    assert inbound.due(now=now + datetime.timedelta(minutes=1)) == []

    later = now + inbound.LEASE + datetime.timedelta(seconds=1)  # that worker died
    assert inbound.due(now=later) == [pk]
    again = inbound.claim(pk, now=later)
    assert again is not None
    assert again.attempts == 2


def test_a_finished_message_is_not_claimed_or_due_again() -> None:
    pk = inbound.store(message(), source="smtp").row.pk
    row = inbound.claim(pk)
    assert row is not None
    inbound.finish(row, Status.POSTED, "Posted on I1: At risk, 40%")
    row.refresh_from_db()
    assert (row.status, row.outcome, row.lease_expires_at) == (Status.POSTED, "Posted on I1: At risk, 40%", None)
    assert row.processed_at is not None
    far = timezone.now() + datetime.timedelta(days=1)
    assert inbound.claim(pk, now=far) is None
    assert inbound.due(now=far) == []


def test_a_message_that_keeps_failing_stops_being_tried() -> None:
    pk = inbound.store(message(), source="smtp").row.pk
    moment = timezone.now()
    for _ in range(inbound.MAX_ATTEMPTS):
        assert inbound.claim(pk, now=moment) is not None
        moment += inbound.LEASE + datetime.timedelta(seconds=1)
    assert inbound.claim(pk, now=moment) is None
    assert inbound.due(now=moment) == []


def test_due_lists_waiting_messages_oldest_first() -> None:
    first = inbound.store(message("<a@x>"), source="smtp").row.pk
    second = inbound.store(message("<b@x>"), source="smtp").row.pk
    held = inbound.store(message("<c@x>"), source="smtp").row.pk
    assert inbound.claim(held) is not None
    assert inbound.due() == [first, second]


def test_header_envelope_prefers_what_the_mail_server_delivered_to() -> None:
    raw = (
        b"Return-Path: <bounce-123@mailer.example>\r\nDelivered-To: update+abc@reply.example.org\r\n"
        b"From: Ana <cio@id.example>\r\nTo: Someone <someone@id.example>\r\n\r\nhi\r\n"
    )
    assert inbound.header_envelope(raw) == ("bounce-123@mailer.example", ["update+abc@reply.example.org"])


def test_header_envelope_falls_back_to_from_to_and_cc() -> None:
    raw = (
        b"From: Ana <cio@id.example>\r\nTo: update+abc@reply.example.org, Bo <bo@id.example>\r\n"
        b"Cc: update+abc@reply.example.org, cpo@id.example\r\n\r\nhi\r\n"
    )
    assert inbound.header_envelope(raw) == (
        "cio@id.example",
        ["update+abc@reply.example.org", "bo@id.example", "cpo@id.example"],
    )
    assert inbound.header_envelope(b"no headers at all") == ("", [])
