"""A person's inbox: what needs them now, across every plan they act in, in sections.

My updates shows it; the reminder email groups what it tells under the same sections, and the weekly
digest carries the same sections with their counts, so the page and the email never disagree
about where a thing stands. It lives here, above the action plan and the roundtables, because it
gathers from both (a roundtable outcome waiting for the state's decision is a request too).

Each item is listed once, in the first section that holds it, in the order below: a comment that
needs an answer, a signature the other office is waiting for, the owner's own red and amber items,
then dates, then requests between the offices, and last, quiet items by the one staleness rule
(actionplan.rules), which leaves alone an item that has not begun and is not due within its
plan's cadence. Every entry shows the item's status and due date, so nothing a later section would
have said is lost.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from actionplan import rules
from actionplan.models import Comment, Item, Plan, Status, awaiting_sign_off
from directory import permissions, sides
from directory.models import Membership, User
from roundtables.models import OutcomeProposal

DUE_SOON_DAYS = 14
REPLY_LOOKBACK = datetime.timedelta(days=30)
TROUBLE = (Status.AT_RISK, Status.OFF_TRACK, Status.BLOCKED)


@dataclass
class Entry:
    """One line of a section: an item (with a word on why it is here), a comment to answer, or a
    request to decide."""

    kind: str  # item | comment | sharing | proposal
    item: Item | None = None
    detail: str = ""
    comment: Comment | None = None
    plan: Plan | None = None
    proposal: OutcomeProposal | None = None
    url: str = ""
    code: str = ""  # in an email that asks for updates by reply: the item's code there (I1, ...)


@dataclass(frozen=True)
class SectionKind:
    key: str
    title: str
    empty: str


SECTIONS = (
    SectionKind("reply", "Needs your reply", "No one is waiting for an answer from you."),
    SectionKind("sign_off", "Awaiting your sign-off", "No joint item is waiting for your signature."),
    SectionKind(
        "trouble", "Your items at risk, off track or blocked", "None of your items is at risk, off track or blocked."
    ),
    SectionKind("overdue", "Overdue", "Nothing you own is overdue."),
    SectionKind("due_soon", "Due in the next 14 days", "Nothing you own falls due in the next two weeks."),
    SectionKind("requests", "Requests from the other office", "The other office has asked nothing of you."),
    SectionKind(
        "quiet",
        "No update for a while",
        "Every item of yours that has begun has a recent update. Items not yet started and not due soon wait here "
        "until they are.",
    ),
)
SECTION_TITLES = {s.key: s.title for s in SECTIONS}

# Which section a reminder fact belongs to (notifications.services: the kind is the key's prefix).
FACT_SECTION = {
    "mention": "reply",
    "reply": "reply",
    "signoff": "sign_off",
    "resign": "sign_off",
    "reopened": "sign_off",
    "shared": "requests",
    "sharing": "requests",
    "overdue": "overdue",
    "due": "due_soon",
    "followup": "quiet",
    "stale": "quiet",
}


@dataclass
class Section:
    kind: SectionKind
    entries: list[Entry] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.kind.key

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def empty(self) -> str:
        return self.kind.empty

    @property
    def items(self) -> list[Item]:
        return [e.item for e in self.entries if e.item is not None and e.kind == "item"]


@dataclass
class Inbox:
    user: User
    today: datetime.date
    acting: bool  # holds a role that acts for a side somewhere (not only a viewer)
    plans: list[Plan]
    reading: list[Membership]  # viewer roles, for the "you can read" copy
    sections: list[Section]

    @property
    def total(self) -> int:
        return sum(len(s.entries) for s in self.sections)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def as_context(self) -> dict[str, Any]:
        return {"inbox": self, "sections": self.sections, "today": self.today, "total": self.total}


def build(user: User, *, now: datetime.datetime | None = None, today: datetime.date | None = None) -> Inbox:
    """The inbox of `user` at `now`; `today` is their local date (the request's, or their zone's).

    A fixed number of queries whatever the number of items: memberships, plans, comments waiting for
    their answer (Comment.objects.unanswered_for: three), the standing signatures of their plans' joint items, the items
    they own or must sign in one query, and roundtable proposals.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    memberships = permissions.current_memberships(user)
    acting_in = {m.jurisdiction_id for m in memberships if m.role in sides.ROLE_SIDE}
    reading = [m for m in memberships if m.role not in sides.ROLE_SIDE]
    sections = {kind.key: Section(kind) for kind in SECTIONS}
    inbox = Inbox(
        user=user, today=today, acting=bool(acting_in), plans=[], reading=reading, sections=list(sections.values())
    )
    if not acting_in:
        return inbox
    plans = list(
        Plan.objects.filter(jurisdiction_id__in=acting_in).select_related("jurisdiction", "sharing_requested_by")
    )
    inbox.plans = plans
    if not plans:
        return inbox
    by_id = {plan.pk: plan for plan in plans}
    placed: set[int] = set()

    _add_replies(sections["reply"], user, plans, by_id, now=now)

    # The joint items waiting for their office's signature (actionplan.models.awaiting_sign_off),
    # and the open items they own, in one query. The page shows no owner or dimension, so none is
    # loaded.
    awaiting = {
        item_id
        for item_id, signature in awaiting_sign_off(
            Item.objects.current().filter(plan__in=plans), related=("item",)
        ).items()
        if sides.other(signature.side) in permissions.sides_for(user, by_id[signature.item.plan_id])
    }
    items = list(
        Item.objects.current()
        .filter(Q(pk__in=awaiting) | Q(Q(cio_owner=user) | Q(cpo_owner=user), plan__in=plans) & ~Q(status=Status.DONE))
        .order_by("due_on", "id")
    )
    for item in items:
        item.plan = by_id[item.plan_id]
        if item.pk not in awaiting:
            continue
        other = sides.other(next(iter(permissions.sides_for(user, item.plan) & set(item.sides))))
        sections["sign_off"].entries.append(
            Entry("item", item=item, detail=f"the {other.upper()} office signed", url=item.get_absolute_url())
        )
        placed.add(item.pk)

    for item in items:
        if item.pk in placed:
            continue
        key, detail = _where(item, user, now=now, today=today)
        if key:
            sections[key].entries.append(Entry("item", item=item, detail=detail, url=item.get_absolute_url()))

    _add_requests(sections["requests"], user, plans)
    return inbox


def _where(item: Item, user: User, *, now: datetime.datetime, today: datetime.date) -> tuple[str, str]:
    """The section an item someone owns goes in (or "" for none), with the word on why."""
    if item.status in TROUBLE:
        return "trouble", Status(item.status).label
    if item.is_overdue(today):
        days = (today - item.due_on).days
        return "overdue", f"{days} day{'s' if days != 1 else ''} overdue"
    if item.due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        days = (item.due_on - today).days
        return "due_soon", "due today" if days == 0 else f"due in {days} day{'s' if days != 1 else ''}"
    quiet = [
        side
        for side in item.sides
        if (item.cio_owner_id if side == "cio" else item.cpo_owner_id) == user.pk
        and item.freshness(side, now=now, today=today) != rules.Freshness.FRESH
    ]
    if quiet:
        last = max(filter(None, (item.last_update_by(side) for side in quiet)), default=None)
        return "quiet", f"last update {last:%b} {last.day}" if last else "never updated"
    return "", ""


def _add_replies(
    section: Section, user: User, plans: list[Plan], by_id: dict[int, Plan], *, now: datetime.datetime
) -> None:
    comments = (
        Comment.objects.filter(
            item__plan__in=plans, item__archived_at__isnull=True, created_at__gte=now - REPLY_LOOKBACK
        )
        .select_related("author", "item", "parent")
        .order_by("-created_at", "-id")
        .unanswered_for(user)
    )
    for comment in comments:
        comment.item.plan = by_id[comment.item.plan_id]
        mentioned = comment.parent is None or comment.parent.author_id != user.pk
        detail = f"{comment.author} {'mentioned you' if mentioned else 'replied to you'}"
        section.entries.append(
            Entry("comment", item=comment.item, comment=comment, detail=detail, url=comment.get_absolute_url())
        )


def _add_requests(section: Section, user: User, plans: list[Plan]) -> None:
    """Sharing the other office asked to widen (for a principal of this one), and roundtable
    outcomes proposed to the state (for anyone who acts for it)."""
    for plan in plans:
        mine = permissions.sides_for(user, plan)
        if (
            plan.sharing_requested
            and plan.sharing_requested_side not in mine
            and permissions.can_change_sharing(user, plan)
        ):
            section.entries.append(
                Entry(
                    "sharing",
                    plan=plan,
                    detail=f"{plan.sharing_requested_by} asked to widen who can see {plan}",
                    url=reverse("actionplan:sharing", args=[plan.pk]),
                )
            )
    proposals = (
        OutcomeProposal.objects.filter(
            jurisdiction_id__in=[p.jurisdiction_id for p in plans if permissions.sides_for(user, p)],
            status=OutcomeProposal.Status.PROPOSED,
        )
        .select_related("outcome__roundtable")
        .order_by("proposed_at", "id")
    )
    jurisdictions = {p.jurisdiction_id: p.jurisdiction for p in plans}  # loaded with the plans
    for proposal in proposals:
        proposal.jurisdiction = jurisdictions[proposal.jurisdiction_id]
        section.entries.append(
            Entry(
                "proposal",
                proposal=proposal,
                detail=f"{proposal.outcome.roundtable.title} proposed an outcome to {proposal.jurisdiction.name}",
                url=reverse("roundtables:proposal", args=[proposal.pk]),
            )
        )
