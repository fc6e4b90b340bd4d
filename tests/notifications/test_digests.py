"""Weekly digests: once per person per ISO week at the day and hour they chose, on their own wall
clock (daylight saving time neither skips nor doubles one), and only when there is something to say
unless they asked for quiet weeks too."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from actionplan import services as plan_services
from actionplan.models import ItemSide, Status, Update, Via
from directory.models import Membership, User
from notifications import reading, services
from notifications.models import Preference, ReplyAddress
from outbox import inbound
from outbox.models import OutgoingEmail
from tests import factories
from tests.factories import State, first_dimension, make_item, make_plan
from tests.notifications.helpers import (
    NOW,
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
UTC = datetime.UTC
PLAN_END = datetime.date(2027, 6, 30)
MONDAY = WEDNESDAY + days(5)  # 2026-12-14, ISO week 2026-W51
MONDAY_8AM = at(MONDAY, 8)


def scan(clock: TimeMachineFixture, when: datetime.datetime) -> list[OutgoingEmail]:
    """Run the digest scan at `when`, with the clock there too (rows get that created_at)."""
    clock.move_to(when, tick=False)
    return services.queue_digests(now=when)


def wants_quiet_weeks(user: User, *, now: datetime.datetime, **changes: object) -> Preference:
    pref = services.preference_for(user, now=now)
    return services.save_preferences(pref, changes={"digest_when_quiet": True, **changes}, now=now)


def utc(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# --- The trio -----------------------------------------------------------------------------------


def test_the_digest_is_sent_at_eight_on_monday_in_the_persons_zone(
    idaho: State, clock: TimeMachineFixture, outbox: list[EmailMessage]
) -> None:
    idaho.item(due_on=MONDAY + days(6), title="Records retention schedule")
    scan(clock, NOW)  # everyone gets preferences; nothing is due on a Wednesday

    rows = scan(clock, MONDAY_8AM)

    assert [(r.kind, r.recipient) for r in rows] == [(OutgoingEmail.Kind.DIGEST, idaho.cio)]
    deliver_all()
    (message,) = outbox
    assert message.to == [idaho.cio.email]
    assert message.subject == "Your Joint Plan week: 1 due soon"
    for part in (message.body, html_of(message)):
        assert "Due in the next 14 days (1)" in part  # My updates' own heading, with its count
        assert "Records retention schedule" in part
        assert "2026-W51" in part


def test_the_digest_is_not_sent_before_its_hour(idaho: State, clock: TimeMachineFixture) -> None:
    idaho.item(due_on=MONDAY + days(6))
    scan(clock, NOW)

    for when in (at(MONDAY - days(1), 8), at(MONDAY, 7, 45), at(MONDAY, 7, 59)):
        assert scan(clock, when) == [], when
    assert not OutgoingEmail.objects.exists()


def test_the_digest_is_sent_once_however_often_the_scan_runs(idaho: State, clock: TimeMachineFixture) -> None:
    idaho.item(due_on=MONDAY + days(6))
    scan(clock, NOW)

    first = scan(clock, MONDAY_8AM)
    again = services.queue_digests(now=MONDAY_8AM)
    later = [scan(clock, MONDAY_8AM + datetime.timedelta(minutes=m)) for m in (5, 60, 60 * 24)]

    assert (len(first), again, later) == (1, [], [[], [], []])
    assert len(rows_for(idaho.cio)) == 1
    assert Preference.objects.get(user=idaho.cio).next_digest_at == at(MONDAY + days(7), 8)


# --- Quiet weeks, late scans ---------------------------------------------------------------------


def test_a_quiet_week_sends_nothing_but_the_clock_still_moves_on(idaho: State, clock: TimeMachineFixture) -> None:
    scan(clock, NOW)

    assert scan(clock, MONDAY_8AM) == []
    assert Preference.objects.get(user=idaho.cio).next_digest_at == at(MONDAY + days(7), 8)


def test_a_quiet_week_is_sent_to_whoever_asked_for_quiet_weeks(
    idaho: State, clock: TimeMachineFixture, outbox: list[EmailMessage]
) -> None:
    wants_quiet_weeks(idaho.cpo, now=NOW)

    rows = scan(clock, MONDAY_8AM)

    assert [r.recipient for r in rows] == [idaho.cpo]
    deliver_all()
    (message,) = outbox
    assert message.to == [idaho.cpo.email]
    assert message.subject == "Your Joint Plan week: a quiet week"
    assert "A quiet week" in message.body
    assert "A quiet week" in html_of(message)


def test_a_late_scan_does_not_swallow_the_next_weeks_digest(idaho: State, clock: TimeMachineFixture) -> None:
    """Due Sunday 23:00; the scan comes two hours late, on Monday (the next ISO week). The next
    Sunday's digest must still go: the week is the one the digest was due in, not the scan's."""
    wants_quiet_weeks(idaho.cio, now=NOW, digest_weekday=Preference.Weekday.SUNDAY, digest_hour=23)
    sunday = MONDAY - days(1)

    late = scan(clock, at(MONDAY, 1))
    next_sunday = scan(clock, at(sunday + days(7), 23))

    assert [r.recipient for r in late] == [idaho.cio]
    assert [r.recipient for r in next_sunday] == [idaho.cio]
    assert [r.dedupe_key for r in late + next_sunday] == [
        f"digest:{idaho.cio.pk}:2026-W50",
        f"digest:{idaho.cio.pk}:2026-W51",
    ]


def test_after_an_outage_one_digest_is_sent_not_a_backlog(idaho: State, clock: TimeMachineFixture) -> None:
    wants_quiet_weeks(idaho.cio, now=NOW)

    rows = scan(clock, at(MONDAY + days(16), 10))  # the scanner was down for two Mondays

    assert [r.recipient for r in rows] == [idaho.cio]
    assert Preference.objects.get(user=idaho.cio).next_digest_at == at(MONDAY + days(21), 8)


def test_switched_off_digest_is_not_sent(idaho: State, clock: TimeMachineFixture) -> None:
    pref = wants_quiet_weeks(idaho.cio, now=NOW)
    services.save_preferences(pref, changes={"digest": False}, now=NOW)

    assert scan(clock, MONDAY_8AM) == []


# --- Two scans at once ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_scans_creating_the_same_missing_preferences_both_finish(idaho: State) -> None:
    def other_scan_creates_danas() -> None:
        services.ensure_preferences(NOW)

    while_another_transaction_holds(other_scan_creates_danas, lambda: services.queue_digests(now=NOW))

    assert sorted(Preference.objects.values_list("user__email", flat=True)) == [
        "dana@idaho.example",
        "marcus@idaho.example",
    ]


@pytest.mark.django_db(transaction=True)
def test_opening_preferences_while_a_scan_creates_them_finds_the_scans_row(idaho: State) -> None:
    pref = while_another_transaction_holds(
        lambda: services.ensure_preferences(NOW), lambda: services.preference_for(idaho.cio, now=NOW)
    )

    assert pref.pk is not None
    assert Preference.objects.get(user=idaho.cio) == pref


# --- What a state member's digest says ----------------------------------------------------------


def test_a_members_digest_shows_their_items_the_counterparts_week_comments_and_movement(
    idaho: State, clock: TimeMachineFixture, outbox: list[EmailMessage]
) -> None:
    idaho.item(due_on=MONDAY + days(6), title="Records retention schedule")
    idaho.item(due_on=WEDNESDAY - days(8), title="Shared services inventory")
    joint = idaho.item(side=ItemSide.JOINT, due_on=PLAN_END, title="Joint procurement playbook")
    scan(clock, NOW)
    clock.move_to(utc(2026, 12, 10, 17, 30), tick=False)  # Thursday 10:30 in Boise
    plan_services.post_update(
        joint, author=idaho.cpo, side="cpo", status=Status.AT_RISK, progress=40, narrative="Legal review is slow."
    )
    clock.move_to(utc(2026, 12, 11, 18, 0), tick=False)
    plan_services.add_comment(joint, author=idaho.cpo, body="@dana the legal review needs **your** answer")

    rows = scan(clock, MONDAY_8AM)

    # Marcus's own week is not quiet: the item he reported at risk is his, and his digest says so
    # under My updates' heading for it.
    assert [r.recipient for r in rows] == [idaho.cio, idaho.cpo]
    deliver_all()
    (theirs,) = delivered_to(outbox, idaho.cpo)
    assert "Your items at risk, off track or blocked (1)" in theirs.body
    (message,) = delivered_to(outbox, idaho.cio)
    assert message.subject == "Your Joint Plan week: 1 overdue, 1 due soon"
    for part in (message.body, html_of(message)):
        assert "Shared services inventory" in part  # overdue
        assert "Records retention schedule" in part  # due
        assert "What your counterpart did this week" in part
        assert "Marcus Oyelaran posted an update" in part
        assert "Thu Dec 10, 10:30 a.m." in part  # Boise time, not 5:30 p.m. UTC
        assert "5:30 p.m." not in part
        assert "Comments for you" in part
        assert "the legal review needs your answer" in part  # as text: no Markdown asterisks
        assert "Movement by dimension this week" in part
        assert first_dimension().name in part
        assert "Times are shown in your time zone, Mountain Time (Boise)." in part


def test_a_members_digest_leaves_out_other_states_and_their_own_doings(idaho: State, clock: TimeMachineFixture) -> None:
    montana_cpo = factories.make_member("MT", Role.CPO)
    montana_item = make_item(make_plan("MT"), side=ItemSide.CPO, cpo_owner=montana_cpo, due_on=MONDAY + days(3))
    plan_services.post_update(
        montana_item, author=montana_cpo, side="cpo", status=Status.AT_RISK, progress=5, narrative="Slow."
    )
    mine = idaho.item(due_on=MONDAY + days(6), title="Records retention schedule")
    plan_services.post_update(mine, author=idaho.cio, side="cio", status=Status.ON_TRACK, progress=5, narrative="Go.")

    digest = services.build_digest(idaho.cio, now=MONDAY_8AM)

    assert digest.due == [mine]
    assert digest.counterpart == []
    assert digest.comments == []


# --- The national digest for association staff --------------------------------------------------


def test_staff_get_the_national_digest(idaho: State, clock: TimeMachineFixture, outbox: list[EmailMessage]) -> None:
    staff = factories.make_staff("NASCIO", full_name="Robin Ellery", tz="America/Chicago")
    scan(clock, NOW)
    # Montana last posted 40 days ago; Guam adopted a plan 45 days ago and never posted.
    montana_cio = factories.make_member("MT", Role.CIO)
    clock.move_to(NOW - days(60), tick=False)
    montana_item = make_item(make_plan("MT"), side=ItemSide.CIO, cio_owner=montana_cio, due_on=PLAN_END)
    clock.move_to(NOW - days(40), tick=False)
    plan_services.post_update(
        montana_item, author=montana_cio, side="cio", status=Status.ON_TRACK, progress=10, narrative="Kick-off."
    )
    make_plan("GU", created_at=NOW - days(45))
    clock.move_to(NOW, tick=False)
    # Idaho's week: two items in trouble, one finished, one joint item signed by the CPO.
    risky = idaho.item(due_on=PLAN_END, title="Cloud migration")
    late = idaho.item(side=ItemSide.CPO, due_on=PLAN_END, title="Contract register")
    finished = idaho.item(due_on=PLAN_END, title="Records retention schedule")
    joint = idaho.item(side=ItemSide.JOINT, due_on=PLAN_END, title="Joint procurement playbook")
    plan_services.post_update(risky, author=idaho.cio, side="cio", status=Status.AT_RISK, progress=30, narrative="a")
    plan_services.post_update(late, author=idaho.cpo, side="cpo", status=Status.OFF_TRACK, progress=10, narrative="b")
    plan_services.post_update(finished, author=idaho.cio, side="cio", status=Status.DONE, progress=100, narrative="c")
    plan_services.sign_off(joint, by=idaho.cpo, side="cpo")

    rows = scan(clock, at(MONDAY, 8, tz="America/Chicago"))

    (row,) = [r for r in rows if r.recipient == staff]
    assert row.kind == OutgoingEmail.Kind.STAFF_DIGEST
    deliver_all()
    (message,) = delivered_to(outbox, staff)
    assert message.subject == "Joint Plan national week 2026-W51: 2 newly at risk, 1 completed"
    for part in (message.body, html_of(message)):
        assert "Cloud migration" in part
        assert "is now At risk" in part
        assert "Contract register" in part
        assert "is now Off track" in part
        assert "Records retention schedule" in part  # completed
        assert "Marcus Oyelaran signed" in part
        assert "for the CPO side" in part
        assert "Montana (last update Oct 30, 2026)" in part
        assert "Guam (no update since the plan began)" in part
        assert "Idaho (" not in part  # Idaho posted this week: not silent


def test_a_national_week_with_nothing_new_is_quiet_for_staff(reference_data: None, clock: TimeMachineFixture) -> None:
    staff = factories.make_staff("NASPO", tz="America/Chicago")
    make_plan("ID", created_at=NOW - days(3))  # too new to be silent
    scan(clock, NOW)

    assert scan(clock, at(MONDAY, 8, tz="America/Chicago")) == []
    assert Preference.objects.get(user=staff).next_digest_at == at(MONDAY + days(7), 8, tz="America/Chicago")


def test_the_national_digest_says_what_changed_since_last_week(
    idaho: State, clock: TimeMachineFixture, outbox: list[EmailMessage]
) -> None:
    staff = factories.make_staff("NASCIO", tz="America/Chicago")
    scan(clock, NOW)

    def posted(code: str, *days_ago: int) -> None:
        cio = factories.make_member(code, Role.CIO)
        clock.move_to(NOW - days(120), tick=False)
        item = make_item(make_plan(code), side=ItemSide.CIO, cio_owner=cio, due_on=PLAN_END)
        for ago in days_ago:
            clock.move_to(NOW - days(ago), tick=False)
            plan_services.post_update(item, author=cio, side="cio", status=Status.ON_TRACK, progress=5, narrative="x")
        clock.move_to(NOW, tick=False)

    posted("MT", 27)  # 32 days quiet by Monday, 25 a week before: newly silent
    posted("OR", 50)  # silent last week too: silent, not new
    posted("VT", 80, 1)  # posted this week after months of silence: back
    # ...and a joint Idaho item the two offices now see differently.
    split = idaho.item(side=ItemSide.JOINT, due_on=PLAN_END, title="Shared contract vehicle")
    plan_services.post_update(split, author=idaho.cio, side="cio", status=Status.ON_TRACK, progress=40, narrative="a")
    plan_services.post_update(split, author=idaho.cpo, side="cpo", status=Status.BLOCKED, progress=40, narrative="b")

    digest = services.build_digest(staff, now=at(MONDAY, 8, tz="America/Chicago"))

    assert [s["jurisdiction"] for s in digest.newly_silent] == ["Montana"]
    assert [s["jurisdiction"] for s in digest.silent] == ["Montana", "Oregon"]
    assert [s["jurisdiction"] for s in digest.recovered] == ["Vermont"]
    assert [i.title for i in digest.new_disagreements] == ["Shared contract vehicle"]
    scan(clock, at(MONDAY, 8, tz="America/Chicago"))
    deliver_all()
    (message,) = delivered_to(outbox, staff)
    for part in (message.body, html_of(message)):
        assert "Newly silent (no update for 30 days): Montana" in part
        assert "Back from silence: Vermont" in part
        assert "Shared contract vehicle" in part and "CPO side blocked" in part
        assert "/national/" in part


# --- Daylight saving time, stepping a simulated clock across the change -------------------------

ZONES = {
    "NY": "America/New_York",
    "AZ": "America/Phoenix",
    "GU": "Pacific/Guam",
    "AS": "Pacific/Pago_Pago",
    "PR": "America/Puerto_Rico",
}


def expected_local_times(
    start: datetime.datetime, end: datetime.datetime, tz: str, *, weekday: int = 0, hour: int = 8
) -> list[datetime.datetime]:
    """Every `weekday hour:00` on the wall clocks of `tz` whose instant lies in [start, end)."""
    zone = ZoneInfo(tz)
    day = start.astimezone(zone).date() - days(1)
    found = []
    while day <= end.astimezone(zone).date():
        if day.weekday() == weekday:
            instant = datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)
            if start <= instant < end:
                found.append(instant.astimezone(zone))
        day += days(1)
    return found


def step_through(clock: TimeMachineFixture, start: datetime.datetime, end: datetime.datetime, step: int) -> None:
    """Run the digest scan every `step` minutes from start to end, as beat would (beat runs it every
    5 minutes; every zone here is a whole number of hours from UTC, so hourly steps meet each
    08:00 exactly, and the minute-level edges are tested on next_digest_at directly below)."""
    when = start
    while when < end:
        clock.move_to(when, tick=False)
        services.queue_digests(now=when)
        when += datetime.timedelta(minutes=step)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(utc(2026, 10, 19), utc(2026, 11, 16), id="fall-back-2026-11-01"),
        pytest.param(utc(2027, 3, 1), utc(2027, 3, 29), id="spring-forward-2027-03-14"),
    ],
)
def test_one_digest_a_week_at_eight_on_monday_local_across_daylight_saving(
    reference_data: None, clock: TimeMachineFixture, start: datetime.datetime, end: datetime.datetime
) -> None:
    clock.move_to(start, tick=False)
    people = {}
    for code, tz in ZONES.items():
        person = factories.make_member(code, Role.CIO, tz=tz)
        wants_quiet_weeks(person, now=start)
        people[tz] = person
    # Someone in New York who chose Sunday at 1 a.m. or 2 a.m.: the hours that happen twice in
    # the fall and not at all in the spring.
    night_hour = 1 if start.month == 10 else 2
    night_owl = factories.make_member("NY", Role.VIEWER, tz="America/New_York")
    wants_quiet_weeks(night_owl, now=start, digest_weekday=Preference.Weekday.SUNDAY, digest_hour=night_hour)

    step_through(clock, start, end, step=60)

    for tz, person in people.items():
        sent = [row.created_at.astimezone(ZoneInfo(tz)) for row in rows_for(person)]
        assert {(t.strftime("%A"), t.hour, t.minute) for t in sent} == {("Monday", 8, 0)}, (tz, sent)
        assert sent == expected_local_times(start, end, tz), tz
        assert len(sent) == 4, tz
        weeks = [row.dedupe_key.rsplit(":", 1)[1] for row in rows_for(person)]
        assert len(set(weeks)) == len(weeks) == 4, tz
    new_york = ZoneInfo("America/New_York")
    nights = [row.created_at.astimezone(new_york) for row in rows_for(night_owl)]
    sundays = expected_local_times(start, end, "America/New_York", weekday=6, hour=night_hour)
    assert [t.date() for t in nights] == [t.date() for t in sundays]
    if night_hour == 1:  # 1 a.m. happened twice on November 1: sent the first time only
        assert [(t.hour, t.fold) for t in nights] == [(1, 0)] * 4
    else:  # 2 a.m. did not happen on March 14: sent when the clocks reached 3 a.m.
        assert [t.hour for t in nights] == [3 if t.date() == datetime.date(2027, 3, 14) else 2 for t in nights]


# --- The digest clock itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "after", "expected"),
    [
        # New York, spring forward on Sunday 2027-03-14: 08:00 EST is 13:00 UTC, 08:00 EDT 12:00 UTC.
        ("America/New_York", utc(2027, 3, 8, 12, 59), utc(2027, 3, 8, 13)),
        ("America/New_York", utc(2027, 3, 8, 13), utc(2027, 3, 15, 12)),  # strictly after: next week
        ("America/New_York", utc(2027, 3, 14, 6, 30), utc(2027, 3, 15, 12)),  # in the missing hour
        # New York, fall back on Sunday 2026-11-01: 08:00 EDT is 12:00 UTC, 08:00 EST 13:00 UTC.
        ("America/New_York", utc(2026, 10, 26, 12), utc(2026, 11, 2, 13)),
        ("America/New_York", utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 13)),  # in the repeated hour
        ("America/New_York", utc(2026, 11, 1, 6, 30), utc(2026, 11, 2, 13)),
        # No daylight saving time: the same UTC hour every week of the year.
        ("America/Phoenix", utc(2027, 3, 8, 15), utc(2027, 3, 15, 15)),
        ("America/Phoenix", utc(2026, 11, 2, 14), utc(2026, 11, 2, 15)),
        ("America/Puerto_Rico", utc(2027, 3, 14, 12), utc(2027, 3, 15, 12)),
        ("Pacific/Guam", utc(2027, 3, 14, 21, 59), utc(2027, 3, 14, 22)),  # Monday 08:00 is Sunday in UTC
        ("Pacific/Guam", utc(2027, 3, 14, 22), utc(2027, 3, 21, 22)),
        ("Pacific/Pago_Pago", utc(2027, 3, 15, 18, 59), utc(2027, 3, 15, 19)),
        ("Pacific/Pago_Pago", utc(2027, 3, 15, 19), utc(2027, 3, 22, 19)),
    ],
)
def test_next_digest_at_is_the_next_monday_eight_on_the_local_clock(
    tz: str, after: datetime.datetime, expected: datetime.datetime
) -> None:
    pref = Preference()  # Monday, 08:00

    assert services.next_digest_at(pref, tz, after=after) == expected


def test_next_digest_at_in_the_repeated_hour_picks_its_first_pass_once() -> None:
    pref = Preference(digest_weekday=Preference.Weekday.SUNDAY, digest_hour=1)

    first = services.next_digest_at(pref, "America/New_York", after=utc(2026, 10, 31, 12))
    then = services.next_digest_at(pref, "America/New_York", after=first)

    assert first == utc(2026, 11, 1, 5)  # 01:00 EDT
    assert then == utc(2026, 11, 8, 6)  # a week later, not 01:00 EST an hour later


def test_next_digest_at_in_the_missing_hour_is_the_first_hour_that_exists() -> None:
    pref = Preference(digest_weekday=Preference.Weekday.SUNDAY, digest_hour=2)

    first = services.next_digest_at(pref, "America/New_York", after=utc(2027, 3, 13, 12))
    then = services.next_digest_at(pref, "America/New_York", after=first)

    assert first == utc(2027, 3, 14, 7)  # 03:00 EDT: 02:00 did not happen that night
    assert then == utc(2027, 3, 21, 6)  # 02:00 EDT


def test_changing_the_day_or_hour_moves_the_next_digest(idaho: State) -> None:
    pref = services.preference_for(idaho.cio, now=NOW)
    assert pref.next_digest_at == MONDAY_8AM

    services.save_preferences(pref, changes={"digest_weekday": Preference.Weekday.FRIDAY, "digest_hour": 15}, now=NOW)
    assert Preference.objects.get(pk=pref.pk).next_digest_at == at(WEDNESDAY + days(2), 15)

    # Wednesday 09:00 has passed this week (it is 10:00): next week's.
    services.save_preferences(pref, changes={"digest_weekday": Preference.Weekday.WEDNESDAY, "digest_hour": 9}, now=NOW)
    assert Preference.objects.get(pk=pref.pk).next_digest_at == at(WEDNESDAY + days(7), 9)


def test_the_digest_subject_leads_with_what_there_is(idaho: State) -> None:
    """Issue 13: a week with nothing due read "0 due soon"; now the subject says what the week holds."""
    due = idaho.item(due_on=WEDNESDAY + days(3), title="Soon")

    def subject(**parts: object) -> str:
        digest = services.Digest(user=idaho.cio, week="2026-W51", **parts)
        return render_to_string("emails/digest/subject.txt", {"digest": digest}).strip()

    assert subject() == "Your Joint Plan week: a quiet week"
    assert subject(due=[due]) == "Your Joint Plan week: 1 due soon"
    assert subject(overdue=[due]) == "Your Joint Plan week: 1 overdue"
    assert subject(comments=[object()]) == "Your Joint Plan week: what moved in your plan"


def test_a_members_digest_carries_a_reply_address_for_the_items_it_asks_about(
    idaho: State, clock: TimeMachineFixture, outbox: list[EmailMessage], settings: Settings
) -> None:
    settings.REPLY_DOMAIN = "reply.jointplan.example"
    overdue = idaho.item(due_on=WEDNESDAY - days(8), title="Shared services inventory")
    due = idaho.item(due_on=MONDAY + days(6), title="Records retention schedule")
    scan(clock, NOW)
    scan(clock, MONDAY_8AM)
    deliver_all()
    (message,) = delivered_to(outbox, idaho.cio)
    reply_to = message.extra_headers["Reply-To"]
    assert reply_to.startswith("update+") and reply_to.endswith("@reply.jointplan.example")
    for part in (message.body, html_of(message)):
        assert "[I1]" in part and "[I2]" in part and "To update by email" in part
    token = ReplyAddress.objects.get(user=idaho.cio, email__kind=OutgoingEmail.Kind.DIGEST)
    assert token.item_ids == [overdue.pk, due.pk]  # the email's order: overdue first

    raw = f"From: {idaho.cio.email}\nTo: {reply_to}\nMessage-ID: <digest@x>\n\nI2: on track 20% drafted\n"
    assert reading.read_inbound(inbound.store(raw.encode(), source="file").row.pk) == "posted 1 update: I2 On track 20%"
    assert Update.objects.get(item=due).via == Via.EMAIL


def test_a_digest_without_items_to_update_has_no_reply_address(
    idaho: State, clock: TimeMachineFixture, settings: Settings
) -> None:
    settings.REPLY_DOMAIN = "reply.jointplan.example"
    wants_quiet_weeks(idaho.cio, now=NOW)
    scan(clock, MONDAY_8AM)
    (row,) = rows_for(idaho.cio)
    assert "Reply-To" not in row.headers
    assert not ReplyAddress.objects.exists()
