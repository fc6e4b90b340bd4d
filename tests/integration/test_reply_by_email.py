"""The whole reply loop with every part a real process (issue 16): a reminder leaves through the SMTP
sink with its reply address; the owner's reply reaches the listener (`manage.py receive_mail`) over
SMTP; a Celery worker reads it and posts the update through the same service as the item's page;
the item page shows it came by email, and the confirmation arrives in the sink. Then the same
message delivered again, and an out-of-office answer to the same reminder: neither posts nor
answers anything more.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from actionplan import services as plan_services
from actionplan.models import Activity, Item, ItemSide, Status, Update, Via
from notifications import services
from outbox import tasks
from outbox.models import InboundEmail, OutgoingEmail
from tests.factories import State
from tests.integration.conftest import REPLY_DOMAIN, Listener
from tests.integration.harness import RedisServer, SmtpSink, Worker, wait_until
from tests.integration.moments import working_hours_from

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
Kind = OutgoingEmail.Kind


def reply_to(reminder: EmailMessage, *, body: str, message_id: str, **headers: str) -> bytes:
    """What a mail client sends when its user presses Reply: To the Reply-To, the new text on top
    and the reminder quoted below it."""
    reply = EmailMessage()
    reply["From"] = "Ana Idaho CIO <CIO@id.example>"  # the case of an address is not who it is
    reply["To"] = reminder["Reply-To"]
    reply["Subject"] = f"Re: {reminder['Subject']}"
    reply["Message-ID"] = message_id
    reply["In-Reply-To"] = reminder["Message-ID"]
    for name, value in headers.items():
        reply[name.replace("_", "-")] = value
    quoted = "\n".join(f"> {line}" for line in reminder.get_body(("plain",)).get_content().splitlines())
    reply.set_content(f"{body}\n\nOn Mon, Nov 30, 2026 at 9:02 AM Joint Plan wrote:\n{quoted}\n")
    return reply.as_bytes()


def test_a_reply_to_a_reminder_posts_the_update_and_is_confirmed_once(
    idaho: State,
    smtp_sink: SmtpSink,
    broker: RedisServer,
    replies_on: str,
    start_worker: Callable[[str], Worker],
    start_listener: Callable[..., Listener],
) -> None:
    at = working_hours_from(timezone.now(), idaho.cio.tz)
    local_day = at.astimezone(ZoneInfo(idaho.cio.tz)).date()
    item = plan_services.create_item(
        idaho.plan,
        by=idaho.cio,
        dimension=idaho.plan.items.first().dimension,
        title="Publish the shared procurement playbook",
        side=ItemSide.CIO,
        starts_on=local_day,
        due_on=local_day + datetime.timedelta(days=7),
        cio_owner=idaho.cio,
    )
    start_worker("replies")
    listener = start_listener()

    # The reminder goes out through the sink, carrying the reply address.
    assert [batch.user for batch in services.queue_reminders(now=at)] == [idaho.cio]
    tasks.deliver_outbox.apply_async()
    wait_until(lambda: smtp_sink.count() == 1, what="the reminder in the sink")
    reminder = smtp_sink.accepted[0].parsed()
    assert reminder["Reply-To"].startswith("update+") and reminder["Reply-To"].endswith(f"@{REPLY_DOMAIN}")
    assert "[I1]" in reminder.get_body(("plain",)).get_content()

    # The owner replies over SMTP to the running listener; the worker reads it and posts.
    raw = reply_to(reminder, body="At risk 40% vendor demo slipped a week", message_id="<r1@mail.id.example>")
    with listener.smtp() as client:
        client.sendmail("cio@id.example", [reminder["Reply-To"]], raw)
    wait_until(lambda: Update.objects.filter(item=item).exists(), what="the update posted by the worker")
    update = Update.objects.get(item=item)
    assert (update.author, update.side, update.status, update.progress) == (idaho.cio, "cio", Status.AT_RISK, 40)
    assert update.via == Via.EMAIL and update.narrative == "vendor demo slipped a week"
    assert Activity.objects.get(item=item, verb=Activity.Verb.UPDATED).via == Via.EMAIL
    assert Item.objects.get(pk=item.pk).status == Status.AT_RISK
    row = InboundEmail.objects.get()
    wait_until(lambda: InboundEmail.objects.get().status == InboundEmail.Status.POSTED, what="the row read")

    # The item's page says how it came.
    client = Client()
    client.force_login(idaho.cio)
    assert "by email" in client.get(f"/items/{item.pk}/").content.decode()

    # The confirmation arrives in the sink, once.
    wait_until(lambda: smtp_sink.count() == 2, what="the confirmation in the sink")
    confirmation = smtp_sink.accepted[1]
    assert confirmation.to == ("cio@id.example",)
    answer = OutgoingEmail.objects.get(kind=Kind.REPLY)
    assert confirmation.message_id == answer.message_id
    # Threaded under the reply and marked automatic (RFC 3834): the sender's autoresponder stays quiet.
    assert confirmation.headers["In-Reply-To"] == "<r1@mail.id.example>"
    assert confirmation.headers["Auto-Submitted"] == "auto-replied"
    text = confirmation.parsed().get_body(("plain",)).get_content()
    assert "Publish the shared procurement playbook" in text and "At risk" in text and "40%" in text

    # The same message delivered a second time (a sender's retry): stored once, posted once.
    with listener.smtp() as client:
        client.sendmail("cio@id.example", [reminder["Reply-To"]], raw)
    assert InboundEmail.objects.get().pk == row.pk

    # An out-of-office answer to the same reminder: stored, ignored, and never answered.
    auto = reply_to(
        reminder,
        body="I am out of the office until Monday.",
        message_id="<ooo@mail.id.example>",
        Auto_Submitted="auto-replied",
    )
    with listener.smtp() as client:
        client.sendmail("cio@id.example", [reminder["Reply-To"]], auto)
    wait_until(
        lambda: InboundEmail.objects.filter(message_id="<ooo@mail.id.example>", status="ignored").exists(),
        what="the auto-reply read and ignored",
    )
    tasks.deliver_outbox.apply_async()  # anything queued would be sent now
    wait_until(lambda: not OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).exists(), what="idle")
    assert Update.objects.filter(item=item).count() == 1
    assert OutgoingEmail.objects.filter(kind=Kind.REPLY).count() == 1
    assert smtp_sink.count() == 2
