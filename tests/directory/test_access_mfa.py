"""Who may reset someone's second factor: association staff for anyone but staff and themselves,
superusers for anyone but themselves; anyone else gets a 404, as if there were no such page. The
person here is Maine's CIO (cio_B), who cannot reset their own either (their own page does)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import SignInEvent, User
from tests import matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("reset_mfa", "GET", "login 404 404 404 404 404 200 200"),
    Row("reset_mfa", "POST", "login 404 404 404 404 404 done done"),
]


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_reset_mfa_access(
    client: Client, people: dict[str, User | None], row: Row, persona: str, expected: str
) -> None:
    person = people["cio_B"]
    assert person is not None
    matrix.run_cell(
        client, people[persona], row.method, reverse("directory:reset_mfa", kwargs={"pk": person.pk}), expected
    )
    resets = SignInEvent.objects.filter(kind=SignInEvent.Kind.MFA_RESET_BY_STAFF, user=person).count()
    assert resets == (1 if expected == "done" else 0)
