"""Delivery through a real worker, Redis and SMTP server: normal runs, a worker killed mid-batch, and
a mail server that refuses, defers and rejects. Every check counts what the sink accepted by
Message-ID, which is what tells one message delivered twice from two messages."""

from __future__ import annotations

import datetime
import re
import threading

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from actionplan import services as plan_services
from directory.models import Membership
from notifications import services
from outbox import delivery, emails, tasks
from outbox.models import OutgoingEmail
from tests import factories
from tests.factories import State, make_digests_due
from tests.integration.harness import RedisServer, SmtpSink, Worker, wait_until
from tests.integration.moments import working_hours_from

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
Status = OutgoingEmail.Status
Role = Membership.Role


def outbox() -> dict[str, OutgoingEmail]:
    return {row.message_id: row for row in OutgoingEmail.objects.all()}


def all_sent(expected: int) -> bool:
    return OutgoingEmail.objects.filter(status=Status.SENT).count() == expected


def test_worker_delivers_each_queued_reminder_and_digest_exactly_once(
    idaho: State, smtp_sink: SmtpSink, broker: RedisServer, celery_worker: Worker
) -> None:
    staff = factories.make_staff("NASCIO", email="staff@nascio.example")
    item = idaho.plan.items.order_by("pk").first()
    plan_services.add_comment(item, author=idaho.cio, body="@cpo @deputy @viewer the vendor list is ready.")
    now = working_hours_from(timezone.now(), idaho.cio.tz)
    make_digests_due([*idaho.people, staff], at=now)

    digests = services.queue_digests(now=now)
    reminders = services.queue_reminders(now=now)
    assert len(digests) == 5
    assert sorted(batch.user.email for batch in reminders) == [
        "cpo@id.example",
        "deputy@id.example",
        "viewer@id.example",
    ]

    tasks.deliver_outbox.apply_async()
    wait_until(lambda: all_sent(8), what="8 emails sent by the worker")

    rows = outbox()
    counted = smtp_sink.by_message_id()
    assert set(counted) == set(rows)
    assert all(times == 1 for times in counted.values()), counted
    for message in smtp_sink.accepted:
        row = rows[message.message_id]
        assert message.to == (row.to_address,)
        assert message.subject == row.subject
        assert row.status == Status.SENT and row.attempts == 1 and row.sent_at is not None
        assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # One header line, as mail clients need it to offer the link: not folded, not encoded.
        assert re.search(rb"^List-Unsubscribe: <https?://[^\s>]+/email/unsubscribe/[^\s>]+>\r$", message.raw, re.M)
        assert "BODY=8BITMIME" in message.mail_options  # the HTML goes as it is, 8bit


# An event invitation as the roundtables app attaches it: CRLF lines, and not only ASCII.
ICS = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Roundtable at the Café\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
ONE_ITEM = {"sections": [{"title": "Due in 7 days", "entries": []}], "count": 1}


def test_an_invitation_arrives_with_its_calendar_attached_also_when_resent(
    idaho: State, smtp_sink: SmtpSink, broker: RedisServer, celery_worker: Worker
) -> None:
    invitation = emails.queue(
        OutgoingEmail.Kind.EVENT,
        user=idaho.cpo,
        dedupe_key="event:1:invite",
        template="reminders",
        context=ONE_ITEM,
        attachments=[("roundtable.ics", ICS, "text/calendar; method=REQUEST")],
    )
    # A row queued before messages were stored with their rows: built by the worker as it sends.
    older = emails.queue(
        OutgoingEmail.Kind.REMINDER,
        user=idaho.cio,
        dedupe_key="reminders:older",
        template="reminders",
        context=ONE_ITEM,
        unsubscribe_url=services.unsubscribe_url(idaho.cio, "reminders"),
    )
    assert invitation is not None and older is not None
    OutgoingEmail.objects.filter(pk=older.pk).update(raw_message=None)

    tasks.deliver_outbox.apply_async()
    wait_until(lambda: all_sent(2), what="the invitation and the older reminder sent")
    assert delivery.resend(invitation)
    tasks.deliver_outbox.apply_async()
    wait_until(lambda: smtp_sink.count() == 3 and all_sent(2), what="the invitation sent again")

    assert smtp_sink.by_message_id() == {invitation.message_id: 2, older.message_id: 1}
    for accepted in smtp_sink.accepted:
        message = accepted.parsed()
        text, html = message.get_body(("plain",)), message.get_body(("html",))
        assert text is not None and html is not None
        assert "Due in 7 days" in text.get_content() and "Due in 7 days" in html.get_content()
        if accepted.message_id == older.message_id:
            assert accepted.to == (idaho.cio.email,)
            assert re.search(rb"^List-Unsubscribe: <https?://[^\s>]+>\r$", accepted.raw, re.M)
            assert list(message.iter_attachments()) == []
            continue
        assert accepted.to == (idaho.cpo.email,)
        assert message.get_content_type() == "multipart/mixed"
        (calendar,) = message.iter_attachments()
        assert (calendar.get_content_type(), calendar.get_param("method")) == ("text/calendar", "REQUEST")
        assert calendar.get_filename() == "roundtable.ics"
        assert calendar.get_content().splitlines() == ICS.splitlines()


def test_worker_killed_mid_digest_batch_leaves_no_recipient_with_two_digests(
    transactional_db: None, smtp_sink: SmtpSink, broker: RedisServer, celery_worker: Worker
) -> None:
    factories.load_reference()
    people = [factories.make_member("ID", Role.VIEWER, email=f"reader{n:03}@id.example") for n in range(200)]
    now = timezone.now()
    make_digests_due(people, at=now)
    assert len(services.queue_digests(now=now)) == 200

    # The worst moment to die: the sink has committed the 40th digest and the worker has not yet
    # heard the 250, so it cannot have marked the row sent. SIGKILL the worker's process group then.
    killed = threading.Event()

    def kill_on_40th(count: int) -> None:
        if count == 40 and not killed.is_set():
            celery_worker.kill()
            killed.set()

    smtp_sink.handler.on_accept = kill_on_40th
    tasks.deliver_outbox.apply_async()
    wait_until(killed.is_set, what="the worker to be killed in the middle of the batch")
    smtp_sink.handler.on_accept = None
    in_flight = OutgoingEmail.objects.get(message_id=smtp_sink.accepted[-1].message_id)
    stuck = set(OutgoingEmail.objects.filter(status=Status.SENDING).values_list("pk", flat=True))
    assert smtp_sink.count() == 40 and in_flight.status == Status.SENDING
    assert len(stuck) == 61  # the in-flight digest and the 60 after it in the first batch of 100

    celery_worker.start()
    tasks.deliver_outbox.apply_async()
    wait_until(
        lambda: not OutgoingEmail.objects.exclude(pk__in=stuck).exclude(status=Status.SENT).exists(),
        what="the restarted worker to send every row it was free to claim",
    )
    # While their lease runs, the dead worker's rows are nobody else's to send.
    assert set(OutgoingEmail.objects.filter(status=Status.SENDING).values_list("pk", flat=True)) == stuck

    # Time passes beyond the lease; then the sweeper and the next delivery run, as beat runs them.
    OutgoingEmail.objects.filter(pk__in=stuck).update(lease_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    tasks.sweep_outbox.apply_async()
    wait_until(lambda: not OutgoingEmail.objects.filter(status=Status.SENDING).exists(), what="the sweeper")
    tasks.deliver_outbox.apply_async()
    wait_until(lambda: all_sent(200), what="all 200 digests sent")

    rows = outbox()
    counted = smtp_sink.by_message_id()
    ids_per_recipient: dict[str, set[str]] = {}
    for message in smtp_sink.accepted:
        ids_per_recipient.setdefault(message.to[0], set()).add(message.message_id)
    duplicates = {message_id: times for message_id, times in counted.items() if times > 1}
    print(
        f"[sigkill] 40 accepted before the kill, {len(stuck)} rows left in `sending`, "
        f"{sum(counted.values())} accepted in all, {len(counted)} distinct Message-IDs, "
        f"duplicates by Message-ID: {sum(times - 1 for times in duplicates.values())}"
    )
    assert set(counted) == set(rows) and len(counted) == 200
    assert sorted(ids_per_recipient) == sorted(person.email for person in people)
    assert all(len(ids) == 1 for ids in ids_per_recipient.values())
    # The one message in flight at the kill was accepted twice: at-least-once is the best SMTP
    # allows. It carries the same Message-ID both times, so it is one message to the recipient.
    assert duplicates == {in_flight.message_id: 2}
    assert {rows[message_id].attempts for message_id in rows if rows[message_id].pk in stuck} == {2}


def test_refused_then_deferred_mail_waits_in_the_outbox_and_is_delivered_once(
    idaho: State, smtp_sink: SmtpSink, broker: RedisServer, celery_worker: Worker
) -> None:
    now = timezone.now()
    make_digests_due(idaho.people, at=now)
    assert len(services.queue_digests(now=now)) == 4

    def attempt(expected_attempts: int) -> list[OutgoingEmail]:
        """Make every row due now (what waiting out the backoff does), deliver, wait for the outcome."""
        OutgoingEmail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
        tasks.deliver_outbox.apply_async()
        return wait_until(
            lambda: (
                (rows := list(OutgoingEmail.objects.filter(attempts=expected_attempts).exclude(status=Status.SENDING)))
                and len(rows) == 4
                and rows
            ),
            what=f"delivery attempt {expected_attempts}",
        )

    smtp_sink.stop()  # connections refused
    rows = attempt(1)
    assert {row.status for row in rows} == {Status.QUEUED}
    assert all(row.last_error.startswith("Mail server unavailable: ConnectionRefusedError") for row in rows), rows[0]
    assert all(row.next_attempt_at > timezone.now() for row in rows)  # backing off, not hammering

    smtp_sink.start()
    smtp_sink.answer("rcpt451")
    rows = attempt(2)
    assert {row.status for row in rows} == {Status.QUEUED}
    assert all(": 451 " in row.last_error for row in rows), rows[0].last_error

    smtp_sink.answer("data451")
    rows = attempt(3)
    assert {row.status for row in rows} == {Status.QUEUED}
    assert all(row.last_error.startswith("451 4.3.0") for row in rows), rows[0].last_error
    assert smtp_sink.count() == 0

    smtp_sink.answer("accept")
    rows = attempt(4)
    assert {row.status for row in rows} == {Status.SENT}
    counted = smtp_sink.by_message_id()
    assert set(counted) == {row.message_id for row in rows} and set(counted.values()) == {1}


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_permanent_rejection_fails_the_row_for_good_and_shows_it_to_staff(
    stage: str, idaho: State, smtp_sink: SmtpSink, broker: RedisServer, celery_worker: Worker, client: Client
) -> None:
    staff = factories.make_staff("NASPO", email="staff@naspo.example")
    moved = factories.make_member("ID", Role.VIEWER, email="moved@id.example", full_name="Lee Moved")
    smtp_sink.handler.refuse["moved@id.example"] = stage
    now = timezone.now()
    make_digests_due([*idaho.people, moved], at=now)
    assert len(services.queue_digests(now=now)) == 5

    tasks.deliver_outbox.apply_async()
    wait_until(lambda: all_sent(4) and OutgoingEmail.objects.filter(status=Status.FAILED).exists(), what="delivery")
    failed = OutgoingEmail.objects.get(status=Status.FAILED)
    assert failed.to_address == "moved@id.example" and failed.attempts == 1
    assert "550" in failed.last_error and "5." in failed.last_error, failed.last_error

    # A later run sends what is new and leaves the failed row alone.
    plan_services.add_comment(
        idaho.plan.items.order_by("pk").first(), author=idaho.cio, body="@cpo the pilot report is in."
    )
    assert services.queue_reminders(now=working_hours_from(timezone.now(), idaho.cio.tz))
    tasks.deliver_outbox.apply_async()
    wait_until(lambda: all_sent(5), what="the reminder sent by a later run")
    failed.refresh_from_db()
    assert failed.status == Status.FAILED and failed.attempts == 1
    assert smtp_sink.offered("moved@id.example") == 1
    assert failed.message_id not in smtp_sink.by_message_id()

    client.force_login(staff)
    page = client.get("/email/log/", {"status": "failed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "moved@id.example" in html and escape(failed.last_error) in html
    assert "cpo@id.example" not in html  # only the failed one is listed
