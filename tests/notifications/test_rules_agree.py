"""The pages and the email read one rule: what My updates lists as overdue and quiet, and what the
plan dashboard counts as overdue, is exactly what the reminder scan finds overdue and stale for the
same person at the same moment."""

from __future__ import annotations

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from actionplan.models import Item, ItemSide
from notifications import services
from tests.factories import State
from tests.notifications.helpers import NOW, WEDNESDAY, days

pytestmark = pytest.mark.django_db


def test_my_updates_and_the_reminder_scan_agree_on_overdue_and_quiet_items(
    client: Client, idaho: State, clock: TimeMachineFixture
) -> None:
    stale_after = idaho.plan.stale_after_days
    long_ago = NOW - days(200)
    far = WEDNESDAY + days(120)
    near = WEDNESDAY + days(stale_after - 5)  # due within the cadence: a not-started item is owed an update
    make = idaho.item
    overdue = make(due_on=WEDNESDAY - days(3), title="Overdue", created_at=long_ago, starts_on=WEDNESDAY - days(200))
    never = make(due_on=near, title="Never updated", created_at=long_ago, starts_on=WEDNESDAY - days(200))
    # Quiet for exactly the plan's limit: the boundary the page and the scan used to read differently.
    boundary = make(
        due_on=far, title="Boundary", created_at=long_ago, starts_on=WEDNESDAY - days(200),
        last_update_at=NOW - days(stale_after),
    )  # fmt: skip
    make(due_on=far, title="A day short", created_at=long_ago, last_update_at=NOW - days(stale_after - 1))
    make(due_on=far, title="Added today", starts_on=WEDNESDAY - days(200))  # began today: not quiet
    make(due_on=far, title="Not started", created_at=long_ago, starts_on=WEDNESDAY + days(5))
    make(side=ItemSide.JOINT, due_on=near, title="Joint, never", created_at=long_ago, starts_on=idaho.plan.starts_on)
    # Never updated but not started and due further off than the cadence: waiting, quiet for neither.
    make(due_on=far, title="Waiting", created_at=long_ago, starts_on=WEDNESDAY - days(200))

    facts = [f for f in services.collect_reminders(NOW)[idaho.cio.pk].facts]
    scanned = {
        kind: {Item.objects.get(pk=f.item).title for f in facts if f.key.startswith(f"{kind}:")}
        for kind in ("overdue", "stale")
    }
    client.force_login(idaho.cio)
    sections = {s.key: {i.title for i in s.items} for s in client.get("/my-updates/").context["sections"]}

    assert sections["overdue"] == scanned["overdue"] == {overdue.title}
    dashboard = client.get(f"/plans/{idaho.plan.pk}/").context["totals"]
    assert dashboard["overdue"] == len(scanned["overdue"])
    assert scanned["stale"] == {overdue.title, never.title, boundary.title, "Joint, never"}
    # Both tell each item once, under its most pressing heading: the overdue one is not "quiet" too.
    told = {Item.objects.get(pk=f.item).title for f in facts if f.key.startswith("stale:")} - scanned["overdue"]
    assert sections["quiet"] == told == {never.title, boundary.title, "Joint, never"}
