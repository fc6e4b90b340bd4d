"""The admin as the staff's back office shows the same picture as the national dashboard: the
update loop's health on its home page, and a bulk action that nudges the selected jurisdictions
through the same service and weekly limit as the dashboard's buttons."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from actionplan.models import ItemSide
from directory.models import Jurisdiction, User
from notifications.models import Nudge
from tests import factories
from tests.factories import State
from tests.notifications.helpers import NOW, WEDNESDAY, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(reference_data: None) -> User:
    return factories.make_staff("NASCIO", email="staff@nascio.example", full_name="Sam Staff")


def _late(idaho: State) -> None:
    # Due within the plan's 30-day cadence: a never-updated, not-started item due further off is
    # waiting (actionplan.rules.is_waiting), not late.
    idaho.item(
        due_on=WEDNESDAY + days(25), title="Quiet one", created_at=NOW - days(200), starts_on=WEDNESDAY - days(200)
    )
    idaho.item(
        side=ItemSide.JOINT, due_on=WEDNESDAY + days(60), title="Split", created_at=NOW - days(200),
        starts_on=WEDNESDAY - days(200), cio_status="on_track", cpo_status="blocked",
    )  # fmt: skip


def test_the_admin_home_shows_the_loop_health(client: Client, idaho: State, staff: User) -> None:
    _late(idaho)
    client.force_login(staff)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Health of the update loop" in page
    assert "Items where the two offices disagree</th><td>1</td>" in page
    assert reverse("reports:national") in page


def test_staff_nudge_the_selected_jurisdictions_from_the_admin(client: Client, idaho: State, staff: User) -> None:
    _late(idaho)
    client.force_login(staff)
    chosen = [Jurisdiction.objects.get(code="ID").pk, Jurisdiction.objects.get(code="ME").pk]
    changelist = reverse("admin:directory_jurisdiction_changelist")
    response = client.post(changelist, {"action": "nudge_selected", "_selected_action": chosen})
    assert response.status_code == 302
    said = [(m.level, str(m)) for m in get_messages(response.wsgi_request)]
    assert (messages.SUCCESS, "Nudged 1: Idaho.") in said
    assert (messages.WARNING, "Maine has no plan yet: there is no one to nudge.") in said
    assert Nudge.objects.get().sent_by == staff
    client.get(changelist)  # shows (and so clears) those messages

    again = client.post(changelist, {"action": "nudge_selected", "_selected_action": chosen[:1]})
    assert [str(m) for m in get_messages(again.wsgi_request)] == [
        "Idaho was nudged on Dec 9 by Sam Staff; the next nudge can go on Dec 16."
    ]
    assert Nudge.objects.count() == 1
