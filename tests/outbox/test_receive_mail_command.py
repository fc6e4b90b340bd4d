"""`manage.py receive_mail` in this process: which recipients are ours, --file as the quick start
and other tests call it, and the refusals that need no listener. The listener itself, over real
SMTP and LMTP, is tests/integration/test_mail_listener.py."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from pytest_django.fixtures import Settings

from outbox.management.commands.receive_mail import is_ours
from outbox.models import InboundEmail

pytestmark = pytest.mark.django_db

REPLY = (
    b"Delivered-To: update+abc@reply.example.org\r\nFrom: Ana CIO <cio@id.example>\r\n"
    b"To: Updates <update+abc@reply.example.org>\r\nMessage-ID: <cmd-1@mail.example>\r\n\r\non track\r\n"
)


@pytest.fixture(autouse=True)
def replies_on(settings: Settings) -> None:
    settings.REPLY_DOMAIN = "reply.example.org"


def receive(*args: str) -> str:
    out = io.StringIO()
    call_command("receive_mail", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    ("address", "ours"),
    [
        ("update+abc@reply.example.org", True),
        ("bounce+xyz@REPLY.Example.ORG", True),
        ("anything@reply.example.org.", True),
        ("update+abc@example.org", False),
        ("update+abc@reply.example.org.evil.example", False),
        ("update+abc@evilreply.example.org", False),
        ("reply.example.org", False),
    ],
)
def test_only_addresses_at_the_reply_domain_are_ours(address: str, ours: bool) -> None:
    assert is_ours(address) is ours


def test_file_stores_a_message_with_the_envelope_its_headers_give(tmp_path: Path) -> None:
    path = tmp_path / "reply.eml"
    path.write_bytes(REPLY)
    row_line = receive("--file", str(path))
    row = InboundEmail.objects.get()
    assert row_line == f"stored {path} as #{row.pk}\n"
    assert bytes(row.raw) == REPLY
    assert (row.source, row.envelope_from, row.envelope_to) == (
        "file",
        "cio@id.example",
        ["update+abc@reply.example.org"],
    )
    assert receive("--file", str(path)) == f"already stored {path} as #{row.pk}\n"


def test_file_with_a_folder_without_messages_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="there is no .eml file in this folder"):
        receive("--file", str(tmp_path))


def test_file_when_the_database_cannot_store_says_so_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "reply.eml"
    path.write_bytes(REPLY)
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("ALTER TABLE outbox_inboundemail RENAME TO outbox_inboundemail_away")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 messages were not stored"):
        call_command("receive_mail", "--file", str(path), stdout=out)
    assert out.getvalue() == f"could not store (database error, try again): {path}\n"


def test_the_listener_will_not_start_without_a_reply_domain(settings: Settings) -> None:
    settings.REPLY_DOMAIN = ""
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("receive_mail", "--port", "2525", stderr=err)
    assert exit_.value.code == 2
    assert err.getvalue() == "REPLY_DOMAIN is not set: replies are off, so no mail here is ours to receive.\n"


def test_a_port_that_is_no_port_is_refused() -> None:
    with pytest.raises(CommandError, match="--port: 70000 is not a TCP port"):
        receive("--port", "70000")


def test_an_inbound_port_that_is_no_number_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INBOUND_PORT", "smtp")
    with pytest.raises(CommandError, match="INBOUND_PORT: 'smtp' is not a port number"):
        receive()
