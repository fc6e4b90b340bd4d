"""Reading replies end to end against PostgreSQL (notifications.reading): the corpus's replies
posted, refused or ignored as their cases say; the answers; what protects against loops, spoofing,
replays and people who no longer hold their role."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from pytest_django.fixtures import Settings

from actionplan import services as plan_services
from actionplan.models import Activity, Attachment, Item, ItemSide, Plan, SignOff, Status, Update, Via
from directory.models import Membership, User
from notifications import mail_tokens, reading
from notifications.models import ReplyAddress
from notifications.tasks import read_waiting_mail
from outbox import inbound
from outbox.models import InboundEmail, OutgoingEmail
from tests import factories
from tests.notifications.replies.cases import CASES, Case

pytestmark = pytest.mark.django_db

DOMAIN = "reply.jointplan.example"


@dataclass
class World:
    dana: User  # Idaho's CIO, who got the reminder
    marcus: User  # Idaho's CPO
    plan: Plan


@pytest.fixture
def world(settings: Settings, reference_data: None, media: Path) -> World:
    settings.REPLY_DOMAIN = DOMAIN
    settings.SITE_URL = "https://jointplan.example.org"
    people = factories.idaho_people("cio", "cpo", personal=True)
    return World(dana=people["cio"], marcus=people["cpo"], plan=factories.make_plan())


def items_for(world: World, kinds: tuple[str, ...]) -> list[Item]:
    made = []
    for kind in kinds:
        if kind == "joint":
            made.append(
                factories.make_item(world.plan, side=ItemSide.JOINT, cio_owner=world.dana, cpo_owner=world.marcus)
            )
        else:
            made.append(factories.make_item(world.plan, side=ItemSide.CIO, cio_owner=world.dana, progress=10))
    return made


def reply_to(user: User, items: list[Item]) -> tuple[ReplyAddress, str]:
    issued = mail_tokens.issue_reply_address(user, items)
    assert issued is not None
    return issued


def fill(path: Path, *, address: str, owner: str, nonce: str = "1") -> bytes:
    raw = path.read_text().replace("{{reply_address}}", address).replace("{{owner_address}}", owner)
    return raw.replace("{{nonce}}", nonce).encode()


def receive(raw: bytes, *, envelope_to: tuple[str, ...] = ()) -> InboundEmail:
    stored = inbound.store(raw, source=InboundEmail.Source.FILE, envelope_to=envelope_to)
    return stored.row


def answers(user: User) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.REPLY, recipient=user).order_by("id"))


def one_line(text: str, *, world: World, items: list[Item], nonce: str = "1", sender: str = "") -> bytes:
    """A plain reply of one body `text` to the reply address of `items`."""
    _, address = reply_to(world.dana, items)
    return (
        f"From: Dana Whitfield <{sender or world.dana.email}>\nTo: {address}\nSubject: Re: Joint Plan\n"
        f"Message-ID: <line-{nonce}@idaho.example>\nContent-Type: text/plain; charset=utf-8\n\n{text}\n"
    ).encode()


# --- The corpus -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file)
def test_each_reply_of_the_corpus_comes_to_its_expected_outcome(world: World, case: Case) -> None:
    items = items_for(world, case.items)
    token, address = reply_to(world.dana, items)
    if case.expired:
        ReplyAddress.objects.filter(pk=token.pk).update(expires_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    row = receive(fill(case.path, address=address, owner=world.dana.email.upper()))
    outcome = reading.read_inbound(row.pk)
    row.refresh_from_db()
    assert outcome is not None
    assert row.status == case.outcome, row.outcome
    assert row.outcome == outcome
    assert case.outcome_says in row.outcome
    emailed = Update.objects.filter(via=Via.EMAIL).count() + SignOff.objects.count()
    assert emailed == case.expected_posts, row.outcome
    assert Update.objects.exclude(via=Via.EMAIL).count() == 0
    assert len(answers(world.dana)) == (1 if case.answered else 0)
    assert OutgoingEmail.objects.exclude(recipient=world.dana).count() == 0  # nothing to the From of a stranger
    assert Attachment.objects.count() == case.kept
    assert Activity.objects.filter(verb=Activity.Verb.ATTACHED, via=Via.EMAIL).count() == case.kept
    if case.answered and case.outcome == "posted":
        (answer,) = answers(world.dana)
        assert "Posted, as you" in answer.body_text
        assert "Posted, as you" in answer.body_html


@pytest.mark.parametrize("case", [c for c in CASES if c.outcome == "posted"], ids=lambda c: c.file)
def test_each_posted_line_is_what_the_reply_said(world: World, case: Case) -> None:
    items = items_for(world, case.items)
    _, address = reply_to(world.dana, items)
    row = receive(fill(case.path, address=address, owner=world.dana.email))
    reading.read_inbound(row.pk)
    for code, status, percent, narrative in case.lines:
        item = items[int(code[1:]) - 1] if code else items[0]
        if status == Status.DONE and item.side == ItemSide.JOINT:
            signature = SignOff.objects.get(item=item)
            assert (signature.side, signature.signed_by) == ("cio", world.dana)
            activity = Activity.objects.get(item=item, verb=Activity.Verb.SIGNED_OFF)
            assert activity.via == Via.EMAIL
            assert not Update.objects.filter(item=item).exists()
            item.refresh_from_db()
            assert item.status != Status.DONE  # the CPO side has not signed: never a silent completion
            continue
        update = Update.objects.get(item=item)
        expected_progress = percent if percent is not None else (100 if status == Status.DONE else 10)
        assert (update.status, update.progress, update.narrative) == (status, expected_progress, narrative)
        assert (update.author, update.side, update.via) == (world.dana, "cio", Via.EMAIL)
        assert Activity.objects.get(item=item, verb=Activity.Verb.UPDATED).via == Via.EMAIL


# --- The pipeline -------------------------------------------------------------------------------


def test_a_posted_update_is_confirmed_with_its_item_status_and_link(world: World) -> None:
    (item,) = items_for(world, ("cio",))
    row = receive(one_line("at risk 40% vendor demo slipped", world=world, items=[item]))
    assert reading.read_inbound(row.pk) == "posted 1 update: I1 At risk 40%"
    (answer,) = answers(world.dana)
    assert answer.to_address == world.dana.email
    assert answer.dedupe_key == f"reply-answer:{row.pk}"
    assert answer.subject == f"Joint Plan: posted on “{item.title}”"
    for body in (answer.body_text, answer.body_html):
        assert f"{item.title}</a>: At risk, 40%" in body or f"{item.title}: At risk, 40%" in body
        assert f"https://jointplan.example.org/items/{item.pk}/" in body


def test_an_unreadable_reply_is_answered_with_the_syntax_and_the_items_links(world: World) -> None:
    items = items_for(world, ("cio", "cio"))
    row = receive(one_line("I1: we met the vendor", world=world, items=items))
    assert reading.read_inbound(row.pk) == (
        "rejected: I1 could not read a status: say on track, at risk, off track, blocked or done"
    )
    (answer,) = answers(world.dana)
    assert answer.subject == "Joint Plan: your reply could not be posted"
    for body in (answer.body_text, answer.body_html):
        assert "How to reply" in body
        assert "I1: at risk 40% vendor demo slipped a week" in body
        assert "we met the vendor" in body
        assert f"/items/{items[1].pk}/" in body


def test_reading_the_same_message_twice_posts_once(world: World) -> None:
    (item,) = items_for(world, ("cio",))
    row = receive(one_line("on track", world=world, items=[item]))
    assert reading.read_inbound(row.pk) is not None
    assert reading.read_inbound(row.pk) is None
    assert Update.objects.filter(item=item).count() == 1
    assert len(answers(world.dana)) == 1


def test_the_same_message_stored_twice_is_one_row_and_one_update(world: World) -> None:
    (item,) = items_for(world, ("cio",))
    raw = one_line("on track", world=world, items=[item])
    first, second = inbound.store(raw, source="smtp"), inbound.store(raw, source="smtp")
    assert (first.created, second.created, first.row.pk) == (True, False, second.row.pk)
    read_waiting_mail()
    read_waiting_mail()
    assert Update.objects.filter(item=item).count() == 1


def test_storing_a_message_reads_it_once_it_commits(
    world: World, django_capture_on_commit_callbacks: pytest.FixtureDef
) -> None:
    (item,) = items_for(world, ("cio",))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        row = receive(one_line("blocked waiting on legal", world=world, items=[item]))
    row.refresh_from_db()
    assert (row.status, row.outcome) == ("posted", "posted 1 update: I1 Blocked")
    assert len(mail.outbox) == 1  # the answer, delivered (tasks run eagerly in the tests)


def test_an_auto_reply_gets_no_answer(world: World) -> None:
    (item,) = items_for(world, ("cio",))
    _, address = reply_to(world.dana, [item])
    case = next(c for c in CASES if c.file == "44_auto_submitted")
    row = receive(fill(case.path, address=address, owner=world.dana.email))
    assert reading.read_inbound(row.pk) == "ignored: auto-reply (Auto-Submitted: auto-replied)"
    assert answers(world.dana) == [] and not Update.objects.exists()


def test_the_token_is_found_by_the_envelope_when_the_headers_do_not_name_it(world: World) -> None:
    (item,) = items_for(world, ("cio",))
    _, address = reply_to(world.dana, [item])
    raw = (
        f"From: {world.dana.email}\nTo: undisclosed-recipients:;\nSubject: Re\nMessage-ID: <bcc@x>\n\non track\n"
    ).encode()
    row = receive(raw, envelope_to=(address,))
    assert reading.read_inbound(row.pk) == "posted 1 update: I1 On track"


def test_an_expired_reply_address_is_refused_with_links_to_the_items(world: World) -> None:
    (item,) = items_for(world, ("cio",))
    raw = one_line("on track", world=world, items=[item])
    ReplyAddress.objects.update(expires_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    row = receive(raw)
    assert reading.read_inbound(row.pk) == "rejected: the reply address expired"
    (answer,) = answers(world.dana)
    assert "expired" in answer.subject
    assert f"/items/{item.pk}/" in answer.body_text and f"/items/{item.pk}/" in answer.body_html
    assert not Update.objects.exists()


def test_a_person_whose_role_ended_cannot_post_by_reply(world: World) -> None:
    (item,) = items_for(world, ("cio",))
    raw = one_line("on track", world=world, items=[item])
    Membership.objects.filter(user=world.dana).update(ended_on=datetime.date(2025, 6, 30))
    row = receive(raw)
    outcome = reading.read_inbound(row.pk)
    assert outcome is not None and outcome.startswith("rejected: I1 you can no longer post on this item")
    assert not Update.objects.exists()
    (answer,) = answers(world.dana)
    assert "you can no longer post on this item" in answer.body_text


def test_an_archived_item_is_refused_and_the_others_are_posted(world: World) -> None:
    first, second = items_for(world, ("cio", "cio"))
    raw = one_line("I1: on track\nI2: at risk", world=world, items=[first, second])
    plan_services.archive_item(second, by=world.dana)
    row = receive(raw)
    assert reading.read_inbound(row.pk) == "posted 1 update: I1 On track; not posted: I2 this item is archived"
    assert list(Update.objects.values_list("item", flat=True)) == [first.pk]
    (answer,) = answers(world.dana)
    assert answer.subject == "Joint Plan: part of your reply was posted"
    for body in (answer.body_text, answer.body_html):
        assert "Posted, as you" in body and "Not posted" in body and "this item is archived" in body


def test_a_reply_from_another_address_is_refused_and_the_real_person_warned(world: World) -> None:
    (item,) = items_for(world, ("cio",))
    row = receive(one_line("done", world=world, items=[item], sender="mallory@elsewhere.example"))
    assert reading.read_inbound(row.pk) == "rejected: From does not match; its owner was warned"
    assert not Update.objects.exists()
    (warning,) = answers(world.dana)
    assert warning.to_address == world.dana.email
    assert warning.subject == "Joint Plan: someone else replied to your reminder"
    assert "mallory@elsewhere.example" in warning.body_text and "mallory@elsewhere.example" in warning.body_html
    assert not OutgoingEmail.objects.filter(to_address="mallory@elsewhere.example").exists()


def test_a_dmarc_failure_is_refused_without_an_answer(world: World) -> None:
    (item,) = items_for(world, ("cio",))
    raw = one_line("done", world=world, items=[item]).replace(
        b"Subject:", b"Authentication-Results: mx.example; dmarc=fail header.from=idaho.example\nSubject:"
    )
    row = receive(raw)
    assert reading.read_inbound(row.pk) == "rejected: DMARC failed"
    assert answers(world.dana) == [] and not Update.objects.exists()


def test_answers_stop_after_ten_an_hour_but_updates_are_still_posted(world: World) -> None:
    (item,) = items_for(world, ("cio",))
    outcomes = []
    for n in range(12):
        row = receive(one_line(f"on track {n}%", world=world, items=[item], nonce=str(n)))
        outcomes.append(reading.read_inbound(row.pk))
    assert Update.objects.filter(item=item).count() == 12
    assert len(answers(world.dana)) == reading.ANSWERS_PER_HOUR == 10
    assert outcomes[-1] == "posted 1 update: I1 On track 11%; no answer sent (over 10 answers an hour)"


def test_a_malformed_message_fails_with_its_reason_and_no_answer(world: World) -> None:
    row = receive(b"\x00\xff not an email at all")
    outcome = reading.read_inbound(row.pk)
    row.refresh_from_db()
    assert row.status == "failed" and outcome is not None and outcome.startswith("failed: malformed")


def test_a_message_to_no_address_of_ours_is_refused_without_an_answer(world: World) -> None:
    row = receive(b"From: someone@example.org\nTo: help@jointplan.example\nMessage-ID: <x@y>\n\non track\n")
    assert reading.read_inbound(row.pk) == "rejected: no reply address of ours"
    assert not OutgoingEmail.objects.exists()


def test_acting_for_both_sides_of_a_joint_item_posts_for_the_side_they_own(world: World) -> None:
    factories.make_member("ID", Membership.Role.CPO_DELEGATE, user=world.marcus)  # still the CPO too
    factories.make_member("ID", Membership.Role.CIO_DELEGATE, user=world.marcus)
    item = factories.make_item(world.plan, side=ItemSide.JOINT, cio_owner=world.dana, cpo_owner=world.marcus)
    _, address = reply_to(world.marcus, [item])
    raw = f"From: {world.marcus.email}\nTo: {address}\nMessage-ID: <both@x>\n\nat risk 20%\n".encode()
    reading.read_inbound(receive(raw).pk)
    assert Update.objects.get(item=item).side == "cpo"


def test_the_read_mail_command_reads_what_waits_and_its_dry_run_reads_nothing(world: World) -> None:
    (item,) = items_for(world, ("cio",))
    receive(one_line("on track", world=world, items=[item]))
    out = __import__("io").StringIO()
    call_command("read_mail", "--dry-run", stdout=out)
    assert "1 messages waiting to be read." in out.getvalue() and "Re: Joint Plan" in out.getvalue()
    assert not Update.objects.exists()
    call_command("read_mail", stdout=out)
    assert "posted 1 update: I1 On track" in out.getvalue()
    assert Update.objects.count() == 1


def test_our_own_email_forwarded_back_to_a_reply_address_is_ignored_not_answered(
    world: World, settings: Settings
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Joint Plan <no-reply@jointplan.example>"
    (item,) = items_for(world, ("cio",))
    row = receive(one_line("Posted, as you: On track", world=world, items=[item], sender="No-Reply@jointplan.example"))
    assert reading.read_inbound(row.pk) == "ignored: our own email came back"
    assert answers(world.dana) == [] and not Update.objects.exists()
