"""What a bounce means: a hard bounce of a person's mail fails the email, flags their address once,
and asks the association staff of their office and their counterpart in the state "has X left
office?", once; a soft one changes nothing; a bounce of mail to a bare address (an invitation)
flags nobody; a changed address closes the flag. And the reader of inbound mail
(notifications.reading) hands a bounce here before it reads anything as a reply."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage
from pytest_django.fixtures import Settings

from directory.models import Membership, User
from notifications import reading
from notifications.models import AddressBounce
from outbox import inbound
from outbox.models import InboundEmail
from tests import factories
from tests.factories import State
from tests.notifications.bounce_helpers import (
    DOMAIN,
    FIXTURES,
    Status,
    bounce_notices,
    handle,
    report,
    sent_to,
)
from tests.notifications.helpers import deliver_all, html_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reply_domain(settings: Settings) -> None:
    settings.REPLY_DOMAIN = DOMAIN


@pytest.fixture
def staff() -> dict[str, User]:
    return {
        "nascio": factories.make_staff("NASCIO", email="analyst@nascio.example", full_name="Morgan Lee"),
        "naspo": factories.make_staff("NASPO", email="director@naspo.example", full_name="Alex Rivera"),
    }


def test_a_hard_bounce_fails_the_email_flags_the_address_and_asks_staff_and_the_counterpart_once(
    idaho: State, staff: dict[str, User], outbox: list[EmailMessage]
) -> None:
    idaho.item(cio_owner=idaho.cio)
    reminder = sent_to(idaho.cio)

    outcome = handle(report(reminder))

    assert outcome is not None and outcome.startswith(
        f"bounced: email {reminder.pk} to dana@idaho.example marked failed"
    )
    reminder.refresh_from_db()
    assert reminder.status == Status.FAILED
    assert reminder.last_error.startswith("Bounced: 550 5.1.1 <dana@idaho.example>: Recipient address rejected")
    (flag,) = AddressBounce.objects.all()
    assert (flag.user, flag.address, flag.email, flag.cleared_at) == (idaho.cio, "dana@idaho.example", reminder, None)
    # Her counterpart, the CPO, and the staff of the CIOs' association; not NASPO's.
    assert set(bounce_notices()) == {"marcus@idaho.example", "analyst@nascio.example"}

    deliver_all()
    by_address = {message.to[0]: message for message in outbox}
    for address in ("marcus@idaho.example", "analyst@nascio.example"):
        message = by_address[address]
        assert message.subject == "Joint Plan: mail to Dana Whitfield bounces: has Dana left office?"
        for body in (str(message.body), html_of(message)):
            assert "Has Dana left office?" in body
            assert "Recipient address rejected: User unknown" in body
            assert "/states/ID/people/" in body
            assert f"/plans/{idaho.plan.pk}/owners/" in body  # she owns an open item to hand on
    assert "/email/bounces/" in str(by_address["analyst@nascio.example"].body)
    assert "/email/bounces/" not in str(by_address["marcus@idaho.example"].body)


def test_a_second_bounce_to_a_flagged_address_fails_its_email_and_tells_nobody_again(
    idaho: State, staff: dict[str, User]
) -> None:
    handle(report(sent_to(idaho.cio)))
    told = len(bounce_notices())
    digest = sent_to(idaho.cio, key="digest:1")

    outcome = handle(report(digest, "gmail_no_such_user.eml"))

    assert outcome is not None and outcome.endswith("dana@idaho.example was already flagged")
    digest.refresh_from_db()
    assert digest.status == Status.FAILED
    assert AddressBounce.objects.count() == 1
    assert len(bounce_notices()) == told == 2


def test_a_delegates_bounce_asks_the_principal_of_their_own_office(idaho: State, staff: dict[str, User]) -> None:
    deputy = factories.make_member("ID", Membership.Role.CIO_DELEGATE, email="priya@idaho.example")

    handle(report(sent_to(deputy)))

    assert set(bounce_notices()) == {"dana@idaho.example", "analyst@nascio.example"}


def test_a_cpos_bounce_asks_the_cio_and_naspo_staff(idaho: State, staff: dict[str, User]) -> None:
    handle(report(sent_to(idaho.cpo)))

    assert set(bounce_notices()) == {"dana@idaho.example", "director@naspo.example"}


def test_a_soft_bounce_changes_nothing_and_tells_nobody(idaho: State, staff: dict[str, User]) -> None:
    reminder = sent_to(idaho.cio)

    outcome = handle(report(reminder, "postfix_delayed.eml"))

    assert outcome is not None and outcome.startswith("bounced (soft, nothing changed)")
    reminder.refresh_from_db()
    assert reminder.status == Status.SENT
    assert not AddressBounce.objects.exists() and not bounce_notices()


def test_a_bounced_invitation_to_a_bare_address_fails_and_flags_nobody(idaho: State, staff: dict[str, User]) -> None:
    invitation = sent_to(address="newcio@idaho.example", key="invitation:1")

    outcome = handle(report(invitation))

    invitation.refresh_from_db()
    assert invitation.status == Status.FAILED and invitation.last_error.startswith("Bounced: 550 5.1.1")
    assert (
        outcome == f"bounced: email {invitation.pk} to newcio@idaho.example marked failed: {invitation.last_error[9:]}"
    )
    assert not AddressBounce.objects.exists() and not bounce_notices()


def test_a_bounce_of_an_address_the_person_no_longer_has_flags_nothing(idaho: State, staff: dict[str, User]) -> None:
    reminder = sent_to(idaho.cio)
    idaho.cio.email = "dana.whitfield@idaho.example"
    idaho.cio.save()

    outcome = handle(report(reminder))

    assert outcome is not None and outcome.endswith("the person's address has changed since")
    assert not AddressBounce.objects.exists() and not bounce_notices()


def test_changing_the_persons_address_clears_the_flag_and_a_new_bounce_flags_again(
    idaho: State, staff: dict[str, User]
) -> None:
    handle(report(sent_to(idaho.cio)))
    idaho.cio.last_login = idaho.cio.date_joined
    idaho.cio.save(update_fields=["last_login"])
    assert AddressBounce.objects.get().cleared_at is None

    idaho.cio.email = "dana.whitfield@idaho.example"
    idaho.cio.save()

    assert AddressBounce.objects.get().cleared_at is not None
    handle(report(sent_to(idaho.cio, key="reminders:2")))
    assert AddressBounce.objects.filter(cleared_at__isnull=True).get().address == "dana.whitfield@idaho.example"


def test_a_message_that_is_no_bounce_is_left_to_the_reply_reader(idaho: State) -> None:
    row = sent_to(idaho.cio)
    text = (FIXTURES / "plain_reply.eml").read_text()
    raw = text.replace("{recipient}", "dana@idaho.example").replace("{message_id}", row.message_id)
    stored = inbound.store(
        raw.replace("{envelope_to}", f"update+{'a' * 26}@{DOMAIN}").encode(), source="smtp", envelope_to=[]
    )

    assert handle(stored.row) is None
    row.refresh_from_db()
    assert row.status == Status.SENT


def test_the_reading_pipeline_reads_a_bounce_first_and_records_it(idaho: State, staff: dict[str, User]) -> None:
    reminder = sent_to(idaho.cio)
    stored = report(reminder)

    outcome = reading.read_inbound(stored.pk)

    stored.refresh_from_db()
    assert stored.status == InboundEmail.Status.BOUNCED
    assert outcome == stored.outcome and "marked failed" in stored.outcome
    assert AddressBounce.objects.filter(user=idaho.cio).exists()
    assert len(bounce_notices()) == 2
