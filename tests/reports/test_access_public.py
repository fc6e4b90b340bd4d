"""Who may open the public pages: anyone, signed in or not, and the same answer for everyone. A
plan's public page exists only while the plan is public: a private plan's or a peers plan's answers
404 to everyone, its own members and staff included (they read it on its own pages).

Idaho (state A) keeps a private plan, Maine (state B) shares one with peers, and Utah, no persona's
state, has a public one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import Plan, Sharing
from directory.models import User
from tests import factories, matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# fmt: off
# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
EVERYONE = "200 200 200 200 200 200 200 200"
NOBODY   = "404 404 404 404 404 404 404 404"
ROWS = [
    Row("public_plans",    "GET", EVERYONE),
    Row("public_adoption", "GET", EVERYONE),
    Row("public_plan",     "GET", EVERYONE, label="public_plan-public"),
    Row("public_plan",     "GET", NOBODY,   label="public_plan-peers"),
    Row("public_plan",     "GET", NOBODY,   label="public_plan-private"),
    Row("public_plan",     "GET", NOBODY,   label="public_plan-missing"),
]
# fmt: on


@pytest.fixture
def plans(people: dict[str, User | None]) -> dict[str, Plan]:
    """A plan at each sharing level, each with an item, and one published adoption record."""
    found = {
        "private": factories.make_plan("ID", sharing=Sharing.PRIVATE),
        "peers": factories.make_plan("ME", sharing=Sharing.PEERS),
        "public": factories.make_plan("UT", sharing=Sharing.PUBLIC),
    }
    for plan in found.values():
        factories.make_item(plan)
    factories.make_adoption("UT", factories.make_recommendations(1)[0], is_public=True)
    return found


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_access(
    client: Client, people: dict[str, User | None], plans: dict[str, Plan], row: Row, persona: str, expected: str
) -> None:
    if row.url_name == "public_plan":
        which = row.label.removeprefix("public_plan-")
        plan_id = plans[which].pk if which in plans else max(p.pk for p in plans.values()) + 1
        path = reverse("reports:public_plan", args=[plan_id])
    else:
        path = reverse(f"reports:{row.url_name}")
    matrix.run_cell(client, people[persona], row.method, path, expected)
