"""Who may import a contact list: association staff (and superusers); everyone else gets a 404,
even for a preview that exists. A preview is kept per person, so staff see only their own."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from directory import contact_import
from directory.models import User
from tests import matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("contact_import", "GET", "login 404 404 404 404 404 200 200"),
    Row("contact_import", "POST", "login 404 404 404 404 404 400 400", label="contact-import-no-file"),
    Row("contact_import_preview", "GET", "login 404 404 404 404 404 200 200"),
    Row("contact_import_apply", "POST", "login 404 404 404 404 404 done done"),
]

CONTENT = b"name,email,jurisdiction,role,start date\nCasey,casey@me.example,ME,viewer,2030-01-15\n"


def _path(row: Row, people: dict[str, User | None]) -> str:
    if row.url_name == "contact_import":
        return reverse("directory:contact_import")
    digest = contact_import.file_digest(CONTENT)
    for persona in access_personas(people):
        cache.set(f"contact_import:{persona.pk}:{digest}", {"name": "people.csv", "content": CONTENT, "done": None})
    return reverse(f"directory:{row.url_name}", args=[digest])


def access_personas(people: dict[str, User | None]) -> list[User]:
    """Everyone signed in has the preview kept for them: only the rule keeps them out."""
    return [user for user in people.values() if user is not None]


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_contact_import_access(
    client: Client, people: dict[str, User | None], row: Row, persona: str, expected: str
) -> None:
    # The apply carries the digest of the plan it was shown, as the preview's form does.
    data = {"plan": contact_import.plan(contact_import.read_file(CONTENT)).digest()}
    matrix.run_cell(client, people[persona], row.method, _path(row, people), expected, data=data)
