"""Plain builder functions for tests: sensible defaults, override what the test is about."""

from __future__ import annotations

import datetime
import io
import itertools

from django.core.management import call_command

from directory.models import Association, Jurisdiction, Membership, StaffMembership, User

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


def load_reference() -> None:
    """The 56 jurisdictions, 2 associations and 4 dimensions, as production has them."""
    call_command("load_reference", stdout=io.StringIO())


def jurisdiction(code: str) -> Jurisdiction:
    """A reference jurisdiction by USPS code (loads the reference data on first use)."""
    if not Jurisdiction.objects.filter(code=code).exists():
        load_reference()
    return Jurisdiction.objects.get(code=code)


def make_user(
    *,
    email: str | None = None,
    full_name: str | None = None,
    tz: str = "America/New_York",
    password: str = PASSWORD,
    **fields: object,
) -> User:
    n = next(_counter)
    return User.objects.create_user(
        email or f"person{n}@state.example",
        password,
        full_name=full_name or f"Person {n}",
        tz=tz,
        **fields,
    )


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
