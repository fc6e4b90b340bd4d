"""The outbox: writing a row once per dedupe key, storing what cannot be sent as failed without
stopping the batch, and the delivery state machine (claim, send, retry, sweep, resend)."""

from __future__ import annotations

import copy
import datetime
import email
import email.policy
import email.utils
import re
from collections.abc import Iterator
from email.message import EmailMessage as ParsedMessage
from email.message import MIMEPart
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from directory.models import User
from notifications import services
from notifications.models import Preference
from outbox import delivery, emails
from outbox.models import OutgoingEmail
from tests import factories
from tests.factories import State
from tests.notifications.helpers import NOW, SITE_URL, WEDNESDAY, at, days, deliver_all, html_of, rows_for
from tests.outbox.backends import RecordingSmtpBackend

pytestmark = pytest.mark.django_db

Status = OutgoingEmail.Status
MINUTE = datetime.timedelta(minutes=1)


def queue_one(user: User, key: str = "test:1") -> OutgoingEmail | None:
    """A one-fact reminder email for `user`, through the one email builder."""
    return emails.queue(
        OutgoingEmail.Kind.REMINDER,
        user=user,
        dedupe_key=key,
        template="reminders",
        context={"sections": [{"title": "Due in 7 days", "entries": []}], "count": 1},
        unsubscribe_url=services.unsubscribe_url(user, "reminders"),
    )


def use_mail_server(settings: Settings, backend: str) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"tests.outbox.backends.{backend}"}}


@pytest.fixture
def smtp_sent(settings: Settings) -> Iterator[list[tuple[str, list[str], bytes]]]:
    """Delivery through Django's SMTP backend (the stored-bytes path) over a pretend connection."""
    settings.MAILERS = {
        "default": {"BACKEND": "tests.outbox.backends.RecordingSmtpBackend", "OPTIONS": {"host": "127.0.0.1"}}
    }
    RecordingSmtpBackend.sent = []
    yield RecordingSmtpBackend.sent
    RecordingSmtpBackend.sent = []


def parse(raw: bytes) -> ParsedMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, ParsedMessage)
    return message


def text_and_html(message: ParsedMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


# An event invitation as the roundtables app attaches it: CRLF lines, and not only ASCII.
ICS = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Roundtable at the Café\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


def queue_invitation(user: User, key: str = "event:1:invite") -> OutgoingEmail | None:
    return emails.queue(
        OutgoingEmail.Kind.EVENT,
        user=user,
        dedupe_key=key,
        template="reminders",
        context={"sections": [{"title": "Due in 7 days", "entries": []}], "count": 1},
        attachments=[("roundtable.ics", ICS, "text/calendar; method=REQUEST")],
    )


def the_invitation(message: ParsedMessage) -> MIMEPart:
    assert message.get_content_type() == "multipart/mixed"
    (attachment,) = message.iter_attachments()
    assert isinstance(attachment, MIMEPart)
    return attachment


# --- Queueing -----------------------------------------------------------------------------------


def test_a_duplicate_dedupe_key_returns_none_and_writes_nothing(idaho: State) -> None:
    first = queue_one(idaho.cio, "reminders:dana:abc")
    assert first is not None

    second = emails.queue(
        OutgoingEmail.Kind.DIGEST,
        user=idaho.cpo,
        dedupe_key="reminders:dana:abc",
        template="reminders",
        context={"sections": [], "count": 2},
    )

    assert second is None
    (row,) = OutgoingEmail.objects.all()
    assert (row.pk, row.recipient, row.kind, row.subject) == (
        first.pk,
        idaho.cio,
        OutgoingEmail.Kind.REMINDER,
        "Joint Plan: 1 item needs you",
    )


def test_a_queued_email_is_rendered_with_its_headers_in_the_recipients_zone(idaho: State) -> None:
    row = queue_one(idaho.cio)

    assert row is not None
    assert (row.status, row.to_address, row.attempts) == (Status.QUEUED, "dana@idaho.example", 0)
    assert row.next_attempt_at == NOW
    assert "Times are shown in your time zone, Mountain Time (Boise)." in row.body_text
    assert "Times are shown in your time zone, Mountain Time (Boise)." in row.body_html
    assert set(row.headers) == {"List-Unsubscribe", "List-Unsubscribe-Post"}


def test_an_invalid_address_is_stored_as_failed_and_the_scan_carries_on(
    idaho: State, outbox: list[EmailMessage]
) -> None:
    idaho.item(due_on=WEDNESDAY + days(7), title="Records retention schedule")
    idaho.item(side="cpo", due_on=WEDNESDAY + days(7), title="Contract register")
    User.objects.filter(pk=idaho.cio.pk).update(email="not-an-address")

    batches = services.queue_reminders(now=NOW)

    assert len(batches) == 2
    (broken,) = rows_for(idaho.cio)
    assert (broken.status, broken.to_address) == (Status.FAILED, "not-an-address")
    assert broken.last_error == "No valid email address for Dana Whitfield."
    (fine,) = rows_for(idaho.cpo)
    assert fine.status == Status.QUEUED
    assert deliver_all().sent == 1
    (message,) = outbox
    assert message.to == [idaho.cpo.email]
    assert message.subject == "Joint Plan: 1 item needs you"
    assert "Contract register" in message.body
    assert "Contract register" in html_of(message)


def queue_to_address(address: str, *, key: str = "invite:guest", tz: str | None = None) -> OutgoingEmail | None:
    """An email to someone with no account: only an address (and maybe their zone)."""
    return emails.queue(
        OutgoingEmail.Kind.EVENT,
        to_address=address,
        tz=tz,
        dedupe_key=key,
        template="reminders",
        context={"sections": [{"title": "Due in 7 days", "entries": []}], "count": 1},
    )


def test_an_email_to_a_bare_address_is_written_in_the_default_zone_and_delivered(
    settings: Settings, clock: TimeMachineFixture, outbox: list[EmailMessage]
) -> None:
    settings.DEFAULT_USER_TZ = "America/Chicago"

    row = queue_to_address("guest@idaho.example")

    assert row is not None
    assert (row.recipient_id, row.to_address, row.status) == (None, "guest@idaho.example", Status.QUEUED)
    assert "Times are shown in your time zone, Central Time (Chicago)." in row.body_text
    assert "Times are shown in your time zone, Central Time (Chicago)." in row.body_html
    assert "List-Unsubscribe" not in row.headers
    assert deliver_all().sent == 1
    (message,) = outbox
    assert message.to == ["guest@idaho.example"]
    assert message.subject == "Joint Plan: 1 item needs you"
    assert "Due in 7 days" in message.body
    assert "Due in 7 days" in html_of(message)


def test_an_email_to_a_bare_address_is_written_in_the_zone_it_is_given(clock: TimeMachineFixture) -> None:
    row = queue_to_address("guest@hawaii.example", tz="Pacific/Honolulu")

    assert row is not None
    assert "Times are shown in your time zone, Hawaii-Aleutian Time (Honolulu)." in row.body_text
    assert "Times are shown in your time zone, Hawaii-Aleutian Time (Honolulu)." in row.body_html


def test_an_invalid_bare_address_is_stored_as_failed_with_the_reason(clock: TimeMachineFixture) -> None:
    row = queue_to_address("not-an-address")

    assert row is not None
    assert (row.status, row.recipient_id) == (Status.FAILED, None)
    assert row.last_error == "No valid email address for not-an-address."


def test_an_email_needs_a_user_or_an_address() -> None:
    with pytest.raises(ValueError, match="a user or a to_address"):
        emails.queue(OutgoingEmail.Kind.EVENT, dedupe_key="nobody", template="reminders", context={})

    assert not OutgoingEmail.objects.exists()


def test_a_missing_template_fails_that_email_with_the_reason(idaho: State) -> None:
    row = emails.queue(
        OutgoingEmail.Kind.DIGEST, user=idaho.cio, dedupe_key="digest:x", template="no-such-email", context={}
    )

    assert row is not None
    assert row.status == Status.FAILED
    assert row.last_error == "Template error: emails/no-such-email/subject.txt"
    assert (row.subject, row.body_text) == ("(digest not rendered)", "")


def test_a_broken_template_fails_its_own_emails_not_the_batch(
    idaho: State, clock: TimeMachineFixture, settings: Settings, tmp_path: Path
) -> None:
    """The national digest's template is broken: staff's digest fails, Dana's still goes."""
    broken = tmp_path / "emails" / "staff_digest"
    broken.mkdir(parents=True)
    (broken / "body.html").write_text("{% if %}broken{% endif %}")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    staff = factories.make_staff("NASCIO", tz=idaho.cio.tz)
    idaho.item(due_on=WEDNESDAY + days(10), title="Records retention schedule")
    services.queue_digests(now=NOW)  # everyone gets preferences; the next digest is Monday's
    Preference.objects.filter(user=staff).update(digest_when_quiet=True)
    monday = at(WEDNESDAY + days(5), 8)
    clock.move_to(monday, tick=False)

    rows = services.queue_digests(now=monday)

    assert {r.recipient for r in rows} == {staff, idaho.cio}
    (failed,) = rows_for(staff)
    assert failed.status == Status.FAILED
    assert failed.last_error.startswith("Template error: ")
    (fine,) = rows_for(idaho.cio)
    assert fine.status == Status.QUEUED
    assert "Records retention schedule" in fine.body_html


# --- The message, built once when queued ------------------------------------------------------


def test_a_queued_email_stores_the_message_smtp_will_carry(idaho: State, outbox: list[EmailMessage]) -> None:
    row = queue_one(idaho.cio)

    assert row is not None and row.raw_message is not None
    raw = bytes(row.raw_message)
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF throughout: it goes to SMTP as it is
    # The unsubscribe link is one header line, not folded into RFC 2047 encoded words.
    assert re.search(rb"^List-Unsubscribe: <https://jointplan\.example\.org/email/unsubscribe/[^\s>]+/>\r$", raw, re.M)
    message = parse(raw)
    assert message["Date"] is None  # stamped at each send
    assert (message["Message-ID"], message["To"], message["Subject"]) == (
        row.message_id,
        "dana@idaho.example",
        "Joint Plan: 1 item needs you",
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = text_and_html(message)
    assert "Times are shown in your time zone, Mountain Time (Boise)." in text
    assert "Times are shown in your time zone, Mountain Time (Boise)." in html
    # The bodies' lines fit in 998 characters, so they go as they are, not quoted-printable.
    assert {part["Content-Transfer-Encoding"] for part in message.walk() if not part.is_multipart()} <= {"7bit", "8bit"}


def test_only_the_unsubscribe_link_is_a_long_line_in_a_message_with_a_long_subject_and_body() -> None:
    subject = " — ".join(["Roundtable at the Café in San Juan"] * 5)
    link = f"<{SITE_URL}/email/unsubscribe/{'e' * 150}/>"
    body = "Agenda for the Café: " + "coffee, " * 150
    row = OutgoingEmail(
        subject=subject,
        body_text=body,
        to_address="a@b.example",
        message_id="<x@y>",
        headers={"List-Unsubscribe": link},
    )

    raw = emails.raw_message(row)

    assert [line for line in raw.split(b"\r\n") if len(line) > 76] == [b"List-Unsubscribe: " + link.encode()]
    assert all(len(word) <= 75 for word in re.findall(rb"=\?utf-8\?[qb]\?[^?]*\?=", raw))  # RFC 2047
    message = parse(raw)
    assert str(message["Subject"]).strip() == subject
    # A body line beyond 998 octets is quoted-printable, at RFC 2045's 76 characters a line.
    assert message["Content-Transfer-Encoding"] == "quoted-printable"
    assert message.get_content().splitlines() == [body]


def test_over_smtp_the_stored_message_is_sent_with_the_time_of_sending(
    idaho: State, smtp_sent: list[tuple[str, list[str], bytes]]
) -> None:
    row = queue_one(idaho.cio)
    assert row is not None

    assert deliver_all().sent == 1

    ((sender, recipients, raw),) = smtp_sent
    assert (sender, recipients) == ("no-reply@jointplan.localhost", ["dana@idaho.example"])
    assert raw.endswith(bytes(row.raw_message))
    assert email.utils.parsedate_to_datetime(parse(raw)["Date"]) == NOW
    row.refresh_from_db()
    assert (row.status, row.sent_at) == (Status.SENT, NOW)


def test_a_row_written_before_messages_were_stored_is_built_when_sent(
    idaho: State, smtp_sent: list[tuple[str, list[str], bytes]]
) -> None:
    row = queue_one(idaho.cio)
    assert row is not None
    OutgoingEmail.objects.filter(pk=row.pk).update(raw_message=None)

    assert deliver_all().sent == 1

    ((_, recipients, raw),) = smtp_sent
    message = parse(raw)
    assert recipients == ["dana@idaho.example"]
    assert (message["Message-ID"], message["Subject"]) == (row.message_id, "Joint Plan: 1 item needs you")
    assert message["List-Unsubscribe"].startswith(f"<{SITE_URL}/email/unsubscribe/")
    assert "Due in 7 days" in text_and_html(message)[1]


def test_an_invitation_is_delivered_with_its_calendar_attached_and_resent_with_it(
    idaho: State, smtp_sent: list[tuple[str, list[str], bytes]]
) -> None:
    row = queue_invitation(idaho.cio)
    assert row is not None and row.kind == OutgoingEmail.Kind.EVENT
    deliver_all()
    assert delivery.resend(row) is True
    assert deliver_all().sent == 1

    first, second = (parse(raw) for _, _, raw in smtp_sent)
    assert first["Message-ID"] == second["Message-ID"] == row.message_id
    for message in (first, second):
        invitation = the_invitation(message)
        assert invitation.get_content_type() == "text/calendar"
        assert invitation.get_param("method") == "REQUEST"
        assert invitation.get_filename() == "roundtable.ics"
        assert invitation.get_content().splitlines() == ICS.splitlines()
        text, html = text_and_html(message)  # the two alternatives are still there, beside it
        assert "Due in 7 days" in text and "Due in 7 days" in html


def test_an_invitation_through_another_backend_carries_the_same_attachment(
    idaho: State, outbox: list[EmailMessage]
) -> None:
    queue_invitation(idaho.cio)

    assert deliver_all().sent == 1

    (sent,) = outbox
    invitation = the_invitation(sent.message())
    assert (invitation.get_content_type(), invitation.get_param("method")) == ("text/calendar", "REQUEST")
    assert invitation.get_content().splitlines() == ICS.splitlines()


def test_an_attachment_that_is_not_text_fails_that_email_when_queued(idaho: State) -> None:
    row = emails.queue(
        OutgoingEmail.Kind.EVENT,
        user=idaho.cio,
        dedupe_key="event:1:invite",
        template="reminders",
        context={"sections": [], "count": 1},
        attachments=[("agenda.pdf", "%PDF-1.7", "application/pdf")],
    )

    assert row is not None
    assert row.status == Status.FAILED
    assert row.last_error == "Message error: attachments are text files; 'agenda.pdf' is 'application/pdf'"
    assert delivery.resend(row) is False


def test_a_row_that_cannot_be_built_when_sent_fails_alone(
    idaho: State, smtp_sent: list[tuple[str, list[str], bytes]]
) -> None:
    broken, fine = queue_one(idaho.cio, "a"), queue_one(idaho.cpo, "b")
    assert broken is not None and fine is not None
    OutgoingEmail.objects.filter(pk=broken.pk).update(
        raw_message=None, attachments=[{"filename": "x.bin", "content": "x", "mimetype": "application/octet-stream"}]
    )

    report = deliver_all()

    assert (report.sent, report.failed) == (1, 1)
    broken.refresh_from_db()
    assert broken.status == Status.FAILED
    assert broken.last_error.startswith("Message error: attachments are text files")
    ((_, recipients, _),) = smtp_sent
    assert recipients == [idaho.cpo.email]


# --- Claiming and delivering --------------------------------------------------------------------


def test_claim_takes_due_rows_with_a_lease_and_counts_the_attempt(idaho: State) -> None:
    queue_one(idaho.cio, "a")
    queue_one(idaho.cpo, "b")

    claimed = delivery.claim(now=NOW)

    assert [(r.status, r.attempts, r.lease_expires_at) for r in claimed] == [
        (Status.SENDING, 1, NOW + delivery.LEASE),
        (Status.SENDING, 1, NOW + delivery.LEASE),
    ]


def test_a_row_held_by_one_sender_is_not_claimed_by_another(idaho: State) -> None:
    queue_one(idaho.cio, "a")
    queue_one(idaho.cpo, "b")

    first = delivery.claim(now=NOW, limit=1)
    second = delivery.claim(now=NOW)
    third = delivery.claim(now=NOW)

    assert len(first) == len(second) == 1
    assert first[0].pk != second[0].pk
    assert third == []
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.SENDING}


def test_rows_not_yet_due_are_not_claimed(idaho: State) -> None:
    row = queue_one(idaho.cio)
    assert row is not None
    OutgoingEmail.objects.filter(pk=row.pk).update(next_attempt_at=NOW + MINUTE)

    assert delivery.claim(now=NOW) == []
    assert len(delivery.claim(now=NOW + MINUTE)) == 1


def test_deliver_sends_and_marks_sent(idaho: State, outbox: list[EmailMessage]) -> None:
    row = queue_one(idaho.cio)
    assert row is not None

    report = delivery.deliver(delivery.claim(now=NOW), now=NOW)

    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    row.refresh_from_db()
    assert (row.status, row.sent_at, row.lease_expires_at, row.last_error) == (Status.SENT, NOW, None, "")
    (message,) = outbox
    assert message.to == [idaho.cio.email]
    assert message.subject == "Joint Plan: 1 item needs you"
    assert "Due in 7 days" in message.body
    assert "Due in 7 days" in html_of(message)
    assert message.extra_headers["Message-ID"] == row.message_id
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_sweeper_requeues_a_row_whose_lease_ran_out(
    idaho: State, clock: TimeMachineFixture, outbox: list[EmailMessage]
) -> None:
    queue_one(idaho.cio)
    (row,) = delivery.claim(now=NOW)  # ... and the worker is killed before it sends

    assert delivery.sweep(now=NOW + delivery.LEASE - MINUTE) == 0
    assert delivery.sweep(now=NOW + delivery.LEASE + MINUTE) == 1

    row.refresh_from_db()
    assert (row.status, row.lease_expires_at, row.next_attempt_at) == (
        Status.QUEUED,
        None,
        NOW + delivery.LEASE + MINUTE,
    )
    assert row.last_error == "Sender stopped before finishing; retried."
    clock.move_to(NOW + delivery.LEASE + MINUTE, tick=False)
    (again,) = delivery.claim()
    assert again.attempts == 2
    assert delivery.deliver([again]).sent == 1
    assert len(outbox) == 1


def test_the_sweeper_leaves_sent_and_current_rows_alone(idaho: State) -> None:
    queue_one(idaho.cio, "a")
    deliver_all()
    queue_one(idaho.cpo, "b")
    delivery.claim(now=NOW)

    assert delivery.sweep(now=NOW + MINUTE) == 0
    assert sorted(OutgoingEmail.objects.values_list("status", flat=True)) == [Status.SENDING, Status.SENT]


# --- When the mail server says no ---------------------------------------------------------------


def test_a_permanent_refusal_fails_the_row_with_the_servers_answer(idaho: State, settings: Settings) -> None:
    use_mail_server(settings, "RefusingBackend")
    row = queue_one(idaho.cio)
    assert row is not None

    report = deliver_all()

    assert report.failed == 1
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert "550" in row.last_error
    assert "No such user" in row.last_error


def test_resend_requeues_a_failed_row_and_it_goes_out(
    idaho: State, settings: Settings, outbox: list[EmailMessage]
) -> None:
    use_mail_server(settings, "RefusingBackend")
    row = queue_one(idaho.cio)
    assert row is not None
    deliver_all()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

    assert delivery.resend(row) is True

    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error, row.next_attempt_at) == (Status.QUEUED, 0, "", NOW)
    assert deliver_all().sent == 1
    (message,) = outbox
    assert message.to == [idaho.cio.email]
    assert message.extra_headers["Message-ID"] == row.message_id


def test_resend_refuses_a_row_that_was_never_written(idaho: State, outbox: list[EmailMessage]) -> None:
    User.objects.filter(pk=idaho.cio.pk).update(email="not-an-address")
    idaho.cio.refresh_from_db()
    row = queue_one(idaho.cio)
    assert row is not None and row.status == Status.FAILED

    assert delivery.resend(row) is False

    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert not deliver_all()
    assert outbox == []


def test_resend_leaves_a_row_that_is_being_sent(idaho: State) -> None:
    queue_one(idaho.cio)
    (row,) = delivery.claim(now=NOW)

    assert delivery.resend(row) is False
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENDING, 1)


def test_a_temporary_refusal_retries_with_backoff_then_gives_up(
    idaho: State, settings: Settings, clock: TimeMachineFixture
) -> None:
    use_mail_server(settings, "BusyBackend")
    row = queue_one(idaho.cio)
    assert row is not None
    now = NOW

    for attempt in range(1, delivery.MAX_ATTEMPTS):
        (claimed,) = delivery.claim(now=now)
        assert delivery.deliver([claimed], now=now).retrying == 1
        claimed.refresh_from_db()
        assert claimed.status == Status.QUEUED
        assert claimed.last_error == "451 4.3.0 Try again later"
        assert claimed.next_attempt_at == now + delivery.backoff(attempt)
        assert delivery.claim(now=claimed.next_attempt_at - MINUTE / 60) == []  # not before its time
        now = claimed.next_attempt_at

    (last,) = delivery.claim(now=now)
    assert delivery.deliver([last], now=now).failed == 1
    last.refresh_from_db()
    assert last.status == Status.FAILED
    assert last.last_error == "Gave up after 10 attempts: 451 4.3.0 Try again later"


def test_an_unreachable_mail_server_leaves_every_row_queued_for_later(idaho: State, settings: Settings) -> None:
    use_mail_server(settings, "UnreachableBackend")
    queue_one(idaho.cio, "a")
    queue_one(idaho.cpo, "b")

    report = delivery.deliver(delivery.claim(now=NOW), now=NOW)

    assert (report.sent, report.retrying, report.failed) == (0, 2, 0)
    rows = OutgoingEmail.objects.all()
    assert {(r.status, r.next_attempt_at) for r in rows} == {(Status.QUEUED, NOW + MINUTE)}
    assert all(r.last_error.startswith("Mail server unavailable: ConnectionRefusedError") for r in rows)


def test_a_dropped_connection_sends_what_it_could_and_retries_the_rest(
    idaho: State, settings: Settings, outbox: list[EmailMessage]
) -> None:
    use_mail_server(settings, "DroppingBackend")
    first, second, third = (queue_one(u, k) for u, k in ((idaho.cio, "a"), (idaho.cpo, "b"), (idaho.cio, "c")))

    report = delivery.deliver(delivery.claim(now=NOW), now=NOW)

    assert (report.sent, report.retrying) == (1, 2)
    statuses = dict(OutgoingEmail.objects.values_list("dedupe_key", "status"))
    assert statuses == {"a": Status.SENT, "b": Status.QUEUED, "c": Status.QUEUED}
    assert len(outbox) == 1


@pytest.mark.parametrize(
    ("attempts", "minutes"),
    [(0, 1), (1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (8, 128), (9, 256), (10, 360), (30, 360)],
)
def test_backoff_doubles_from_one_minute_up_to_six_hours(attempts: int, minutes: int) -> None:
    assert delivery.backoff(attempts) == datetime.timedelta(minutes=minutes)
