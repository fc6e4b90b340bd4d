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


def test_a_recommendation_or_case_study_that_does_not_exist_is_404(client: Client, people: dict) -> None:
    client.force_login(people["cio_A"])
    assert client.get(reverse("library:recommendation", args=[999_999])).status_code == 404
    assert client.get(reverse("library:case_study", args=["no-such-study"])).status_code == 404


def test_every_library_url_has_a_row() -> None:
    matrix.check_every_url_has_a_row("library", ROWS)


def test_every_row_has_one_outcome_per_persona() -> None:
    matrix.check_rows_are_well_formed(ROWS)
