"""Reminders: each kind is said once, when it becomes true, in the recipient's working hours, in one
combined email per person per scan; nothing is said to someone who has left or switched it off."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import EmailMessage
from time_machine import TimeMachineFixture

from actionplan import services as plan_services
from actionplan.models import Item, ItemSide, Status
from directory.models import Membership, User
from notifications import services
from notifications.models import ReminderSent
from outbox import delivery, emails
from outbox.models import OutgoingEmail
from tests import factories
from tests.factories import State, make_item, make_plan
from tests.notifications.helpers import (
    NOW,
    SITE_URL,
    WEDNESDAY,
    at,
    days,
    deliver_all,
    delivered_to,
    html_of,
    rows_for,
    while_another_transaction_holds,
)

pytestmark = pytest.mark.django_db

Role = Membership.Role
PLAN_END = datetime.date(2027, 6, 30)  # far from every date below: the item is neither due nor late
THURSDAY, FRIDAY, SATURDAY, SUNDAY = (WEDNESDAY + days(n) for n in range(1, 5))
NEXT_MONDAY, NEXT_TUESDAY = WEDNESDAY + days(5), WEDNESDAY + days(6)


def scan(clock: TimeMachineFixture, when: datetime.datetime) -> list[services.ReminderBatch]:
    """Run the reminder scan at `when`, with the clock there too (rows get that created_at)."""
    clock.move_to(when, tick=False)
    return services.queue_reminders(now=when)


def told(user: User) -> list[str]:
    """The reminder facts already told to `user`, in order of key."""
    return sorted(ReminderSent.objects.filter(user=user).values_list("key", flat=True))


# --- One entry per kind of reminder: how to make it true now, and how to be one step short of it --


def _due_in_7(state: State) -> User:
    state.item(due_on=WEDNESDAY + days(7), title="Records retention schedule")
    return state.cio


def _due_in_8(state: State) -> None:
    state.item(due_on=WEDNESDAY + days(8), title="Records retention schedule")


def _due_tomorrow(state: State) -> User:
    state.item(due_on=THURSDAY, title="Cloud contract renewal")
    return state.cio


def _due_in_2(state: State) -> None:
    state.item(due_on=FRIDAY, title="Cloud contract renewal")


def _overdue(state: State) -> User:
    state.item(due_on=WEDNESDAY - days(3), title="Shared services inventory")
    return state.cio


def _due_today(state: State) -> None:
    state.item(due_on=WEDNESDAY, title="Shared services inventory")


# Due within the plan's 14-day cadence but outside the due-in-7-days window: a never-updated,
# not-started item due further off than the cadence is waiting, not stale (actionplan.rules.is_waiting).
STALE_DUE = WEDNESDAY + days(10)


def _stale(state: State) -> User:
    state.plan.stale_after_days = 14
    state.plan.save(update_fields=["stale_after_days"])
    state.item(due_on=STALE_DUE, title="Vendor risk reviews", created_at=NOW - days(14))
    return state.cio


def _quiet_for_13_days(state: State) -> None:
    state.plan.stale_after_days = 14
    state.plan.save(update_fields=["stale_after_days"])
    state.item(due_on=STALE_DUE, title="Vendor risk reviews", created_at=NOW - days(13))


def _counterpart_signed(state: State) -> User:
    item = state.item(side=ItemSide.JOINT, due_on=PLAN_END, title="Joint procurement playbook")
    plan_services.sign_off(item, by=state.cpo, side="cpo")
    return state.cio


def _nobody_signed(state: State) -> None:
    state.item(side=ItemSide.JOINT, due_on=PLAN_END, title="Joint procurement playbook")


def _mentioned(state: State) -> User:
    item = state.item(side=ItemSide.JOINT, due_on=PLAN_END, title="Joint procurement playbook")
    plan_services.add_comment(item, author=state.cpo, body="@dana can you review section 3 before Friday?")
    return state.cio


def _comment_without_mention(state: State) -> None:
    item = state.item(side=ItemSide.JOINT, due_on=PLAN_END, title="Joint procurement playbook")
    plan_services.add_comment(item, author=state.cpo, body="Section 3 is ready for review.")


@dataclass(frozen=True)
class Kind:
    name: str
    prefix: str  # how this kind's fact keys begin
    topic: str  # the preference that switches it off
    title: str  # its section heading in the email
    arrange: Callable[[State], User]  # make it true at NOW; returns who is to be told
    arrange_not_yet: Callable[[State], None]  # one step short of true at NOW


KINDS = [
    Kind("due in 7 days", "due7:", "reminders_due", "Due in 7 days", _due_in_7, _due_in_8),
    Kind("due tomorrow", "due1:", "reminders_due", "Due tomorrow", _due_tomorrow, _due_in_2),
    Kind("overdue", "overdue:", "reminders_overdue", "Overdue", _overdue, _due_today),
    Kind("stale", "stale:", "reminders_stale", "No update for a while", _stale, _quiet_for_13_days),
    Kind(
        "awaiting sign-off",
        "signoff:",
        "reminders_sign_off",
        "Awaiting your sign-off",
        _counterpart_signed,
        _nobody_signed,
    ),
    Kind("mention", "mention:", "reminders_mention", "You were mentioned", _mentioned, _comment_without_mention),
]
each_kind = pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])


# --- The trio, for every kind ---------------------------------------------------------------------


@each_kind
def test_a_reminder_is_sent_when_it_becomes_due(kind: Kind, idaho: State, outbox: list[EmailMessage]) -> None:
    recipient = kind.arrange(idaho)

    batches = services.queue_reminders(now=NOW)

    assert [b.user for b in batches] == [recipient]
    (row,) = OutgoingEmail.objects.all()
    assert (row.kind, row.recipient, row.status) == (OutgoingEmail.Kind.REMINDER, recipient, "queued")
    (key,) = told(recipient)
    assert key.startswith(kind.prefix)
    assert deliver_all().sent == 1
    (message,) = outbox
    assert message.to == [recipient.email]
    if kind.name == "mention":
        # A mention says who and where, and the email links to the comment itself.
        assert message.subject.startswith("Joint Plan: ") and " mentioned you on “" in message.subject
        assert "#comment-" in message.body
    else:
        assert message.subject == "Joint Plan: 1 item needs you"
    assert kind.title in message.body
    assert kind.title in html_of(message)


@each_kind
def test_a_reminder_is_not_sent_before_it_is_due(kind: Kind, idaho: State) -> None:
    kind.arrange_not_yet(idaho)

    services.queue_reminders(now=NOW)

    assert not ReminderSent.objects.filter(key__startswith=kind.prefix).exists()
    assert not [row for row in OutgoingEmail.objects.all() if kind.title in row.body_text]


@each_kind
def test_a_reminder_is_sent_once_however_often_the_scan_runs(
    kind: Kind, idaho: State, clock: TimeMachineFixture
) -> None:
    recipient = kind.arrange(idaho)

    first = services.queue_reminders(now=NOW)
    again = services.queue_reminders(now=NOW)
    later = scan(clock, NOW + datetime.timedelta(minutes=15))

    assert (len(first), again, later) == (1, [], [])
    assert len(rows_for(recipient)) == 1
    assert ReminderSent.objects.count() == 1


# --- When a reminder stops, and when it comes back ----------------------------------------------


def test_stale_reminder_stops_after_an_update_and_returns_after_another_quiet_spell(
    idaho: State, clock: TimeMachineFixture
) -> None:
    _stale(idaho)
    # The item is due within the cadence (so its never-updated start is stale, not waiting); its
    # due and overdue reminders over the next two weeks are not what this test is about.
    services.save_preferences(
        services.preference_for(idaho.cio), changes={"reminders_due": False, "reminders_overdue": False}
    )
    item = Item.objects.get()
    assert len(scan(clock, NOW)) == 1

    clock.move_to(NOW + datetime.timedelta(hours=1), tick=False)
    plan_services.post_update(
        item, author=idaho.cio, side="cio", status=Status.ON_TRACK, progress=20, narrative="Shortlist agreed."
    )
    for n in range(1, 14):
        assert scan(clock, NOW + days(n) + datetime.timedelta(hours=1)) == [], f"day {n} after the update"
    assert len(scan(clock, NOW + days(14) + datetime.timedelta(hours=1))) == 1

    assert told(idaho.cio) == [f"stale:{item.pk}:2026-12-09:1", f"stale:{item.pk}:never:1"]


def test_sign_off_reminder_stops_once_the_second_office_signs(idaho: State) -> None:
    _counterpart_signed(idaho)
    item = Item.objects.get()
    assert [b.user for b in services.pending_reminders(NOW)] == [idaho.cio]

    plan_services.sign_off(item, by=idaho.cio, side="cio")

    assert services.pending_reminders(NOW) == []
    assert services.queue_reminders(now=NOW) == []
    assert not OutgoingEmail.objects.exists()


def test_a_withdrawn_sign_off_asks_nobody_to_sign(idaho: State) -> None:
    _counterpart_signed(idaho)
    plan_services.withdraw_sign_off(Item.objects.get(), by=idaho.cpo, side="cpo", reason="Signed too early")

    assert services.queue_reminders(now=NOW) == []


def test_overdue_reminder_repeats_each_iso_week_but_not_within_one(idaho: State, clock: TimeMachineFixture) -> None:
    item = idaho.item(due_on=WEDNESDAY - days(3), title="Shared services inventory")

    sent_on = {
        day: bool(scan(clock, at(day, 10)))
        for day in (WEDNESDAY, THURSDAY, FRIDAY, NEXT_MONDAY, NEXT_TUESDAY, NEXT_TUESDAY + days(1))
    }

    assert sent_on == {
        WEDNESDAY: True,
        THURSDAY: False,
        FRIDAY: False,
        NEXT_MONDAY: True,
        NEXT_TUESDAY: False,
        NEXT_TUESDAY + days(1): False,
    }
    assert told(idaho.cio) == [f"overdue:{item.pk}:2026-W50", f"overdue:{item.pk}:2026-W51"]
    latest = rows_for(idaho.cio)[-1]
    assert "8 days overdue" in latest.body_text
    assert "8 days overdue" in latest.body_html


# --- Who gets what, in one email ----------------------------------------------------------------


def test_several_facts_for_one_person_travel_in_one_email_most_urgent_first(
    idaho: State, outbox: list[EmailMessage]
) -> None:
    idaho.item(due_on=WEDNESDAY + days(7), title="Records retention schedule")
    idaho.item(due_on=THURSDAY, title="Cloud contract renewal")
    idaho.item(due_on=WEDNESDAY - days(2), title="Shared services inventory")
    _mentioned(idaho)

    batches = services.queue_reminders(now=NOW)

    assert [(b.user, len(b.facts)) for b in batches] == [(idaho.cio, 4)]
    deliver_all()
    (message,) = outbox
    assert message.to == [idaho.cio.email]
    assert message.subject == "Joint Plan: 4 items need you"
    headings = ["You were mentioned", "Overdue", "Due tomorrow", "Due in 7 days"]
    for part in (message.body, html_of(message)):
        assert "4 things in your plans need your attention" in part
        positions = [part.index(h) for h in headings]
        assert positions == sorted(positions), part


def test_an_item_with_several_new_facts_is_named_once_under_the_most_specific(
    idaho: State, outbox: list[EmailMessage]
) -> None:
    item = idaho.item(side=ItemSide.JOINT, due_on=WEDNESDAY - days(3), title="Shared services inventory")
    plan_services.add_comment(item, author=idaho.cpo, body="@dana can you post where this stands?")

    batches = services.queue_reminders(now=NOW)

    dana = next(b for b in batches if b.user == idaho.cio)
    assert [(f.title, f.item) for f in dana.facts] == [("You were mentioned", item)]
    assert [f.title for f in dana.covered] == ["Overdue"]
    assert told(idaho.cio) == sorted([f"mention:{item.comments.get().pk}", f"overdue:{item.pk}:2026-W50"])
    deliver_all()
    (message,) = delivered_to(outbox, idaho.cio)
    for part in (message.body, html_of(message)):
        assert "You were mentioned" in part
        assert "Overdue" not in part
        assert part.count("Shared services inventory") == 1


def test_a_person_with_roles_in_two_states_gets_one_email_for_both_plans(
    idaho: State, outbox: list[EmailMessage]
) -> None:
    factories.make_member("MT", Role.CIO_DELEGATE, user=idaho.cio)
    montana = make_plan("MT")
    idaho.item(due_on=WEDNESDAY + days(7), title="Idaho records retention schedule")
    make_item(montana, side=ItemSide.CIO, cio_owner=idaho.cio, due_on=WEDNESDAY + days(7), title="Montana data map")

    services.queue_reminders(now=NOW)
    deliver_all()

    (message,) = outbox
    assert message.to == [idaho.cio.email]
    assert message.subject == "Joint Plan: 2 items need you"
    for part in (message.body, html_of(message)):
        assert "Idaho records retention schedule" in part
        assert "Montana data map" in part


def test_someone_who_is_both_cio_and_cpo_is_told_about_a_joint_item_once(
    reference_data: None, clock: TimeMachineFixture, outbox: list[EmailMessage]
) -> None:
    both = factories.make_member("GU", Role.CIO, email="both@guam.example")
    factories.make_member("GU", Role.CPO, user=both)
    # Guam is a day ahead of Boise: it is Thursday there. Scan at 09:00 in Guam.
    item = make_item(make_plan("GU"), side=ItemSide.JOINT, cio_owner=both, cpo_owner=both, due_on=THURSDAY + days(7))

    services.queue_reminders(now=at(THURSDAY, 9, tz="Pacific/Guam"))
    deliver_all()

    assert told(both) == [f"due7:{item.pk}:{item.due_on}"]
    (message,) = outbox
    assert message.subject == "Joint Plan: 1 item needs you"


def test_nothing_to_say_means_no_email(idaho: State, outbox: list[EmailMessage]) -> None:
    idaho.item(due_on=WEDNESDAY + days(20))
    idaho.item(side=ItemSide.JOINT, due_on=PLAN_END)

    assert services.queue_reminders(now=NOW) == []
    assert not deliver_all()
    assert not OutgoingEmail.objects.exists()
    assert outbox == []


# --- Working hours, in the recipient's zone -----------------------------------------------------


def test_a_reminder_due_at_night_waits_for_working_hours_the_same_day(idaho: State, clock: TimeMachineFixture) -> None:
    clock.move_to(at(WEDNESDAY, 3), tick=False)
    idaho.item(due_on=WEDNESDAY + days(7))

    assert scan(clock, at(WEDNESDAY, 3)) == []
    assert scan(clock, at(WEDNESDAY, 7, 45)) == []
    assert len(scan(clock, at(WEDNESDAY, 9))) == 1

    (row,) = rows_for(idaho.cio)
    assert row.created_at.astimezone(ZoneInfo(idaho.cio.tz)).hour == 9


def test_no_reminder_after_six_in_the_evening(idaho: State, clock: TimeMachineFixture) -> None:
    idaho.item(due_on=WEDNESDAY + days(7))

    assert scan(clock, at(WEDNESDAY, 18)) == []
    assert scan(clock, at(WEDNESDAY, 23, 30)) == []


def test_weekends_are_quiet_except_for_mentions(idaho: State, clock: TimeMachineFixture) -> None:
    idaho.item(due_on=THURSDAY - days(7), title="Shared services inventory")  # already told this week
    scan(clock, NOW)
    joint = idaho.item(side=ItemSide.JOINT, due_on=PLAN_END)
    clock.move_to(at(SATURDAY, 6), tick=False)
    plan_services.add_comment(joint, author=idaho.cpo, body="@dana a quick question for Monday")

    assert scan(clock, at(SATURDAY, 6, 30)) == []  # before 07:00, even for a mention
    saturday = scan(clock, at(SATURDAY, 10))
    assert [[f.topic for f in b.facts] for b in saturday] == [["reminders_mention"]]
    assert scan(clock, at(SUNDAY, 10)) == []
    monday = scan(clock, at(NEXT_MONDAY, 9))
    assert [[f.topic for f in b.facts] for b in monday] == [["reminders_overdue"]]


def test_a_reminder_falling_on_a_weekend_is_sent_on_monday_not_lost(idaho: State, clock: TimeMachineFixture) -> None:
    # Due on Monday: "due tomorrow" would fall on Sunday, when reminders are quiet.
    item = idaho.item(due_on=NEXT_MONDAY, title="Cloud contract renewal")

    for day in (WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY):
        scan(clock, at(day, 10))
    monday = scan(clock, at(NEXT_MONDAY, 8))

    assert [[(f.key, f.title) for f in b.facts] for b in monday] == [[(f"due1:{item.pk}:{item.due_on}", "Due today")]]


def test_a_late_scan_still_sends_the_reminder_it_missed(idaho: State, clock: TimeMachineFixture) -> None:
    # The worker was down all Wednesday, the day the item fell 7 days due.
    item = idaho.item(due_on=WEDNESDAY + days(7), title="Records retention schedule")

    thursday = scan(clock, at(THURSDAY, 8))

    assert [[(f.key, f.title) for f in b.facts] for b in thursday] == [
        [(f"due7:{item.pk}:{item.due_on}", "Due in 6 days")]
    ]
    assert scan(clock, at(FRIDAY, 8)) == []


# --- Preferences and people who left -----------------------------------------------------------


@each_kind
def test_switching_a_kind_off_stops_it(kind: Kind, idaho: State) -> None:
    recipient = kind.arrange(idaho)
    services.save_preferences(services.preference_for(recipient), changes={kind.topic: False})

    assert services.queue_reminders(now=NOW) == []
    assert not ReminderSent.objects.exists()


def test_switching_one_kind_off_leaves_the_others(idaho: State) -> None:
    _due_in_7(idaho)
    _mentioned(idaho)
    services.save_preferences(services.preference_for(idaho.cio), changes={"reminders_due": False})

    (batch,) = services.queue_reminders(now=NOW)

    assert [f.topic for f in batch.facts] == ["reminders_mention"]


def test_a_former_owner_whose_role_ended_is_not_reminded(idaho: State) -> None:
    _due_in_7(idaho)
    _overdue(idaho)
    Membership.objects.filter(user=idaho.cio).update(ended_on=WEDNESDAY - days(1))

    assert services.queue_reminders(now=NOW) == []


def test_a_deactivated_account_is_not_reminded(idaho: State) -> None:
    _due_in_7(idaho)
    _mentioned(idaho)
    User.objects.filter(pk=idaho.cio.pk).update(is_active=False)

    assert services.queue_reminders(now=NOW) == []


# --- The email itself ---------------------------------------------------------------------------


def test_the_reminder_links_to_the_item_and_carries_one_click_unsubscribe(
    idaho: State, outbox: list[EmailMessage]
) -> None:
    item = idaho.item(due_on=WEDNESDAY + days(7), title="Records retention schedule")
    services.queue_reminders(now=NOW)
    deliver_all()

    (message,) = delivered_to(outbox, idaho.cio)
    link = f"{SITE_URL}/items/{item.pk}/"
    assert link in message.body
    assert f'href="{link}"' in html_of(message)
    raw = message.message()
    unsubscribe = re.fullmatch(rf"<({re.escape(SITE_URL)}/email/unsubscribe/[^/<>]+/)>", raw["List-Unsubscribe"])
    assert unsubscribe, raw["List-Unsubscribe"]
    assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop these emails: {unsubscribe.group(1)}" in message.body
    (row,) = rows_for(idaho.cio)
    assert raw["Message-ID"] == row.message_id == emails.message_id_for(row.dedupe_key)


def test_the_message_id_depends_only_on_the_dedupe_key(outbox: list[EmailMessage]) -> None:
    same = emails.message_id_for("reminders:7:abc")

    assert emails.message_id_for("reminders:7:abc") == same
    assert emails.message_id_for("reminders:7:abd") != same
    assert re.fullmatch(r"<[0-9a-f]{32}@jointplan\.example\.org>", same)


def test_a_resent_reminder_keeps_its_message_id(idaho: State, outbox: list[EmailMessage]) -> None:
    _due_in_7(idaho)
    services.queue_reminders(now=NOW)
    deliver_all()
    (row,) = rows_for(idaho.cio)

    delivery.resend(row)
    deliver_all()

    first, second = outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"] == row.message_id


# --- Two scans at once ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_scan_that_loses_a_race_for_one_person_still_tells_everyone_else(idaho: State) -> None:
    """Another scan tells Dana's fact while this one is writing her email: this scan rolls her email
    back and still queues Marcus's, instead of stopping with an IntegrityError."""
    dana_item = idaho.item(due_on=WEDNESDAY + days(7), title="Records retention schedule")
    idaho.item(side=ItemSide.CPO, due_on=WEDNESDAY + days(7), title="Contract register")
    key = f"due7:{dana_item.pk}:{dana_item.due_on}"

    def other_scan_tells_dana() -> None:
        row = OutgoingEmail.objects.create(
            kind=OutgoingEmail.Kind.REMINDER, recipient=idaho.cio, dedupe_key="reminders:other-scan"
        )
        ReminderSent.objects.create(user=idaho.cio, key=key, email=row)

    batches = while_another_transaction_holds(other_scan_tells_dana, lambda: services.queue_reminders(now=NOW))

    assert [b.user for b in batches] == [idaho.cpo]
    assert ReminderSent.objects.filter(user=idaho.cio, key=key).count() == 1
    assert OutgoingEmail.objects.filter(recipient=idaho.cio).count() == 1  # the other scan's
    assert len(rows_for(idaho.cpo)) == 1
    assert services.queue_reminders(now=NOW) == []


# --- Changes one office makes that ask something of the other -----------------------------------


def test_the_other_office_is_told_once_when_an_item_is_made_joint(
    idaho: State, outbox: list[EmailMessage], clock: TimeMachineFixture
) -> None:
    item = idaho.item(due_on=PLAN_END, title="Shared vendor risk reviews")  # the CIO office's own
    plan_services.edit_item(item, by=idaho.cio, expected_version=1, side="joint", cpo_owner=idaho.cpo)

    assert [b.user for b in services.queue_reminders(now=NOW)] == [idaho.cpo]
    assert scan(clock, NOW + days(1)) == []
    deliver_all()
    (message,) = outbox
    assert message.to == [idaho.cpo.email]
    for part in (message.body, html_of(message)):
        assert "Now shared with your office" in part
        assert "Dana Whitfield made it a joint item" in part


def test_an_item_made_joint_with_no_owner_on_the_new_side_tells_that_sides_principal(idaho: State) -> None:
    item = idaho.item(due_on=PLAN_END)
    plan_services.edit_item(item, by=idaho.cio, expected_version=1, side="joint", cpo_owner=None)

    assert [b.user for b in services.pending_reminders(NOW)] == [idaho.cpo]


def test_a_change_that_voids_signatures_asks_the_other_office_to_sign_again(idaho: State) -> None:
    item = idaho.item(side=ItemSide.JOINT, due_on=PLAN_END)
    plan_services.sign_off(item, by=idaho.cio, side="cio")
    plan_services.sign_off(item, by=idaho.cpo, side="cpo")
    item.refresh_from_db()
    plan_services.edit_item(item, by=idaho.cpo, expected_version=item.version, due_on=PLAN_END - days(30))

    (batch,) = services.pending_reminders(NOW)
    assert batch.user == idaho.cio
    assert [(f.title, f.detail) for f in batch.facts] == [
        ("Asked to sign again", "Marcus Oyelaran: Scope or due date changed after signing")
    ]
