"""The inbound mail listener as production runs it: `manage.py receive_mail` in its own process,
spoken to over real SMTP and LMTP on loopback. A 250 means the row is committed (so a listener
killed right after it loses nothing), mail for other domains and mail over the limit is refused
before it is stored, a database that cannot store gets 451 (the sender retries), and --file feeds
the same pipeline from a folder or stdin."""

from __future__ import annotations

import signal
import smtplib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from outbox.models import InboundEmail
from tests.integration.conftest import REPLY_DOMAIN, Listener
from tests.integration.harness import PYTHON, REPO_ROOT, free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DOMAIN = REPLY_DOMAIN
TO = f"update+abcdefghjkmnpqrstvwxyz0123@{DOMAIN}"
LIMIT = 65536


def reply(n: int = 1, *, body: str = "on track 50% contract signed", message_id: str | None = None) -> bytes:
    """A small reply as a mail client sends it: CRLF line ends, its own Message-ID."""
    message_id = message_id or f"<reply-{n}@mail.id.example>"
    return (
        f"From: Ana CIO <cio@id.example>\r\nTo: {TO}\r\nSubject: Re: 2 items need an update\r\n"
        f"Message-ID: {message_id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


@pytest.fixture
def listener_env(worker_env: dict[str, str]) -> dict[str, str]:
    """The test database's environment, with replies on and a small limit that is quick to exceed."""
    return {**worker_env, "REPLY_DOMAIN": DOMAIN, "INBOUND_MAX_BYTES": str(LIMIT)}


def run_command(env: dict[str, str], *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """`manage.py receive_mail <args>` to its end, as someone at a terminal runs it."""
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, "manage.py", "receive_mail", *args],
        cwd=REPO_ROOT,
        env=env,
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def rows() -> list[InboundEmail]:
    return list(InboundEmail.objects.order_by("pk"))


def test_the_row_is_committed_when_the_sender_hears_250(start_listener: Callable[..., Listener]) -> None:
    listener = start_listener()
    # One line of 5,000 characters: over RFC 5321's 1,000, as some clients' HTML is, and still taken.
    raw = reply(body="<p>" + "on track 50% " * 384 + "</p>")
    with listener.smtp() as client:
        client.mail("cio@id.example")
        assert client.rcpt(TO.upper().replace("UPDATE+", "update+"))[0] == 250  # the domain in any case
        code, text = client.data(raw)
        assert (code, text) == (250, b"stored")
        [row] = rows()  # read at once, without waiting: it was there before the 250
    assert bytes(row.raw) == raw
    assert (row.source, row.status, row.size) == ("smtp", "received", len(raw))
    assert row.envelope_from == "cio@id.example"
    assert [address.lower() for address in row.envelope_to] == [TO]
    log = listener.process.log()
    assert f"stored inbound #{row.pk} ({len(raw)} bytes, smtp, 1 recipients)" in log
    assert "cio@id.example" not in log  # no addresses in the log at INFO


def test_mail_for_another_domain_is_refused_at_rcpt(start_listener: Callable[..., Listener]) -> None:
    listener = start_listener()
    with listener.smtp() as client:
        client.mail("cio@id.example")
        assert client.rcpt("someone@id.example") == (550, b"no such mailbox here")
        assert client.rcpt(f"update+x@{DOMAIN}.evil.example")[0] == 550
        client.rset()
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail("cio@id.example", ["cio@elsewhere.example"], reply())
    assert rows() == []


def test_a_message_over_the_limit_is_refused_552_and_not_stored(start_listener: Callable[..., Listener]) -> None:
    listener = start_listener()
    big = reply(body="x" * 100 + "\r\n" + ("y" * 998 + "\r\n") * 100)  # about 100 KB
    assert len(big) > LIMIT
    # A client that reads the advertised SIZE is refused at MAIL FROM...
    with listener.smtp() as client, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        client.sendmail("cio@id.example", [TO], big)
    assert refused.value.smtp_code == 552
    # ...and one that does not, after its DATA.
    with listener.smtp() as client:
        client.mail("cio@id.example")
        client.rcpt(TO)
        assert client.data(big)[0] == 552
    assert rows() == []


def test_the_same_message_delivered_twice_is_one_row(start_listener: Callable[..., Listener]) -> None:
    listener = start_listener()
    for _ in range(2):
        with listener.smtp() as client:
            assert client.sendmail("cio@id.example", [TO], reply()) == {}
    assert len(rows()) == 1
    assert "received again" in listener.process.log()


def test_lmtp_delivers_and_answers_once_per_recipient(start_listener: Callable[..., Listener]) -> None:
    listener = start_listener("--lmtp")
    with listener.lmtp() as client:
        client.mail("")  # a bounce has no sender
        assert client.rcpt(TO)[0] == 250
        assert client.rcpt(f"bounce+token@{DOMAIN}")[0] == 250
        assert client.data(reply()) == (250, b"stored")
        assert client.getreply() == (250, b"stored")  # RFC 2033: the second recipient's answer
    [row] = rows()
    assert row.source == "lmtp"
    assert row.envelope_from == ""
    assert row.envelope_to == [TO, f"bounce+token@{DOMAIN}"]


def test_a_listener_killed_right_after_250_lost_nothing_and_the_next_one_takes_over(
    start_listener: Callable[..., Listener],
) -> None:
    first = start_listener()
    client = first.smtp()
    client.mail("cio@id.example")
    client.rcpt(TO)
    assert client.data(reply(1))[0] == 250
    first.process.kill()  # SIGKILL, as an OOM kill or a lost host does, before anything else happens
    client.close()
    assert [bytes(row.raw) for row in rows()] == [reply(1)]

    second = start_listener(port=first.port)
    with second.smtp() as client:
        assert client.sendmail("cio@id.example", [TO], reply(2)) == {}
    assert [bytes(row.raw) for row in rows()] == [reply(1), reply(2)]


def test_a_database_that_cannot_store_gets_451_and_the_retry_is_stored(
    start_listener: Callable[..., Listener],
) -> None:
    listener = start_listener()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE outbox_inboundemail RENAME TO outbox_inboundemail_away")
    try:
        with listener.smtp() as client, pytest.raises(smtplib.SMTPDataError) as deferred:
            client.sendmail("cio@id.example", [TO], reply())
        assert (deferred.value.smtp_code, deferred.value.smtp_error) == (451, b"try again later")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE outbox_inboundemail_away RENAME TO outbox_inboundemail")
    with listener.smtp() as client:  # the sender's retry, on the same listener
        assert client.sendmail("cio@id.example", [TO], reply()) == {}
    assert len(rows()) == 1


def test_sigterm_stops_the_listener_cleanly(start_listener: Callable[..., Listener]) -> None:
    listener = start_listener()
    assert listener.process.process is not None
    listener.process.process.send_signal(signal.SIGTERM)
    assert listener.process.process.wait(timeout=20) == 0
    assert "Stopped." in listener.process.log()


def test_a_port_already_taken_is_a_clear_error(
    start_listener: Callable[..., Listener], listener_env: dict[str, str]
) -> None:
    listener = start_listener()
    result = run_command(listener_env, "--port", str(listener.port))
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{listener.port}" in result.stderr


def test_without_reply_domain_the_listener_says_replies_are_off_and_exits_2(listener_env: dict[str, str]) -> None:
    result = run_command({**listener_env, "REPLY_DOMAIN": ""}, "--port", str(free_port()))
    assert result.returncode == 2
    assert result.stderr.strip() == "REPLY_DOMAIN is not set: replies are off, so no mail here is ours to receive."


def test_file_stores_every_eml_of_a_folder_and_a_message_from_stdin(
    listener_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "replies"
    folder.mkdir()
    (folder / "b.eml").write_bytes(reply(2))
    (folder / "a.eml").write_bytes(reply(1))
    (folder / "notes.txt").write_text("not a message")

    result = run_command(listener_env, "--file", str(folder))
    assert result.returncode == 0, result.stderr
    first, second = rows()
    assert result.stdout.splitlines() == [
        f"stored {folder}/a.eml as #{first.pk}",
        f"stored {folder}/b.eml as #{second.pk}",
    ]
    assert bytes(first.raw) == reply(1)
    assert (first.source, first.envelope_from, first.envelope_to) == ("file", "cio@id.example", [TO])

    again = run_command(listener_env, "--file", str(folder))
    assert again.returncode == 0
    assert again.stdout.splitlines()[0] == f"already stored {folder}/a.eml as #{first.pk}"
    assert len(rows()) == 2

    piped = run_command(listener_env, "--file", "-", stdin=reply(3))
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.strip() == f"stored stdin as #{rows()[-1].pk}"
    assert bytes(rows()[-1].raw) == reply(3)


def test_file_says_which_messages_were_not_stored_and_exits_non_zero(
    listener_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "replies"
    folder.mkdir()
    (folder / "1-ok.eml").write_bytes(reply(1))
    (folder / "2-big.eml").write_bytes(reply(2, body="z" * LIMIT))
    (folder / "3-empty.eml").write_bytes(b"")

    result = run_command(listener_env, "--file", str(folder))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"stored {folder}/1-ok.eml as #")
    assert lines[1:] == [
        f"refused (too large): {folder}/2-big.eml",
        f"could not read {folder}/3-empty.eml: it is empty",
    ]
    assert "2 of 3 messages were not stored" in result.stderr
    assert len(rows()) == 1

    missing = run_command(listener_env, "--file", str(tmp_path / "nowhere.eml"))
    assert missing.returncode == 1
    assert missing.stdout.startswith(f"could not read {tmp_path}/nowhere.eml: No such file or directory")
