"""The door for a mail provider's inbound webhook, POST /inbound/email/: there only when a secret is
set, the secret checked (header or basic auth), the raw message (whole body or a form's `email`
field) stored as the bytes that came, and every refusal a short answer the provider can act on."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from outbox.models import InboundEmail

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-the-provider"  # noqa: S105 - a test's shared secret
URL = "/inbound/email/"
RAW = (
    b"Return-Path: <cio@id.example>\r\nFrom: Ana CIO <cio@id.example>\r\nTo: update+abc@reply.example.org\r\n"
    b"Subject: Re: your items\r\nMessage-ID: <hook-1@mail.example>\r\nContent-Type: text/plain; charset=latin-1\r\n"
    b"\r\nI1: on track 60% caf\xe9 contract signed\r\n"
)


@pytest.fixture
def secret(settings: Settings) -> str:
    settings.INBOUND_WEBHOOK_SECRET = SECRET
    return SECRET


def post_raw(client: Client, body: bytes, *, content_type: str = "message/rfc822", **headers: str) -> object:
    return client.post(URL, data=body, content_type=content_type, headers=headers)


def form(fields: dict[str, bytes], boundary: str = "xYzZY") -> tuple[bytes, str]:
    """A multipart/form-data body as a provider sends it, fields as raw bytes (no filename)."""
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def basic(password: str, user: str = "inbound") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_the_url_is_the_one_providers_are_given() -> None:
    assert reverse("outbox:inbound_email") == URL


def test_without_a_secret_configured_the_door_does_not_exist(client: Client, settings: Settings) -> None:
    settings.INBOUND_WEBHOOK_SECRET = ""
    assert post_raw(client, RAW, X_Inbound_Secret="").status_code == 404
    assert post_raw(client, RAW, X_Inbound_Secret="anything").status_code == 404
    assert client.get(URL).status_code == 404
    assert not InboundEmail.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Inbound-Secret": "wrong"},
        {"X-Inbound-Secret": SECRET[:-1]},
        {"X-Inbound-Secret": SECRET + "x"},
        {"Authorization": basic("wrong")},
        {"Authorization": "Basic not-base64!!"},
        {"Authorization": f"Bearer {SECRET}"},
    ],
    ids=["none", "wrong", "prefix", "longer", "basic-wrong", "basic-malformed", "bearer"],
)
def test_a_missing_or_wrong_secret_is_401_and_stores_nothing(
    client: Client, secret: str, headers: dict[str, str]
) -> None:
    response = client.post(URL, data=RAW, content_type="message/rfc822", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="inbound mail"'
    assert not InboundEmail.objects.exists()


def test_a_get_is_405(client: Client, secret: str) -> None:
    response = client.get(URL, headers={"X-Inbound-Secret": secret})
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_raw_message_is_stored_as_it_came_and_answered_202_with_its_id(client: Client, secret: str) -> None:
    response = post_raw(client, RAW, X_Inbound_Secret=secret)
    assert response.status_code == 202
    row = InboundEmail.objects.get()
    assert response.json() == {"id": row.pk, "duplicate": False}
    assert bytes(row.raw) == RAW
    assert row.source == InboundEmail.Source.WEBHOOK
    assert row.message_id == "<hook-1@mail.example>"
    # No envelope given: the headers say who sent it and to whom.
    assert (row.envelope_from, row.envelope_to) == ("cio@id.example", ["update+abc@reply.example.org"])


def test_the_same_message_posted_again_is_a_duplicate_of_the_same_row(client: Client, secret: str) -> None:
    first = post_raw(client, RAW, X_Inbound_Secret=secret).json()
    again = post_raw(client, RAW, X_Inbound_Secret=secret)
    assert again.status_code == 202
    assert again.json() == {"id": first["id"], "duplicate": True}
    assert InboundEmail.objects.count() == 1


@pytest.mark.parametrize("content_type", ["message/rfc822", "text/plain", "application/octet-stream"])
def test_each_raw_type_is_taken(client: Client, secret: str, content_type: str) -> None:
    assert post_raw(client, RAW, content_type=content_type, X_Inbound_Secret=secret).status_code == 202


def test_basic_auth_with_the_secret_as_password_is_taken(client: Client, secret: str) -> None:
    response = post_raw(client, RAW, Authorization=basic(secret, user="sendgrid"))
    assert response.status_code == 202


def test_a_form_with_the_message_in_its_email_field_is_stored_byte_for_byte(client: Client, secret: str) -> None:
    envelope = json.dumps({"to": ["update+abc@reply.example.org"], "from": "bounces@relay.example"}).encode()
    body, content_type = form({"to": b"update+abc@reply.example.org", "envelope": envelope, "email": RAW})
    response = client.post(URL, data=body, content_type=content_type, headers={"X-Inbound-Secret": secret})
    assert response.status_code == 202
    row = InboundEmail.objects.get()
    assert bytes(row.raw) == RAW  # the Latin-1 byte too: no decoding on the way
    assert (row.envelope_from, row.envelope_to) == ("bounces@relay.example", ["update+abc@reply.example.org"])


def test_the_envelope_given_in_headers_is_used(client: Client, secret: str) -> None:
    response = post_raw(
        client,
        RAW,
        X_Inbound_Secret=secret,
        X_Envelope_From="srs0=abc@relay.example",
        X_Envelope_To="update+abc@reply.example.org, bounce+xyz@reply.example.org",
    )
    assert response.status_code == 202
    row = InboundEmail.objects.get()
    assert row.envelope_from == "srs0=abc@relay.example"
    assert row.envelope_to == ["update+abc@reply.example.org", "bounce+xyz@reply.example.org"]


def test_the_envelope_given_as_form_fields_is_used(client: Client, secret: str) -> None:
    body, content_type = form(
        {"X-Envelope-From": b"a@relay.example", "X-Envelope-To": b"update+abc@reply.example.org", "email": RAW}
    )
    response = client.post(URL, data=body, content_type=content_type, headers={"X-Inbound-Secret": secret})
    assert response.status_code == 202
    row = InboundEmail.objects.get()
    assert (row.envelope_from, row.envelope_to) == ("a@relay.example", ["update+abc@reply.example.org"])


def test_a_message_over_the_limit_is_413_and_not_stored(client: Client, secret: str, settings: Settings) -> None:
    settings.INBOUND_MAX_BYTES = 65536
    big = RAW + b"x" * 65536
    response = post_raw(client, big, X_Inbound_Secret=secret)
    assert response.status_code == 413
    assert "65536" in response.content.decode()
    body, content_type = form({"email": big})  # within the form's allowance, but the message is too large
    response = client.post(URL, data=body, content_type=content_type, headers={"X-Inbound-Secret": secret})
    assert response.status_code == 413
    assert not InboundEmail.objects.exists()


def test_a_declared_length_over_the_limit_is_413_before_the_body_is_read(client: Client, secret: str) -> None:
    # The body is small; the Content-Length says 50 MB: the answer comes from the header alone
    # (the test client's payload would fail the test if more than it holds were read).
    response = client.post(
        URL,
        data=RAW,
        content_type="message/rfc822",
        headers={"X-Inbound-Secret": secret},
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_an_empty_body_is_400(client: Client, secret: str) -> None:
    assert post_raw(client, b"", X_Inbound_Secret=secret).status_code == 400
    assert post_raw(client, b"\r\n  \r\n", X_Inbound_Secret=secret).status_code == 400
    assert not InboundEmail.objects.exists()


def test_a_form_without_the_message_is_400(client: Client, secret: str) -> None:
    body, content_type = form({"to": b"update+abc@reply.example.org"})
    response = client.post(URL, data=body, content_type=content_type, headers={"X-Inbound-Secret": secret})
    assert response.status_code == 400
    body, _ = form({"email": RAW}, boundary="one")
    response = client.post(  # a boundary that is not the one used: no field can be found
        URL, data=body, content_type="multipart/form-data; boundary=other", headers={"X-Inbound-Secret": secret}
    )
    assert response.status_code == 400
    response = client.post(URL, data=body, content_type="multipart/form-data", headers={"X-Inbound-Secret": secret})
    assert response.status_code == 400
    assert not InboundEmail.objects.exists()


def test_another_content_type_is_415(client: Client, secret: str) -> None:
    response = post_raw(
        client, b"email=hello", content_type="application/x-www-form-urlencoded", X_Inbound_Secret=secret
    )
    assert response.status_code == 415


def test_a_database_that_cannot_store_is_503_so_the_provider_retries(client: Client, secret: str) -> None:
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("ALTER TABLE outbox_inboundemail RENAME TO outbox_inboundemail_away")
    response = post_raw(client, RAW, X_Inbound_Secret=secret)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"


def test_mailguns_body_mime_field_is_taken_too(client: Client, secret: str) -> None:
    body, content_type = form({"recipient": b"update+abc@reply.example.org", "body-mime": RAW})
    response = client.post(URL, data=body, content_type=content_type, headers={"X-Inbound-Secret": secret})
    assert response.status_code == 202
    assert bytes(InboundEmail.objects.get().raw) == RAW
