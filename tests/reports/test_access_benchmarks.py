"""Who may open the peer benchmarks: staff's named comparison is for association staff (404 for
everyone else signed in), and the comparison on a plan's dashboard is shown to the plan's own
members and to staff, never to a member of another state who reads the shared plan. (Every
reports URL has a row in some matrix here: tests/reports/test_access_coverage.py.)"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import Plan, Sharing
from directory.models import User
from library.models import Dimension
from tests import access, factories, matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("benchmark", "GET", "login 404 404 404 404 404 200 200"),
]

# The comparison on A's dashboard (A shares with peers, so B's CIO reads the plan itself).
DASHBOARD_SECTION = "login shown shown shown shown absent shown shown"


@pytest.fixture
def idaho_plan(people: dict[str, User | None]) -> Plan:
    """Idaho's plan, shared with peers, and four other states' plans, so five contribute."""
    for code in ("NC", "WA", "OR", "CA"):
        factories.make_plan(code, sharing=Sharing.PEERS)
    return factories.make_plan("ID", sharing=Sharing.PEERS)


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_benchmark_access(
    client: Client, people: dict[str, User | None], idaho_plan: Plan, row: Row, persona: str, expected: str
) -> None:
    dimension = Dimension.objects.order_by("position").first()
    assert dimension is not None
    path = reverse(f"reports:{row.url_name}", args=[dimension.slug])
    matrix.run_cell(client, people[persona], row.method, path, expected)


@pytest.mark.parametrize(("persona", "expected"), list(zip(access.PERSONAS, DASHBOARD_SECTION.split(), strict=True)))
def test_who_sees_the_comparison_on_the_dashboard(
    client: Client, people: dict[str, User | None], idaho_plan: Plan, persona: str, expected: str
) -> None:
    user = people[persona]
    path = reverse("actionplan:plan", args=[idaho_plan.pk])
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    if expected == "login":
        access.check(response, "login", path)
        return
    assert response.status_code == 200
    shown = "Among its peers" in response.content.decode()
    assert shown == (expected == "shown")
