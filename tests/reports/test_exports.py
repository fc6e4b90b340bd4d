"""The CSV and XLSX downloads read back: the rows the page shows (every page of them, with its
filters), typed XLSX cells, a frozen bold header, the About sheet, inert formulas, a 400 that names
an unknown filter, and a query count that does not grow with the plan."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from time_machine import TimeMachineFixture

from actionplan import services
from actionplan.models import Adoption, Item, Sharing, Status
from directory.models import User
from library.models import Dimension, Recommendation
from roundtables.models import Attendance
from tests import factories
from tests.factories import State

pytestmark = pytest.mark.django_db

BOISE = "America/Boise"


@pytest.fixture
def idaho(reference_data: None, clock: TimeMachineFixture) -> State:
    """Idaho's CIO (Dana, in Boise's zone) and CPO and their FY2027 plan with no items yet."""
    people = factories.idaho_people("cio", "cpo")
    User.objects.filter(pk=people["cio"].pk).update(tz=BOISE)
    people["cio"].refresh_from_db()
    return State(plan=factories.make_plan("ID"), **people)


def wall(year: int, month: int, day: int, hour: int, minute: int) -> datetime.datetime:
    """A time as a clock on the wall shows it, with no zone: what an XLSX cell holds."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC).replace(tzinfo=None)


def _body(response: Any) -> bytes:
    assert isinstance(response, FileResponse), getattr(response, "content", b"")[:500]
    return b"".join(response.streaming_content)


def _csv(response: Any) -> list[dict[str, str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def _xlsx(response: Any) -> Workbook:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(_body(response)))


def _rows(book: Workbook, sheet: str) -> list[dict[str, Any]]:
    header, *rows = book[sheet].iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _about(book: Workbook) -> list[tuple[Any, ...]]:
    return list(book["About this export"].iter_rows(values_only=True))


def _items_url(idaho: State, fmt: str) -> str:
    return reverse("reports:items_export", args=[idaho.plan.pk, fmt])


# --- Items -------------------------------------------------------------------------------------------


def test_the_xlsx_holds_the_filtered_items_as_typed_cells_with_a_frozen_bold_header(
    client: Client, idaho: State
) -> None:
    at_risk = idaho.item(title="Budget review", status=Status.AT_RISK, progress=30, due_on=datetime.date(2027, 3, 31))
    idaho.item(title="Shared calendar", status=Status.BLOCKED, progress=5)
    idaho.item(title="On its way", status=Status.ON_TRACK, progress=60)
    services.post_update(
        at_risk, author=idaho.cio, side="cio", status=Status.AT_RISK, progress=30, narrative="Waiting on legal."
    )
    client.force_login(idaho.cio)

    response = client.get(_items_url(idaho, "xlsx"), {"status": ["at_risk", "blocked"]})

    assert response["Content-Disposition"] == 'attachment; filename="idaho-fy2027-items-2026-12-09.xlsx"'
    assert "no-store" in response["Cache-Control"]  # a shared workstation keeps no copy
    book = _xlsx(response)
    assert book.sheetnames == ["Items", "About this export"]
    sheet = book["Items"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["E"].width == 50  # the item's title
    rows = _rows(book, "Items")
    assert [r["Item"] for r in rows] == ["Budget review", "Shared calendar"]  # due date order, as the page
    budget = rows[0]
    assert budget["Progress (%)"] == pytest.approx(0.3)
    assert sheet["H2"].number_format == "0%"
    assert isinstance(budget["Due on"], datetime.datetime) and budget["Due on"].date() == datetime.date(2027, 3, 31)
    assert isinstance(budget["Starts on"], datetime.date)
    # The last update in the viewer's zone, as the wall-clock time (XLSX has no zones).
    at_risk.refresh_from_db()
    assert at_risk.last_update_at is not None
    expected = at_risk.last_update_at.astimezone(ZoneInfo(BOISE)).replace(tzinfo=None, second=0, microsecond=0)
    assert budget["Last update"].replace(second=0, microsecond=0) == expected
    assert budget["CIO owner"] == "Dana Whitfield <cio@id.example>"
    assert budget["Archived"] is None

    about = _about(book)
    labels = {row[0]: row[1] for row in about if row[0]}
    assert labels["Source page"] == "Idaho FY2027: All items"
    assert labels["Address"].endswith(f"/plans/{idaho.plan.pk}/items/?status=at_risk&status=blocked")
    assert labels["Filters"] == "Status: At risk, Blocked"
    assert labels["Order"] == "Due date, soonest first"
    assert labels["Rows"] == 2
    assert labels["Exported by"] == "Dana Whitfield <cio@id.example>"
    assert labels["Exported at"] == wall(2026, 12, 9, 10, 0)  # 10:00 in Boise
    assert "America/Boise" in labels["Time zone"]


def test_the_about_sheet_names_every_filter_in_words(client: Client, idaho: State) -> None:
    idaho.item(title="Budget review", status=Status.AT_RISK)
    client.force_login(idaho.cio)

    query = {"q": "budget", "side": "cio", "owner": str(idaho.cio.pk), "due": "90", "freshness": "cio_late"}
    book = _xlsx(client.get(_items_url(idaho, "xlsx"), query | {"sort": "title"}))

    about = _about(book)
    start = next(i for i, row in enumerate(about) if row[0] == "Filters")
    filters = [about[start][1]] + [row[1] for row in about[start + 1 :] if not row[0]]
    assert filters == [
        "Search titles and descriptions: “budget”",
        "Side: CIO",
        "Owner: Dana Whitfield",
        "Due: Due in the next 90 days",
        "Updates (open items): CIO: late",
    ]
    assert dict((row[0], row[1]) for row in about)["Order"] == "Title"


def test_a_dimension_export_holds_that_dimension_only(client: Client, idaho: State) -> None:
    first, second = factories.first_dimension(), Dimension.objects.order_by("position")[1]
    idaho.item(title="In the first", dimension=first)
    idaho.item(title="In the second", dimension=second)
    client.force_login(idaho.cpo)

    response = client.get(reverse("reports:dimension_items_export", args=[idaho.plan.pk, second.slug, "csv"]))

    assert [r["Item"] for r in _csv(response)] == ["In the second"]
    assert f"idaho-fy2027-{second.slug}-items-" in response["Content-Disposition"]


def test_the_csv_holds_exactly_the_items_the_page_lists_on_every_page(client: Client, idaho: State) -> None:
    for n in range(55):
        idaho.item(title=f"Budget line {n:02}", status=Status.AT_RISK if n % 2 else Status.ON_TRACK)
    idaho.item(title="Something else", status=Status.AT_RISK)
    Item.objects.filter(title="Budget line 03").update(archived_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
    client.force_login(idaho.cio)
    query = {"q": "budget", "status": "at_risk", "sort": "title"}

    page = client.get(reverse("actionplan:items", args=[idaho.plan.pk]), query)
    rows = _csv(client.get(_items_url(idaho, "csv"), query | {"page": "2"}))  # the page number is ignored

    listed = [item.title for item in page.context["filter"].qs]
    assert page.context["page"].paginator.count == 26
    assert [r["Item"] for r in rows] == listed
    assert "Budget line 03" not in listed and "Something else" not in listed
    assert rows[0]["Progress (%)"] == "0"
    assert rows[0]["Due on"] == "2027-06-30"


def test_an_unknown_filter_or_value_is_a_400_that_names_it(client: Client, idaho: State) -> None:
    idaho.item(title="Budget review")
    client.force_login(idaho.cio)
    page = reverse("actionplan:items", args=[idaho.plan.pk])

    unknown = client.get(_items_url(idaho, "csv"), {"colour": "red"})
    bad_value = client.get(_items_url(idaho, "xlsx"), {"status": ["at_risk", "purple"], "due": "soon"})

    assert unknown.status_code == 400
    assert "“colour” is not a filter of the item list." in unknown.content.decode()
    assert bad_value.status_code == 400
    text = bad_value.content.decode()
    assert "Status: “at_risk”, “purple” is not allowed" in text
    assert "Due: “soon” is not allowed" in text
    assert f'href="{page}"' in text
    # The page itself ignores what it does not know, as before.
    assert client.get(page, {"colour": "red", "status": "purple"}).status_code == 200


def test_formula_like_text_stays_text_in_both_formats(client: Client, idaho: State) -> None:
    idaho.item(title='=HYPERLINK("https://evil.example","x")', due_on=datetime.date(2027, 1, 1))
    idaho.item(title="Budget;-2+3 on a split", due_on=datetime.date(2027, 2, 1))
    User.objects.filter(pk=idaho.cio.pk).update(full_name="@SUM(1+1)")
    client.force_login(idaho.cpo)

    rows = _csv(client.get(_items_url(idaho, "csv")))
    book = _xlsx(client.get(_items_url(idaho, "xlsx")))

    assert [r["Item"] for r in rows] == ['\'=HYPERLINK("https://evil.example","x")', "Budget;'-2+3 on a split"]
    assert rows[0]["CIO owner"] == "'@SUM(1+1) <cio@id.example>"
    cell = book["Items"]["E2"]
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("https://evil.example","x")', "s")
    assert book["Items"]["K2"].value == "'@SUM(1+1) <cio@id.example>"


@pytest.mark.parametrize("size", [3, 30])
def test_the_item_export_makes_the_same_queries_whatever_the_size(
    client: Client, idaho: State, django_assert_num_queries: Any, size: int
) -> None:
    for n in range(size):
        item = idaho.item(side="joint", title=f"Item {n}")
        services.post_update(item, author=idaho.cio, side="cio", status=Status.ON_TRACK, progress=n, narrative="Yes.")
    client.force_login(idaho.cio)
    client.get(reverse("actionplan:plan", args=[idaho.plan.pk]))  # the first page after signing in saves the session
    # session, user, memberships, staff memberships, the plan, its members (the owner filter's
    # choices), the items with their jurisdiction, dimension and owners
    with django_assert_num_queries(7):
        response = client.get(_items_url(idaho, "xlsx"), {"side": "joint"})
    assert len(_rows(_xlsx(response), "Items")) == size


# --- Updates -----------------------------------------------------------------------------------------


def test_the_updates_hold_every_update_with_its_time_in_the_viewers_zone(
    client: Client, idaho: State, clock: TimeMachineFixture
) -> None:
    item = idaho.item(side="joint", title="Meet on a fixed rhythm")
    clock.move_to(datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.UTC), tick=False)
    services.post_update(item, author=idaho.cio, side="cio", status=Status.ON_TRACK, progress=40, narrative="=1+1")
    clock.move_to(datetime.datetime(2026, 12, 2, 15, 0, tzinfo=datetime.UTC), tick=False)
    services.post_update(
        item, author=idaho.cpo, side="cpo", status=Status.AT_RISK, progress=20, narrative="Legal review.",
        confidence="low",
    )  # fmt: skip
    client.force_login(idaho.cio)  # in Boise: UTC-7

    rows = _csv(client.get(reverse("reports:updates_export", args=[idaho.plan.pk, "csv"])))
    response = client.get(reverse("reports:updates_export", args=[idaho.plan.pk, "xlsx"]))

    assert [(r["Item ID"], r["Item"], r["Side"], r["Status"], r["Progress (%)"]) for r in rows] == [
        (str(item.pk), "Meet on a fixed rhythm", "CIO", "On track", "40"),
        (str(item.pk), "Meet on a fixed rhythm", "CPO", "At risk", "20"),
    ]
    assert rows[0]["Narrative"] == "'=1+1"
    assert rows[0]["Posted at"] == "2026-12-01 16:30 MST"
    assert rows[1]["Author"] == "Marcus Oyelaran <cpo@id.example>"
    assert 'filename="idaho-fy2027-updates-2026-12-02.xlsx"' in response["Content-Disposition"]
    updates = _rows(_xlsx(response), "Updates")
    assert updates[0]["Posted at"] == wall(2026, 12, 1, 16, 30)
    assert updates[1]["Progress (%)"] == pytest.approx(0.2)
    assert updates[1]["Confidence"] == "Low"


def test_another_states_cio_gets_a_404_for_a_private_plan_and_the_rows_once_it_is_shared(
    client: Client, idaho: State
) -> None:
    idaho.item(title="Idaho's own")
    client.force_login(factories.make_member("ME", "cio", email="cio@me.example"))

    assert client.get(_items_url(idaho, "csv")).status_code == 404
    assert client.get(reverse("reports:updates_export", args=[idaho.plan.pk, "xlsx"])).status_code == 404
    services.change_sharing(idaho.plan, by=idaho.cio, level=Sharing.PEERS)
    services.change_sharing(idaho.plan, by=idaho.cpo, level=Sharing.PEERS)
    assert [r["Item"] for r in _csv(client.get(_items_url(idaho, "csv")))] == ["Idaho's own"]


# --- Adoption ----------------------------------------------------------------------------------------


@pytest.fixture
def recommendations(reference_data: None) -> list[Recommendation]:
    factories.empty_library()
    return factories.make_recommendations(3)


def test_a_states_adoption_export_lists_every_recommendation_as_its_page_does(
    client: Client, idaho: State, recommendations: list[Recommendation]
) -> None:
    item = idaho.item(title="Name a contact")
    adopted = factories.make_adoption(
        "ID",
        recommendations[0],
        status=Adoption.Status.ADOPTED,
        verified_at=datetime.datetime(2026, 11, 2, 18, tzinfo=datetime.UTC),
    )
    adopted.items.add(item)
    factories.make_adoption("ME", recommendations[1], status=Adoption.Status.EXPLORING, note="Maine's own note")
    client.force_login(idaho.cio)

    rows = _csv(client.get(reverse("reports:adoption_export", args=["id", "csv"])))
    book = _xlsx(client.get(reverse("reports:adoption_export", args=["ID", "xlsx"])))

    assert [(r["Code"], r["Status"]) for r in rows] == [
        ("ID", "Adopted"),
        ("ID", "Not recorded"),
        ("ID", "Not recorded"),
    ]
    assert rows[0]["Evidence"] == "Statute"
    assert rows[0]["Items"] == "Name a contact (FY2027)"
    assert rows[0]["Verified at"] == "2026-11-02 11:00 MST"
    assert "Maine" not in str(rows)
    typed = _rows(book, "Adoption")
    assert typed[0]["Verified at"] == wall(2026, 11, 2, 11, 0)
    assert typed[1]["Verified at"] is None


def test_staff_export_every_jurisdictions_adoption_and_may_choose_a_publication(
    client: Client, idaho: State, recommendations: list[Recommendation]
) -> None:
    other = factories.make_recommendations(1, publication=factories.make_publication(title="Another one"))[0]
    factories.make_adoption("ME", recommendations[1], status=Adoption.Status.EXPLORING)
    factories.make_adoption("ID", other, status=Adoption.Status.IN_PROGRESS)
    client.force_login(factories.make_staff())
    url = reverse("reports:adoption_matrix_export", args=["csv"])

    every = _csv(client.get(url))
    chosen = client.get(
        reverse("reports:adoption_matrix_export", args=["xlsx"]), {"publication": other.publication.slug}
    )
    wrong = client.get(url, {"publication": "no-such-publication"})
    unknown = client.get(url, {"state": "ID"})

    assert len(every) == 56 * 4
    assert {(r["Code"], r["Status"]) for r in every if r["Status"] != "Not recorded"} == {
        ("ME", "Exploring"),
        ("ID", "In progress"),
    }
    book = _xlsx(chosen)
    assert len(_rows(book, "Adoption")) == 56
    assert dict((row[0], row[1]) for row in _about(book))["Filters"] == "Publication: Another one"
    assert wrong.status_code == 400 and "Choose one of the publications listed." in wrong.content.decode()
    assert unknown.status_code == 400 and "“state” is not a filter of this page." in unknown.content.decode()


# --- Attendance --------------------------------------------------------------------------------------


def test_staff_export_an_events_attendance_sheet(client: Client, reference_data: None) -> None:
    event = factories.make_past_event(attended=["ID"], invited=["ME"])
    Attendance.objects.filter(jurisdiction__code="ID", side="cio").update(attendee_name="-Dana", role="Co-chair")
    client.force_login(factories.make_staff())

    rows = _csv(client.get(reverse("reports:attendance_export", args=[event.pk, "csv"])))
    book = _xlsx(client.get(reverse("reports:attendance_export", args=[event.pk, "xlsx"])))

    assert [(r["Jurisdiction"], r["Office"], r["Status"]) for r in rows] == [
        ("Idaho", "CIO office", "Attended"),
        ("Idaho", "CPO office", "Did not attend"),
        ("Maine", "CIO office", "Invited"),
        ("Maine", "CPO office", "Invited"),
    ]
    assert (rows[0]["Attendee"], rows[0]["Role"]) == ("'-Dana", "Co-chair")
    assert isinstance(_rows(book, "Attendance")[0]["Invited at"], datetime.datetime)
    assert dict((row[0], row[1]) for row in _about(book))["Source page"] == "Attendance at Fall roundtable"


# --- The links on the pages --------------------------------------------------------------------------


def test_each_page_links_to_its_downloads_and_the_item_list_carries_its_filters(
    client: Client, idaho: State, recommendations: list[Recommendation]
) -> None:
    idaho.item(title="Budget review", status=Status.AT_RISK)
    event = factories.make_past_event(attended=["ID"])
    client.force_login(idaho.cio)
    plan = idaho.plan.pk

    items = client.get(reverse("actionplan:items", args=[plan]), {"status": "at_risk", "q": "budget", "page": "1"})
    fragment = client.get(reverse("actionplan:items", args=[plan]), {"side": "cio"}, headers={"HX-Request": "true"})
    dashboard = client.get(reverse("actionplan:plan", args=[plan])).content.decode()
    record = client.get(reverse("actionplan:adoption", args=["ID"])).content.decode()

    query = "?status=at_risk&amp;q=budget"
    assert f'href="/exports/plans/{plan}/items.csv{query}" download>Download CSV</a>' in items.content.decode()
    assert f'href="/exports/plans/{plan}/items.xlsx{query}" download>Download XLSX</a>' in items.content.decode()
    assert f'href="/exports/plans/{plan}/items.xlsx?side=cio"' in fragment.content.decode()  # htmx refreshes them
    assert f'href="/exports/plans/{plan}/updates.xlsx" download>Download XLSX</a>' in dashboard
    assert 'href="/exports/adoption/ID/records.csv" download>Download CSV</a>' in record
    client.force_login(factories.make_staff())
    publication = recommendations[0].publication.slug
    matrix = client.get(reverse("actionplan:adoption_matrix"), {"publication": publication}).content.decode()
    sheet = client.get(reverse("roundtables:attendance", args=[event.pk])).content.decode()
    assert f'href="/exports/adoption/all.xlsx?publication={publication}" download>' in matrix
    assert f'href="/exports/roundtables/{event.pk}/attendance.csv" download>Download CSV</a>' in sheet


@pytest.mark.parametrize("states", [1, 6])
def test_the_national_adoption_export_makes_the_same_queries_whatever_the_size(
    client: Client, idaho: State, recommendations: list[Recommendation], django_assert_num_queries: Any, states: int
) -> None:
    item = idaho.item(title="Name a contact")
    for code in ["ID", "ME", "NC", "UT", "WA", "OR"][:states]:
        for recommendation in recommendations:
            factories.make_adoption(code, recommendation).items.add(item)
    client.force_login(factories.make_staff())
    client.get(reverse("actionplan:adoption_matrix"))  # the first page after signing in saves the session
    # session, user, staff memberships (staff: no state memberships asked), publications (the
    # filter's choices), recommendations, adoptions, their items, jurisdictions
    with django_assert_num_queries(8):
        response = client.get(reverse("reports:adoption_matrix_export", args=["xlsx"]))
    assert len(_rows(_xlsx(response), "Adoption")) == 56 * 3
