"""Builders for the outcomes tests: a past event with attendance, its outcomes and proposals.

They write rows directly (no email, no activity), so a test about a change makes that change
through roundtables.services.outcomes and starts from a known state."""

from __future__ import annotations

import datetime
import itertools
from zoneinfo import ZoneInfo

from directory.models import Jurisdiction
from library.models import Dimension, Publication, Recommendation
from roundtables.models import Attendance, Outcome, OutcomeProposal, Roundtable
from tests import factories

_counter = itertools.count(1)
EASTERN = "America/New_York"


def local(day: datetime.date, hour: int, *, tz: str = EASTERN) -> datetime.datetime:
    """The UTC instant of `day hour:00` on the wall clocks of `tz`."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZoneInfo(tz)).astimezone(datetime.UTC)


def make_event(
    *,
    last_day: datetime.date = datetime.date(2026, 10, 1),
    days: int = 1,
    title: str | None = None,
    attended: tuple[str, ...] = ("ID", "ME"),
    invited: tuple[str, ...] = ("NC",),
    tz: str = EASTERN,
) -> Roundtable:
    """An event that ran from 09:00 on its first day to 17:00 on `last_day` (in `tz`). Each code in
    `attended` came from its CIO office (its CPO office did not); `invited` were asked but absent."""
    n = next(_counter)
    first_day = last_day - datetime.timedelta(days=days - 1)
    roundtable = Roundtable.objects.create(
        slug=f"test-event-{n}",
        title=title or f"Test roundtable {n}",
        starts_at=local(first_day, 9, tz=tz),
        ends_at=local(last_day, 17, tz=tz),
        tz=tz,
    )
    for code in attended:
        place = factories.jurisdiction(code)
        Attendance.objects.create(roundtable=roundtable, jurisdiction=place, side="cio", status="attended")
        Attendance.objects.create(roundtable=roundtable, jurisdiction=place, side="cpo", status="absent")
    for code in invited:
        place = factories.jurisdiction(code)
        for side in ("cio", "cpo"):
            Attendance.objects.create(roundtable=roundtable, jurisdiction=place, side=side, status="invited")
    return roundtable


def make_recommendation(
    *, number: str = "R3", text: str = "Name a point of contact in both offices."
) -> Recommendation:
    n = next(_counter)
    publication = Publication.objects.create(
        slug=f"test-publication-{n}", title=f"Test paper {n}", published_on=datetime.date(2017, 9, 19)
    )
    return Recommendation.objects.create(
        publication=publication, number=number, text=text, confidence=Recommendation.Confidence.PRESS
    )


def make_outcome(
    roundtable: Roundtable,
    *,
    title: str = "Name a point of contact in each office",
    text: str = "Each state names one person in the CIO office and one in the CPO office.",
    dimension: Dimension | None = None,
    recommendation: Recommendation | None = None,
) -> Outcome:
    return Outcome.objects.create(
        roundtable=roundtable,
        title=title,
        text=text,
        dimension=dimension or Dimension.objects.order_by("position")[1],
        recommendation=recommendation,
        position=next(_counter),
    )


def make_proposal(outcome: Outcome, code: str = "ID") -> OutcomeProposal:
    return OutcomeProposal.objects.create(outcome=outcome, jurisdiction=Jurisdiction.objects.get(code=code))
