"""Data for the integration tests: a state with its people and plan, due digests, and moments
that fall inside someone's hours whatever time the suite runs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from actionplan import services as plan_services
from actionplan.models import Plan
from directory.models import Jurisdiction, Membership, User
from library.services import current_framework
from notifications import services
from notifications.models import Preference
from tests import factories

Role = Membership.Role


@dataclass
class Idaho:
    """Idaho's people and a plan adopted from the national framework by its CIO."""

    cio: User
    cpo: User
    deputy: User
    viewer: User
    plan: Plan

    @property
    def people(self) -> list[User]:
        return [self.cio, self.cpo, self.deputy, self.viewer]


def make_idaho() -> Idaho:
    """The plan is for the fiscal year after next, so none of its items is due, overdue or stale
    whenever the suite runs: the only reminders are the ones a test causes."""
    factories.load_reference()
    people = {
        "cio": factories.make_member("ID", Role.CIO, email="cio@id.example", full_name="Dana Whitfield"),
        "cpo": factories.make_member("ID", Role.CPO, email="cpo@id.example", full_name="Marcus Oyelaran"),
        "deputy": factories.make_member("ID", Role.CIO_DELEGATE, email="deputy@id.example", full_name="Priya Raman"),
        "viewer": factories.make_member("ID", Role.VIEWER, email="viewer@id.example", full_name="Sam Whitaker"),
    }
    plan = plan_services.adopt_framework(
        current_framework(),
        jurisdiction=Jurisdiction.objects.get(code="ID"),
        fiscal_year=timezone.now().year + 2,
        by=people["cio"],
    )
    return Idaho(plan=plan, **people)


def make_digests_due(users: list[User], *, at: datetime.datetime) -> None:
    """Everyone's weekly digest fell due an hour before `at`, and goes out even in a quiet week."""
    for user in users:
        services.preference_for(user, now=at)
    Preference.objects.filter(user__in=users).update(
        next_digest_at=at - datetime.timedelta(hours=1), digest_when_quiet=True
    )


# --- Time -------------------------------------------------------------------------------------------


def working_hours_from(now: datetime.datetime, tz: str) -> datetime.datetime:
    """The first whole half hour at or after `now` that is a weekday between 09:00 and 17:00 in `tz`:
    every kind of reminder may go out then. At most three days ahead (Friday evening to Monday)."""
    zone = ZoneInfo(tz)
    moment = now.replace(minute=0, second=0, microsecond=0)
    while moment < now or not (moment.astimezone(zone).weekday() < 5 and 9 <= moment.astimezone(zone).hour < 17):
        moment += datetime.timedelta(minutes=30)
    return moment


def zone_at_local_hour(now: datetime.datetime, hour: int) -> str:
    """An IANA zone (Etc/GMT±N) in which it is `hour` o'clock at `now`, so a test can run in
    someone's waking hours whatever time the suite runs."""
    offset = (hour - now.astimezone(datetime.UTC).hour + 12) % 24 - 12
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # POSIX sign: Etc/GMT-3 is UTC+3
