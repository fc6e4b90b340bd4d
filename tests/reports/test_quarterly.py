"""The national quarterly report (reports/quarterly.py, its view and templates): the national
dashboard's figures, states with private plans counted but never named (page and PDF), the
default and a bad quarter, and its query count."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from actionplan.models import Item, ItemSide, Plan, Sharing, Status
from directory.models import User
from library.models import Dimension
from reports import pdf, quarterly
from roundtables.models import OutcomeProposal
from tests import factories

pytestmark = pytest.mark.django_db

# NOW is 9 December 2026: the last full quarter is July to September 2026.
IN_Q3 = datetime.datetime(2026, 8, 20, 15, tzinfo=datetime.UTC)


@pytest.fixture
def staff(reference_data: None, clock: time_machine.TimeMachineFixture) -> User:
    return factories.make_staff()


def _plan_with_items(code: str, sharing: str, *, items: int = 2) -> Plan:
    plan = factories.make_plan(code, sharing=sharing)
    dimensions = list(Dimension.objects.order_by("position"))
    for n in range(items):
        factories.make_item(
            plan,
            side=ItemSide.JOINT if n % 2 else ItemSide.CIO,
            dimension=dimensions[n % 4],
            status=Status.DONE if n % 3 == 0 else Status.ON_TRACK,
            progress=100 if n % 3 == 0 else 40,
        )
    return plan


def seed() -> dict[str, Plan]:
    """Idaho's plan is private, Maine's shared with peers, North Carolina's public; all three were
    recorded weekly in August and September 2026, adopted a recommendation, attended a roundtable
    in Q3 2026 and accepted its outcome then, which Washington declined."""
    plans = {
        "ID": _plan_with_items("ID", Sharing.PRIVATE, items=3),
        "ME": _plan_with_items("ME", Sharing.PEERS, items=4),
        "NC": _plan_with_items("NC", Sharing.PUBLIC, items=2),
    }
    for plan in plans.values():
        factories.make_snapshot(plan, datetime.date(2026, 8, 3), items=4, done=1)
        factories.make_snapshot(plan, datetime.date(2026, 9, 7), items=4, done=2)
    recommendation = factories.make_recommendations(1)[0]
    event = factories.make_event(title="Summer roundtable", day=IN_Q3.date(), attended=["ID", "ME", "NC"])
    outcome = factories.make_outcome(event, title="Name a liaison in each office")
    for code, plan in plans.items():
        factories.make_adoption(code, recommendation, status="adopted")
        proposal = factories.make_proposal(outcome, code)
        item = factories.make_item(plan, title="Name a liaison in each office")
        OutcomeProposal.objects.filter(pk=proposal.pk).update(status="accepted", item=item, decided_at=IN_Q3)
    declined = factories.make_proposal(outcome, "WA")
    OutcomeProposal.objects.filter(pk=declined.pk).update(status="declined", reason="Done already.", decided_at=IN_Q3)
    return plans


def test_the_figures_are_the_national_dashboards(client: Client, staff: User) -> None:
    seed()
    client.force_login(staff)
    dashboard = client.get(reverse("reports:national")).context["view"]
    report = client.get(reverse("reports:quarterly_report")).context["report"]
    assert report.view.national == dashboard.national
    assert report.view.national_total == dashboard.national_total
    assert report.view.national_total.items == Item.objects.count()
    assert report.view.health.counts() == dashboard.health.counts()
    assert [(r.jurisdiction, r.total) for r in report.view.rows] == [(r.jurisdiction, r.total) for r in dashboard.rows]


def test_a_private_plans_state_is_counted_never_named(client: Client, staff: User) -> None:
    seed()
    client.force_login(staff)
    response = client.get(reverse("reports:quarterly_report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Idaho" not in html
    assert "Maine" in html and "North Carolina" in html
    assert "1 state not named (private plans)" in html
    report = response.context["report"]
    assert [row.jurisdiction.code for row in report.named_rows] == ["ME", "NC"]
    assert report.private_rows == 1
    [row] = [row for group in report.adoption_groups for row in group.rows if row.adopted_by.count]
    assert (row.adopted_by.names, row.adopted_by.not_named) == (["Maine", "North Carolina"], 1)
    assert report.attending.count == 3 and report.attending.not_named == 1
    assert [row.jurisdiction.code for row in report.trend.states] == ["ME", "NC"]
    assert report.trend.states_not_named == 1
    assert 'id="chart-progress"' in html and "+25 points" in html
    assert report.accepted_total == 3
    assert [(row.title, row.accepted.count, row.declined) for row in report.outcomes] == [
        ("Name a liaison in each office", 3, 1)
    ]


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.mark.skipif(bool(pdf.unavailable()), reason="WeasyPrint's system libraries are missing")
def test_the_pdf_names_shared_plans_states_only_and_is_tagged(client: Client, staff: User) -> None:
    seed()
    client.force_login(staff)
    response = client.get(reverse("reports:quarterly_report_pdf"), {"quarter": "2026-Q3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="national-quarterly-report-2026-Q3.pdf"' in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert "National quarterly report: Q3 2026" in text
    assert "Maine" in text and "North Carolina" in text
    assert "Idaho" not in text
    assert "not named (private plans)" in text
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"].get_object()
    assert "/StructTreeRoot" in root and str(root["/Lang"]) == "en"
    assert reader.metadata is not None and reader.metadata.title == "National quarterly report, Q3 2026 · Joint Plan"


def test_without_weasyprints_libraries_the_pdf_says_what_is_missing(
    client: Client, staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "_weasyprint", lambda: OSError("cannot load library 'libpango-1.0-0'"))
    client.force_login(staff)
    page = client.get(reverse("reports:quarterly_report")).content.decode()
    assert "PDF needs the Pango library: apt-get install libpango-1.0-0" in page
    assert reverse("reports:quarterly_report_pdf") not in page
    response = client.get(reverse("reports:quarterly_report_pdf"), {"quarter": "2026-Q3"})
    assert response.status_code == 503
    assert "PDF needs the Pango library" in response.content.decode()
    assert f'href="{reverse("reports:quarterly_report")}?quarter=2026-Q3"' in response.content.decode()


def test_the_default_quarter_is_the_last_full_one_in_the_viewers_zone(
    client: Client, staff: User, clock: time_machine.TimeMachineFixture
) -> None:
    client.force_login(staff)
    url = reverse("reports:quarterly_report")
    assert client.get(url).context["report"].quarter == quarterly.Quarter(2026, 3)
    # 1 January 2027, 01:00 UTC: already Q1 in UTC, still 31 December in Boise.
    clock.move_to(datetime.datetime(2027, 1, 1, 1, tzinfo=datetime.UTC), tick=False)
    staff.tz = "America/Boise"
    staff.save()
    client.force_login(staff)
    assert client.get(url).context["report"].quarter == quarterly.Quarter(2026, 3)
    staff.tz = "UTC"
    staff.save()
    assert client.get(url).context["report"].quarter == quarterly.Quarter(2026, 4)


def test_a_chosen_quarter_reports_its_events_only(client: Client, staff: User) -> None:
    seed()
    client.force_login(staff)
    url = reverse("reports:quarterly_report")
    assert [row.event.title for row in client.get(url, {"quarter": "2026-Q3"}).context["report"].events] == [
        "Summer roundtable"
    ]
    response = client.get(url, {"quarter": "2026-Q2"})
    assert response.context["report"].events == [] and response.context["report"].outcomes == []
    assert "No roundtable or workshop began in Q2 2026." in response.content.decode()


@pytest.mark.parametrize("value", ["2026-Q5", "2027-Q1", "2015-Q4", "last quarter", ""])
def test_a_quarter_the_report_does_not_offer_is_shown_back_with_the_error(
    client: Client, staff: User, value: str
) -> None:
    client.force_login(staff)
    for name in ("reports:quarterly_report", "reports:quarterly_report_pdf"):
        response = client.get(reverse(name), {"quarter": value})
        assert response.status_code == 400
        html = response.content.decode()
        assert "not a quarter this report covers" in html or "Choose a quarter." in html
        assert "report" not in response.context


def test_the_quarters_are_calendar_quarters() -> None:
    q = quarterly.Quarter(2026, 4)
    assert (q.first, q.last, q.value, str(q)) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
        "2026-Q4",
        "Q4 2026",
    )
    assert quarterly.Quarter(2026, 1).last == datetime.date(2026, 3, 31)
    assert quarterly.quarters_until(datetime.date(2016, 5, 1)) == [
        quarterly.Quarter(2016, 2),
        quarterly.Quarter(2016, 1),
    ]


def test_the_national_dashboard_links_to_the_quarterly_report(client: Client, staff: User) -> None:
    client.force_login(staff)
    html = client.get(reverse("reports:national")).content.decode()
    assert f'href="{reverse("reports:quarterly_report")}"' in html


# The same for 3 states and 12: the session, the user and their staff membership (3); the national
# view's own (8: dimensions, jurisdictions, plans, figures, memberships, nudges, the health lists'
# items and quiet owners); the snapshots and their plans (2); the adoption matrix (3); the
# quarter's events, their attendance and the decided proposals (3); the menu's memberships; and
# the session's save (3).
QUERIES = 23

CODES = ["ID", "ME", "NC", "WA", "OR", "CA", "NV", "UT", "AZ", "NM", "CO", "WY"]


@pytest.mark.parametrize("states", [3, 12])
def test_the_report_takes_a_fixed_number_of_queries(
    client: Client, staff: User, django_assert_num_queries, states: int
) -> None:
    recommendations = factories.make_recommendations(2)
    event = factories.make_event(day=IN_Q3.date(), attended=CODES[:states])
    for n, code in enumerate(CODES[:states]):
        plan = _plan_with_items(code, Sharing.PRIVATE if n % 2 else Sharing.PEERS, items=4)
        factories.make_snapshot(plan, datetime.date(2026, 8, 3), items=4, done=1)
        factories.make_adoption(code, recommendations[n % 2], status="adopted")
    factories.make_outcome(event)
    client.force_login(staff)
    with django_assert_num_queries(QUERIES):
        assert client.get(reverse("reports:quarterly_report")).status_code == 200
