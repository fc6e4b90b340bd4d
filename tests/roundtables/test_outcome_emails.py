"""Telling a state of the outcomes proposed to it: one email per CIO and CPO per event and batch,
listing every outcome staff proposed to it meanwhile, with the outcomes' Markdown rendered in the
HTML part and read as plain words in the text part. Delivered through the real outbox."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.utils import timezone
from time_machine import TimeMachineFixture

from directory.models import User
from outbox.models import OutgoingEmail
from roundtables.models import Outcome, OutcomeProposal, Roundtable
from roundtables.services import outcomes as services
from tests import factories
from tests.factories import make_outcome, make_past_event
from tests.notifications.helpers import SITE_URL, deliver_all, delivered_to, html_of, while_another_transaction_holds

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

People = dict[str, User | None]
QUIET = services.ANNOUNCE_WHEN_QUIET_FOR
A_CLICK_LATER = datetime.timedelta(seconds=40)
FALL = "2026 Fall CIO–CPO Roundtable"
OUTCOMES = [
    ("Name a point of contact", "Each state names *one* person in each office."),
    ("Meet monthly", "The two offices meet **monthly**, with the _agenda_ shared a week ahead."),
    ("Publish the contacts", "Publish the list:\n\n- the CIO office's contact\n- the CPO office's contact"),
]


@pytest.fixture
def event(people: People) -> Roundtable:
    return make_past_event(title=FALL)


def person(people: People, key: str) -> User:
    user = people[key]
    assert user is not None
    return user


def propose_one_after_another(event: Roundtable, staff: User, clock: TimeMachineFixture) -> list[Outcome]:
    """Staff propose the event's three outcomes with a click every 40 seconds, as on its page."""
    recorded = [make_outcome(event, title=title, text=text) for title, text in OUTCOMES]
    for outcome in recorded:
        services.propose_outcome(outcome, by=staff)
        clock.shift(A_CLICK_LATER)
    return recorded


def test_three_outcomes_proposed_to_idaho_make_one_email_per_recipient_listing_all(
    people: People, event: Roundtable, clock: TimeMachineFixture, outbox: list[EmailMessage]
) -> None:
    recorded = propose_one_after_another(event, person(people, "staff"), clock)
    assert services.announce_proposals() == []  # the last click was 40 seconds ago: more may come

    clock.shift(QUIET)
    services.announce_proposals()
    deliver_all()

    idaho = list(OutcomeProposal.objects.filter(jurisdiction__code="ID").order_by("outcome__position"))
    assert [p.outcome for p in idaho] == recorded
    for key in ("cio_A", "cpo_A"):
        (message,) = delivered_to(outbox, person(people, key))
        assert message.subject == f"3 outcomes from {FALL} to decide on"
        html, text = html_of(message), message.body
        for part in (html, text):
            positions = [part.index(title) for title, _ in OUTCOMES]
            assert positions == sorted(positions)  # in the event's order
            for proposal in idaho:
                assert f"{SITE_URL}/proposals/{proposal.pk}/" in part
        assert f'href="{SITE_URL}/proposals/"' in html  # and the page listing all of them
        assert f"Every outcome proposed to Idaho: {SITE_URL}/proposals/\n" in text
        assert "<em>one</em>" in html
        assert "<strong>monthly</strong>" in html and "<em>agenda</em>" in html
        assert "<li>the CIO office" in html
        assert "Each state names one person in each office." in text
        assert "The two offices meet monthly, with the agenda shared a week ahead." in text
        assert "- the CIO office" in text
        assert "*" not in text and "_agenda_" not in text
    (maine,) = delivered_to(outbox, person(people, "cio_B"))  # Maine attended too, and is told apart
    assert maine.subject == f"3 outcomes from {FALL} to decide on"
    assert len(outbox) == 3


def test_outcomes_of_two_roundtables_make_two_emails(
    people: People, event: Roundtable, clock: TimeMachineFixture, outbox: list[EmailMessage]
) -> None:
    spring = make_past_event(title="2026 Spring Task Force", day=datetime.date(2026, 4, 14))
    staff = person(people, "staff")
    services.propose_outcome(make_outcome(event, title="Name a point of contact"), by=staff)
    services.propose_outcome(make_outcome(event, title="Meet monthly"), by=staff)
    services.propose_outcome(make_outcome(spring, title="Share one intake form"), by=staff)

    clock.shift(QUIET)
    services.announce_proposals()
    deliver_all()

    messages = delivered_to(outbox, person(people, "cio_A"))
    assert sorted(m.subject for m in messages) == [
        "1 outcome from 2026 Spring Task Force to decide on",
        f"2 outcomes from {FALL} to decide on",
    ]
    (spring_email,) = [m for m in messages if "Spring" in m.subject]
    assert "Share one intake form" in spring_email.body and "Meet monthly" not in spring_email.body


def test_an_outcome_proposed_after_the_email_went_out_comes_in_the_next_one(
    people: People, event: Roundtable, clock: TimeMachineFixture
) -> None:
    staff = person(people, "staff")
    services.propose_outcome(make_outcome(event, title="Name a point of contact"), by=staff)
    clock.shift(QUIET)
    first = services.announce_proposals()
    assert services.announce_proposals() == []  # run again, or late: nothing more

    services.propose_outcome(make_outcome(event, title="Meet monthly"), by=staff)
    clock.shift(QUIET)
    second = services.announce_proposals()

    cio = person(people, "cio_A")
    (before,) = [row for row in first if row.recipient_id == cio.pk]
    (after,) = [row for row in second if row.recipient_id == cio.pk]
    assert before.dedupe_key != after.dedupe_key
    assert "Name a point of contact" in before.body_text and "Meet monthly" not in before.body_text
    assert "Meet monthly" in after.body_text and "Name a point of contact" not in after.body_text
    assert OutgoingEmail.objects.filter(recipient=cio).count() == 2


def test_staff_who_keep_proposing_hold_the_first_outcome_back_half_an_hour_at_most(
    people: People, event: Roundtable, clock: TimeMachineFixture
) -> None:
    staff, started = person(people, "staff"), timezone.now()
    for n in range(15):  # one every two minutes: never quiet for long enough
        services.propose_outcome(make_outcome(event, title=f"Outcome {n + 1}"), by=staff)
        assert services.announce_proposals() == []
        clock.shift(datetime.timedelta(minutes=2))
    assert timezone.now() - started == services.ANNOUNCE_AT_THE_LATEST
    services.propose_outcome(make_outcome(event, title="Outcome 16"), by=staff)

    queued = services.announce_proposals()

    (row,) = [r for r in queued if r.recipient_id == person(people, "cio_A").pk]
    assert row.subject == f"16 outcomes from {FALL} to decide on"


def test_an_outcome_decided_before_the_email_is_not_listed_and_nobody_gets_an_empty_one(
    people: People, event: Roundtable, clock: TimeMachineFixture
) -> None:
    staff, cio_id, cio_me = person(people, "staff"), person(people, "cio_A"), person(people, "cio_B")
    contact, monthly = make_outcome(event, title="Name a point of contact"), make_outcome(event, title="Meet monthly")
    services.propose_outcome(contact, by=staff)
    services.propose_outcome(monthly, by=staff)
    # Seen in the app straight away, and declined before the email went out.
    services.decline_proposal(monthly.proposals.get(jurisdiction__code="ID"), by=cio_id, reason="We meet weekly.")
    for outcome in (contact, monthly):
        services.decline_proposal(outcome.proposals.get(jurisdiction__code="ME"), by=cio_me, reason="By statute.")

    clock.shift(QUIET)
    queued = services.announce_proposals()

    assert {row.to_address for row in queued} == {"cio@id.example", "cpo@id.example"}
    (row,) = [r for r in queued if r.to_address == "cio@id.example"]
    assert row.subject == f"1 outcome from {FALL} to decide on"
    assert "Meet monthly" not in row.body_text
    assert not OutcomeProposal.objects.filter(announced_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_queue_each_email_once(reference_data: None, time_machine: TimeMachineFixture) -> None:
    """One scan holds the batch's locks, uncommitted, while another starts in another connection:
    the second waits, then finds the batch announced and queues nothing."""
    factories.make_member("ID", "cio", email="cio@id.example")
    factories.make_member("ID", "cpo", email="cpo@id.example")
    staff = factories.make_staff("NASPO", email="staff@naspo.example")
    event = make_past_event(attended=("ID",), invited=())
    for title, text in OUTCOMES:
        services.propose_outcome(make_outcome(event, title=title, text=text), by=staff)
    later = OutcomeProposal.objects.latest("pk").proposed_at + QUIET

    second = while_another_transaction_holds(
        lambda: services.announce_proposals(now=later), lambda: services.announce_proposals(now=later)
    )

    assert second == []
    assert sorted(OutgoingEmail.objects.values_list("to_address", flat=True)) == ["cio@id.example", "cpo@id.example"]
    assert {row.subject for row in OutgoingEmail.objects.all()} == {"3 outcomes from Fall roundtable to decide on"}


def test_the_command_lists_then_queues_the_announcements(
    people: People, event: Roundtable, clock: TimeMachineFixture
) -> None:
    """`manage.py send_proposal_announcements`: the human twin of the task, with a dry run that
    names who would be told of what and writes nothing."""
    propose_one_after_another(event, person(people, "staff"), clock)
    clock.shift(QUIET)
    out = StringIO()

    call_command("send_proposal_announcements", "--dry-run", stdout=out)

    listed = out.getvalue()
    for key in ("cio_A", "cpo_A"):
        assert f"{person(people, key).email}: {event} proposed to Idaho: " in listed
    assert "nothing was sent (dry run)" in listed
    assert not OutgoingEmail.objects.exists()
    assert not OutcomeProposal.objects.filter(announced_at__isnull=False).exists()

    call_command("send_proposal_announcements", stdout=StringIO())

    assert OutgoingEmail.objects.count() == len(listed.splitlines()) - 1
    assert not OutcomeProposal.objects.filter(announced_at__isnull=True).exists()
