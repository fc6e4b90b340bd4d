"""Deciding who gets which email, and writing it to the outbox.

Periodic scans find what is due and claim it in the database; each may run twice, late or at the
same time as another with no extra effect (dedupe keys and ReminderSent are unique). Nobody gets
an email at 3 a.m.: reminders go out in the recipient's working hours (WORKING_HOURS, the one rule
every scan uses, event reminders included), digests at the hour they chose, both computed in
their own time zone.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from actionplan import rules
from actionplan.models import Activity, Comment, Item, ItemSide, Plan, Status, awaiting_sign_off
from config.markdown import markdown_to_text
from directory import permissions, sides
from directory.models import Membership, User
from notifications import inbox, mail_tokens
from notifications.models import Preference, ReminderSent
from outbox import emails, tokens
from outbox.models import OutgoingEmail
from roundtables.models import OutcomeProposal
from roundtables.services.outcomes import FOLLOW_UP_DAYS, follow_up_dates

# When reminders reach people: one rule for every scan (items due, overdue and stale, sign-offs,
# roundtable follow-ups and event reminders), on the recipient's own clock. Weekdays 08:00 to
# 18:00: these are work emails to state officials, read at their desks, so a reminder that falls
# due at night or at a weekend waits for the next working morning (each scan looks back over a
# window, so waiting delays a reminder, never loses it; an event reminder's week-long window always
# holds five working days). The one exception is a mention, someone waiting on an answer: 07:00
# to 21:00 on any day. Nothing is sent at night.
WORKING_HOURS = (8, 18)
MENTION_HOURS = (7, 21)
MENTION_LOOKBACK = datetime.timedelta(days=3)
# A change one office made that asks something of the other (see _collect_change_facts) is told
# within a week: long enough to reach the next working day after a long weekend.
CHANGE_LOOKBACK = datetime.timedelta(days=7)
# A roundtable follow-up is told in the 30 days after it falls due (a weekend, a night or a missed
# scan delays it, never loses it); then the next one takes over. An update (or the item's creation)
# in the week before it falls due makes it unnecessary.
FOLLOW_UP_WINDOW = datetime.timedelta(days=30)
FOLLOW_UP_QUIET = datetime.timedelta(days=7)


def local(now: datetime.datetime, tz: str) -> datetime.datetime:
    return now.astimezone(ZoneInfo(tz))


# --- Preferences and the digest clock ---------------------------------------------------------


def next_digest_at(pref: Preference, tz: str, *, after: datetime.datetime) -> datetime.datetime:
    """The first `weekday hour:00` in `tz` strictly after `after`, as a UTC instant.

    Computed on the local calendar, so across a daylight-saving change the digest still arrives at
    the chosen local hour, once a week.
    """
    zone = ZoneInfo(tz)
    here = after.astimezone(zone)
    day = here.date() + datetime.timedelta(days=(pref.digest_weekday - here.weekday()) % 7)
    for _ in range(3):
        candidate = datetime.datetime.combine(day, datetime.time(pref.digest_hour), tzinfo=zone)
        if candidate.astimezone(datetime.UTC) > after:
            return candidate.astimezone(datetime.UTC)
        day += datetime.timedelta(days=7)
    raise AssertionError("unreachable: a later week always exists")


def preference_for(user: User, *, now: datetime.datetime | None = None) -> Preference:
    """The person's preferences, created with defaults (digest on Monday 08:00) the first time."""
    pref = Preference.objects.filter(user=user).first()
    if pref is None:
        pref = Preference(user=user)
        pref.next_digest_at = next_digest_at(pref, user.tz, after=now or timezone.now())
        try:
            with transaction.atomic():
                pref.save()
        except IntegrityError:  # a scan (ensure_preferences) created it a moment ago
            pref = Preference.objects.get(user=user)
    return pref


@transaction.atomic
def save_preferences(
    pref: Preference, *, changes: dict[str, object], now: datetime.datetime | None = None
) -> Preference:
    """Store a person's choices; a new day or hour moves the next digest accordingly."""
    for name, value in changes.items():
        setattr(pref, name, value)
    pref.next_digest_at = next_digest_at(pref, pref.user.tz, after=now or timezone.now())
    pref.save()
    return pref


# What each one-click unsubscribe link switches off, as its page says it: a Preference field, or
# "reminders" for all of them.
UNSUBSCRIBE_TOPICS = {
    "digest": "the weekly digest",
    "reminders_due": "reminders about items falling due",
    "reminders_overdue": "reminders about overdue items",
    "reminders_stale": "reminders about items with no recent update",
    "reminders_sign_off": "reminders about joint items awaiting your sign-off",
    "reminders_mention": "emails when someone @mentions you",
    "reminders": "all reminders",
}


def unsubscribe_url(user: User, topic: str) -> str:
    """The signed link (absolute, for an email) that switches `topic` off without signing in."""
    if topic not in UNSUBSCRIBE_TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    return emails.absolute(reverse("notifications:unsubscribe", args=[tokens.make(user, topic)]))


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, topic) of an unsubscribe link; raises signing.BadSignature (or SignatureExpired),
    also for a well-signed token whose topic is not one of ours."""
    user_id, topic = tokens.read(token)
    if topic not in UNSUBSCRIBE_TOPICS:
        raise signing.BadSignature("unknown unsubscribe topic")
    return user_id, topic


@transaction.atomic
def unsubscribe(user: User, topic: str) -> Preference:
    """Switch off one kind of email (or all reminders) from a signed link."""
    pref = preference_for(user)
    names = Preference.REMINDER_FIELDS if topic == "reminders" else (topic,)
    for name in names:
        setattr(pref, name, False)
    pref.save(update_fields=[*names, "updated_at"])
    return pref


def ensure_preferences(now: datetime.datetime) -> int:
    """Give every active person who belongs somewhere a Preference row, so scans can find them.

    Returns how many were missing (a concurrent scan may have written some of them)."""
    member_ids = Membership.objects.active().values("user_id")
    from directory.models import StaffMembership

    staff_ids = StaffMembership.objects.active().values("user_id")
    missing = User.objects.filter(is_active=True, email_preference__isnull=True).filter(
        Q(pk__in=member_ids) | Q(pk__in=staff_ids)
    )
    prefs = []
    for user in missing:
        pref = Preference(user=user)
        pref.next_digest_at = next_digest_at(pref, user.tz, after=now)
        prefs.append(pref)
    # Another scan may be creating the same rows at this moment: the database keeps the first of
    # each and this one skips it, instead of dying on the unique user.
    Preference.objects.bulk_create(prefs, ignore_conflicts=True)
    return len(prefs)


# --- Reminders ----------------------------------------------------------------------------------


@dataclass
class Fact:
    """One thing to remind one person of; `key` makes sure it is said once."""

    key: str
    topic: str  # a Preference field name
    title: str  # heading of the section in the email
    item: Item | Any  # an Item; its id while the scan collects (pending_reminders loads the ones it keeps)
    detail: str = ""
    url: str = ""  # where the email links (a path); the item's page unless said (a comment's place)
    who: str = ""  # the person whose words the fact is (a mention's author), for the subject
    where: str = ""  # for a fact about a plan rather than an item (item None): the plan's name


@dataclass
class ReminderBatch:
    """What one person is told in one email: `facts`, one heading per item, and `covered`, the facts
    about those same items that a more specific heading already tells (recorded as told with it)."""

    user: User
    facts: list[Fact] = field(default_factory=list)
    covered: list[Fact] = field(default_factory=list)


SECTION_ORDER = ["reminders_mention", "reminders_sign_off", "reminders_overdue", "reminders_due", "reminders_stale"]
# One email names an item under one heading. When several facts about the same item are new for
# someone at once, the most specific kind of fact (first here) is told and the others are covered
# by it: a person's words, then a counterpart's request to sign, then a roundtable's follow-up,
# then dates, then silence. Every entry still shows the item's due date, and a follow-up already
# asks for the update a "no update for a while" reminder would.
HEADING_PRECEDENCE = (
    "sharing",
    "mention",
    "resign",
    "reopened",
    "shared",
    "signoff",
    "followup",
    "overdue",
    "due",
    "stale",
)


def collect_reminders(now: datetime.datetime) -> dict[int, ReminderBatch]:
    """Every reminder fact that is true now, per person, before preferences and hours are applied.

    A fixed handful of queries over the whole country, whatever the number of plans. Each fact
    carries its item's id; pending_reminders loads the items of the facts it keeps.
    """
    batches: dict[int, ReminderBatch] = {}
    active = Membership.objects.active(now.date())
    current = {
        (m.user_id, m.jurisdiction_id, sides.ROLE_SIDE.get(m.role))
        for m in active.only("user_id", "jurisdiction_id", "role")
    }

    def add(user: User, fact: Fact) -> None:
        batches.setdefault(user.pk, ReminderBatch(user=user)).facts.append(fact)

    def still_holds(user: User | None, item: Item, side: str) -> TypeGuard[User]:
        return user is not None and user.is_active and (user.pk, item.plan.jurisdiction_id, side) in current

    _collect_item_facts(now, current, add)
    _collect_follow_up_facts(now, current, add)

    # Joint items where the other office has signed and this one has not.
    awaiting = awaiting_sign_off(
        Item.objects.current(), related=("item__plan__jurisdiction", "item__cio_owner", "item__cpo_owner")
    )
    for signed in awaiting.values():
        waiting_side = sides.other(signed.side)
        owner = signed.item.owner_for(waiting_side)
        if still_holds(owner, signed.item, waiting_side):
            add(
                owner,
                Fact(
                    f"signoff:{signed.item_id}:{signed.pk}",
                    "reminders_sign_off",
                    "Awaiting your sign-off",
                    signed.item_id,
                    f"the {signed.side.upper()} side signed",
                ),
            )

    # Mentions in recent comments.
    recent = Comment.objects.filter(created_at__gte=now - MENTION_LOOKBACK).select_related(
        "item__plan__jurisdiction", "author"
    )
    for comment in recent.prefetch_related("mentions"):
        for person in comment.mentions.all():
            if person.is_active and person.pk != comment.author_id:
                add(
                    person,
                    Fact(
                        f"mention:{comment.pk}",
                        "reminders_mention",
                        "You were mentioned",
                        comment.item_id,
                        f"{comment.author} mentioned you: {comment.body[:200]}",
                        url=comment.get_absolute_url(),
                        who=str(comment.author),
                    ),
                )
    _collect_change_facts(now, current, add)
    _collect_sharing_requests(now, add)
    return batches


def _collect_sharing_requests(now: datetime.datetime, add: Callable[[User, Fact], None]) -> None:
    """A request to widen a plan's sharing, still pending, told once to the principal of the office
    that did not ask (who answers it with Approve or Decline on My updates). The fact is about a
    plan, not an item: its `item` is None and its link is the inbox's requests."""
    asked = list(
        Activity.objects.filter(verb=Activity.Verb.SHARING_REQUESTED, created_at__gte=now - CHANGE_LOOKBACK)
        .filter(plan__sharing_requested_side__gt="")
        .select_related("plan__jurisdiction", "actor")
    )
    if not asked:
        return
    principals = {
        (m.jurisdiction_id, sides.ROLE_SIDE[m.role]): m.user
        for m in Membership.objects.active(now.date())
        .filter(jurisdiction_id__in={a.plan.jurisdiction_id for a in asked}, role__in=sides.PRINCIPAL_ROLES)
        .select_related("user")
    }
    for activity in asked:
        plan = activity.plan
        answering = principals.get((plan.jurisdiction_id, sides.other(plan.sharing_requested_side)))
        if answering is None or not answering.is_active:
            continue
        detail = f"{activity.actor} asked to widen who can see {plan} to: {activity.new_value}"
        add(
            answering,
            Fact(f"sharing:{activity.pk}", "reminders_sign_off", "Asked to widen sharing", None, detail,
                 url="/my-updates/#owed-requests", where=str(plan)),
        )  # fmt: skip


def _collect_change_facts(
    now: datetime.datetime, current: set[tuple[int, int, str | None]], add: Callable[[User, Fact], None]
) -> None:
    """What one office did to an item that asks something of the other: it made its own item joint
    (the other office now shares it and signs it off), or it changed what was signed (scope, due date
    or side), so the signatures were voided and both must sign again. Told once to the other office's
    owner of the item, or to its principal while the item has no owner on that side."""
    since = now - CHANGE_LOOKBACK
    changes = list(
        Activity.objects.filter(created_at__gte=since, item__archived_at__isnull=True)
        .filter(
            Q(verb=Activity.Verb.FIELD_CHANGED, field="side", new_value=ItemSide.JOINT)
            | Q(verb__in=[Activity.Verb.SIGN_OFFS_RESET, Activity.Verb.REOPENED])
        )
        .select_related("item__plan", "item__cio_owner", "item__cpo_owner", "actor")
        .order_by("created_at", "id")
    )
    if not changes:
        return
    principals: dict[tuple[int, str], User] = {}
    places: set[int] = set()
    for change in changes:
        # Both verbs are an item's activity; only plan-level activity (adopted, sharing) has none.
        assert change.item is not None  # noqa: S101 - narrows for mypy
        places.add(change.item.plan.jurisdiction_id)
    for m in (
        Membership.objects.active(now.date())
        .filter(jurisdiction_id__in=places, role__in=sides.PRINCIPAL_ROLES, user__is_active=True)
        .select_related("user")
    ):
        principals[(m.jurisdiction_id, m.role)] = m.user
    for change in changes:
        item, actor_id = change.item, change.actor_id
        assert item is not None  # noqa: S101 - narrows for mypy; see `places` above
        place = item.plan.jurisdiction_id
        if change.verb == Activity.Verb.SIGN_OFFS_RESET:
            offices, key, title = item.sides, f"resign:{change.pk}", "Asked to sign again"
            detail = f"{change.actor}: {change.new_value}" if change.actor else change.new_value
        elif change.verb == Activity.Verb.REOPENED:
            offices, key, title = item.sides, f"reopened:{change.pk}", "Reopened"
            detail = f"{change.actor} reopened it: {change.new_value}"
        else:
            offices, key, title = (
                [s for s in sides.OFFICES if s != change.old_value],
                f"shared:{change.pk}",
                "Now shared with your office",
            )
            detail = f"{change.actor} made it a joint item: both offices own it and sign it off"
        for side in offices:
            if (actor_id, place, side) in current:
                continue  # the office that made the change knows
            owner = item.owner_for(side)
            if owner is None or not owner.is_active or (owner.pk, place, side) not in current:
                owner = principals.get((place, side))
            if owner is not None and owner.pk != actor_id:
                add(owner, Fact(key, "reminders_sign_off", title, item.pk, detail))


ITEM_FIELDS = (
    "pk", "due_on", "starts_on", "created_at", "cio_last_update_at", "cpo_last_update_at", "side", "status",
    "last_update_at",
    "cio_owner_id", "cpo_owner_id", "plan__jurisdiction_id", "plan__stale_after_days",
)  # fmt: skip


def _collect_item_facts(
    now: datetime.datetime, current: set[tuple[int, int, str | None]], add: Callable[[User, Fact], None]
) -> None:
    """Due, overdue and stale facts for every open item in the country.

    The hottest loop of the scan: it reads plain values (no model per item), works out each
    owner's local date once per time zone, and loads full items only for those with a fact.
    """
    owner_ids = {user_id for user_id, _, _ in current}
    people = {u.pk: u for u in User.objects.filter(pk__in=owner_ids, is_active=True)}
    local_today: dict[str, datetime.date] = {}
    horizon = now.date() + datetime.timedelta(days=9)
    found: list[tuple[User, Fact]] = []
    rows = Item.objects.open().filter(starts_on__lte=horizon).values_list(*ITEM_FIELDS)
    for row in rows:
        (
            pk,
            due_on,
            starts_on,
            created_at,
            cio_last,
            cpo_last,
            side,
            status,
            item_last,
            cio_id,
            cpo_id,
            place,
            stale_after,
        ) = row
        for owner_side, owner_id, last_update_at in (("cio", cio_id, cio_last), ("cpo", cpo_id, cpo_last)):
            if side not in (owner_side, ItemSide.JOINT) or owner_id is None:
                continue
            owner = people.get(owner_id)
            if owner is None or (owner_id, place, owner_side) not in current:
                continue
            today = local_today.get(owner.tz)
            if today is None:
                today = local_today[owner.tz] = local(now, owner.tz).date()
            days_left = (due_on - today).days
            # Windows, not exact days: a fact whose day fell on a weekend or a night (outside the
            # recipient's hours) or a day the scan did not run is told at the next chance instead
            # of never. The key (item, due date) still makes each one said once.
            if 1 < days_left <= 7:
                title = "Due in 7 days" if days_left == 7 else f"Due in {days_left} days"
                found.append((owner, Fact(f"due7:{pk}:{due_on}", "reminders_due", title, pk)))
            elif 0 <= days_left <= 1:
                title = "Due tomorrow" if days_left == 1 else "Due today"
                found.append((owner, Fact(f"due1:{pk}:{due_on}", "reminders_due", title, pk)))
            elif days_left < 0:
                week = "{}-W{:02}".format(*today.isocalendar()[:2])
                found.append(
                    (
                        owner,
                        Fact(f"overdue:{pk}:{week}", "reminders_overdue", "Overdue", pk, f"{-days_left} days overdue"),
                    )
                )
            # The one staleness rule (actionplan.rules), on this office's own clock, as My updates
            # and the national view read it.
            quiet_days = rules.quiet_days(
                last_update_at=last_update_at, created_at=created_at, starts_on=starts_on, now=now
            )
            if rules.is_stale(
                quiet_days=quiet_days,
                starts_on=starts_on,
                stale_after_days=stale_after,
                today=today,
                status=status,
                due_on=due_on,
                item_last_update_at=item_last,
            ):
                stamp = last_update_at.date() if last_update_at else "never"
                fact = Fact(
                    f"stale:{pk}:{stamp}:{quiet_days // stale_after}",
                    "reminders_stale",
                    "No update for a while",
                    pk,
                    f"no update for {quiet_days} days",
                )
                found.append((owner, fact))
    for owner, fact in found:
        add(owner, fact)


FOLLOW_UP_FIELDS = (
    "item_id", "outcome__roundtable__ends_at", "outcome__roundtable__tz", "outcome__roundtable__title",
    "item__side", "item__cio_owner_id", "item__cpo_owner_id", "item__plan__jurisdiction_id",
    "item__last_update_at", "item__created_at",
)  # fmt: skip


def _collect_follow_up_facts(
    now: datetime.datetime, current: set[tuple[int, int, str | None]], add: Callable[[User, Fact], None]
) -> None:
    """Follow-ups of roundtable outcomes a state accepted: 30, 60 and 90 days after the event's last
    day, its owners are asked how the item is going (key `followup<days>:<item>`, so once each),
    unless the item is done or archived or had an update in the week before. Told with the stale
    reminders, whose preference ("items with no recent update") it shares."""
    oldest = now - datetime.timedelta(days=max(FOLLOW_UP_DAYS)) - FOLLOW_UP_WINDOW - datetime.timedelta(days=2)
    rows = list(
        OutcomeProposal.objects.filter(
            status=OutcomeProposal.Status.ACCEPTED,
            item__archived_at__isnull=True,
            outcome__roundtable__ends_at__gte=oldest,
        )
        .exclude(item__status=Status.DONE)
        .values_list(*FOLLOW_UP_FIELDS)
    )
    if not rows:
        return
    owner_ids = {owner for row in rows for owner in row[5:7] if owner is not None}
    people = User.objects.filter(is_active=True).in_bulk(owner_ids)
    found: list[tuple[User, Fact]] = []
    for pk, ends_at, event_tz, event, side, cio_id, cpo_id, place, last_update_at, created_at in rows:
        latest = max(filter(None, [last_update_at, created_at]))
        for owner_side, owner_id in (("cio", cio_id), ("cpo", cpo_id)):
            owner = people.get(owner_id) if side in (owner_side, ItemSide.JOINT) else None
            if owner is None or (owner.pk, place, owner_side) not in current:
                continue
            today = local(now, owner.tz).date()
            due = [(days, on) for days, on in follow_up_dates(ends_at, event_tz) if on <= today < on + FOLLOW_UP_WINDOW]
            if not due:
                continue
            days, on = due[-1]
            if local(latest, owner.tz).date() >= on - FOLLOW_UP_QUIET:
                continue
            detail = f"{days} days since {event}: how is it going? Post an update"
            found.append((owner, Fact(f"followup{days}:{pk}", "reminders_stale", "Roundtable follow-up", pk, detail)))
    for owner, fact in found:
        add(owner, fact)


def in_working_hours(now: datetime.datetime, tz: str, *, topic: str = "") -> bool:
    """Whether a reminder on `topic` (a Preference field; none for an event reminder) may reach
    someone whose zone is `tz` at `now`: the one working-hours rule (see WORKING_HOURS)."""
    here = local(now, tz)
    if topic == "reminders_mention":
        return MENTION_HOURS[0] <= here.hour < MENTION_HOURS[1]
    return here.weekday() < 5 and WORKING_HOURS[0] <= here.hour < WORKING_HOURS[1]


def pending_reminders(now: datetime.datetime) -> list[ReminderBatch]:
    """What each person would be told now: facts they want, in their hours, not told before."""
    batches = collect_reminders(now)
    if not batches:
        return []
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=batches)}
    told = set(ReminderSent.objects.filter(user_id__in=batches).values_list("user_id", "key"))
    kept = []
    for user_id, batch in batches.items():
        pref = prefs.get(user_id) or Preference(user=batch.user)
        facts = [
            f for f in batch.facts
            if pref.wants(f.topic) and (user_id, f.key) not in told and in_working_hours(now, batch.user.tz, topic=f.topic)
        ]  # fmt: skip
        if facts:
            kept.append(ReminderBatch(user=batch.user, facts=facts))
    # Items only for the facts that will be told: most facts of a scan were told before or fall
    # outside their reader's hours, and building thousands of items was most of the scan's time.
    items = Item.objects.select_related("plan__jurisdiction").in_bulk(
        {f.item for b in kept for f in b.facts if f.item is not None}
    )
    for batch in kept:
        for fact in batch.facts:
            fact.item = items[fact.item] if fact.item is not None else None
        batch.facts.sort(
            key=lambda f: (SECTION_ORDER.index(f.topic), f.item.due_on if f.item else datetime.date.min, f.key)
        )
        batch.facts, batch.covered = _one_heading_per_item(list({f.key: f for f in batch.facts}.values()))
    return kept


def _fact_kind(fact: Fact) -> str:
    """The kind of a fact, from its key (`due7:<item>:<date>` is "due", `followup30:<item>` is
    "followup"): what HEADING_PRECEDENCE ranks."""
    return fact.key.split(":", 1)[0].rstrip("0123456789")


def _one_heading_per_item(facts: list[Fact]) -> tuple[list[Fact], list[Fact]]:
    """(told, covered): of the facts about each item, those of its most specific kind are told,
    in their order; the rest are covered by them."""
    rank = {kind: n for n, kind in enumerate(HEADING_PRECEDENCE)}
    best: dict[object, int] = {}

    def about(fact: Fact) -> object:  # an item, or (for a plan's fact) the fact itself
        return fact.item.pk if fact.item is not None else fact.key

    for fact in facts:
        best[about(fact)] = min(best.get(about(fact), len(rank)), rank[_fact_kind(fact)])
    told = [f for f in facts if rank[_fact_kind(f)] == best[about(f)]]
    covered = [f for f in facts if rank[_fact_kind(f)] != best[about(f)]]
    return told, covered


# The kinds of fact that ask the person for an update or a signature, so that a reply (or a
# one-click link) can answer them; a mention or a sharing request is answered on the page.
ASKS_FOR_UPDATE = frozenset({"due", "overdue", "stale", "followup", "signoff", "resign", "reopened"})


def items_asking_update(facts: list[Fact]) -> list[Item]:
    """The items an email asks its reader to update, each once, in the email's order: a reply's
    codes (I1, I2, …) count in this order."""
    seen: dict[int, Item] = {}
    for fact in facts:
        if fact.item is not None and _fact_kind(fact) in ASKS_FOR_UPDATE:
            seen.setdefault(fact.item.pk, fact.item)
    return list(seen.values())


def queue_reminders(*, now: datetime.datetime | None = None) -> list[ReminderBatch]:
    """One combined email per person with everything new to tell them; nothing if nothing is.

    With replies on (settings.REPLY_DOMAIN), the email's Reply-To is an address bound to its
    reader and to the items it asks about, so a one-line reply posts the update. Whether or not,
    each item it asks about gets one-click status links (notifications.status_links); the tokens
    of an email that was not queued are removed with it. Both cost a fixed number of queries per
    email, not per item."""
    now = now or timezone.now()
    queued = []
    for batch in pending_reminders(now):
        keys = sorted(f.key for f in [*batch.facts, *batch.covered])
        digest = hashlib.sha256("|".join(keys).encode()).hexdigest()[:20]
        try:
            with transaction.atomic():
                asked = items_asking_update(batch.facts)
                reply = mail_tokens.issue_reply_address(batch.user, asked, now=now)
                links, link_tokens = mail_tokens.issue_status_links(batch.user, asked, now=now)
                row = emails.queue(
                    OutgoingEmail.Kind.REMINDER,
                    user=batch.user,
                    dedupe_key=f"reminders:{batch.user.pk}:{digest}",
                    template="reminders",
                    context=_reminder_context(batch.facts, asked=asked if reply else [], status_links=link_tokens),
                    unsubscribe_url=unsubscribe_url(batch.user, "reminders"),
                    reply_to=reply[1] if reply else None,
                )
                if reply:
                    mail_tokens.attach_to_email([reply[0]], row)
                if links:
                    mail_tokens.attach_to_email(links, row)
                if row is None:
                    continue
                ReminderSent.objects.bulk_create([ReminderSent(user=batch.user, key=k, email=row) for k in keys])
        except IntegrityError:
            # Another scan told some of these facts meanwhile: this person's email is rolled back
            # (the next scan sends only what is still new) and everyone else's goes ahead.
            continue
        queued.append(batch)
    return queued


# The statuses a one-click link can post, in the order the email shows them. Not "done" (a joint
# item is done by two signatures, and finishing anything deserves more than one click) nor "off
# track" (kept to three links; the page and a reply offer every status).
STATUS_LINK_CHOICES = (Status.ON_TRACK, Status.AT_RISK, Status.BLOCKED)


def status_link_urls(token: str, item: Item) -> dict[str, str]:
    """The one-click links an email shows under an item it asks about: a status each (absolute,
    for an email; confirmed on the page they open) and the item's own page for a full update."""
    urls = {
        str(status): emails.absolute(reverse("notifications:status_link", args=[token, str(status)]))
        for status in STATUS_LINK_CHOICES
    }
    return urls | {"update": emails.absolute(f"/items/{item.pk}/")}


def _reminder_context(
    facts: list[Fact], *, asked: list[Item] | None = None, status_links: dict[int, str] | None = None
) -> dict[str, object]:
    """The email's sections are My updates' own (notifications.inbox.SECTIONS), in its order and
    under its titles, so the email and the page name each thing alike; each entry keeps the fact's
    own words ("Due in 7 days", "Reopened") as its label. A mention alone says who and where.

    `asked`: the items a reply may update, in code order (I1 first); each of their entries shows
    its code, and the email explains how to reply. Empty when replies are off.

    `status_links`: the token of each asked item's one-click status links, by item id; the entry
    that asks about the item shows them (a mention of the same item does not)."""
    codes = mail_tokens.item_codes(asked or [])
    tokens = status_links or {}

    def links(fact: Fact) -> dict[str, str]:
        if fact.item is None or fact.item.pk not in tokens or _fact_kind(fact) not in ASKS_FOR_UPDATE:
            return {}
        return status_link_urls(tokens[fact.item.pk], fact.item)

    grouped: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        grouped[inbox.FACT_SECTION[_fact_kind(fact)]].append(fact)
    sections = [
        {
            "key": kind.key,
            "title": kind.title,
            "entries": [
                {
                    "title": f.item.title if f.item else f.where,
                    "where": f.item.plan if f.item else "",
                    "due_on": f.item.due_on if f.item else None,
                    "label": f.title,
                    "detail": f.detail,
                    "url": emails.absolute(f.url or f"/items/{f.item.pk}/"),
                    "code": codes.get(f.item.pk, "") if f.item else "",
                    "links": links(f),
                }
                for f in grouped[kind.key]
            ],
        }
        for kind in inbox.SECTIONS
        if grouped.get(kind.key)
    ]
    count = len({f.item.pk if f.item else f.key for f in facts})
    only_mentions = all(_fact_kind(f) == "mention" for f in facts)
    subject = ""
    if only_mentions and len(facts) == 1:
        subject = f"{facts[0].who} mentioned you on “{facts[0].item.title}”"
    elif only_mentions:
        subject = f"{len(facts)} comments mention you"
    return {
        "sections": sections,
        "count": count,
        "subject": subject,
        "only_mentions": only_mentions,
        "reply_codes": list(codes.values()),
        "status_links": bool(tokens),
        "status_links_days": settings.REPLY_TOKEN_DAYS,
    }


# --- Weekly digests -----------------------------------------------------------------------------


@dataclass
class Digest:
    """What one person's weekly digest says. Empty means a quiet week."""

    user: User
    week: str
    due: list[Item] = field(default_factory=list)
    overdue: list[Item] = field(default_factory=list)
    counterpart: list[Activity] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    movement: list[dict[str, object]] = field(default_factory=list)
    # Staff only: the national picture.
    newly_troubled: list[Activity] = field(default_factory=list)
    silent: list[dict[str, object]] = field(default_factory=list)
    completed: list[Activity] = field(default_factory=list)
    sign_offs: list[Activity] = field(default_factory=list)
    # Staff only: what changed since last week.
    newly_silent: list[dict[str, object]] = field(default_factory=list)
    recovered: list[dict[str, object]] = field(default_factory=list)
    new_disagreements: list[Item] = field(default_factory=list)
    is_staff: bool = False
    # A state member: My updates' own sections that hold something (notifications.inbox), and
    # whether they act for a side at all (a viewer reads, and is told so).
    needs: list[inbox.Section] = field(default_factory=list)
    acting: bool = True

    @property
    def is_quiet(self) -> bool:
        return not any(
            [
                self.due,
                self.overdue,
                self.needs,
                self.counterpart,
                self.comments,
                self.newly_troubled,
                self.silent,
                self.completed,
                self.sign_offs,
                self.newly_silent,
                self.recovered,
                self.new_disagreements,
            ]
        )


def iso_week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02}"


def build_digest(user: User, *, now: datetime.datetime) -> Digest:
    """The week that ended at `now`, from the person's own point of view."""
    today = local(now, user.tz).date()
    week_ago = now - datetime.timedelta(days=7)
    digest = Digest(user=user, week=iso_week(today), is_staff=permissions.is_association_staff(user))
    if digest.is_staff:
        return _national(digest, now=now, week_ago=week_ago)
    memberships = permissions.current_memberships(user)
    plans = list(
        Plan.objects.filter(jurisdiction_id__in=[m.jurisdiction_id for m in memberships]).select_related("jurisdiction")
    )
    # What needs them is My updates' inbox, section for section, as of this morning.
    box = inbox.build(user, now=now, today=today)
    digest.acting = box.acting
    digest.needs = [section for section in box.sections if section.entries]
    digest.overdue = box.section("overdue").items
    digest.due = box.section("due_soon").items
    my_sides = {sides.ROLE_SIDE[m.role] for m in memberships if m.role in sides.ROLE_SIDE}
    # Only the roles that act for the other side: a state has a few of those and may have
    # hundreds of viewers, who are nobody's counterpart.
    counterpart_roles = [role for role, side in sides.ROLE_SIDE.items() if side not in my_sides]
    counterpart_ids = list(
        Membership.objects.active()
        .filter(jurisdiction_id__in=[p.jurisdiction_id for p in plans], role__in=counterpart_roles)
        .exclude(user=user)
        .order_by()
        .values_list("user_id", flat=True)
    )
    digest.counterpart = list(
        Activity.objects.filter(
            plan__in=plans, actor_id__in=counterpart_ids, created_at__gte=week_ago, created_at__lt=now
        )
        .exclude(verb=Activity.Verb.STATUS_CHANGED)
        .select_related("actor", "item")
        .order_by("-created_at")[:30]
    )
    digest.comments = list(
        Comment.objects.filter(item__plan__in=plans, created_at__gte=week_ago, created_at__lt=now)
        .filter(Q(mentions=user) | Q(item__cio_owner=user) | Q(item__cpo_owner=user))
        .exclude(author=user)
        .select_related("author", "item")
        .distinct()
        .order_by("-created_at")[:20]
    )
    for comment in digest.comments:
        comment.text = markdown_to_text(comment.body)  # type: ignore[attr-defined]  # email shows text, not Markdown
    if digest.counterpart or digest.comments or digest.due or digest.overdue:
        digest.movement = _movement(plans, week_ago=week_ago, now=now)
    return digest


def _movement(plans: list[Plan], *, week_ago: datetime.datetime, now: datetime.datetime) -> list[dict[str, object]]:
    """Per plan and dimension: how many items were updated and finished this week."""
    rows = (
        Activity.objects.filter(plan__in=plans, created_at__gte=week_ago, created_at__lt=now, item__isnull=False)
        .values("plan_id", "item__dimension__name", "item__dimension__position")
        .annotate(
            updated=Count("item", filter=Q(verb=Activity.Verb.UPDATED), distinct=True),
            done=Count("item", filter=Q(verb=Activity.Verb.STATUS_CHANGED, new_value=Status.DONE.label), distinct=True),
        )
        .order_by("plan_id", "item__dimension__position")
    )
    names = {p.pk: str(p) for p in plans}
    return [
        {
            "plan": names[r["plan_id"]],
            "dimension": r["item__dimension__name"],
            "updated": r["updated"],
            "done": r["done"],
        }
        for r in rows
        if r["updated"] or r["done"]
    ]


def _national(digest: Digest, *, now: datetime.datetime, week_ago: datetime.datetime) -> Digest:
    week = Activity.objects.filter(created_at__gte=week_ago, created_at__lt=now).select_related(
        "plan__jurisdiction", "item", "actor"
    )
    troubled_labels = [Status.AT_RISK.label, Status.OFF_TRACK.label]
    digest.newly_troubled = list(
        week.filter(verb=Activity.Verb.STATUS_CHANGED, new_value__in=troubled_labels).order_by(
            "plan__jurisdiction__name"
        )[:50]
    )
    digest.completed = list(
        week.filter(verb=Activity.Verb.STATUS_CHANGED, new_value=Status.DONE.label).order_by(
            "plan__jurisdiction__name"
        )[:50]
    )
    digest.sign_offs = list(week.filter(verb=Activity.Verb.SIGNED_OFF).order_by("plan__jurisdiction__name")[:50])
    # Silent (actionplan.rules.is_silent): no update for 30 days in a jurisdiction whose first plan
    # is older than that, or none ever (the quietest of all, which a list of updates would never
    # show). Read now and as it stood a week ago, to tell who fell silent and who came back.
    latest = (
        Plan.objects.values("jurisdiction__name")
        .annotate(
            first=Min("created_at"),
            last=Max("items__updates__created_at", filter=Q(items__updates__created_at__lt=now)),
            last_then=Max("items__updates__created_at", filter=Q(items__updates__created_at__lt=week_ago)),
        )
        .order_by("jurisdiction__name")
    )
    for row in latest:
        entry = {"jurisdiction": row["jurisdiction__name"], "last": row["last"]}
        silent_now = rules.is_silent(last_update_at=row["last"], plan_created_at=row["first"], now=now)
        silent_then = rules.is_silent(last_update_at=row["last_then"], plan_created_at=row["first"], now=week_ago)
        if silent_now:
            digest.silent.append(entry)
            if not silent_then:
                digest.newly_silent.append(entry)
        elif silent_then:
            digest.recovered.append(entry)
    # Joint items whose two offices now report different states, after an update this week.
    digest.new_disagreements = [
        item
        for item in Item.objects.current()
        .filter(side=ItemSide.JOINT, updates__created_at__gte=week_ago, updates__created_at__lt=now)
        .exclude(cio_status="")
        .exclude(cpo_status="")
        .select_related("plan__jurisdiction")
        .distinct()
        .order_by("plan__jurisdiction__name", "title")
        if item.sides_disagree
    ][:50]
    return digest


# The digest's sections (My updates' own) whose items a reply may update, with a status or, for a
# joint item awaiting the reader's signature, "done"; and how many entries a section shows (the
# digest templates' slice), since a code is only given to an item the email shows.
DIGEST_ASKING_SECTIONS = ("sign_off", "trouble", "overdue", "due_soon", "quiet")
DIGEST_SHOWN_PER_SECTION = 8


def _digest_items_asking_update(digest: Digest) -> list[Item]:
    """The items a member's digest shows that a reply may update, each once, in the email's order:
    a reply's codes (I1, I2, ...) count in this order. None for staff: their digest is national."""
    if digest.is_staff or not digest.acting:
        return []
    seen: dict[int, Item] = {}
    for section in digest.needs:
        if section.key in DIGEST_ASKING_SECTIONS:
            for entry in section.entries[:DIGEST_SHOWN_PER_SECTION]:
                if entry.kind == "item" and entry.item is not None:
                    seen.setdefault(entry.item.pk, entry.item)
    return list(seen.values())


def due_digests(now: datetime.datetime) -> list[Preference]:
    return list(
        Preference.objects.filter(digest=True, next_digest_at__lte=now, user__is_active=True)
        .select_related("user")
        .order_by("next_digest_at", "pk")
    )


def send_digest(pref: Preference, *, now: datetime.datetime) -> OutgoingEmail | None:
    """Queue one person's digest if it is due, and move their clock to next week. Runs in its own
    transaction with the preference row locked: two scans cannot both send it."""
    with transaction.atomic():
        pref = Preference.objects.select_for_update().select_related("user").get(pk=pref.pk)
        if not pref.digest or pref.next_digest_at is None or pref.next_digest_at > now:
            return None
        user = pref.user
        digest = build_digest(user, now=now)
        # The week the digest was due in, not the week the scan ran in: a scan late past midnight
        # into Monday would otherwise take next week's key, and next week's digest would be lost.
        digest.week = iso_week(local(pref.next_digest_at, user.tz).date())
        row = None
        if not digest.is_quiet or pref.digest_when_quiet:
            asked = _digest_items_asking_update(digest)
            reply = mail_tokens.issue_reply_address(user, asked, now=now)
            codes = mail_tokens.item_codes(asked) if reply else {}
            for section in digest.needs:
                for entry in section.entries:
                    entry.code = codes.get(entry.item.pk, "") if entry.kind == "item" and entry.item else ""
            row = emails.queue(
                OutgoingEmail.Kind.STAFF_DIGEST if digest.is_staff else OutgoingEmail.Kind.DIGEST,
                user=user,
                dedupe_key=f"digest:{user.pk}:{digest.week}",
                template="staff_digest" if digest.is_staff else "digest",
                context={
                    "digest": digest,
                    "plans_url": emails.absolute("/plans/"),
                    "national_url": emails.absolute("/national/"),
                    "my_updates_url": emails.absolute("/my-updates/"),
                    "reply_codes": list(codes.values()),
                },
                unsubscribe_url=unsubscribe_url(user, "digest"),
                reply_to=reply[1] if reply else None,
            )
            if reply:
                mail_tokens.attach_to_email([reply[0]], row)
        pref.next_digest_at = next_digest_at(pref, user.tz, after=max(now, pref.next_digest_at))
        pref.save(update_fields=["next_digest_at", "updated_at"])
        return row


def queue_digests(*, now: datetime.datetime | None = None, seconds: float | None = None) -> list[OutgoingEmail]:
    """Queue every digest due at `now`. With `seconds`, stop after that long: a periodic task must
    end well inside its time limit, and the next run carries on with whoever is still due."""
    now = now or timezone.now()
    ensure_preferences(now)
    stop_at = time.monotonic() + seconds if seconds is not None else None
    queued = []
    for pref in due_digests(now):
        if stop_at is not None and time.monotonic() > stop_at:
            break
        row = send_digest(pref, now=now)
        if row is not None:
            queued.append(row)
    return queued
