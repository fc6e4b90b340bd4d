"""Plain builder functions for tests: sensible defaults, override what the test is about.

The one place a test makes its data: people and their roles, plans and items, the library's rows,
adoption records, events with their outcomes and proposals. Builders write rows directly, without
Activity or email, so a test about reading starts from a known state; a test about a change makes
that change through the app's services. The exceptions say so (`adopt_plan` adopts the framework the
real way, because the 21 items it brings are what those tests read).
"""

from __future__ import annotations

import datetime
import io
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django.utils.text import slugify

from actionplan import services as plan_services
from actionplan.models import Adoption, Item, ItemSide, Plan, Sharing
from directory import sides
from directory.models import Association, Jurisdiction, Membership, StaffMembership, User
from library.models import Dimension, Framework, FrameworkItem, Publication, Recommendation, RecommendationArea
from library.services import current_framework
from notifications import services as notifications
from notifications.models import Preference
from reports.models import Snapshot
from roundtables.models import Attendance, Outcome, OutcomeProposal, Roundtable
from tests import reference_copy

PASSWORD = "correct-horse-battery-staple"
Role = Membership.Role
# Numbers what a builder names by default (users, items, editions, slugs), so every name is new.
_counter = itertools.count(1)


# --- Reference data --------------------------------------------------------------------------------


def load_reference() -> None:
    """The reference data as production has it (56 jurisdictions, 2 associations, the library, past
    events): put back from the copy of the command's first run in this test database when the tables
    are empty (after a transactional test), by the command itself otherwise (tests/reference_copy.py)."""
    if not reference_copy.restore():
        call_command("load_reference", stdout=io.StringIO())


def jurisdiction(code: str) -> Jurisdiction:
    """A reference jurisdiction by USPS code (loads the reference data on first use)."""
    if not Jurisdiction.objects.filter(code=code).exists():
        load_reference()
    return Jurisdiction.objects.get(code=code)


def first_dimension() -> Dimension:
    """The first of the four dimensions (loads the reference data if needed)."""
    if not Dimension.objects.exists():
        load_reference()
    return Dimension.objects.order_by("position").first()  # type: ignore[return-value]


# --- People ----------------------------------------------------------------------------------------


def make_user(
    *,
    email: str | None = None,
    full_name: str | None = None,
    tz: str = "America/New_York",
    password: str = PASSWORD,
    **fields: object,
) -> User:
    """An account with no role anywhere; its password is PASSWORD."""
    n = next(_counter)
    return User.objects.create_user(
        email or f"person{n}@state.example",
        password,
        full_name=full_name or f"Person {n}",
        tz=tz,
        **fields,
    )


def make_superuser(email: str = "root@example.org", **fields: object) -> User:
    """A superuser, for the Django admin."""
    return make_user(email=email, is_staff=True, is_superuser=True, **fields)


def make_member(
    code: str = "ID",
    role: str = Membership.Role.CIO,
    *,
    user: User | None = None,
    started_on: datetime.date = datetime.date(2025, 1, 1),
    ended_on: datetime.date | None = None,
    **user_fields: object,
) -> User:
    """A user holding `role` in the jurisdiction with USPS code `code`."""
    place = jurisdiction(code)
    user = user or make_user(**({"tz": place.tz} | user_fields))
    Membership.objects.create(user=user, jurisdiction=place, role=role, started_on=started_on, ended_on=ended_on)
    return user


def make_staff(association_code: str = "NASCIO", *, user: User | None = None, **user_fields: object) -> User:
    """A member of NASPO's or NASCIO's staff."""
    if not Association.objects.filter(code=association_code).exists():
        load_reference()
    user = user or make_user(**user_fields)
    StaffMembership.objects.create(
        user=user, association=Association.objects.get(code=association_code), started_on=datetime.date(2025, 1, 1)
    )
    return user


# Idaho's people as the demo has them (README, "Demo logins"), by role: their names, the demo's
# addresses, and personal addresses (the notification tests read mail addressed to a person).
IDAHO_PEOPLE = {
    Role.CIO: ("Dana Whitfield", "cio@id.example", "dana@idaho.example"),
    Role.CPO: ("Marcus Oyelaran", "cpo@id.example", "marcus@idaho.example"),
    Role.CIO_DELEGATE: ("Priya Raman", "deputy@id.example", "priya@idaho.example"),
    Role.VIEWER: ("Sam Whitaker", "viewer@id.example", "sam@idaho.example"),
}


def idaho_people(*roles: str, personal: bool = False) -> dict[str, User]:
    """Idaho's people by role, all four unless `roles` names some: Dana Whitfield (CIO), Marcus
    Oyelaran (CPO), Priya Raman (CIO delegate) and Sam Whitaker (viewer), at the demo's addresses
    (cio@id.example, ...) or, when `personal`, at their own (dana@idaho.example, ...)."""
    people = {}
    for role in roles or IDAHO_PEOPLE:
        full_name, demo_address, personal_address = IDAHO_PEOPLE[Role(role)]
        email = personal_address if personal else demo_address
        people[str(role)] = make_member("ID", role, email=email, full_name=full_name)
    return people


# --- The library ------------------------------------------------------------------------------------


def make_framework(
    *,
    title: str = "2016 NASPO–NASCIO joint action plan",
    edition: str | None = None,
    items: int = 1,
) -> Framework:
    """A published framework edition with `items` proposed starter items, all joint."""
    n = next(_counter)
    framework = Framework.objects.create(
        title=title,
        edition=edition or f"Edition {n}",
        state=Framework.State.PUBLISHED,
        published_at=timezone.now(),
    )
    dimension = first_dimension()
    for position in range(1, items + 1):
        FrameworkItem.objects.create(
            framework=framework,
            dimension=dimension,
            code=f"{dimension.position}.{position}",
            title=f"Framework item {dimension.position}.{position}",
            side=ItemSide.JOINT,
            position=position,
        )
    return framework


def make_publication(*, title: str | None = None, year: int = 2017) -> Publication:
    """A publication of the associations (no recommendations yet)."""
    n = next(_counter)
    return Publication.objects.create(
        slug=f"publication-{n}", title=title or f"Joint paper {n}", published_on=datetime.date(year, 9, 19)
    )


def make_recommendation(
    *,
    publication: Publication | None = None,
    number: str = "R1",
    position: int = 1,
    text: str | None = None,
    confidence: str = Recommendation.Confidence.PUBLICATION,
) -> Recommendation:
    """One recommendation of `publication` (a new one unless given)."""
    publication = publication or make_publication()
    return Recommendation.objects.create(
        publication=publication,
        number=number,
        position=position,
        text=text or f"Recommendation {position} of {publication.title}, in our own words.",
        confidence=confidence,
    )


def make_recommendations(count: int = 3, *, publication: Publication | None = None) -> list[Recommendation]:
    """`count` recommendations R1, R2, ... of one publication (a new one unless given)."""
    publication = publication or make_publication()
    return [make_recommendation(publication=publication, number=f"R{i}", position=i) for i in range(1, count + 1)]


def empty_library() -> None:
    """Take the seeded recommendations out, so a test controls exactly which ones exist."""
    Recommendation.objects.all().delete()
    RecommendationArea.objects.all().delete()
    Publication.objects.all().delete()


# --- Plans, items and adoption ----------------------------------------------------------------------


def make_plan(
    code: str = "ID",
    period: str = "FY2027",
    *,
    sharing: str = Sharing.PRIVATE,
    starts_on: datetime.date = datetime.date(2026, 7, 1),
    ends_on: datetime.date = datetime.date(2027, 6, 30),
    framework: Framework | None = None,
    **fields: object,
) -> Plan:
    """A plan with no items for the jurisdiction with USPS code `code` (reference data loads if it
    is missing)."""
    return Plan.objects.create(
        jurisdiction=jurisdiction(code),
        period=period,
        sharing=sharing,
        starts_on=starts_on,
        ends_on=ends_on,
        framework=framework,
        **fields,
    )


def adopt_plan(by: User, *, code: str = "ID", fiscal_year: int = 2027) -> Plan:
    """`code`'s plan for `fiscal_year`, adopted from the national framework by `by` the real way
    (actionplan.services.adopt_framework): one item per framework item, 21 of them."""
    return plan_services.adopt_framework(
        current_framework(), jurisdiction=jurisdiction(code), fiscal_year=fiscal_year, by=by
    )


def make_item(
    plan: Plan,
    *,
    title: str | None = None,
    side: str = ItemSide.JOINT,
    dimension: Dimension | None = None,
    cio_owner: User | None = None,
    cpo_owner: User | None = None,
    starts_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    created_by: User | None = None,
    framework_item: FrameworkItem | None = None,
    **fields: object,
) -> Item:
    """An item in `plan`, running over the whole plan period unless dates are given."""
    n = next(_counter)
    return Item.objects.create(
        plan=plan,
        dimension=dimension or first_dimension(),
        title=title or f"Plan item {n}",
        side=side,
        cio_owner=cio_owner,
        cpo_owner=cpo_owner,
        starts_on=starts_on or plan.starts_on,
        due_on=due_on or plan.ends_on,
        created_by=created_by or cio_owner or cpo_owner or make_user(),
        origin=Item.Origin.FRAMEWORK if framework_item else Item.Origin.STATE,
        framework_item=framework_item,
        **fields,
    )


def owners_for(side: str, *, cio: User, cpo: User) -> dict[str, User | None]:
    """The owners an item of `side` has: the CIO for a CIO-side or joint item, the CPO for a
    CPO-side or joint one."""
    offices = sides.offices_of(side)
    return {"cio_owner": cio if "cio" in offices else None, "cpo_owner": cpo if "cpo" in offices else None}


def edit_data(item: Item, **overrides: object) -> dict[str, object]:
    """The edit form as it opens for `item`; override the fields being changed."""
    return {
        "title": item.title,
        "dimension": item.dimension_id,
        "description": item.description,
        "side": item.side,
        "cio_owner": item.cio_owner_id or "",
        "cpo_owner": item.cpo_owner_id or "",
        "starts_on": item.starts_on.isoformat(),
        "due_on": item.due_on.isoformat(),
        "version": item.version,
    } | overrides


def make_adoption(code: str, recommendation: Recommendation, **fields: object) -> Adoption:
    """An adoption row written directly (no history), for tests about reading. An adopted one gets
    the evidence adoption requires unless the test gives its own."""
    values: dict[str, object] = {"status": Adoption.Status.EXPLORING} | fields
    if (
        values["status"] == Adoption.Status.ADOPTED
        and not values.get("evidence_url")
        and not values.get("evidence_file")
    ):
        values |= {"evidence_url": "https://example.org/demo/statute", "evidence_kind": Adoption.EvidenceKind.STATUTE}
    return Adoption.objects.create(jurisdiction=jurisdiction(code), recommendation=recommendation, **values)


# The smallest PDF the evidence checks accept: a catalog and an end-of-file marker.
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "executive-order.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    """An uploaded PDF, as a browser sends it."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- A state's people and plan ------------------------------------------------------------------


@dataclass
class State:
    """A jurisdiction's two principals and their plan, and its CIO delegate and viewer when the
    test has them."""

    cio: User
    cpo: User
    plan: Plan
    cio_delegate: User | None = None
    viewer: User | None = None

    @property
    def people(self) -> list[User]:
        """Everyone above, principals first."""
        return [p for p in (self.cio, self.cpo, self.cio_delegate, self.viewer) if p is not None]

    def item(self, side: str = ItemSide.CIO, **fields: object) -> Item:
        """An item of this plan owned by whichever principals its side names. `last_update_at`
        is when each office that owns it last updated, as post_update would record it."""
        if "last_update_at" in fields:
            for office in sides.offices_of(side):
                fields.setdefault(f"{office}_last_update_at", fields["last_update_at"])
        return make_item(self.plan, side=side, **(owners_for(side, cio=self.cio, cpo=self.cpo) | fields))


@dataclass
class StateWithItem:
    """A state's principals, their plan and the one joint item a test is about (both own it), with
    the CIO delegate and viewer when the test has them."""

    cio: User
    cpo: User
    plan: Plan
    item: Item
    cio_delegate: User | None = None
    viewer: User | None = None


# --- Notifications ----------------------------------------------------------------------------------


def make_digests_due(users: list[User], *, at: datetime.datetime) -> None:
    """Everyone's weekly digest fell due an hour before `at`, and goes out even in a quiet week."""
    for user in users:
        notifications.preference_for(user, now=at)
    Preference.objects.filter(user__in=users).update(
        next_digest_at=at - datetime.timedelta(hours=1), digest_when_quiet=True
    )


# --- Events, outcomes and proposals ---------------------------------------------------------------

NEW_YORK = "America/New_York"
# The Monday after daylight saving time begins in 2027 (Sunday, March 14): New York is on EDT, UTC-4.
DAY_AFTER_DST = datetime.date(2027, 3, 15)
# The fall roundtable of the outcome tests: it ended on this day, before their Wednesday in December.
FALL_2026 = datetime.date(2026, 10, 1)


def local(day: datetime.date, hour: int, minute: int = 0, *, tz: str = NEW_YORK) -> datetime.datetime:
    """`day hour:minute` on the clocks of `tz`, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(tz))


def event_fields(
    *,
    title: str = "Spring roundtable",
    day: datetime.date = DAY_AFTER_DST,
    starts: tuple[int, int] = (9, 0),
    ends: tuple[int, int] = (16, 30),
    tz: str = NEW_YORK,
    **fields: object,
) -> dict[str, object]:
    """What staff enter for an event (the arguments of roundtables.services.events.create_roundtable
    but `by`): a one-day roundtable on `day` from `starts` to `ends` on the clocks of `tz`, hosted
    by both associations. `fields` override any of them (`starts_at`, `ends_at`, `part_of`, ...)."""
    return {
        "kind": Roundtable.Kind.ROUNDTABLE,
        "title": title,
        "starts_at": local(day, *starts, tz=tz),
        "ends_at": local(day, *ends, tz=tz),
        "tz": tz,
        "place": "Charlotte, North Carolina",
        "video_url": "",
        "hosts": list(Association.objects.filter(code__in=["NASPO", "NASCIO"])),
        "description": "A day on **teaming**.",
    } | fields


def make_event(
    *,
    created_by: User | None = None,
    attended: Iterable[str] = (),
    invited: Iterable[str] = (),
    **fields: object,
) -> Roundtable:
    """An event written as rows (no invitation email), from `event_fields` and the overrides in
    `fields`. Each code in `attended` came from its CIO office (its CPO office did not); each in
    `invited` was asked, both offices, and has not answered."""
    values = event_fields(**fields)
    hosts = values.pop("hosts")
    roundtable = Roundtable.objects.create(
        slug=f"{slugify(values['title'])[:60]}-{next(_counter)}",
        created_by=created_by,
        **values,  # type: ignore[arg-type]
    )
    roundtable.hosts.set(hosts)  # type: ignore[arg-type]
    for code in attended:
        place = jurisdiction(code)
        Attendance.objects.create(roundtable=roundtable, jurisdiction=place, side="cio", status="attended")
        Attendance.objects.create(roundtable=roundtable, jurisdiction=place, side="cpo", status="absent")
    for code in invited:
        place = jurisdiction(code)
        for side in ("cio", "cpo"):
            Attendance.objects.create(roundtable=roundtable, jurisdiction=place, side=side, status="invited")
    return roundtable


def make_past_event(
    *,
    day: datetime.date = FALL_2026,
    title: str = "Fall roundtable",
    attended: Iterable[str] = ("ID", "ME"),
    invited: Iterable[str] = ("NC",),
    **fields: object,
) -> Roundtable:
    """The event the outcome tests start from: it ran on `day` from 09:00 to 17:00 in New York;
    Idaho and Maine attended (their CIO offices), North Carolina was invited and did not come."""
    return make_event(day=day, ends=(17, 0), title=title, attended=attended, invited=invited, **fields)


def make_outcome(
    roundtable: Roundtable,
    *,
    title: str = "Name a point of contact in each office",
    text: str = "Each state names one person in the CIO office and one in the CPO office.",
    dimension: Dimension | None = None,
    recommendation: Recommendation | None = None,
) -> Outcome:
    """An outcome of `roundtable`, recorded but not proposed to anyone; after the event's others."""
    return Outcome.objects.create(
        roundtable=roundtable,
        title=title,
        text=text,
        dimension=dimension or Dimension.objects.order_by("position")[1],
        recommendation=recommendation,
        position=next(_counter),
    )


def make_proposal(outcome: Outcome, code: str = "ID") -> OutcomeProposal:
    """`outcome` proposed to the jurisdiction with USPS code `code`, awaiting its decision."""
    return OutcomeProposal.objects.create(outcome=outcome, jurisdiction=jurisdiction(code))


# --- Weekly snapshots --------------------------------------------------------------------------------


def make_snapshot(
    plan: Plan, monday: datetime.date, *, items: int = 10, done: int = 0, progress: int = 0, **counts: int
) -> list[Snapshot]:
    """A recorded week of `plan`, written directly: `items` in the first dimension (`done` of them
    done, average `progress`), each office's open items all fresh unless `counts` says otherwise
    (`cio_late=2`, ...); zeros in the other dimensions, as the task records them."""
    fresh = {"cio_fresh": items - done, "cpo_fresh": items - done} | counts
    taken_at = datetime.datetime.combine(monday, datetime.time(0, 5), tzinfo=datetime.UTC)
    return Snapshot.objects.bulk_create(
        [
            Snapshot(
                plan=plan,
                dimension=dimension,
                week_starts_on=monday,
                taken_at=taken_at,
                **({"items": items, "done": done, "progress_total": progress * items} | fresh if index == 0 else {}),
            )
            for index, dimension in enumerate(Dimension.objects.order_by("position"))
        ]
    )
