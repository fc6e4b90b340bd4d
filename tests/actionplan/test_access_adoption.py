"""Who may open or post to every adoption URL: a state's record is read by its own members and by
association staff (404 for anyone else); members who act for a side record it (viewers and staff
get 403 on the form's POST); staff verify; the national matrix names every state, so it is for
staff only (404 for members, whose "Adoption" link goes to their own state's record)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import Adoption
from directory.models import User
from tests import access, matrix
from tests.factories import make_adoption, make_recommendations, pdf
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("adoption_matrix", "GET", "login 404 404 404 404 404 200 200"),
    Row("adoption", "GET", "login 200 200 200 200 404 200 200"),
    Row("adoption", "GET", "login 200 200 200 200 404 200 200", label="adoption-lowercase-code"),
    Row("adoption_edit", "GET", "login 200 200 200 200 404 200 200"),
    Row("adoption_edit", "POST", "login done done done 403 404 403 403"),
    Row("adoption_verify", "POST", "login 403 403 403 403 404 done done"),
    Row("adoption_evidence", "GET", "login 200 200 200 200 404 200 200"),
]


@pytest.fixture
def idaho_record(media: Path, people: dict[str, User | None]) -> Adoption:
    """Idaho's adopted record of R1, with a link and a stored document."""
    rec = make_recommendations(2)[0]
    adoption = make_adoption(
        "ID",
        rec,
        status=Adoption.Status.ADOPTED,
        evidence_kind=Adoption.EvidenceKind.POLICY,
        evidence_url="https://example.org/demo/policy",
    )
    adoption.evidence_file.save("policy.pdf", pdf("policy.pdf"))
    adoption.evidence_name = "policy.pdf"
    adoption.save()
    return adoption


def _path(row: Row, adoption: Adoption) -> str:
    code, rec = adoption.jurisdiction.code, adoption.recommendation_id
    return {
        "adoption_matrix": reverse("actionplan:adoption_matrix"),
        "adoption": reverse("actionplan:adoption", args=[code]),
        "adoption-lowercase-code": reverse("actionplan:adoption", args=[code.lower()]),
        "adoption_edit": reverse("actionplan:adoption_edit", args=[code, rec]),
        "adoption_verify": reverse("actionplan:adoption_verify", args=[code, rec]),
        "adoption_evidence": reverse("actionplan:adoption_evidence", args=[adoption.pk]),
    }[row.label or row.url_name]


DATA = {
    "adoption_edit": {
        "status": "adopted",
        "note": "",
        "evidence_kind": "policy",
        "evidence_url": "https://example.org/demo/policy-2",
        "seen_change": 0,  # the record's builder writes no change rows
    },
    "adoption_verify": {"verified": "yes"},
}


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_adoption_access(
    client: Client, people: dict[str, User | None], idaho_record: Adoption, row: Row, persona: str, expected: str
) -> None:
    data = DATA.get(row.url_name) if row.method == "POST" else None
    matrix.run_cell(client, people[persona], row.method, _path(row, idaho_record), expected, data)


def test_every_row_has_one_outcome_per_persona() -> None:
    for row in ROWS:
        outcomes = row.outcomes()
        assert len(outcomes) == len(access.PERSONAS), row.id
        assert set(outcomes) <= access.OUTCOMES, row.id
        if "done" in outcomes:
            assert row.method == "POST", row.id
