"""Who may open the library's pages: everyone signed in, whatever their role or state; anyone
else is sent to sign in. The pages name no state's adoption but the viewer's own."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import User
from library.models import Recommendation
from tests import matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("library", "GET", "login 200 200 200 200 200 200 200"),
    Row("library", "GET", "login 200 200 200 200 200 200 200", label="library-filtered"),
    Row("recommendation", "GET", "login 200 200 200 200 200 200 200"),
    Row("publications", "GET", "login 200 200 200 200 200 200 200"),
    Row("case_studies", "GET", "login 200 200 200 200 200 200 200"),
    Row("case_study", "GET", "login 200 200 200 200 200 200 200"),
    Row("timeline", "GET", "login 200 200 200 200 200 200 200"),
]


def _path(row: Row) -> str:
    recommendation = Recommendation.objects.get(publication__slug="it-procurement-negotiations-2017", number="R3")
    return {
        "library": reverse("library:library"),
        "library-filtered": reverse("library:library") + "?adoption=none&q=contact",
        "recommendation": reverse("library:recommendation", args=[recommendation.pk]),
        "publications": reverse("library:publications"),
        "case_studies": reverse("library:case_studies"),
        "case_study": reverse("library:case_study", args=["idaho-terms-and-conditions"]),
        "timeline": reverse("library:timeline"),
    }[row.label or row.url_name]


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_library_access(client: Client, people: dict[str, User | None], row: Row, persona: str, expected: str) -> None:
    matrix.run_cell(client, people[persona], row.method, _path(row), expected)


# What a recommendation's page offers about the viewer's own state (A is Idaho, B is Maine):
# "record" the way to record Idaho's status, "read" Idaho's status and who records it, "maine"
# the way to record Maine's, "none" nothing state-specific, "login" sent to sign in.
OWN_STATE = {
    "anonymous": "login",
    "cio_A": "record",
    "cpo_A": "record",
    "cio_delegate_A": "record",
    "viewer_A": "read",
    "cio_B": "maine",
    "staff": "none",
    "superuser": "none",
}


@pytest.mark.parametrize(("persona", "expected"), OWN_STATE.items())
def test_only_those_who_record_a_state_s_adoption_see_record_our_status(
    client: Client, people: dict[str, User | None], persona: str, expected: str
) -> None:
    recommendation = Recommendation.objects.get(publication__slug="it-procurement-negotiations-2017", number="R3")
    user = people[persona]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("library:recommendation", args=[recommendation.pk]))
    if expected == "login":
        assert response.status_code == 302
        return
    html = response.content.decode()
    form = reverse("actionplan:adoption_edit", args=["ID" if expected != "maine" else "ME", recommendation.pk])
    assert ('data-testid="record-status"' in html) == (expected in ("record", "maine"))
    assert (f'href="{form}?next=' in html) == (expected in ("record", "maine"))
    assert ("Record our status" in html) == (expected in ("record", "maine"))
    assert ("Idaho&#x27;s CIO, CPO and their delegates record this status; you can read it." in html) == (
        expected == "read"
    )
    assert ('data-testid="own-adoption"' in html) == (expected != "none")
    assert ("Where Idaho stands" in html) == (expected in ("record", "read"))


def test_a_recommendation_or_case_study_that_does_not_exist_is_404(client: Client, people: dict) -> None:
    client.force_login(people["cio_A"])
    assert client.get(reverse("library:recommendation", args=[999_999])).status_code == 404
    assert client.get(reverse("library:case_study", args=["no-such-study"])).status_code == 404


def test_every_library_url_has_a_row() -> None:
    matrix.check_every_url_has_a_row("library", ROWS)


def test_every_row_has_one_outcome_per_persona() -> None:
    matrix.check_rows_are_well_formed(ROWS)
