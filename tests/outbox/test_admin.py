"""The outbox in the Django admin: read-only (staff resend from the delivery log), at the model's
new address, with the address it had under notifications sent on to it."""

from __future__ import annotations

import pytest
from django.test import Client

from outbox.models import OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_signed_in(client: Client) -> Client:
    client.force_login(factories.make_superuser())
    return client


def test_the_admin_lists_outgoing_emails_and_offers_no_way_to_write_one(admin_client_signed_in: Client) -> None:
    OutgoingEmail.objects.create(kind="digest", to_address="dana@idaho.example", dedupe_key="digest:1:W51")

    listing = admin_client_signed_in.get("/admin/outbox/outgoingemail/")

    assert listing.status_code == 200
    assert "dana@idaho.example" in listing.content.decode()
    assert admin_client_signed_in.get("/admin/outbox/outgoingemail/add/").status_code == 403


def test_the_address_under_notifications_is_sent_on_to_the_outbox(admin_client_signed_in: Client) -> None:
    row = OutgoingEmail.objects.create(kind="digest", to_address="dana@idaho.example", dedupe_key="digest:1:W51")

    moved = admin_client_signed_in.get(f"/admin/notifications/outgoingemail/{row.pk}/change/?_changelist_filters=x")
    listing = admin_client_signed_in.get("/admin/notifications/outgoingemail/")

    assert (moved.status_code, moved["Location"]) == (
        301,
        f"/admin/outbox/outgoingemail/{row.pk}/change/?_changelist_filters=x",
    )
    assert (listing.status_code, listing["Location"]) == (301, "/admin/outbox/outgoingemail/")
