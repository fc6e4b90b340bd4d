"""Services: outcomes. What an event agreed, offered to the states that attended, and each state's
decision: accepted (a new item in its plan that remembers the outcome) or declined with a reason.

Rules decided here, so views and the demo need not:
- outcomes are recorded by association staff once the event has started (a task force agrees
  things while it runs; nothing is agreed before an event begins), and proposed by staff to every
  jurisdiction with either office marked as attended; proposing again reaches only newcomers;
- a state's CIO and CPO get one email per batch, not one per outcome: see announce_proposals;
- a proposal is decided once, by a member who acts for a side of that jurisdiction: a second
  acceptance (a double click, two tabs, the CIO and the CPO at the same moment) waits for the
  first on the proposal's row lock and is then refused, so there is never a second item;
- follow-ups fall due 30, 60 and 90 days after the event's last day (in the event's own zone);
  notifications.services tells the accepted item's owners (see FOLLOW_UP_DAYS).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet
from django.urls import reverse
from django.utils import dateformat, timezone

from actionplan import services as plan_services
from actionplan.models import Item, ItemSide, Plan
from config.markdown import markdown_to_text, render_markdown
from config.text import is_blank
from directory import permissions, sides
from directory.models import Jurisdiction, Membership, User
from library.models import Dimension, Recommendation
from outbox import emails
from outbox.models import OutgoingEmail
from roundtables.models import Attendance, Outcome, OutcomeProposal, Roundtable

# Days after the event's last day on which the owners of an accepted outcome are asked how it goes.
FOLLOW_UP_DAYS = (30, 60, 90)
# How long after the event an accepted outcome is due by default (capped at the plan's end).
DEFAULT_DUE_DAYS = 90
# A proposal is event mail, like the invitation to the event it came from.
EMAIL_KIND = OutgoingEmail.Kind.EVENT
# Proposals of one event to one state are told in one email once none has been added for this long
# (staff propose an event's outcomes one click after another)...
ANNOUNCE_WHEN_QUIET_FOR = datetime.timedelta(minutes=3)
# ...or once the first of them has waited this long, however long staff keep proposing.
ANNOUNCE_AT_THE_LATEST = datetime.timedelta(minutes=30)


# --- Dates ------------------------------------------------------------------------------------


def local_today(jurisdiction: Jurisdiction, now: datetime.datetime | None = None) -> datetime.date:
    """Today on the wall clocks of the jurisdiction's capital: the day its new item starts."""
    return (now or timezone.now()).astimezone(ZoneInfo(jurisdiction.tz)).date()


def event_last_day(roundtable: Roundtable) -> datetime.date:
    """The calendar day the event ended, where it took place (not where the reader is)."""
    return roundtable.ends_at.astimezone(ZoneInfo(roundtable.tz)).date()


def follow_up_dates(ends_at: datetime.datetime, tz: str) -> list[tuple[int, datetime.date]]:
    """(days, date) of each follow-up of an event that ended at `ends_at` in zone `tz`."""
    last_day = ends_at.astimezone(ZoneInfo(tz)).date()
    return [(days, last_day + datetime.timedelta(days=days)) for days in FOLLOW_UP_DAYS]


def current_plan(jurisdiction: Jurisdiction, on: datetime.date) -> Plan | None:
    """The plan an accepted outcome goes into: the one covering `on`, or else the latest."""
    plans = Plan.objects.filter(jurisdiction=jurisdiction)
    covering = plans.filter(starts_on__lte=on, ends_on__gte=on).order_by("-starts_on").first()
    return covering or plans.order_by("-starts_on", "-pk").first()


def default_dates(roundtable: Roundtable, plan: Plan, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Start and due date of an accepted outcome: it starts today (within the plan) and is due
    90 days after the event, or at the plan's end if that comes first, never before it starts."""
    starts_on = min(max(today, plan.starts_on), plan.ends_on)
    due_on = min(event_last_day(roundtable) + datetime.timedelta(days=DEFAULT_DUE_DAYS), plan.ends_on)
    return starts_on, max(due_on, starts_on)


# --- Recording and proposing (association staff) ----------------------------------------------


def _require_staff(by: User) -> None:
    if not permissions.can_manage_events(by):
        raise PermissionDenied("Only NASPO and NASCIO staff record and propose outcomes.")


def _require_started(roundtable: Roundtable, what: str) -> None:
    if roundtable.starts_at > timezone.now():
        day = dateformat.format(roundtable.starts_at.astimezone(ZoneInfo(roundtable.tz)), "M j, Y")
        raise ValidationError(f"{what} once the event has started; {roundtable.title} starts on {day}.")


@transaction.atomic
def record_outcome(
    roundtable: Roundtable,
    *,
    by: User,
    title: str,
    text: str,
    dimension: Dimension,
    recommendation: Recommendation | None = None,
) -> Outcome:
    """Write down something an event agreed, after it has started, at the end of its list."""
    _require_staff(by)
    _require_started(roundtable, "Outcomes are recorded")
    errors = {}
    if is_blank(title):
        errors["title"] = "Give the outcome a short title: it becomes the item's title in a state's plan."
    if is_blank(text):
        errors["text"] = "Say what the event agreed, in a sentence or two."
    if errors:
        raise ValidationError(errors)
    last = Outcome.objects.filter(roundtable=roundtable).aggregate(last=Max("position"))["last"]
    return Outcome.objects.create(
        roundtable=roundtable,
        title=title.strip(),
        text=text.strip(),
        dimension=dimension,
        recommendation=recommendation,
        position=(last or 0) + 1,
        created_by=by,
    )


def attending_jurisdictions(roundtable: Roundtable) -> list[Jurisdiction]:
    """Jurisdictions with either office marked as attended: those an outcome is proposed to."""
    attended = Attendance.objects.filter(roundtable=roundtable, status=Attendance.Status.ATTENDED)
    return list(Jurisdiction.objects.filter(pk__in=attended.values("jurisdiction_id")).order_by("name"))


@transaction.atomic
def propose_outcome(outcome: Outcome, *, by: User) -> list[OutcomeProposal]:
    """Offer an outcome as a draft item to every jurisdiction that attended. Returns the proposals
    this call created: proposing again (after more attendance is recorded, or by a second click)
    reaches only jurisdictions not yet asked. Each one's CIO and CPO are told a few minutes later,
    with the event's other outcomes proposed meanwhile (announce_proposals)."""
    _require_staff(by)
    # One proposer at a time per outcome: two staff clicking at once create each proposal once.
    outcome = Outcome.objects.select_for_update(of=("self",)).select_related("roundtable").get(pk=outcome.pk)
    roundtable = outcome.roundtable
    _require_started(roundtable, "Outcomes are proposed")
    attending = attending_jurisdictions(roundtable)
    if not attending:
        raise ValidationError(
            "Nobody is marked as having attended this event yet: record attendance first, "
            "then propose the outcome to the states that came."
        )
    asked = set(outcome.proposals.values_list("jurisdiction_id", flat=True))
    now = timezone.now()
    created = [
        OutcomeProposal.objects.create(outcome=outcome, jurisdiction=jurisdiction, proposed_at=now)
        for jurisdiction in attending
        if jurisdiction.pk not in asked
    ]
    if outcome.proposed_at is None:
        outcome.proposed_at = now
        outcome.save(update_fields=["proposed_at"])
    return created


# --- Telling the states (one email per batch) --------------------------------------------------


def announce_proposals(*, now: datetime.datetime | None = None) -> list[OutgoingEmail]:
    """Tell each current CIO and CPO of the outcomes newly proposed to their state: one email per
    person, event and batch, listing every outcome of the batch. Run every minute by the
    `roundtables.announce_proposals` task; returns the emails queued.

    Why a scan, not an email from propose_outcome: staff propose an event's outcomes one click at
    a time, so each click cannot know whether more are coming. A proposal is therefore created
    unannounced (announced_at empty), and the proposals of one event to one state form a batch
    once none has been added for ANNOUNCE_WHEN_QUIET_FOR (or the first has waited
    ANNOUNCE_AT_THE_LATEST).

    Why it is correct when run late, twice or concurrently: each batch is announced in one
    transaction that locks its unannounced proposals, queues the emails and marks them announced,
    so either all of that happens or none of it does. A second run waiting on the lock finds the
    rows announced when it gets them (PostgreSQL re-reads a locked row's condition) and does
    nothing. A proposal is in exactly one announced batch, so the batch's first proposal names it
    in the dedupe key (`outcomes-proposed:<first proposal>:<user>`), and the outbox refuses a
    second row for it. A proposal whose transaction commits during a scan is simply not in that
    batch: the next scan announces it. Decided before it was announced (a state can see it in the
    app at once), a proposal is marked announced but not listed; nobody gets an empty email.
    """
    now = now or timezone.now()
    queued: list[OutgoingEmail] = []
    for roundtable_id, jurisdiction_id in _ripe_batches(now):
        queued += _announce_batch(roundtable_id, jurisdiction_id, now=now)
    return queued


@dataclass(frozen=True)
class PendingAnnouncement:
    """A batch announce_proposals would email now: the event, the state, the outcomes still
    awaiting its decision, and who would be told (send_proposal_announcements --dry-run)."""

    roundtable: Roundtable
    jurisdiction: Jurisdiction
    outcomes: list[Outcome]
    recipients: list[User]


def pending_announcements(*, now: datetime.datetime | None = None) -> list[PendingAnnouncement]:
    """What announce_proposals would send at `now`, read without locking or writing anything."""
    now = now or timezone.now()
    pending = []
    for roundtable_id, jurisdiction_id in _ripe_batches(now):
        batch = list(
            OutcomeProposal.objects.filter(
                announced_at__isnull=True, outcome__roundtable_id=roundtable_id, jurisdiction_id=jurisdiction_id
            )
            .select_related("outcome__roundtable", "jurisdiction")
            .order_by("outcome__position", "outcome_id")
        )
        awaiting = [p for p in batch if p.status == OutcomeProposal.Status.PROPOSED]
        if awaiting:
            jurisdiction = awaiting[0].jurisdiction
            pending.append(
                PendingAnnouncement(
                    roundtable=awaiting[0].outcome.roundtable,
                    jurisdiction=jurisdiction,
                    outcomes=[p.outcome for p in awaiting],
                    recipients=[m.user for m in _principals(jurisdiction)],
                )
            )
    return pending


def _ripe_batches(now: datetime.datetime) -> list[tuple[int, int]]:
    """(event, state) of each batch of unannounced proposals ready to be announced at `now`."""
    ripe = (
        OutcomeProposal.objects.filter(announced_at__isnull=True)
        .values("outcome__roundtable_id", "jurisdiction_id")
        .annotate(first=Min("proposed_at"), last=Max("proposed_at"))
        .filter(Q(last__lte=now - ANNOUNCE_WHEN_QUIET_FOR) | Q(first__lte=now - ANNOUNCE_AT_THE_LATEST))
        .order_by("first")
    )
    return [(batch["outcome__roundtable_id"], batch["jurisdiction_id"]) for batch in ripe]


def _principals(jurisdiction: Jurisdiction) -> QuerySet[Membership]:
    """The state's current CIO and CPO, whom a batch of proposals is announced to."""
    return (
        Membership.objects.active()
        .filter(jurisdiction=jurisdiction, role__in=sorted(sides.PRINCIPAL_ROLES), user__is_active=True)
        .select_related("user")
        .order_by("role", "user_id")
    )


@transaction.atomic
def _announce_batch(roundtable_id: int, jurisdiction_id: int, *, now: datetime.datetime) -> list[OutgoingEmail]:
    """Lock one event's unannounced proposals to one state, email its CIO and CPO about those still
    awaiting a decision, and mark them all announced (see announce_proposals)."""
    batch = list(
        OutcomeProposal.objects.select_for_update(of=("self",))
        .filter(announced_at__isnull=True, outcome__roundtable_id=roundtable_id, jurisdiction_id=jurisdiction_id)
        .select_related("outcome__roundtable", "outcome__dimension", "jurisdiction")
        .order_by("outcome__position", "outcome_id")
    )
    if not batch:
        return []  # another run announced them while this one waited
    OutcomeProposal.objects.filter(pk__in=[p.pk for p in batch]).update(announced_at=now)
    awaiting = [p for p in batch if p.status == OutcomeProposal.Status.PROPOSED]
    if not awaiting:
        return []
    first = min(p.pk for p in batch)
    jurisdiction, roundtable = batch[0].jurisdiction, batch[0].outcome.roundtable
    context = {
        "roundtable": roundtable,
        "jurisdiction": jurisdiction,
        "outcomes": [
            {
                "title": p.outcome.title,
                "dimension": p.outcome.dimension.name,
                "html": render_markdown(p.outcome.text),
                "text": markdown_to_text(p.outcome.text),
                "url": emails.absolute(reverse("roundtables:proposal", args=[p.pk])),
            }
            for p in awaiting
        ],
        "proposals_url": emails.absolute(reverse("roundtables:proposals")),
    }
    queued = []
    for membership in _principals(jurisdiction):
        row = emails.queue(
            EMAIL_KIND,
            user=membership.user,
            dedupe_key=f"outcomes-proposed:{first}:{membership.user_id}",
            template="outcome_proposed",
            context=context,
        )
        if row is not None:
            queued.append(row)
    return queued


# --- Deciding (a state's members who act for a side) -------------------------------------------


def _lock_undecided(proposal: OutcomeProposal, *, by: User) -> OutcomeProposal:
    """The proposal's row, locked until the caller's transaction ends, if `by` may decide it and
    nobody has yet. A concurrent decision waits here, then sees the first one and is refused."""
    locked = (
        OutcomeProposal.objects.select_for_update(of=("self",))
        .select_related("outcome__roundtable", "outcome__dimension", "outcome__recommendation", "jurisdiction")
        .get(pk=proposal.pk)
    )
    if not permissions.can_decide_outcome(by, locked.jurisdiction):
        raise PermissionDenied(
            f"Only {locked.jurisdiction.name}'s CIO, CPO and their delegates decide on outcomes proposed to it."
        )
    if locked.status != OutcomeProposal.Status.PROPOSED:
        raise ValidationError(already_decided(locked))
    return locked


def already_decided(proposal: OutcomeProposal) -> str:
    """Why a decided proposal cannot be decided again, naming who decided and when."""
    who = str(proposal.decided_by) if proposal.decided_by else "someone"
    when = "an earlier day"
    if proposal.decided_at:
        when = dateformat.format(proposal.decided_at.astimezone(ZoneInfo(proposal.jurisdiction.tz)), "M j, Y")
    if proposal.status == OutcomeProposal.Status.ACCEPTED:
        return f"This outcome was already accepted by {who} on {when}: it is already an item in the plan."
    return f"This outcome was already declined by {who} on {when}."


@transaction.atomic
def accept_proposal(
    proposal: OutcomeProposal,
    *,
    by: User,
    plan: Plan | None = None,
    side: str = ItemSide.JOINT,
    due_on: datetime.date | None = None,
    owners: dict[str, User | None] | None = None,
) -> Item:
    """Take an outcome into the state's plan as a new item (origin: roundtable) that remembers it.

    The item goes into `plan`, or the plan covering today, or the latest one; `owners` names each
    side's owner (None: owner needed), by default as `default_owners` says. It is written by
    actionplan.services.create_item, so the owners are checked and the activity log records it."""
    proposal = _lock_undecided(proposal, by=by)
    outcome, jurisdiction = proposal.outcome, proposal.jurisdiction
    today = local_today(jurisdiction)
    if plan is None:
        plan = current_plan(jurisdiction, today)
        if plan is None:
            raise ValidationError(
                f"{jurisdiction.name} has no plan yet: start one (Plans, then Start a plan), "
                "then come back to accept this outcome into it."
            )
    elif plan.jurisdiction_id != jurisdiction.pk:
        raise ValidationError({"plan": f"Choose one of {jurisdiction.name}'s plans."})
    starts_on, default_due = default_dates(outcome.roundtable, plan, today)
    owners = default_owners(jurisdiction, by=by) if owners is None else owners
    item = plan_services.create_item(
        plan,
        by=by,
        dimension=outcome.dimension,
        title=outcome.title,
        side=side,
        starts_on=starts_on,
        due_on=due_on or default_due,
        description=item_description(outcome),
        cio_owner=owners.get("cio") if side in (ItemSide.CIO, ItemSide.JOINT) else None,
        cpo_owner=owners.get("cpo") if side in (ItemSide.CPO, ItemSide.JOINT) else None,
        recommendations=[outcome.recommendation] if outcome.recommendation else [],
        origin=Item.Origin.ROUNDTABLE,
    )
    proposal.status = OutcomeProposal.Status.ACCEPTED
    proposal.item = item
    proposal.decided_at = timezone.now()
    proposal.decided_by = by
    proposal.save(update_fields=["status", "item", "decided_at", "decided_by"])
    return item


def default_owners(jurisdiction: Jurisdiction, *, by: User) -> dict[str, User | None]:
    """Who owns an accepted outcome unless told otherwise: the person accepting it, on the side
    they act for, and the CIO or CPO in office on the other (as a new item of the state's own)."""
    mine = permissions.jurisdiction_sides(by, jurisdiction.pk)
    principals = {
        m.role: m.user
        for m in Membership.objects.active()
        .filter(jurisdiction=jurisdiction, role__in=sorted(sides.PRINCIPAL_ROLES), user__is_active=True)
        .select_related("user")
    }
    return {side: by if side in mine else principals.get(side) for side in sides.OFFICES}


def item_description(outcome: Outcome) -> str:
    """The accepted item's description: the outcome's own words, then where they come from."""
    roundtable = outcome.roundtable
    day = dateformat.format(event_last_day(roundtable), "F Y")
    return f"{outcome.text.strip()}\n\nFrom {roundtable.title} ({day})."


@transaction.atomic
def decline_proposal(proposal: OutcomeProposal, *, by: User, reason: str) -> OutcomeProposal:
    """Say no to an outcome, with the reason association staff will read."""
    proposal = _lock_undecided(proposal, by=by)
    if is_blank(reason):
        raise ValidationError({"reason": "Say why your state declines this outcome: staff read the reasons."})
    proposal.status = OutcomeProposal.Status.DECLINED
    proposal.reason = reason.strip()
    proposal.decided_at = timezone.now()
    proposal.decided_by = by
    proposal.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    return proposal
