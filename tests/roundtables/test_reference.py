"""The roundtables reference data: the seeded history of events, loaded once, changed by nothing
on a second run, and only as precise and as complete as the sources are."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Model

from library.models import DatePrecision
from roundtables import reference
from roundtables.models import Attendance, Roundtable

pytestmark = pytest.mark.usefixtures("reference_data")

PAPER_2017 = "it-procurement-negotiations-2017"


def test_a_second_load_changes_nothing() -> None:
    assert set(reference.load().changed.values()) == {0}


def test_the_charlotte_roundtable_is_july_2016_at_month_precision() -> None:
    charlotte = Roundtable.objects.get(slug="designing-for-agility-2016")
    july_first = datetime.datetime(2016, 7, 1, tzinfo=ZoneInfo("America/New_York"))

    assert charlotte.kind == Roundtable.Kind.ROUNDTABLE
    assert (charlotte.starts_at, charlotte.ends_at, charlotte.tz) == (july_first, july_first, "America/New_York")
    assert charlotte.date_precision == DatePrecision.MONTH
    assert "not published" in charlotte.participants_note
    assert sorted(charlotte.hosts.values_list("code", flat=True)) == ["NASCIO", "NASPO"]
    assert "roundtable-action-plan-2017" in set(charlotte.publications.values_list("slug", flat=True))


def test_the_task_force_records_only_its_co_chairs_states() -> None:
    task_force = Roundtable.objects.get(slug="joint-task-force-2017")

    assert task_force.kind == Roundtable.Kind.TASK_FORCE
    assert task_force.participants_note == "CIOs and CPOs from 15 states; only the co-chairs' states are public"
    rows = {
        (a.jurisdiction.code, a.side, a.role, a.attendee_name, a.status)
        for a in Attendance.objects.filter(roundtable=task_force).select_related("jurisdiction")
    }
    assert rows == {
        ("ID", "cpo", "Co-chair", "Sarah Hilderbrand", "attended"),
        ("ME", "cio", "Co-chair", "Jim Smith", "attended"),
    }
    assert list(task_force.publications.values_list("slug", flat=True)) == [PAPER_2017]
    workshop = task_force.parts.get()
    assert (workshop.kind, workshop.place, workshop.date_precision) == ("workshop", "Pittsburgh, Pennsylvania", "month")
    assert workshop.starts_at.astimezone(ZoneInfo("America/New_York")).date() == datetime.date(2017, 8, 1)


def test_every_seeded_row_is_valid() -> None:
    models: list[type[Model]] = [Roundtable, Attendance]
    for model in models:
        for row in model.objects.all():
            row.full_clean()
