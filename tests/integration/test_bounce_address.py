"""The envelope sender a real SMTP server is given: each email's own bounce address when
REPLY_DOMAIN is set, so that a report of its failure comes back naming it; the site's sender when
it is not. The From header is the same either way."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from config.env import parse_email_url
from outbox import bounces, delivery, emails
from outbox.models import OutgoingEmail
from tests.integration.harness import SmtpSink

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def queue(address: str, key: str) -> OutgoingEmail:
    row = emails.queue(
        OutgoingEmail.Kind.REMINDER,
        to_address=address,
        dedupe_key=key,
        template="reminders",
        context={"sections": [{"title": "Due in 7 days", "entries": []}], "count": 1},
    )
    assert row is not None
    return row


@pytest.fixture
def to_the_sink(settings: Settings, smtp_sink: SmtpSink) -> SmtpSink:
    settings.MAILERS = {"default": parse_email_url("EMAIL_URL", smtp_sink.url)}
    return smtp_sink


def test_with_a_reply_domain_each_email_leaves_with_its_own_bounce_address(
    settings: Settings, to_the_sink: SmtpSink
) -> None:
    settings.REPLY_DOMAIN = "reply.jointplan.example"
    first, second = queue("dana@idaho.example", "test:1"), queue("marcus@idaho.example", "test:2")

    assert delivery.deliver(delivery.claim()).sent == 2

    senders = {message.to[0]: message.mail_from for message in to_the_sink.accepted}
    assert senders == {
        "dana@idaho.example": f"bounce+{first.pk}-{bounces._mac(first.pk)}@reply.jointplan.example",
        "marcus@idaho.example": f"bounce+{second.pk}-{bounces._mac(second.pk)}@reply.jointplan.example",
    }
    for message in to_the_sink.accepted:
        assert message.headers["From"] == "Joint Plan <no-reply@jointplan.localhost>"
        assert bounces.find_row(message.mail_from) is not None


def test_without_a_reply_domain_the_envelope_sender_is_the_sites_own(settings: Settings, to_the_sink: SmtpSink) -> None:
    settings.REPLY_DOMAIN = ""
    queue("dana@idaho.example", "test:1")

    assert delivery.deliver(delivery.claim()).sent == 1

    (message,) = to_the_sink.accepted
    assert message.mail_from == "no-reply@jointplan.localhost"
    assert message.headers["From"] == "Joint Plan <no-reply@jointplan.localhost>"
