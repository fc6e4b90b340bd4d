"""Who may open a jurisdiction's people page, invite, resend, revoke, and open an invitation's link.

The page is for the state's CIO, CPO and delegates (delegates read) and association staff; a
viewer or another state gets a 404. A CIO may grant CIO delegates and viewers, a CPO CPO delegates
and viewers, staff any role; resending or revoking goes with granting the invitation's role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory import invitations
from directory.models import Invitation, Jurisdiction, User
from tests import matrix
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("people", "GET", "login 200 200 200 404 404 200 200"),
    Row("invite", "POST", "login 400 400 404 404 404 400 400", label="invite-nothing-typed"),
    Row("invite", "POST", "login done done 404 404 404 done done", label="invite-a-viewer"),
    Row("invite", "POST", "login done 400 404 404 404 done done", label="invite-a-cio-delegate"),
    Row("resend_invitation", "POST", "login done 404 404 404 404 done done"),
    Row("revoke_invitation", "POST", "login done 404 404 404 404 done done"),
    Row("invitation", "GET", "200 200 200 200 200 200 200 200"),
    Row("invitation", "GET", "404 404 404 404 404 404 404 404", label="invitation-tampered"),
]

DATA = {
    "invite-a-viewer": {"email": "new.viewer@id.example", "role": "viewer", "starts_on": "2030-01-01"},
    "invite-a-cio-delegate": {"email": "new.deputy@id.example", "role": "cio_delegate", "starts_on": "2030-01-01"},
}


def _path(row: Row, people: dict[str, User | None]) -> str:
    staff = people["staff"]
    assert staff is not None
    idaho = Jurisdiction.objects.get(code="ID")
    if row.url_name in ("resend_invitation", "revoke_invitation", "invitation"):
        invitation = invitations.invite(
            idaho, email="newcomer@id.example", role="cio_delegate", starts_on=timezone.localdate(), invited_by=staff
        )
        if row.url_name == "invitation":
            # The token is not stored: give the invitation a known one, as resending would.
            Invitation.objects.filter(pk=invitation.pk).update(token_hash=invitations.hash_token("known-token"))
            return reverse("directory:invitation", args=["known-token" if not row.label else "known-tokeX"])
        return reverse(f"directory:{row.url_name}", args=[invitation.pk])
    return reverse(f"directory:{row.url_name}", args=["id"])


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_people_and_invitation_access(
    client: Client, people: dict[str, User | None], row: Row, persona: str, expected: str
) -> None:
    matrix.run_cell(client, people[persona], row.method, _path(row, people), expected, data=DATA.get(row.label))
