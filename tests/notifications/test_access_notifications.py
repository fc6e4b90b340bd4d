"""Who may open or post to every notifications URL: My updates and email preferences for whoever is
signed in; the delivery log and its resend for association staff (403 for anyone else); and the two
kinds of link an email carries, which are their own key: an unsubscribe link and a one-click status
link answer every persona alike, signed in or not, as whoever the link was sent to."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import ItemSide
from directory.models import Membership, User
from notifications import mail_tokens
from outbox import tokens
from outbox.models import OutgoingEmail
from tests import matrix
from tests.factories import make_item, make_plan
from tests.matrix import Row

pytestmark = pytest.mark.django_db

# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("my_updates", "GET", "login 200 200 200 200 200 200 200"),
    Row("preferences", "GET", "login 200 200 200 200 200 200 200"),
    Row("preferences", "POST", "login done done done done done done done"),
    Row("unsubscribe", "GET", "200 200 200 200 200 200 200 200"),
    Row("unsubscribe", "POST", "200 200 200 200 200 200 200 200"),
    Row("delivery_log", "GET", "login 403 403 403 403 403 200 200"),
    Row("resend", "POST", "login 403 403 403 403 403 done done"),
    # A status link sent to Idaho's CIO, whoever opens it: it acts for the CIO and no one else.
    Row("status_link", "GET", "200 200 200 200 200 200 200 200"),
    Row("status_link", "POST", "200 200 200 200 200 200 200 200"),
    Row("status_link", "POST", "410 410 410 410 410 410 410 410", label="status_link-used"),
    Row("status_link", "GET", "404 404 404 404 404 404 404 404", label="status_link-unknown"),
    Row("status_link", "POST", "403 403 403 403 403 403 403 403", label="status_link-role-ended"),
]


def _path(row: Row, people: dict[str, User | None]) -> str:
    cio = people["cio_A"]
    assert cio is not None
    if row.url_name == "status_link":
        item = make_item(make_plan("ID"), side=ItemSide.CIO, cio_owner=cio)
        link, token = mail_tokens.issue_status_link(cio, item)
        if row.label == "status_link-unknown":
            token = token[::-1]
        if row.label == "status_link-used":
            Client().post(reverse("notifications:status_link", args=[token, "at_risk"]), {"sentence": ""})
        if row.label == "status_link-role-ended":
            Membership.objects.filter(user=cio).update(ended_on="2026-01-01")
        return reverse("notifications:status_link", args=[token, "at_risk"])
    if row.url_name == "unsubscribe":
        return reverse("notifications:unsubscribe", args=[tokens.make(cio, "digest")])
    if row.url_name == "resend":
        email = OutgoingEmail.objects.create(
            kind=OutgoingEmail.Kind.REMINDER,
            recipient=cio,
            to_address=cio.email,
            dedupe_key="access-resend",
            body_text="A reminder.",
            status=OutgoingEmail.Status.FAILED,
        )
        return reverse("notifications:resend", args=[email.pk])
    return reverse(f"notifications:{row.url_name}")


def _data(row: Row) -> dict[str, object] | None:
    if row.url_name == "preferences" and row.method == "POST":
        return {"digest": "on", "digest_weekday": 0, "digest_hour": 8}
    if row.url_name == "status_link":
        return {"sentence": ""}
    return None


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_notifications_access(
    client: Client, people: dict[str, User | None], row: Row, persona: str, expected: str
) -> None:
    matrix.run_cell(client, people[persona], row.method, _path(row, people), expected, _data(row))
