"""Who may open the list of addresses that bounce and mark one resolved: association staff (and
superusers); anyone else signed in gets a 404, as if there were no such page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import User
from notifications.models import AddressBounce
from tests import matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("bounces", "GET", "login 404 404 404 404 404 200 200"),
    Row("resolve_bounce", "POST", "login 404 404 404 404 404 done done"),
]


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_bounce_list_access(
    client: Client, people: dict[str, User | None], row: Row, persona: str, expected: str
) -> None:
    cio = people["cio_A"]
    assert cio is not None
    flag = AddressBounce.objects.create(user=cio, address=cio.email, reason="550 5.1.1 User unknown")
    path = {
        "bounces": reverse("notifications:bounces"),
        "resolve_bounce": reverse("notifications:resolve_bounce", args=[flag.pk]),
    }[row.url_name]

    matrix.run_cell(client, people[persona], row.method, path, expected)
    flag.refresh_from_db()
    assert (flag.cleared_at is not None) == (expected == "done")
