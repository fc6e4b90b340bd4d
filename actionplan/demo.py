"""Demo people, plans and adoption records for the quick start and the benchmarks
(`manage.py seed_demo`).

Every name here is invented. The three showcase states are Idaho and Maine (whose CPO and CIO
co-chaired the 2017 joint task force) and North Carolina (host of the 2016 roundtable). The
national scale adds people everywhere and, for the benchmarks, every jurisdiction's plan with
three years of weekly history (see seed_national_plans).
"""

from __future__ import annotations

import datetime
import random
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from directory.models import Association, Jurisdiction, Membership, StaffMembership, User

if TYPE_CHECKING:
    from actionplan.models import Activity, Comment, SignOff, Update
    from library.models import Framework

DEMO_PASSWORD = "jointplan-demo"  # noqa: S105 - published on purpose; seed_demo runs only with DEBUG on
DEMO_START = datetime.date(2025, 1, 6)

Role = Membership.Role


class DemoPerson(NamedTuple):
    email: str
    full_name: str
    title: str
    jurisdiction: str | None  # USPS code
    role: str | None  # Membership.Role
    association: str | None = None  # staff of NASPO or NASCIO


SHOWCASE: list[DemoPerson] = [
    DemoPerson("cio@id.example", "Dana Whitfield", "Chief Information Officer", "ID", Role.CIO),
    DemoPerson("cpo@id.example", "Marcus Oyelaran", "State Purchasing Administrator", "ID", Role.CPO),
    DemoPerson("cio-delegate@id.example", "Priya Raman", "Deputy CIO", "ID", Role.CIO_DELEGATE),
    DemoPerson("cio@me.example", "Elena Brooks", "Chief Information Officer", "ME", Role.CIO),
    DemoPerson("cpo@me.example", "Tom Kessler", "Director of Procurement Services", "ME", Role.CPO),
    DemoPerson("cpo-delegate@me.example", "Ruth Sandoval", "IT Procurement Manager", "ME", Role.CPO_DELEGATE),
    DemoPerson("cio@nc.example", "Jordan Ellison", "State Chief Information Officer", "NC", Role.CIO),
    DemoPerson("cpo@nc.example", "Keisha Monroe", "State Procurement Officer", "NC", Role.CPO),
    DemoPerson("viewer@nc.example", "Sam Whitaker", "Budget Analyst", "NC", Role.VIEWER),
    DemoPerson("staff@nascio.example", "Morgan Lee", "Policy Analyst", None, None, "NASCIO"),
    DemoPerson("staff@naspo.example", "Alex Rivera", "Program Director", None, None, "NASPO"),
]
ADMIN_EMAIL = "admin@jointplan.example"

_FIRST = [
    "Avery",
    "Blake",
    "Casey",
    "Drew",
    "Emery",
    "Finley",
    "Harper",
    "Jesse",
    "Kendall",
    "Logan",
    "Parker",
    "Quinn",
]
_LAST = [
    "Adams",
    "Baker",
    "Chen",
    "Diaz",
    "Evans",
    "Foster",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Nguyen",
]


def national_people() -> list[DemoPerson]:
    """A CIO and a CPO for every jurisdiction not already in the showcase."""
    taken = {p.jurisdiction for p in SHOWCASE}
    people = []
    for index, jurisdiction in enumerate(Jurisdiction.objects.order_by("code")):
        if jurisdiction.code in taken:
            continue
        for offset, (role, title) in enumerate(
            [(Role.CIO, "Chief Information Officer"), (Role.CPO, "Chief Procurement Officer")]
        ):
            n = index * 2 + offset
            name = f"{_FIRST[n % len(_FIRST)]} {_LAST[(n * 7) % len(_LAST)]}"
            people.append(
                DemoPerson(f"{role}@{jurisdiction.code.lower()}.example", name, title, jurisdiction.code, role)
            )
    return people


@transaction.atomic
def seed(*, scale: str) -> tuple[list[DemoPerson], int]:
    """Create the demo people (idempotent: existing accounts are left as they are).

    Returns the people and how many accounts were created by this run.
    """
    people = SHOWCASE + (national_people() if scale == "national" else [])
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    associations = {a.code: a for a in Association.objects.all()}
    created = 0
    # One hash for every demo account: hashing is deliberately slow, and they share a password.
    password_hash = make_password(DEMO_PASSWORD)
    for person in people:
        tz = jurisdictions[person.jurisdiction].tz if person.jurisdiction else "America/New_York"
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create(
                email=person.email, password=password_hash, full_name=person.full_name, title=person.title, tz=tz
            )
            created += 1
        if person.jurisdiction and person.role:
            Membership.objects.get_or_create(
                user=user,
                jurisdiction=jurisdictions[person.jurisdiction],
                role=person.role,
                ended_on=None,
                defaults={"started_on": DEMO_START},
            )
        if person.association:
            StaffMembership.objects.get_or_create(
                user=user,
                association=associations[person.association],
                ended_on=None,
                defaults={"started_on": DEMO_START, "title": person.title},
            )
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        User.objects.create_superuser(ADMIN_EMAIL, DEMO_PASSWORD, full_name="Site Administrator", tz="America/New_York")
        created += 1
    return people, created


# --- Demo plans -------------------------------------------------------------------------------

SHOWCASE_FISCAL_YEAR = 2027
# The showcase state that publishes its plan and its adoption records: what the public pages show.
PUBLIC_SHOWCASE = "ME"


def seed_plans() -> int:
    """The showcase states adopt the national framework and start using it; Maine's CIO and CPO make
    theirs public. Returns plans created.

    Idempotent: a state that already has its showcase plan is left alone. Everything goes through
    the services, exactly as if people had clicked.
    """
    from actionplan import services
    from actionplan.models import Item, Plan, Sharing, Status
    from library.services import current_framework

    framework = current_framework()
    if framework is None:
        return 0
    created = 0
    for code in ("ID", "ME", "NC"):
        jurisdiction = Jurisdiction.objects.get(code=code)
        if Plan.objects.filter(jurisdiction=jurisdiction, period=f"FY{SHOWCASE_FISCAL_YEAR}").exists():
            continue
        cio = User.objects.get(email=f"cio@{code.lower()}.example")
        cpo = User.objects.get(email=f"cpo@{code.lower()}.example")
        with transaction.atomic():
            plan = services.adopt_framework(
                framework, jurisdiction=jurisdiction, fiscal_year=SHOWCASE_FISCAL_YEAR, by=cio
            )
            items = {
                i.framework_item.code: i
                for i in Item.objects.filter(plan=plan).select_related("framework_item")
                if i.framework_item is not None  # always, for a plan just adopted from the framework
            }
            # A standing meeting both sides see differently: the disagreement the product surfaces.
            services.post_update(
                items["I1"],
                author=cio,
                side="cio",
                status=Status.ON_TRACK,
                progress=40,
                narrative="Monthly CIO–CPO meeting is on the calendar; two held so far.",
            )
            services.post_update(
                items["I1"],
                author=cpo,
                side="cpo",
                status=Status.AT_RISK,
                progress=25,
                narrative="The last meeting was cancelled and the pipeline review slipped.",
            )
            services.post_update(
                items["T1"],
                author=cio,
                side="cio",
                status=Status.ON_TRACK,
                progress=90,
                narrative="Contacts named in both offices and announced to agencies.",
            )
            services.sign_off(items["T1"], by=cio, side="cio")  # waiting for the CPO's signature
            services.post_update(
                items["I5"],
                author=cpo,
                side="cpo",
                status=Status.OFF_TRACK,
                progress=10,
                narrative="Legal review of the cloud terms is stuck behind the session.",
            )
            services.add_comment(
                items["B1"],
                author=cpo,
                body="@cio could your team share the agency survey results before our next meeting?",
            )
            # A question for the CPO, so each principal's My updates has someone waiting for them.
            services.add_comment(
                items["I5"],
                author=cio,
                body="@cpo is there a date for the legal review? I can raise it at the cabinet meeting.",
            )
            if code == PUBLIC_SHOWCASE:
                for principal in (cio, cpo):  # one asks to make it public, the other agrees
                    plan = services.change_sharing(plan, by=principal, level=Sharing.PUBLIC)
            elif code == "ID":  # a request the CPO answers from My updates: Approve or Decline
                plan = services.change_sharing(plan, by=cio, level=Sharing.PEERS)
        created += 1
    return created


# --- National scale: a year's plan and three years of weekly history in every jurisdiction ------

NATIONAL_FISCAL_YEAR = 2027
NATIONAL_ITEMS_PER_PLAN = 60
HISTORY_WEEKS = 156  # three years of weekly check-ins
SEED = 2027
BATCH_SIZE = 5000

# Titles a state adds to the 21 framework items, by dimension slug. Each plan draws from these
# without repeating, so no plan lists the same title twice.
STATE_ITEM_TITLES: dict[str, list[str]] = {
    "governance": [
        "Adopt a purchasing policy for artificial intelligence tools",
        "Set thresholds for joint review of large technology contracts",
        "Refresh the IT purchasing delegation to agencies",
        "Create an exception process for urgent technology purchases",
        "Publish an annual joint report to the legislature",
        "Define data ownership clauses for every new contract",
        "Review the charter of the IT project oversight board",
        "Agree a policy on open-source software in solicitations",
        "Set accessibility requirements for purchased software",
        "Consolidate duplicate statewide software licences",
        "Write a vendor performance policy",
        "Align retention rules for technology contract files",
    ],
    "teaming": [
        "Pair procurement officers with agency IT leads",
        "Run a joint onboarding session for new agency CIOs",
        "Create a shared intake mailbox for technology requests",
        "Hold a quarterly joint town hall for agency staff",
        "Rotate a procurement analyst through the CIO's office",
        "Build a roster of subject-matter evaluators",
        "Train evaluators to score cloud proposals",
        "Start a community of practice for contract managers",
        "Name backup contacts in each office",
        "Publish a who-to-call guide for agencies",
        "Bring the privacy officer into data-heavy purchases",
        "Coach agency buyers on writing statements of work",
    ],
    "interactions": [
        "Pilot a vendor conference before major solicitations",
        "Shorten the time from request to award",
        "Use a cooperative contract for cloud infrastructure",
        "Adopt a statement-of-work template for agile projects",
        "Hold reverse industry days with vendors",
        "Introduce a fast track for small technology purchases",
        "Review the ten largest technology contracts together",
        "Standardise service levels for hosted systems",
        "Publish the technology procurement pipeline for vendors",
        "Try a challenge-based procurement on a small project",
        "Review contract close-out for software projects",
        "Agree a joint escalation path for vendor disputes",
    ],
    "budgeting": [
        "Build a five-year technology refresh forecast",
        "Report technology spend by agency each quarter",
        "Model the cost of moving to subscription licences",
        "Agree a chargeback model for shared services",
        "Track savings from statewide contracts",
        "Prepare a joint budget request for cybersecurity",
        "Align contract renewals with the budget calendar",
        "Estimate the cost of retiring legacy systems",
        "Propose a fund for modernisation projects",
        "Review maintenance costs of ageing systems",
        "Forecast demand for cooperative contracts",
        "Publish a technology spending dashboard",
    ],
}

NARRATIVES: dict[str, list[str]] = {
    "not_started": [
        "Not started: waiting for the steering group to set a start date.",
        "Not started yet; staff are committed to the legislative session.",
        "Scheduled to start next quarter.",
    ],
    "on_track": [
        "Working group met; next steps agreed.",
        "Draft circulated to both offices for comment.",
        "Milestone reached on schedule.",
        "Agencies briefed; their feedback is due next week.",
        "Vendor outreach done, no surprises.",
        "Comments from both offices folded into the draft.",
    ],
    "at_risk": [
        "A key reviewer is out; the next milestone may slip.",
        "Agency feedback is slower than planned.",
        "Budget approval is later than expected.",
    ],
    "off_track": [
        "Missed the milestone; a new date is being agreed.",
        "Legal review raised issues that need a redraft.",
        "Staff turnover has stalled the work.",
    ],
    "blocked": [
        "Waiting on a statute change before we can go on.",
        "Blocked until the budget is approved.",
        "On hold while the audit is open.",
    ],
    "done": [
        "Done: the result is published and agencies are using it.",
        "Complete; outcomes will be reported at year end.",
    ],
}
COMMENTS = [
    "Can we put this on the agenda for our next meeting?",
    "@{other} could your team share the latest draft before Friday?",
    "Agencies are asking about this one; a short note to them would help.",
    "@{other} the budget office wants a cost estimate for this.",
    "Good progress. Let's ask the steering group to review it next month.",
]
CONFIDENCE = {"on_track": "high", "at_risk": "medium", "off_track": "low", "blocked": "low", "done": "high"}
# One step more pessimistic: how a worried office reads the same facts.
WORSE = {"on_track": "at_risk", "at_risk": "off_track", "off_track": "off_track", "blocked": "blocked"}
TROUBLE = ["at_risk", "off_track", "blocked"]


class NationalTotals(NamedTuple):
    """What a national seed created, and how long it took (printed by seed_demo)."""

    plans: int
    items: int
    updates: int
    activities: int
    seconds: float


def _final_state(rng: random.Random, *, overdue: bool) -> tuple[str, int]:
    """Where an item stands today: items past their due date are more often done, or in trouble."""
    if overdue:
        choices, weights = ["done", "on_track", "at_risk", "off_track", "blocked"], [45, 15, 18, 15, 7]
    else:
        choices, weights = (
            ["done", "on_track", "at_risk", "off_track", "blocked", "not_started"],
            [10, 50, 14, 8, 4, 14],
        )
    status = rng.choices(choices, weights)[0]
    progress = {
        "done": (100, 100),
        "on_track": (60, 95) if overdue else (10, 85),
        "at_risk": (20, 75),
        "off_track": (10, 60),
        "blocked": (5, 50),
        "not_started": (0, 0),
    }[status]
    return status, rng.randint(*progress)


def _trajectory(rng: random.Random, *, weeks: int, status: str, progress: int, joint: bool) -> list[tuple[str, int]]:
    """The item's true (status, progress) each week, oldest first, ending at today's state.

    Work starts some week, progress climbs (with stalls) to where it is today, and a few spells of
    trouble come and go; the last weeks show today's status. A joint item reports "on track" at
    100% rather than "done": it is done only when both offices sign (see _national_plan).
    """
    if status == "not_started":
        return [("not_started", 0)] * weeks
    start = rng.randint(0, max(0, weeks * 2 // 3 - 1))
    finish = weeks - 1
    if status == "done" and not joint:
        finish = rng.randint(min(start + 4, weeks - 1), weeks - 1)  # the week it was done
    statuses = ["on_track"] * weeks
    for _ in range(rng.randint(0, 3)):
        spell_start = rng.randint(start, weeks - 1)
        for week in range(spell_start, min(weeks, spell_start + rng.randint(2, 8))):
            statuses[week] = rng.choice(TROUBLE)
    if status in TROUBLE:
        for week in range(max(start, weeks - rng.randint(1, 10)), weeks):
            statuses[week] = status
    result: list[tuple[str, int]] = []
    reached = 0
    span = max(1, finish - start)
    for week in range(weeks):
        if week < start:
            result.append(("not_started", 0))
            continue
        if week >= finish and status == "done":
            result.append(("on_track" if joint else "done", 100))
            continue
        target = progress * (week - start + 1) / (span + 1)
        # Progress never goes backwards, and stalls while the item is in trouble.
        if statuses[week] == "on_track":
            reached = max(reached, min(progress, round(target + rng.uniform(-4, 4))))
        result.append((statuses[week], reached))
    if status != "done":
        result[-1] = (status, progress)
    return result


@dataclass
class _Rows:
    """Rows for one plan, bulk-created together at the end."""

    updates: list[Update] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    sign_offs: list[SignOff] = field(default_factory=list)
    comments: list[tuple[Comment, int | None]] = field(default_factory=list)  # (comment, mentioned user id)


def _national_plan(
    rng: random.Random, jurisdiction: Jurisdiction, framework: Framework, *, weeks: int, now: datetime.datetime
) -> tuple[int, int, int]:
    """Adopt the framework for one jurisdiction and write its history. Returns (items, updates, activities).

    Seeding history is the one place that bypasses `actionplan.services`: replaying ~9,000 updates
    per plan through post_update (a locked read, three writes and the activity log, each) would
    take hours nationally, and the services stamp every row with the current time, while history
    needs its own dates. The rows written here are exactly those the services would have written:
    each Update with its UPDATED (and, when the status moved, STATUS_CHANGED) Activity, each
    comment and sign-off with its Activity, and the items' denormalised status fields set from
    each side's latest update. Updates and Activity are only ever inserted (they are append-only).
    """
    from actionplan import services
    from actionplan.models import Activity, Comment, Item, ItemSide, Plan, Sharing, SignOff, Status, Update
    from library.models import Dimension

    members = list(Membership.objects.active().filter(jurisdiction=jurisdiction).select_related("user"))
    side_people = {
        side: [m.user for m in members if m.role in (side, f"{side}_delegate")]
        or [m.user for m in members if m.role == side]
        for side in ("cio", "cpo")
    }
    principals = {m.role: m.user for m in members if m.role in ("cio", "cpo")}
    plan = services.adopt_framework(
        framework, jurisdiction=jurisdiction, fiscal_year=NATIONAL_FISCAL_YEAR, by=principals["cio"]
    )
    # Items exist from before their first update (the oldest may lag "now" by up to 9 weeks).
    history_start = now - datetime.timedelta(weeks=weeks + 10)
    today = timezone.localdate(now)
    dimensions = list(Dimension.objects.all())
    label = {status.value: str(status.label) for status in Status}

    # The state's own items, with the CREATED activity create_item would log; they are saved once
    # their history is known, with their final status, like the adopted items are below.
    adopted = list(plan.items.order_by("id"))
    extra = NATIONAL_ITEMS_PER_PLAN - len(adopted)
    pool = [(d, title) for d in dimensions for title in STATE_ITEM_TITLES.get(d.slug, [])]
    state_items = []
    for dimension, title in rng.sample(pool, min(extra, len(pool))):
        side = rng.choices(["cio", "cpo", "joint"], [3, 3, 4])[0]
        state_items.append(
            Item(
                plan=plan,
                dimension=dimension,
                origin=Item.Origin.STATE,
                title=title,
                description="Added by the state to its plan.",
                side=side,
                starts_on=plan.starts_on,
                due_on=plan.starts_on,
                created_by=principals["cio" if side != "cpo" else "cpo"],
                created_at=history_start,
            )
        )
    rows = _Rows()
    rows.activities += [
        Activity(
            plan=plan,
            item=item,
            actor_id=item.created_by_id,
            verb=Activity.Verb.CREATED,
            new_value=item.title,
            created_at=history_start,
        )
        for item in state_items
    ]

    span = (plan.ends_on - plan.starts_on).days
    items = adopted + state_items
    for number, item in enumerate(items):
        joint = item.side == ItemSide.JOINT
        item.starts_on = plan.starts_on
        item.due_on = plan.starts_on + datetime.timedelta(days=rng.randint(30, span))
        item.created_at = history_start
        item.cio_owner = rng.choice(side_people["cio"]) if item.side != ItemSide.CPO else None
        item.cpo_owner = rng.choice(side_people["cpo"]) if item.side != ItemSide.CIO else None
        final_status, final_progress = _final_state(rng, overdue=item.due_on < today)
        truth = _trajectory(rng, weeks=weeks, status=final_status, progress=final_progress, joint=joint)
        # Most items were updated this week; one in ten has gone quiet for over a month.
        lag = datetime.timedelta(hours=rng.randint(2, 6 * 24))
        if rng.random() < 0.1:
            lag += datetime.timedelta(weeks=rng.randint(5, 8))
        # On some joint items one office reads the same facts more gloomily: the disagreement
        # the item list flags.
        gloomy = rng.choice(["cio", "cpo"]) if joint and rng.random() < 0.2 else None
        latest: dict[str, Update] = {}
        status = "not_started"
        for week, (true_status, true_progress) in enumerate(truth):
            side = ("cio", "cpo")[(week + number) % 2] if joint else item.side
            reported = WORSE.get(true_status, true_status) if side == gloomy and week >= weeks - 12 else true_status
            if reported != "done" and rng.random() < 0.04:
                reported = WORSE.get(reported, reported)
            author = item.cio_owner if side == "cio" else item.cpo_owner
            at = now - lag - datetime.timedelta(weeks=weeks - 1 - week, minutes=rng.randint(0, 600))
            update = Update(
                item=item,
                author=author,
                side=side,
                status=reported,
                progress=true_progress,
                narrative=rng.choice(NARRATIVES[reported]),
                confidence=CONFIDENCE.get(reported, ""),
                created_at=at,
            )
            rows.updates.append(update)
            rows.activities.append(
                Activity(
                    plan=plan,
                    item=item,
                    actor=author,
                    verb=Activity.Verb.UPDATED,
                    field=side,
                    new_value=label[reported],
                    created_at=at,
                )
            )
            if reported != status:
                rows.activities.append(
                    Activity(
                        plan=plan,
                        item=item,
                        actor=author,
                        verb=Activity.Verb.STATUS_CHANGED,
                        field="status",
                        old_value=label[status],
                        new_value=label[reported],
                        created_at=at,
                    )
                )
                status = reported
            latest[side] = update
        last = max(latest.values(), key=lambda u: u.created_at)
        item.cio_status = latest["cio"].status if "cio" in latest else ""
        item.cpo_status = latest["cpo"].status if "cpo" in latest else ""
        item.status, item.progress, item.last_update_at = last.status, last.progress, last.created_at
        item.cio_last_update_at = latest["cio"].created_at if "cio" in latest else None
        item.cpo_last_update_at = latest["cpo"].created_at if "cpo" in latest else None

        if joint and (
            final_status == "done" or (final_status == "on_track" and final_progress >= 60 and rng.random() < 0.5)
        ):
            # Sign-offs come after the last update: the second one makes the item done.
            signers = ["cio", "cpo"] if final_status == "done" else [rng.choice(["cio", "cpo"])]
            rng.shuffle(signers)
            for order, side in enumerate(signers, start=1):
                signer = item.cio_owner if side == "cio" else item.cpo_owner
                at = last.created_at + (now - last.created_at) * order / 3
                rows.sign_offs.append(SignOff(item=item, side=side, signed_by=signer, signed_at=at))
                rows.activities.append(
                    Activity(
                        plan=plan, item=item, actor=signer, verb=Activity.Verb.SIGNED_OFF, field=side, created_at=at
                    )
                )
                if order == 2:
                    rows.activities.append(
                        Activity(
                            plan=plan,
                            item=item,
                            actor=signer,
                            verb=Activity.Verb.STATUS_CHANGED,
                            field="status",
                            old_value=label[item.status],
                            new_value=label["done"],
                            created_at=at,
                        )
                    )
                    item.status, item.progress = "done", 100

        for _ in range(rng.choices([0, 1, 2, 3], [70, 18, 8, 4])[0]):
            side = rng.choice(item.sides)
            other = "cpo" if side == "cio" else "cio"
            author = item.cio_owner if side == "cio" else item.cpo_owner
            body = rng.choice(COMMENTS).format(other=other)
            at = history_start + (now - history_start) * rng.random()
            rows.comments.append(
                (
                    Comment(item=item, author=author, body=body, created_at=at),
                    principals[other].pk if "@" in body else None,
                )
            )
            rows.activities.append(
                Activity(
                    plan=plan, item=item, actor=author, verb=Activity.Verb.COMMENTED, new_value=body, created_at=at
                )
            )

    final_fields = [
        "starts_on",
        "due_on",
        "created_at",
        "cio_owner",
        "cpo_owner",
        "status",
        "cio_status",
        "cpo_status",
        "progress",
        "last_update_at",
        "cio_last_update_at",
        "cpo_last_update_at",
    ]
    # One UPDATE per adopted item: bulk_update's CASE expressions cost more to build than these.
    for item in adopted:
        item.save(update_fields=final_fields)
    Item.objects.bulk_create(state_items, batch_size=BATCH_SIZE)
    Plan.objects.filter(pk=plan.pk).update(created_at=history_start)
    Update.objects.bulk_create(rows.updates, batch_size=BATCH_SIZE)
    Activity.objects.bulk_create(rows.activities, batch_size=BATCH_SIZE)
    SignOff.objects.bulk_create(rows.sign_offs, batch_size=BATCH_SIZE)
    comments = Comment.objects.bulk_create([comment for comment, _ in rows.comments], batch_size=BATCH_SIZE)
    Comment.mentions.through.objects.bulk_create(
        [
            Comment.mentions.through(comment_id=comment.pk, user_id=mentioned)
            for comment, (_, mentioned) in zip(comments, rows.comments, strict=True)
            if mentioned is not None
        ]
    )
    # Most states share their plan with other states, as both offices agree, so that the peer
    # benchmark has peers to show; some stay private and a few are public.
    shared = 0
    level = national_sharing(jurisdiction.code)
    if level != Sharing.PRIVATE:
        for principal in (principals["cio"], principals["cpo"]):  # one asks, the other agrees
            services.change_sharing(plan, by=principal, level=level)
        shared = 2  # SHARING_REQUESTED, SHARING_CHANGED
    # +1: the ADOPTED row adopt_framework wrote.
    return len(items), len(rows.updates), len(rows.activities) + 1 + shared


def national_sharing(code: str) -> str:
    """Who reads a national demo plan, by its jurisdiction's code: peers for about six in ten,
    public for one in ten, private for the rest (the same every run)."""
    from actionplan.models import Sharing

    bucket = zlib.crc32(code.encode()) % 10
    return Sharing.PUBLIC if bucket == 0 else Sharing.PRIVATE if bucket >= 7 else Sharing.PEERS


def seed_national_plans(*, weeks: int = HISTORY_WEEKS, report: Callable[[str], object] = print) -> NationalTotals:
    """Every jurisdiction's FY2027 plan, about 60 items each, with `weeks` of weekly updates.

    The data the benchmarks run against (bench/plan_pages.py). Idempotent: a jurisdiction that
    already has its FY2027 plan is skipped. Each jurisdiction is one transaction, so an
    interrupted run leaves whole plans and resumes where it stopped. Deterministic: each
    jurisdiction draws from its own random.Random derived from SEED, whichever ones are skipped,
    so every run makes the same rows, dated relative to the moment it runs.
    """
    from actionplan.models import Plan
    from library.services import current_framework

    framework = current_framework()
    if framework is None:
        report("No published framework: run 'manage.py load_reference' first. No plans created.")
        return NationalTotals(0, 0, 0, 0, 0.0)
    started = time.monotonic()
    now = timezone.now()
    jurisdictions = list(Jurisdiction.objects.order_by("code"))
    master = random.Random(SEED)  # noqa: S311 - demo data, not security
    seeds = {j.code: master.getrandbits(64) for j in jurisdictions}
    planned = set(Plan.objects.filter(period=f"FY{NATIONAL_FISCAL_YEAR}").values_list("jurisdiction__code", flat=True))
    skipped = [j.code for j in jurisdictions if j.code in planned]
    if skipped:
        report(f"Skipped, already with an FY{NATIONAL_FISCAL_YEAR} plan: {', '.join(skipped)}")
    plans = items = updates = activities = 0
    for jurisdiction in jurisdictions:
        if jurisdiction.code in planned:
            continue
        rng = random.Random(seeds[jurisdiction.code])  # noqa: S311 - demo data, not security
        with transaction.atomic():
            n_items, n_updates, n_activities = _national_plan(rng, jurisdiction, framework, weeks=weeks, now=now)
        plans, items, updates, activities = plans + 1, items + n_items, updates + n_updates, activities + n_activities
        report(f"{jurisdiction.code}: {n_items} items, {n_updates:,} updates ({time.monotonic() - started:.0f} s)")
    seconds = time.monotonic() - started
    report(
        f"National history: {plans} plans, {items:,} items, {updates:,} updates, "
        f"{activities:,} activity rows in {seconds:.0f} s"
    )
    return NationalTotals(plans, items, updates, activities, seconds)


# --- Adoption ------------------------------------------------------------------------------------
# Every status below is invented for the demo; each note says so, and every evidence link points
# at example.org. One pattern per showcase state, read in library order (2016, 2017, 2025), so the
# three states differ and every status appears; the last recommendation stays unadopted everywhere,
# so the matrix's "nobody has adopted" list has something in it.
_A, _P, _E, _N, _X = "adopted", "in_progress", "exploring", "not_started", "not_applicable"
SHOWCASE_ADOPTION = {
    "ID": [_A, _A, _E, _P, _P, _A, _P, _A, _E, _N, _P, _A, _P, _A, _E, _N, _X],
    "ME": [_P, _A, _N, _E, _A, _E, _A, _A, _P, _E, _N, _P, _E, _P, _N, _X, _N],
    "NC": [_E, _P, _X, _A, _E, _N, _P, _E, _A, _A, _E, _N, _A, _N, _P, _E, _E],
}
# Which framework item of a state's plan carries out which recommendation, by (publication slug, number).
CARRIED_BY = {
    ("nascio-2016-call-for-reform", "1"): "I5",
    ("nascio-2016-call-for-reform", "2"): "I5",
    ("nascio-2016-call-for-reform", "4"): "G5",
    ("nascio-2016-call-for-reform", "5"): "I3",
    ("it-procurement-negotiations-2017", "R1"): "T2",
    ("it-procurement-negotiations-2017", "R2"): "G2",
    ("it-procurement-negotiations-2017", "R3"): "T1",
    ("it-procurement-negotiations-2017", "R4"): "I4",
    ("it-procurement-negotiations-2017", "R6"): "T3",
    ("it-procurement-negotiations-2017", "R7"): "I3",
    ("nascio-2025-procurement-initiative", "1"): "G4",
    ("nascio-2025-procurement-initiative", "2"): "I5",
}
EVIDENCE_KINDS = ["statute", "executive_order", "policy", "contract_clause"]
DEMO_NOTE = "Demo record, invented for trying Joint Plan: not {place}'s actual position."


def _demo_evidence_url(code: str, publication_slug: str, number: str) -> str:
    return f"https://example.org/demo/{code.lower()}/{publication_slug}/{number.lower()}"


def seed_adoption(*, scale: str) -> int:
    """Each demo state's adoption of the recommendations; at national scale, every jurisdiction's
    (the adoption area). Returns rows created.

    The showcase states (Idaho, Maine, North Carolina) record theirs through the service, as their
    CIO would, with linked plan items and one record each verified by NASPO staff, so the pages show
    history; Maine publishes its records on the public adoption page. National scale adds every
    other jurisdiction in bulk, from a random generator seeded per jurisdiction. A (jurisdiction,
    recommendation) pair that already has a row is left alone, so a second run creates nothing;
    with no recommendations in the library, nothing is done."""
    from django.db import transaction

    from actionplan import adoption as adoption_services
    from actionplan.models import Item
    from directory.models import Jurisdiction, User

    recommendations = adoption_services.recommendations_in_order()
    if not recommendations:
        return 0
    created = 0
    staff = User.objects.filter(email="staff@naspo.example").first()
    for code, pattern in SHOWCASE_ADOPTION.items():
        jurisdiction = Jurisdiction.objects.filter(code=code).first()
        cio = User.objects.filter(email=f"cio@{code.lower()}.example").first()
        if jurisdiction is None or cio is None:
            continue
        done = set(jurisdiction.adoptions.values_list("recommendation_id", flat=True))
        items = {
            item.framework_item.code: item
            for item in Item.objects.current()
            .filter(plan__jurisdiction=jurisdiction, framework_item__isnull=False)
            .select_related("framework_item")
            .order_by("plan__starts_on")
            if item.framework_item is not None  # always (the query asks for it); this tells the type checker
        }
        verified_one = jurisdiction.adoptions.filter(verified_at__isnull=False).exists()
        with transaction.atomic():
            for index, rec in enumerate(recommendations):
                if rec.pk in done:
                    continue
                status = pattern[index % len(pattern)]
                has_evidence = status == _A or (status == _P and index % 2 == 0)
                carried = items.get(CARRIED_BY.get((rec.publication.slug, rec.number), ""))
                adoption = adoption_services.record_adoption(
                    jurisdiction,
                    rec,
                    by=cio,
                    status=status,
                    note=DEMO_NOTE.format(place=jurisdiction.name),
                    evidence_kind=EVIDENCE_KINDS[index % len(EVIDENCE_KINDS)] if has_evidence else "",
                    evidence_url=_demo_evidence_url(code, rec.publication.slug, rec.number) if has_evidence else "",
                    items=[carried] if carried is not None and status in (_A, _P) else [],
                    is_public=code == PUBLIC_SHOWCASE,
                )
                created += 1
                if status == _A and staff is not None and not verified_one:
                    adoption_services.verify_adoption(adoption, by=staff)
                    verified_one = True
    if scale == "national":
        created += _seed_national_adoption(recommendations)
    return created


def _seed_national_adoption(recommendations: list) -> int:
    """Every jurisdiction's rows, in bulk: most recommendations recorded, older ones adopted more
    often, about a third of adopted evidence verified; the last recommendation adopted nowhere."""
    import datetime
    import random

    from django.db import transaction
    from django.utils import timezone

    from actionplan.models import Adoption, AdoptionChange
    from directory.models import Jurisdiction, User

    staff = User.objects.filter(email="staff@nascio.example").first()
    cios = {u.email: u for u in User.objects.filter(email__startswith="cio@", email__endswith=".example")}
    existing = set(Adoption.objects.values_list("jurisdiction_id", "recommendation_id"))
    now = timezone.now()
    rows: list[Adoption] = []
    last = len(recommendations) - 1
    for jurisdiction in Jurisdiction.objects.order_by("code"):
        rng = random.Random(f"adoption-demo:{jurisdiction.code}")  # noqa: S311 - demo data, not security
        cio = cios.get(f"cio@{jurisdiction.code.lower()}.example")
        for index, rec in enumerate(recommendations):
            # Every draw is made for every pair, so a pair's outcome never depends on which rows
            # exist already: a second run skips the same blanks and creates nothing.
            blank, draw, verify_draw = rng.random(), rng.random(), rng.random()
            when = now - datetime.timedelta(days=rng.randint(3, 400), minutes=rng.randint(0, 600))
            if (jurisdiction.pk, rec.pk) in existing or blank < 0.1:
                continue  # about one in ten not recorded yet
            adopt_chance = 0 if index == last else 0.4 * (1 - index / len(recommendations))
            cumulative = [(_A, adopt_chance), (_P, 0.2), (_E, 0.2), (_X, 0.05)]
            status = _N
            for candidate, chance in cumulative:
                if draw < chance:
                    status = candidate
                    break
                draw -= chance
            adopted = status == _A
            verified = adopted and staff is not None and verify_draw < 0.35
            rows.append(
                Adoption(
                    jurisdiction=jurisdiction,
                    recommendation=rec,
                    status=status,
                    note=DEMO_NOTE.format(place=jurisdiction.name),
                    evidence_kind=EVIDENCE_KINDS[index % len(EVIDENCE_KINDS)] if adopted else "",
                    evidence_url=_demo_evidence_url(jurisdiction.code, rec.publication.slug, rec.number)
                    if adopted
                    else "",
                    verified_at=when + datetime.timedelta(days=2) if verified else None,
                    verified_by=staff if verified else None,
                    updated_by=cio,
                    updated_at=when,
                )
            )
    with transaction.atomic():
        Adoption.objects.bulk_create(rows, batch_size=500)
        saved = Adoption.objects.filter(
            jurisdiction_id__in={r.jurisdiction_id for r in rows},
            recommendation_id__in={r.recommendation_id for r in rows},
        ).exclude(changes__isnull=False)
        AdoptionChange.objects.bulk_create(
            [
                AdoptionChange(
                    adoption=a,
                    kind=AdoptionChange.Kind.RECORDED,
                    actor_id=a.updated_by_id,
                    status=a.status,
                    summary=f"Status: {a.get_status_display()} (demo data)",
                    created_at=a.updated_at,
                )
                for a in saved
            ],
            batch_size=500,
        )
    return len(rows)


# Showcase items that learn from a peer's case study: (state, framework item code, case study slug).
# Idaho's own terms and conditions carry the recommendations Maine's and North Carolina's I3 and I5
# items answer; Idaho's I5 looks at Wisconsin's playbook.
CITATIONS = [
    ("ME", "I3", "idaho-terms-and-conditions"),
    ("NC", "I5", "idaho-terms-and-conditions"),
    ("ID", "I5", "wisconsin-it-procurement-playbook"),
]


def seed_citations() -> int:
    """A few showcase items cite a case study, as their owners would add it on the item's edit form
    (through the item service, so the item's timeline records it). An item already citing it, or a
    missing item, person or case study, is skipped, so a second run changes nothing. Returns the
    number of citations added."""
    from actionplan import services
    from actionplan.models import Item
    from directory.models import User
    from library.models import CaseStudy

    added = 0
    for code, item_code, slug in CITATIONS:
        case_study = CaseStudy.objects.filter(slug=slug).first()
        item = (
            Item.objects.current()
            .filter(plan__jurisdiction__code=code, framework_item__code=item_code)
            .order_by("plan__starts_on")
            .first()
        )
        if case_study is None or item is None or item.case_studies.filter(pk=case_study.pk).exists():
            continue
        # The office that owns the item adds it (the CIO for a joint item).
        editor = User.objects.filter(email=f"{'cpo' if item.side == 'cpo' else 'cio'}@{code.lower()}.example").first()
        if editor is None:
            continue
        services.edit_item(
            item, by=editor, expected_version=item.version, case_studies=[*item.case_studies.all(), case_study]
        )
        added += 1
    return added
