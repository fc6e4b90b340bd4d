"""Demo people for the quick start and the benchmarks (`manage.py seed_demo`).

Every name here is invented. The three showcase states are Idaho and Maine (whose CPO and CIO
co-chaired the 2017 joint task force) and North Carolina (host of the 2016 roundtable).
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import transaction

from directory.models import Association, Jurisdiction, Membership, StaffMembership, User

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
