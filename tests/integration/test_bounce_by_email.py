"""A bounce with every part a real process (issue 16, part 7): a reminder leaves through the SMTP
sink with its own bounce address as envelope sender; the recipient's mail server reports, over
SMTP to the running listener (`manage.py receive_mail`), that the mailbox does not exist; a Celery
worker reads the report, fails the email, flags the address and sends "has X left office?" to the
CIO's counterpart and the CIOs' association staff, through the sink. The same report again
changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from notifications.models import AddressBounce
from outbox import emails, tasks
from outbox.models import InboundEmail, OutgoingEmail
from tests import factories
from tests.factories import State
from tests.integration.conftest import REPLY_DOMAIN, Listener
from tests.integration.harness import RedisServer, SmtpSink, Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
Kind = OutgoingEmail.Kind
REPORT = Path(__file__).parents[1] / "outbox" / "bounces" / "postfix_user_unknown.eml"


def test_a_hard_bounce_reported_to_the_listener_fails_the_email_and_asks_who_can_act_once(
    idaho: State,
    smtp_sink: SmtpSink,
    broker: RedisServer,
    replies_on: str,
    start_worker: Callable[[str], Worker],
    start_listener: Callable[..., Listener],
) -> None:
    factories.make_staff("NASCIO", email="staff@nascio.example")
    factories.make_staff("NASPO", email="staff@naspo.example")
    reminder = emails.queue(
        Kind.REMINDER,
        user=idaho.cio,
        dedupe_key="reminders:bounce-test",
        template="reminders",
        context={"sections": [{"title": "Due in 7 days", "entries": []}], "count": 1},
    )
    assert reminder is not None
    start_worker("bounces")
    listener = start_listener()

    tasks.deliver_outbox.apply_async()
    wait_until(lambda: smtp_sink.count() == 1, what="the reminder in the sink")
    sent = smtp_sink.accepted[0]
    assert sent.mail_from.startswith(f"bounce+{reminder.pk}-") and sent.mail_from.endswith(f"@{REPLY_DOMAIN}")

    # The CIO's mail server says the mailbox is gone, to the Return-Path, from the null sender.
    raw = (
        REPORT.read_text()
        .replace("{bounce_address}", sent.mail_from)
        .replace("{message_id}", sent.message_id)
        .replace("{recipient}", idaho.cio.email)
        .encode()
    )
    with listener.smtp() as client:
        client.sendmail("", [sent.mail_from], raw)
    wait_until(lambda: InboundEmail.objects.filter(status=InboundEmail.Status.BOUNCED).exists(), what="the report read")
    reminder.refresh_from_db()
    assert reminder.status == OutgoingEmail.Status.FAILED
    assert reminder.last_error.startswith("Bounced: 550 5.1.1")
    assert AddressBounce.objects.get().user == idaho.cio

    # The CPO and NASCIO's staff are asked, through the sink; NASPO's staff are not.
    wait_until(lambda: smtp_sink.count() == 3, what="two notices in the sink")
    notices = {message.to[0]: message for message in smtp_sink.accepted[1:]}
    assert set(notices) == {idaho.cpo.email, "staff@nascio.example"}
    for message in notices.values():
        assert "left office?" in message.subject

    # The same report delivered again: stored once, nobody told twice.
    with listener.smtp() as client:
        client.sendmail("", [sent.mail_from], raw)
    assert InboundEmail.objects.count() == 1
    tasks.deliver_outbox.apply_async()
    wait_until(lambda: not OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).exists(), what="idle")
    assert OutgoingEmail.objects.filter(kind=Kind.BOUNCE).count() == 2
    assert smtp_sink.count() == 3
