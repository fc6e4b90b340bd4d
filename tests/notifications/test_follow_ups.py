"""Follow-ups of accepted roundtable outcomes: 30, 60 and 90 days after the event, the accepted
item's owners are asked in their reminder email how it is going; once each, not when the item is
done, archived or was updated in the week before, and not to anyone who switched those reminders off."""

from __future__ import annotations

import datetime

import pytest
from django.core.mail import EmailMessage
from time_machine import TimeMachineFixture

from actionplan import services as plan_services
from actionplan.models import Item, Plan, Status
from directory.models import Membership, User
from notifications import services as notifications
from notifications.models import ReminderSent
from outbox.models import OutgoingEmail
from roundtables.models import OutcomeProposal
from roundtables.services import outcomes as services
from tests import factories
from tests.factories import make_outcome, make_past_event, make_plan, make_proposal
from tests.notifications.helpers import at, deliver_all, html_of

pytestmark = pytest.mark.django_db

Role = Membership.Role
# The event's last day; its follow-ups fall due 30, 60 and 90 days later.
LAST_DAY = datetime.date(2026, 11, 9)
DAY_30, DAY_60, DAY_90 = (LAST_DAY + datetime.timedelta(days=n) for n in (30, 60, 90))
assert (DAY_30.isoformat(), DAY_60.isoformat(), DAY_90.isoformat()) == ("2026-12-09", "2027-01-08", "2027-02-07")
MONDAY_AFTER_DAY_90 = DAY_90 + datetime.timedelta(days=1)  # Feb 7, 2027 is a Sunday: no reminders at weekends
ACCEPTED_AT = at(LAST_DAY + datetime.timedelta(days=1), 10)


@pytest.fixture
def idaho(reference_data: None) -> dict[str, User]:
    """Idaho's CIO (Dana, dana@idaho.example) and CPO (Marcus), by role; the plan comes with `accepted`.
    (Unlike the `idaho` of tests/conftest.py, the clock is not stopped: each test moves it.)"""
    return factories.idaho_people("cio", "cpo", personal=True)


@pytest.fixture
def accepted(idaho: dict[str, User], time_machine: TimeMachineFixture) -> Item:
    """Idaho accepted a joint item from the Fall roundtable the day after it ended."""
    make_plan("ID")
    proposal = make_proposal(make_outcome(make_past_event(day=LAST_DAY, title="Fall Roundtable")), "ID")
    time_machine.move_to(ACCEPTED_AT, tick=False)
    return services.accept_proposal(proposal, by=idaho["cio"])


def scan(clock: TimeMachineFixture, when: datetime.datetime) -> list[notifications.ReminderBatch]:
    clock.move_to(when, tick=False)
    return notifications.queue_reminders(now=when)


def told_follow_ups(batches: list[notifications.ReminderBatch]) -> list[str]:
    """The follow-up facts a scan told (it may tell other reminders about the same item too)."""
    return sorted(f"{b.user.email} {f.key}" for b in batches for f in b.facts if f.key.startswith("followup"))


def follow_ups(user: User) -> list[str]:
    return sorted(ReminderSent.objects.filter(user=user, key__startswith="followup").values_list("key", flat=True))


# --- The trio ---------------------------------------------------------------------------------------


def test_a_follow_up_is_sent_to_the_item_s_owners_when_it_falls_due(
    accepted: Item, idaho: dict[str, User], time_machine: TimeMachineFixture, outbox: list[EmailMessage]
) -> None:
    batches = scan(time_machine, at(DAY_30, 10))

    assert sorted(b.user.email for b in batches) == ["dana@idaho.example", "marcus@idaho.example"]
    assert follow_ups(idaho["cio"]) == follow_ups(idaho["cpo"]) == [f"followup30:{accepted.pk}"]
    deliver_all()
    message = next(m for m in outbox if m.to == ["dana@idaho.example"])
    for part in (message.body, html_of(message)):
        assert "Roundtable follow-up" in part
        assert "30 days since Fall Roundtable" in part
        assert accepted.title in part


def test_a_follow_up_is_not_sent_before_it_falls_due(accepted: Item, time_machine: TimeMachineFixture) -> None:
    assert scan(time_machine, at(DAY_30 - datetime.timedelta(days=1), 17)) == []

    assert not ReminderSent.objects.filter(key__startswith="followup").exists()
    assert not OutgoingEmail.objects.exists()


def test_a_follow_up_is_sent_once_however_often_the_scan_runs(
    accepted: Item, idaho: dict[str, User], time_machine: TimeMachineFixture
) -> None:
    first = scan(time_machine, at(DAY_30, 10))
    again = scan(time_machine, at(DAY_30, 10, 15))
    next_day = scan(time_machine, at(DAY_30 + datetime.timedelta(days=1), 10))

    assert len(told_follow_ups(first)) == 2
    assert (again, told_follow_ups(next_day)) == ([], [])
    assert ReminderSent.objects.filter(key__startswith="followup").count() == 2


# --- 30, 60, 90, and then no more ----------------------------------------------------------------------


def test_each_follow_up_is_sent_once_then_they_stop(
    accepted: Item, idaho: dict[str, User], time_machine: TimeMachineFixture
) -> None:
    for day in (DAY_30, DAY_60, MONDAY_AFTER_DAY_90, DAY_90 + datetime.timedelta(days=40)):
        scan(time_machine, at(day, 10))

    assert follow_ups(idaho["cio"]) == [f"followup{n}:{accepted.pk}" for n in (30, 60, 90)]


def test_a_follow_up_that_fell_due_at_the_weekend_is_told_on_monday(
    accepted: Item, idaho: dict[str, User], time_machine: TimeMachineFixture
) -> None:
    assert scan(time_machine, at(DAY_90, 10)) == []  # Sunday

    scan(time_machine, at(MONDAY_AFTER_DAY_90, 10))

    assert f"followup90:{accepted.pk}" in follow_ups(idaho["cio"])


def test_a_follow_up_covers_the_no_update_reminder_of_the_same_item(
    accepted: Item, idaho: dict[str, User], time_machine: TimeMachineFixture, outbox: list[EmailMessage]
) -> None:
    """The item has been quiet for longer than its plan allows when its 30-day follow-up falls due:
    one email names it once, under the follow-up (which asks for the same update), and the quiet
    spell counts as told, so it does not come back alone in the next scan."""
    Plan.objects.filter(pk=accepted.plan_id).update(stale_after_days=14)
    # Due within that cadence (a never-updated, not-started item due further off is waiting, not
    # quiet: actionplan.rules.is_waiting), and beyond the due-in-7-days window of both scans below.
    Item.objects.filter(pk=accepted.pk).update(due_on=DAY_30 + datetime.timedelta(days=10))

    batches = scan(time_machine, at(DAY_30, 10))

    dana = next(b for b in batches if b.user == idaho["cio"])
    assert [(f.key, f.title) for f in dana.facts] == [(f"followup30:{accepted.pk}", "Roundtable follow-up")]
    assert [(f.key, f.title) for f in dana.covered] == [(f"stale:{accepted.pk}:never:2", "No update for a while")]
    deliver_all()
    message = next(m for m in outbox if m.to == ["dana@idaho.example"])
    assert message.subject == "Joint Plan: 1 item needs you"
    for part in (message.body, html_of(message)):
        assert "Roundtable follow-up" in part
        # Listed under My updates' own heading for quiet items, but told once: as the follow-up.
        assert "No update for a while:" not in part
        assert part.count(accepted.title) == 1
    assert sorted(ReminderSent.objects.filter(user=idaho["cio"]).values_list("key", flat=True)) == [
        f"followup30:{accepted.pk}",
        f"stale:{accepted.pk}:never:2",
    ]
    assert scan(time_machine, at(DAY_30, 10, 15)) == []
    assert scan(time_machine, at(DAY_30 + datetime.timedelta(days=1), 10)) == []


# --- When a follow-up is not needed ---------------------------------------------------------------------


def _update(item: Item, author: User, clock: TimeMachineFixture, when: datetime.datetime) -> None:
    clock.move_to(when, tick=False)
    plan_services.post_update(
        Item.objects.get(pk=item.pk), author=author, side="cio", status=Status.ON_TRACK, progress=30, narrative="Going."
    )


def test_the_follow_up_stops_after_the_update_arrives(
    accepted: Item, idaho: dict[str, User], time_machine: TimeMachineFixture
) -> None:
    """Friday's follow-up (day 60) is not sent on Friday; the update that came in the day before
    makes it unnecessary, for both owners."""
    _update(accepted, idaho["cio"], time_machine, at(DAY_60 - datetime.timedelta(days=1), 15))

    batches = scan(time_machine, at(DAY_60, 10))

    assert told_follow_ups(batches) == []
    assert follow_ups(idaho["cio"]) == follow_ups(idaho["cpo"]) == []


def test_an_update_after_the_follow_up_fell_due_but_before_it_was_told_stops_it(
    accepted: Item, idaho: dict[str, User], time_machine: TimeMachineFixture
) -> None:
    _update(accepted, idaho["cio"], time_machine, at(DAY_90, 12))  # Sunday: reminders wait for Monday

    scan(time_machine, at(MONDAY_AFTER_DAY_90, 10))

    assert f"followup90:{accepted.pk}" not in follow_ups(idaho["cio"])


def test_an_update_more_than_a_week_before_does_not_stop_it(
    accepted: Item, idaho: dict[str, User], time_machine: TimeMachineFixture
) -> None:
    _update(accepted, idaho["cio"], time_machine, at(DAY_30 - datetime.timedelta(days=8), 15))

    scan(time_machine, at(DAY_30, 10))

    assert follow_ups(idaho["cio"]) == [f"followup30:{accepted.pk}"]


def test_no_follow_up_for_a_done_or_archived_item(
    accepted: Item, idaho: dict[str, User], time_machine: TimeMachineFixture
) -> None:
    Item.objects.filter(pk=accepted.pk).update(status=Status.DONE)
    assert scan(time_machine, at(DAY_30, 10)) == []

    Item.objects.filter(pk=accepted.pk).update(status=Status.ON_TRACK)
    plan_services.archive_item(Item.objects.get(pk=accepted.pk), by=idaho["cio"])
    assert told_follow_ups(scan(time_machine, at(DAY_60, 10))) == []

    assert not ReminderSent.objects.filter(key__startswith="followup").exists()


def test_no_follow_up_for_a_declined_or_undecided_proposal(
    idaho: dict[str, User], time_machine: TimeMachineFixture
) -> None:
    make_plan("ID")
    outcome = make_outcome(make_past_event(day=LAST_DAY))
    declined = make_proposal(outcome, "ID")
    services.decline_proposal(declined, by=idaho["cpo"], reason="Not this year.")
    make_proposal(make_outcome(outcome.roundtable), "ID")  # awaiting a decision

    assert scan(time_machine, at(DAY_30, 10)) == []


def test_an_outcome_accepted_after_a_follow_up_date_waits_for_the_next_one(
    idaho: dict[str, User], time_machine: TimeMachineFixture
) -> None:
    make_plan("ID")
    proposal = make_proposal(make_outcome(make_past_event(day=LAST_DAY)), "ID")
    time_machine.move_to(at(DAY_30 + datetime.timedelta(days=5), 10), tick=False)
    item = services.accept_proposal(proposal, by=idaho["cio"])

    scan(time_machine, at(DAY_30 + datetime.timedelta(days=6), 10))
    scan(time_machine, at(DAY_60, 10))

    assert OutcomeProposal.objects.get().status == OutcomeProposal.Status.ACCEPTED
    assert follow_ups(idaho["cio"]) == [f"followup60:{item.pk}"]


def test_follow_ups_respect_the_no_recent_update_preference(
    accepted: Item, idaho: dict[str, User], time_machine: TimeMachineFixture
) -> None:
    pref = notifications.preference_for(idaho["cio"])
    pref.reminders_stale = False
    pref.save()

    batches = scan(time_machine, at(DAY_30, 10))

    assert [b.user for b in batches] == [idaho["cpo"]]
    assert follow_ups(idaho["cio"]) == []
