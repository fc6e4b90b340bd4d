"""Who may open the trends pages. The national trends: association staff (and superusers) only. A
state's trends: exactly who reads one of its plans, signed in (its members, staff, and members of
other states once a plan is shared with peers or made public); the state's own members and staff
also when it has no plan yet (the page says what comes next). Everyone else signed in gets a 404,
as for any page they may not see; signed-out visitors are sent to sign in, even for a public plan:
trends are not a public page.

Idaho (state A) has one FY2027 plan, at the sharing level the row names, with one recorded week;
Utah has no plan and no persona; "ZZ" is no jurisdiction."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import Sharing
from directory.models import User
from reports import snapshots
from tests import factories, matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# fmt: off
# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("trends",       "GET", "login 404   404   404   404   404   200   200"),
    Row("trends",       "GET", "login 404   404   404   404   404   200   200", label="trends-all-weeks"),
    Row("state_trends", "GET", "login 200   200   200   200   404   200   200"),
    Row("state_trends", "GET", "login 200   200   200   200   200   200   200", label="state_trends-peers"),
    Row("state_trends", "GET", "login 200   200   200   200   200   200   200", label="state_trends-public"),
    Row("state_trends", "GET", "login 404   404   404   404   404   200   200", label="state_trends-no-plan"),
    Row("state_trends", "GET", "login 404   404   404   404   404   404   404", label="state_trends-missing"),
]
# fmt: on

SHARING = {"state_trends-peers": Sharing.PEERS, "state_trends-public": Sharing.PUBLIC}


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_access(client: Client, people: dict[str, User | None], row: Row, persona: str, expected: str) -> None:
    factories.make_plan("ID", sharing=SHARING.get(row.id, Sharing.PRIVATE))
    snapshots.record_snapshots()
    path = {
        "trends": reverse("reports:trends"),
        "trends-all-weeks": reverse("reports:trends") + "?weeks=all",
        "state_trends-no-plan": reverse("reports:state_trends", args=["UT"]),
        "state_trends-missing": reverse("reports:state_trends", args=["ZZ"]),
    }.get(row.label or row.url_name, reverse("reports:state_trends", args=["ID"]))
    matrix.run_cell(client, people[persona], row.method, path, expected)
