"""Who may download each CSV and XLSX export: exactly who may open the page it comes from.

A plan's items and updates: whoever reads the plan (its members and staff; members of other states
once it is shared with peers or public), signed in: the download of a public plan is no public
page. A state's adoption record: its members and staff; every state's: staff only (404 for the
rest, as the national matrix). An event's attendance: staff; other signed-in people read the
event but get the sheet's 403. A format other than csv or xlsx is a 404. A query the page has no
filter for is a 400 to the plan's readers, and still a 404 to anyone else: it tells nothing.

Idaho (state A) has one FY2027 plan, at the sharing level the row names, with one item and one
update; Idaho has a record on one recommendation; one past event invited Idaho and Maine."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from actionplan import services
from actionplan.models import Sharing
from directory.models import User
from tests import factories, matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# fmt: off
# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
READERS = "login 200   200   200   200   404   200   200"
SHARED  = "login 200   200   200   200   200   200   200"
ROWS = [
    Row("items_export",           "GET", READERS),
    Row("items_export",           "GET", READERS, label="items_export-xlsx"),
    Row("items_export",           "GET", READERS, label="items_export-filtered"),
    Row("items_export",           "GET", SHARED,  label="items_export-peers"),
    Row("items_export",           "GET", SHARED,  label="items_export-public"),
    Row("items_export",           "GET", "login 400   400   400   400   404   400   400", label="items_export-unknown"),
    Row("items_export",           "GET", "login 404   404   404   404   404   404   404", label="items_export-pdf"),
    Row("items_export",           "GET", "login 404   404   404   404   404   404   404", label="items_export-missing"),
    Row("dimension_items_export", "GET", READERS),
    Row("dimension_items_export", "GET", "login 404   404   404   404   404   404   404",
        label="dimension_items_export-missing"),
    Row("updates_export",         "GET", READERS),
    Row("updates_export",         "GET", READERS, label="updates_export-xlsx"),
    Row("updates_export",         "GET", SHARED,  label="updates_export-peers"),
    Row("adoption_export",        "GET", READERS),
    Row("adoption_export",        "GET", READERS, label="adoption_export-xlsx"),
    Row("adoption_export",        "GET", "login 404   404   404   404   404   404   404", label="adoption_export-missing"),
    Row("adoption_matrix_export", "GET", "login 404   404   404   404   404   200   200"),
    Row("adoption_matrix_export", "GET", "login 404   404   404   404   404   200   200",
        label="adoption_matrix_export-xlsx"),
    Row("attendance_export",      "GET", "login 403   403   403   403   403   200   200"),
    Row("attendance_export",      "GET", "login 403   403   403   403   403   200   200", label="attendance_export-xlsx"),
    Row("attendance_export",      "GET", "login 404   404   404   404   404   404   404", label="attendance_export-missing"),
]
# fmt: on

SHARING = {
    "items_export-peers": Sharing.PEERS,
    "items_export-public": Sharing.PUBLIC,
    "updates_export-peers": Sharing.PEERS,
}


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_access(client: Client, people: dict[str, User | None], row: Row, persona: str, expected: str) -> None:
    cio = people["cio_A"]
    assert cio is not None
    plan = factories.make_plan("ID", sharing=SHARING.get(row.id, Sharing.PRIVATE))
    item = factories.make_item(plan, side="cio", cio_owner=cio)
    services.post_update(item, author=cio, side="cio", status="on_track", progress=20, narrative="Under way.")
    factories.make_adoption("ID", factories.make_recommendations(1)[0])
    event = factories.make_past_event()
    fmt = "xlsx" if row.id.endswith("-xlsx") else "csv"
    key = row.id.removesuffix("-xlsx") if row.id.endswith("-xlsx") else (row.label or row.url_name)
    path = {
        "items_export": reverse("reports:items_export", args=[plan.pk, fmt]),
        "items_export-filtered": reverse("reports:items_export", args=[plan.pk, "csv"]) + "?status=on_track&side=cio",
        "items_export-peers": reverse("reports:items_export", args=[plan.pk, "csv"]),
        "items_export-public": reverse("reports:items_export", args=[plan.pk, "xlsx"]),
        "items_export-unknown": reverse("reports:items_export", args=[plan.pk, "csv"]) + "?colour=red",
        "items_export-pdf": reverse("reports:items_export", args=[plan.pk, "pdf"]),
        "items_export-missing": reverse("reports:items_export", args=[plan.pk + 1000, "csv"]),
        "dimension_items_export": reverse(
            "reports:dimension_items_export", args=[plan.pk, item.dimension.slug, "xlsx"]
        ),
        "dimension_items_export-missing": reverse(
            "reports:dimension_items_export", args=[plan.pk, "no-such-dimension", "csv"]
        ),
        "updates_export": reverse("reports:updates_export", args=[plan.pk, fmt]),
        "updates_export-peers": reverse("reports:updates_export", args=[plan.pk, "csv"]),
        "adoption_export": reverse("reports:adoption_export", args=["ID", fmt]),
        "adoption_export-missing": reverse("reports:adoption_export", args=["ZZ", "csv"]),
        "adoption_matrix_export": reverse("reports:adoption_matrix_export", args=[fmt]),
        "attendance_export": reverse("reports:attendance_export", args=[event.pk, fmt]),
        "attendance_export-missing": reverse("reports:attendance_export", args=[event.pk + 1000, "csv"]),
    }[key]
    matrix.run_cell(client, people[persona], row.method, path, expected)
