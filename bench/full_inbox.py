"""The inbox the plan-pages benchmark measures: one member's My updates with something in every section.

    .venv/bin/python bench/full_inbox.py   # run by plan_pages.prepare_database, after seed_demo

The national seed leaves a CIO with items at risk, a few due dates and maybe a quiet item, but no
comment waiting for them (the seed's comments are spread over three years; the inbox looks back
30 days), rarely a joint item the other office signed, and no request from the other office. A
real CIO's Monday has all of these. This adds, to the national data, what the other office and
the associations would have done in the last days of that CIO's week, so that My updates is
measured full (issue 13): comments that @mention them and replies to their comments, joint items
the CPO signed, items due soon and overdue, the CPO's request to widen the plan's sharing and
roundtable outcomes proposed to the state, beside the items at risk and quiet that the seed made.

Whose inbox: the CIO of the first jurisdiction (by code) whose FY2027 plan is not public, so that
the CPO can ask to widen it (the plan the other pages measure, Idaho's, is public). Deterministic:
the same national data gives the same rows, chosen by id and dated from the moment it runs. Each
section is topped up to MINIMUM, so running it again adds nothing. Comments and signatures are
written with their activity rows and their own dates, as the national seed writes history; the
sharing request, the attendance and the proposals go through the services, as people would click.
Everything stays dated within DATA_DAYS of the run (due dates at least that far ahead, comments at
most a week old), so the inbox is still full when plan_pages reuses the data up to DATA_DAYS later.
"""

from __future__ import annotations

import datetime
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FISCAL_PERIOD = "FY2027"
DATA_DAYS = 7  # plan_pages reseeds data older than this (its dates would have moved on)

# At least this many entries per section. The seed already gives this CIO about ten items at
# risk, off track or blocked, a few due soon and one quiet item; the rest is added here.
MINIMUM = {"reply": 6, "sign_off": 3, "trouble": 3, "overdue": 3, "due_soon": 3, "requests": 3, "quiet": 1}

# The CPO's comments to the CIO: Markdown as people write it (paragraphs, a list, a link, emphasis).
# {cio} is the CIO's @handle.
MENTIONS = [
    "@{cio} could your office confirm the contract vehicle before we brief the agencies? The draft "
    "is in the shared folder.\n\nIf it slips past the 15th we lose the spring cycle.",
    "@{cio} three open points from Tuesday's vendor call:\n\n1. the pricing schedule\n"
    "2. the data ownership clause\n3. the exit terms\n\nCan your team take the second one?",
    "The updated [statement of work template](https://example.org/sow-template) is ready. "
    "@{cio} please check **section 4** (security requirements) before Friday.",
    "@{cio} the budget office asked again for a cost estimate. Even a range would do for now; "
    "they want it for the quarterly review.",
]
# The CIO's comment that starts a thread, and the CPO's answer to it.
THREADS = [
    (
        "We should align the evaluation criteria with the new security standard before this goes out.",
        "Agreed. Legal has the draft criteria now; I asked them for comments by *Thursday*. "
        "Can you send the standard's latest version?",
    ),
    (
        "Is the vendor briefing still on for next week?",
        "Yes, Wednesday at 10. Agenda:\n\n- timeline\n- pricing model\n- questions from agencies\n\n"
        "Could someone from your office present the timeline?",
    ),
]
SIGN_OFF_NOTE = "Procurement's part is done: the contract is signed and filed."


@dataclass
class Subject:
    """Whose inbox is measured, and the people and plan around it."""

    user: Any  # the CIO
    cpo: Any
    plan: Any


def inbox_subject() -> Subject:
    """The CIO of the first jurisdiction, by code, whose FY2027 plan is not public."""
    from actionplan.models import Plan, Sharing
    from directory.models import Membership

    plan = (
        Plan.objects.filter(period=FISCAL_PERIOD)
        .exclude(sharing=Sharing.PUBLIC)
        .select_related("jurisdiction")
        .order_by("jurisdiction__code")
        .first()
    )
    if plan is None:
        raise RuntimeError(f"no {FISCAL_PERIOD} plan that is not public: run plan_pages.py with --reseed")
    principals = {
        m.role: m.user
        for m in Membership.objects.active().filter(jurisdiction=plan.jurisdiction, role__in=["cio", "cpo"])
        .select_related("user")
    }  # fmt: skip
    return Subject(user=principals["cio"], cpo=principals["cpo"], plan=plan)


def sections(subject: Subject, *, now: datetime.datetime | None = None) -> dict[str, list[Any]]:
    """The subject's inbox as My updates builds it, section by section, on their own calendar day."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from notifications import inbox

    now = now or timezone.now()
    box = inbox.build(subject.user, now=now, today=timezone.localdate(now, ZoneInfo(subject.user.tz)))
    return {section.key: section.entries for section in box.sections}


def fill(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Top every section of the subject's inbox up to MINIMUM. Returns each section's size after."""
    from django.db import transaction
    from django.utils import timezone

    now = now or timezone.now()
    subject = inbox_subject()
    with transaction.atomic():
        _fill(subject, now=now)
    sizes = {key: len(entries) for key, entries in sections(subject, now=now).items()}
    short = [key for key, size in sizes.items() if size < MINIMUM[key]]
    if short:
        raise RuntimeError(f"the inbox of {subject.user.email} could not be filled: {sizes}")
    return sizes


def _fill(subject: Subject, *, now: datetime.datetime) -> None:
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from actionplan import rules, services
    from actionplan.models import SHARING_ORDER, Activity, Comment, Item, ItemSide, Sharing, SignOff, Status

    user, cpo, plan = subject.user, subject.cpo, subject.plan
    today = timezone.localdate(now, ZoneInfo(user.tz))
    days = datetime.timedelta(days=1)
    hours = datetime.timedelta(hours=1)

    def where() -> dict[int, str]:
        """Each item's section now (items only, in the first section that holds them)."""
        return {
            entry.item.pk: key
            for key, entries in sections(subject, now=now).items()
            for entry in entries
            if entry.kind == "item"
        }

    def unplaced() -> list[Any]:
        """The CIO's open items in no section yet (on track, fresh, not due soon), by id."""
        placed = where()
        items = Item.objects.open().filter(plan=plan).owned_by(user).order_by("id")
        return [item for item in items if item.pk not in placed]

    have = {key: len(entries) for key, entries in sections(subject, now=now).items()}

    # A joint item the CPO signed, waiting for the CIO: the ones nearest completion.
    need = MINIMUM["sign_off"] - have["sign_off"]
    joint = [i for i in unplaced() if i.side == ItemSide.JOINT and not i.sign_offs.standing().exists()]
    for n, item in enumerate(sorted(joint, key=lambda i: (-i.progress, i.pk))[: max(0, need)]):
        at = now - (n + 1) * days - 3 * hours
        SignOff.objects.create(item=item, side="cpo", signed_by=item.cpo_owner or cpo, note=SIGN_OFF_NOTE, signed_at=at)
        Activity.objects.create(
            plan=plan,
            item=item,
            actor=item.cpo_owner or cpo,
            verb=Activity.Verb.SIGNED_OFF,
            field="cpo",
            new_value=SIGN_OFF_NOTE,
            created_at=at,
        )

    # Items in trouble: the CIO's own update says so.
    need = MINIMUM["trouble"] - have["trouble"]
    for item in unplaced()[: max(0, need)]:
        side = "cio" if "cio" in item.sides else item.sides[0]
        services.post_update(
            item, author=user, side=side, status=Status.AT_RISK, progress=item.progress,
            narrative="The vendor missed the second milestone; we are assessing the impact.",
        )  # fmt: skip

    # A quiet item caught by a date first: its date moves to the plan's end, where it waits quietly.
    if have["quiet"] < MINIMUM["quiet"]:
        placed = where()
        for item in Item.objects.open().filter(plan=plan).owned_by(user).order_by("id"):
            item.plan = plan
            stale = any(
                item.owner_for(side) == user and item.freshness(side, now=now, today=today) != rules.Freshness.FRESH
                for side in item.sides
            )
            if stale and placed.get(item.pk) in ("overdue", "due_soon"):
                Item.objects.filter(pk=item.pk).update(due_on=plan.ends_on)
                break

    # Dates: overdue by days to weeks; due soon, but not before DATA_DAYS have passed.
    have = {key: len(entries) for key, entries in sections(subject, now=now).items()}
    free = unplaced()
    overdue = free[: max(0, MINIMUM["overdue"] - have["overdue"])]
    free = free[len(overdue) :]
    due_soon = free[: max(0, MINIMUM["due_soon"] - have["due_soon"])]
    for n, item in enumerate(overdue):
        Item.objects.filter(pk=item.pk).update(due_on=today - (5 + 9 * n) * days)
    for n, item in enumerate(due_soon):
        Item.objects.filter(pk=item.pk).update(due_on=today + (DATA_DAYS + 1 + 2 * n) * days)

    # Comments for the CIO: the CPO's @mentions, and the CPO's answers in threads the CIO started,
    # on the CIO's joint items, all in the past week.
    members = services.plan_members(plan)
    handle = services.mention_handle(user, members)
    waiting = len(Comment.objects.filter(item__plan=plan, created_at__gte=now - 30 * days).unanswered_for(user))
    need = MINIMUM["reply"] - waiting
    if need > 0:
        items = list(Item.objects.open().filter(plan=plan, side=ItemSide.JOINT, cio_owner=user).order_by("id")) or list(
            Item.objects.open().filter(plan=plan).owned_by(user).order_by("id")
        )

        def comment(item: Any, author: Any, body: str, at: datetime.datetime, parent: Any = None) -> Any:
            written = Comment.objects.create(item=item, author=author, body=body, parent=parent, created_at=at)
            written.mentions.set(services.resolve_mentions(body, members))
            Activity.objects.create(
                plan=plan, item=item, actor=author, verb=Activity.Verb.COMMENTED,
                field="reply" if parent else "", new_value=body[:200], created_at=at,
            )  # fmt: skip
            return written

        n = 0
        for text in MENTIONS:
            if n >= need:
                break
            at = now - (1 + 2 * n) * days + (n * 5) * hours
            comment(items[n % len(items)], item_author(items[n % len(items)], cpo), text.format(cio=handle), at)
            n += 1
        for opening, answer in THREADS:
            if n >= need:
                break
            item = items[n % len(items)]
            started = now - (6 * days) + n * hours
            root = comment(item, user, opening, started)
            comment(item, item_author(item, cpo), answer, started + (2 + n) * days, parent=root)
            n += 1

    # Requests: the CPO asks to widen the plan's sharing; the associations propose the demo
    # workshop's outcomes to the state, which took part in it.
    if not plan.sharing_requested:
        wider = SHARING_ORDER[SHARING_ORDER.index(Sharing(plan.sharing)) + 1]
        services.change_sharing(plan, by=cpo, level=wider)
    _propose_outcomes(plan.jurisdiction, now=now)


def item_author(item: Any, cpo: Any) -> Any:
    """Who writes for the CPO's office on an item: its CPO owner, or the CPO."""
    return item.cpo_owner or cpo


def _propose_outcomes(jurisdiction: Any, *, now: datetime.datetime) -> None:
    """The demo workshop (roundtables.demo) with this state marked as having attended, and its
    outcomes proposed to it, through the services staff use."""
    from directory.models import StaffMembership
    from roundtables import demo
    from roundtables.models import Roundtable
    from roundtables.services import events, outcomes

    roundtable = Roundtable.objects.filter(slug=demo.DEMO_PAST_EVENT_SLUG).first()
    staff = StaffMembership.objects.active().select_related("user").order_by("user__email").first()
    if roundtable is None or staff is None:
        raise RuntimeError("no demo workshop or no association staff: seed_demo did not run")
    events.invite(roundtable, jurisdictions=[jurisdiction], by=staff.user, now=now)  # past: no email
    marks = {(jurisdiction.pk, side): "attended" for side in ("cio", "cpo")}
    events.record_attendance(roundtable, marks=marks, by=staff.user, now=now)
    for outcome in roundtable.outcomes.order_by("position"):
        outcomes.propose_outcome(outcome, by=staff.user)


def main() -> int:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    subject_sizes = fill()
    subject = inbox_subject()
    print(
        f"  Inbox of {subject.user.email} ({subject.plan}) filled: "
        + ", ".join(f"{key} {size}" for key, size in subject_sizes.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
