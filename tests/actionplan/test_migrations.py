"""Each office's own clock (Item.cio_last_update_at / cpo_last_update_at) is filled in from the
updates a deployed database already holds, so no office looks "never updated" after the upgrade."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db.migrations.state import StateApps

from actionplan.models import Item
from tests.library.test_migrations import latest, migrate

BEFORE = [("actionplan", "0008_adoption_tables_renamed")]
T = datetime.datetime(2026, 11, 2, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def before_side_clocks(reference_data: None) -> Iterator[StateApps]:
    leaves = latest()
    try:
        yield migrate(BEFORE)
    finally:
        migrate(leaves)


@pytest.mark.django_db(transaction=True)
def test_each_offices_last_update_is_read_from_its_updates(before_side_clocks: StateApps) -> None:
    old = before_side_clocks
    user = old.get_model("directory", "User").objects.create(email="dana@idaho.example", tz="UTC", password="!")
    idaho = old.get_model("directory", "Jurisdiction").objects.get(code="ID")
    plan = old.get_model("actionplan", "Plan").objects.create(
        jurisdiction=idaho, period="FY2027", starts_on=datetime.date(2026, 7, 1), ends_on=datetime.date(2027, 6, 30)
    )
    dimension = old.get_model("library", "Dimension").objects.first()
    Item_ = old.get_model("actionplan", "Item")
    Update = old.get_model("actionplan", "Update")
    common = {"plan": plan, "dimension": dimension, "created_by": user, "starts_on": plan.starts_on}
    joint = Item_.objects.create(title="Joint", side="joint", due_on=datetime.date(2027, 3, 1), **common)
    quiet = Item_.objects.create(title="Quiet", side="cio", due_on=datetime.date(2027, 3, 1), **common)
    for side, when in (("cio", T), ("cio", T + datetime.timedelta(days=3)), ("cpo", T + datetime.timedelta(days=1))):
        Update.objects.create(
            item=joint, author=user, side=side, status="on_track", progress=10, narrative="x", created_at=when
        )

    migrate(latest())

    joint_now, quiet_now = Item.objects.get(pk=joint.pk), Item.objects.get(pk=quiet.pk)
    assert (joint_now.cio_last_update_at, joint_now.cpo_last_update_at) == (
        T + datetime.timedelta(days=3),
        T + datetime.timedelta(days=1),
    )
    assert (quiet_now.cio_last_update_at, quiet_now.cpo_last_update_at) == (None, None)
