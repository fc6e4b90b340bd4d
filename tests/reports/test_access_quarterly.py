"""Who may open the national quarterly report, as a page and as a PDF: association staff (and
superusers) only, as for the national dashboard. Everyone else signed in gets a 404; anonymous
visitors are sent to sign in. A quarter the report does not offer is a 400 with the form for
staff, and still a 404 for everyone else.

Idaho (state A) has a private plan with one item, Maine (state B) a plan shared with peers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import Sharing
from directory.models import User
from tests import factories, matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# fmt: off
# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("quarterly_report",     "GET", "login 404   404   404   404   404   200   200"),
    Row("quarterly_report",     "GET", "login 404   404   404   404   404   400   400", label="quarterly_report-bad-quarter"),
    Row("quarterly_report_pdf", "GET", "login 404   404   404   404   404   200   200"),
    Row("quarterly_report_pdf", "GET", "login 404   404   404   404   404   400   400", label="quarterly_report_pdf-bad-quarter"),
]
# fmt: on

QUERY = {
    "quarterly_report-bad-quarter": "?quarter=2026-Q5",
    "quarterly_report_pdf-bad-quarter": "?quarter=2999-Q1",
}


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_access(client: Client, people: dict[str, User | None], row: Row, persona: str, expected: str) -> None:
    factories.make_item(factories.make_plan("ID"), title="Meet on a fixed rhythm")
    factories.make_item(factories.make_plan("ME", sharing=Sharing.PEERS), title="Name both liaisons")
    path = reverse(f"reports:{row.url_name}") + QUERY.get(row.id, "?quarter=2026-Q3")
    matrix.run_cell(client, people[persona], row.method, path, expected)
