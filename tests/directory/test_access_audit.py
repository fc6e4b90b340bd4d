"""Who may open the sign-in audit's pages: every event for association staff (anyone else gets a
404, as if there were no such page); each person's own recent sign-ins for whoever is signed in,
and never anyone else's events."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from directory import audit
from directory.models import SignInEvent, User
from tests import matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("sign_in_events", "GET", "login 404 404 404 404 404 200 200"),
    Row("sign_in_events", "GET", "login 404 404 404 404 404 200 200", label="sign_in_events-filtered"),
    Row("my_sign_ins", "GET", "login 200 200 200 200 200 200 200"),
]


def _path(row: Row) -> str:
    return {
        "sign_in_events": reverse("directory:sign_in_events"),
        "sign_in_events-filtered": reverse("directory:sign_in_events") + "?kind=sign_in_failed&jurisdiction=ID",
        "my_sign_ins": reverse("directory:my_sign_ins"),
    }[row.label or row.url_name]


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_sign_in_audit_access(
    client: Client, people: dict[str, User | None], row: Row, persona: str, expected: str
) -> None:
    matrix.run_cell(client, people[persona], row.method, _path(row), expected)


@pytest.mark.parametrize("persona", ["cio_A", "cpo_A", "cio_delegate_A", "viewer_A", "cio_B", "staff", "superuser"])
def test_recent_sign_ins_lists_only_the_viewers_own_events(
    client: Client, people: dict[str, User | None], persona: str
) -> None:
    for name, person in people.items():
        if person is not None:
            audit.record(SignInEvent.Kind.PASSWORD_CHANGED, user=person, marker=f"event-of-{name}")
    viewer = people[persona]
    assert viewer is not None
    client.force_login(viewer)

    response = client.get(reverse("directory:my_sign_ins"))

    events = response.context["events"]
    assert events and {e.user_id for e in events} == {viewer.pk}
    html = response.content.decode()
    assert f"event-of-{persona}" in html
    others = [name for name in people if name not in (persona, "anonymous")]
    assert not [name for name in others if f"event-of-{name}" in html]
