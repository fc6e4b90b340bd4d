"""The reference data and demo commands: complete, correct, and safe to run twice."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from directory import reference
from directory.models import Association, Jurisdiction, Membership, StaffMembership, User
from library.models import Dimension

pytestmark = pytest.mark.django_db


def run(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_reference_data_has_56_jurisdictions_2_associations_and_4_dimensions() -> None:
    run("load_reference")
    assert Jurisdiction.objects.count() == 56
    assert Jurisdiction.objects.filter(kind="state").count() == 50
    assert set(Jurisdiction.objects.exclude(kind="state").values_list("code", flat=True)) == {
        "DC",
        "AS",
        "GU",
        "MP",
        "PR",
        "VI",
    }
    assert set(Association.objects.values_list("code", flat=True)) == {"NASPO", "NASCIO"}
    assert list(Dimension.objects.values_list("name", flat=True)) == [
        "Governance and organizational structure",
        "Teaming and roles",
        "Interactions and processes",
        "Budgeting and forecasting",
    ]


def test_every_jurisdiction_time_zone_is_a_real_iana_zone() -> None:
    run("load_reference")
    for tz in Jurisdiction.objects.values_list("tz", flat=True):
        ZoneInfo(tz)  # raises for an unknown zone
    assert Jurisdiction.objects.get(code="AZ").tz == "America/Phoenix"
    assert Jurisdiction.objects.get(code="GU").tz == "Pacific/Guam"


def test_rerunning_reference_data_changes_nothing() -> None:
    run("load_reference")
    assert "0 jurisdictions, 0 associations, 0 dimensions" in run("load_reference")


def test_rerunning_reference_data_corrects_a_row_nobody_edited_when_the_seed_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run("load_reference")
    rows = [row._replace(fiscal_year_start_month=7) if row.code == "NY" else row for row in reference.JURISDICTIONS]
    monkeypatch.setattr(reference, "JURISDICTIONS", rows)
    assert "(1 jurisdictions, 0 associations" in run("load_reference")
    assert Jurisdiction.objects.get(code="NY").fiscal_year_start_month == 7


def test_rerunning_reference_data_keeps_a_row_staff_edited() -> None:
    run("load_reference")
    Jurisdiction.objects.filter(code="NY").update(fiscal_year_start_month=7, tz="UTC")
    output = run("load_reference")
    assert "(0 jurisdictions, 0 associations" in output
    assert "; 1 kept as staff edited them: 1 jurisdictions)." in output
    ny = Jurisdiction.objects.get(code="NY")
    assert (ny.fiscal_year_start_month, ny.tz) == (7, "UTC")


def test_seed_demo_needs_reference_data_first(settings) -> None:
    settings.DEBUG = True
    # The test database holds the reference data (tests/conftest.py); empty it inside this test's
    # transaction, which PostgreSQL rolls back with the rest of the test.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE directory_jurisdiction CASCADE")
    with pytest.raises(CommandError, match="load_reference"):
        run("seed_demo")


def test_seed_demo_creates_cio_cpo_and_delegate_in_three_states_and_staff_of_each_association(settings) -> None:
    settings.DEBUG = True
    run("load_reference")
    output = run("seed_demo")
    for code in ["ID", "ME", "NC"]:
        roles = set(Membership.objects.filter(jurisdiction__code=code).values_list("role", flat=True))
        assert {"cio", "cpo"} <= roles
    assert Membership.objects.filter(role__in=["cio_delegate", "cpo_delegate"]).count() >= 2
    assert set(StaffMembership.objects.values_list("association__code", flat=True)) == {"NASPO", "NASCIO"}
    assert "cio@id.example" in output
    assert "jointplan-demo" in output
    assert User.objects.get(email="cio@id.example").check_password("jointplan-demo")


def test_seed_demo_twice_creates_nothing_the_second_time(settings) -> None:
    settings.DEBUG = True
    run("load_reference")
    run("seed_demo")
    before = (User.objects.count(), Membership.objects.count(), StaffMembership.objects.count())
    assert "0 accounts and 0 plans created" in run("seed_demo")
    assert (User.objects.count(), Membership.objects.count(), StaffMembership.objects.count()) == before


def test_seed_demo_national_gives_every_jurisdiction_a_cio_and_a_cpo(settings) -> None:
    settings.DEBUG = True
    run("load_reference")
    run("seed_demo", scale="national", weeks=1)  # one week of history: the shape, not the volume
    for role in ["cio", "cpo"]:
        assert Membership.objects.active().filter(role=role).values("jurisdiction").distinct().count() == 56


def test_seed_demo_refuses_to_run_in_production_mode(settings) -> None:
    settings.DEBUG = False
    run("load_reference")
    with pytest.raises(CommandError, match="DEBUG=1"):
        run("seed_demo")
    assert not User.objects.exists()
