"""Who may open the national dashboard and nudge a state: association staff (and superusers) only.
Everyone else signed in gets a 404, as for any page they may not see; anonymous visitors are sent to
sign in. A nudge of a jurisdiction that does not exist is a 404 for staff too.

Idaho (state A) has a plan with one item its CIO office has never updated, so staff have someone
to nudge; each cell runs in its own transaction, so the weekly limit never carries over."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory.models import User
from tests import factories, matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# fmt: off
# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("national", "GET",  "login 404   404   404   404   404   200   200"),
    Row("nudge",    "POST", "login 404   404   404   404   404   done  done"),
    Row("nudge",    "POST", "login 404   404   404   404   404   404   404", label="nudge-missing"),
]
# fmt: on


@pytest.fixture
def late_idaho(people: dict[str, User | None]) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=200)
    plan = factories.make_plan("ID", created_at=long_ago)
    # Due within the plan's 30-day cadence: never updated and not started, it would be waiting (not
    # late) if it were due further off.
    factories.make_item(
        plan, side="cio", cio_owner=people["cio_A"], created_at=long_ago,
        due_on=timezone.localdate() + datetime.timedelta(days=20),
    )  # fmt: skip


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_access(
    client: Client, people: dict[str, User | None], late_idaho: None, row: Row, persona: str, expected: str
) -> None:
    if row.url_name == "national":
        path = reverse("reports:national")
    else:
        path = reverse("reports:nudge", args=["ZZ" if row.label == "nudge-missing" else "ID"])
    matrix.run_cell(client, people[persona], row.method, path, expected)
