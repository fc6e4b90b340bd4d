"""Who may open a plan's state report and meeting one-pager, as pages and as PDF: exactly who reads
the plan's pages (its members, staff, and members of other states once it is shared with peers or
public). Everyone else signed in gets a 404, the same as for a plan that does not exist; signed-out
visitors are sent to sign in, even for a public plan: a report is not a public page. A period that
ends before it starts is a 400 with the form for those who may read the plan, and still a 404 for
those who may not.

Idaho (state A) has one FY2027 plan, at the sharing level the row names."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import Sharing
from directory.models import User
from tests import access, factories, matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# fmt: off
# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("state_report",      "GET", "login 200   200   200   200   404   200   200"),
    Row("state_report",      "GET", "login 200   200   200   200   200   200   200", label="state_report-peers"),
    Row("state_report",      "GET", "login 200   200   200   200   200   200   200", label="state_report-public"),
    Row("state_report",      "GET", "login 400   400   400   400   404   400   400", label="state_report-bad-period"),
    Row("state_report",      "GET", "login 404   404   404   404   404   404   404", label="state_report-missing"),
    Row("state_report_pdf",  "GET", "login 200   200   200   200   404   200   200"),
    Row("state_report_pdf",  "GET", "login 200   200   200   200   200   200   200", label="state_report_pdf-peers"),
    Row("state_report_pdf",  "GET", "login 400   400   400   400   404   400   400", label="state_report_pdf-bad-period"),
    Row("meeting_brief",     "GET", "login 200   200   200   200   404   200   200"),
    Row("meeting_brief",     "GET", "login 200   200   200   200   200   200   200", label="meeting_brief-public"),
    Row("meeting_brief",     "GET", "login 400   400   400   400   404   400   400", label="meeting_brief-future"),
    Row("meeting_brief_pdf", "GET", "login 200   200   200   200   404   200   200"),
    Row("meeting_brief_pdf", "GET", "login 404   404   404   404   404   404   404", label="meeting_brief_pdf-missing"),
]
# fmt: on

SHARING = {
    "state_report-peers": Sharing.PEERS,
    "state_report_pdf-peers": Sharing.PEERS,
    "state_report-public": Sharing.PUBLIC,
    "meeting_brief-public": Sharing.PUBLIC,
}
QUERY = {
    "state_report-bad-period": "?start=2026-09-30&end=2026-07-01",
    "state_report_pdf-bad-period": "?start=2026-09-30&end=2026-07-01",
    "meeting_brief-future": "?since=2999-01-01",
}


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_access(client: Client, people: dict[str, User | None], row: Row, persona: str, expected: str) -> None:
    plan = factories.make_plan("ID", sharing=SHARING.get(row.id, Sharing.PRIVATE))
    factories.make_item(plan, title="Meet on a fixed rhythm")
    plan_id = access.MISSING_ID if row.id.endswith("-missing") else plan.pk
    path = reverse(f"reports:{row.url_name}", args=[plan_id]) + QUERY.get(row.id, "")
    matrix.run_cell(client, people[persona], row.method, path, expected)
