"""`manage.py receive_mail`: the inbound mail listener (SMTP, or LMTP behind a Postfix), and
`--file` to feed saved messages (a .eml, a folder of them, or stdin) through the same door.

Every message is stored by `outbox.inbound.store` before the sender hears "250": the row is
committed when the answer goes out, so a crash after it loses nothing, and a database that is down
gets "451" (the sending server keeps the message and tries again), never a 250 for mail we do not
have. What a message means is read later, by whoever `outbox.inbound.on_stored` tells.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections

from outbox import inbound
from outbox.models import InboundEmail

logger = logging.getLogger(__name__)

# Messages stored at once: each storing thread holds one database connection.
STORE_THREADS = 4
# How long a SIGTERM waits for messages being stored to be answered before the process ends.
DRAIN_SECONDS = 5.0
# RFC 5321 allows 1,000 characters a line; some mail clients send longer lines of HTML anyway, and
# refusing an official's reply over that helps nobody (Postfix in front would pass them on too).
LINE_LENGTH_LIMIT = 64 * 1024
REPLIES_OFF = "REPLY_DOMAIN is not set: replies are off, so no mail here is ours to receive."


class Command(BaseCommand):
    help = (
        "Receive replies and bounces by SMTP (or LMTP with --lmtp) for addresses at REPLY_DOMAIN and store "
        "each before answering; or store saved messages with --file PATH (a .eml, a folder of them, or - for stdin)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help="Port to listen on (default: INBOUND_PORT from the environment, else 2525).",
        )
        parser.add_argument(
            "--lmtp", action="store_true", help="Speak LMTP (for a Postfix that hands mail over) instead of SMTP."
        )
        parser.add_argument(
            "--file",
            metavar="PATH",
            help="Store the message in PATH (a .eml file), every *.eml in a folder, or - for one from stdin; then exit.",
        )

    def handle(self, *args: Any, host: str, port: int | None, lmtp: bool, file: str | None, **options: Any) -> None:
        if file is not None:
            self.store_files(file)
            return
        if not settings.REPLY_DOMAIN:
            # Without it nothing tells our mail from anyone else's: better not to listen at all.
            self.stderr.write(REPLIES_OFF)
            sys.exit(2)
        if port is None:
            port = _port_from_environment()
        if not 0 < port < 65536:
            raise CommandError(f"--port: {port} is not a TCP port (1 to 65535)")
        # aiosmtpd logs every sender and recipient at INFO; our own line per message is enough.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        try:
            asyncio.run(self.serve(host=host, port=port, lmtp=lmtp))
        except OSError as error:  # the port is taken, or the address is not this host's
            raise CommandError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error

    async def serve(self, *, host: str, port: int, lmtp: bool) -> None:
        """Listen until SIGTERM or SIGINT, then stop taking connections and let the messages being
        stored be answered (a message cut off before its answer is sent again by its sender)."""
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="store")
        handler = Handler(executor=executor, source=InboundEmail.Source.LMTP if lmtp else InboundEmail.Source.SMTP)
        protocol = LenientLMTP if lmtp else LenientSMTP

        def session() -> SMTP:
            return protocol(
                handler,
                data_size_limit=settings.INBOUND_MAX_BYTES,
                enable_SMTPUTF8=True,
                hostname=settings.REPLY_DOMAIN,  # not socket.getfqdn(), which can hang on a container's DNS
                ident="Joint Plan",
                loop=loop,
            )

        server = await loop.create_server(session, host=host, port=port)
        name = "LMTP" if lmtp else "SMTP"
        self.stdout.write(f"Receiving mail for @{settings.REPLY_DOMAIN} by {name} on {host}:{port}.")
        self.stdout.flush()
        await stop.wait()
        server.close()
        await handler.drain(DRAIN_SECONDS)
        executor.shutdown(wait=False, cancel_futures=True)
        self.stdout.write("Stopped.")

    def store_files(self, path: str) -> None:
        """Store each message of --file, one line per message; a non-zero exit if any was not stored."""
        if not settings.REPLY_DOMAIN:
            self.stderr.write(
                "Note: REPLY_DOMAIN is not set, so replies are off: these messages are stored, but none will match a reply address."
            )
        limit = settings.INBOUND_MAX_BYTES
        if path == "-":
            sources: list[tuple[str, Path | None]] = [("stdin", None)]
        else:
            folder = Path(path)
            if folder.is_dir():
                sources = [(str(p), p) for p in sorted(folder.glob("*.eml")) if p.is_file()]
                if not sources:
                    raise CommandError(f"{path}: there is no .eml file in this folder")
            else:
                sources = [(path, folder)]
        failed = 0
        for name, source in sources:
            try:
                raw = sys.stdin.buffer.read(limit + 1) if source is None else _read(source, limit)
            except OSError as error:
                self.stdout.write(f"could not read {name}: {error.strerror or error}")
                failed += 1
                continue
            if not raw.strip():
                self.stdout.write(f"could not read {name}: it is empty")
                failed += 1
                continue
            envelope_from, envelope_to = inbound.header_envelope(raw)
            answer = store(raw, source=InboundEmail.Source.FILE, envelope_from=envelope_from, envelope_to=envelope_to)
            if answer.stored_id is None:
                failed += 1
            self.stdout.write(f"{answer.line} {name}" + (f" as #{answer.stored_id}" if answer.stored_id else ""))
        if failed:
            raise CommandError(f"{failed} of {len(sources)} messages were not stored")


@dataclass(frozen=True)
class Answer:
    """What storing one message came to: the SMTP reply, words for the --file listing, the row's id."""

    smtp: str
    line: str
    stored_id: int | None = None


def store(raw: bytes, *, source: str, envelope_from: str, envelope_to: list[str]) -> Answer:
    """Store one message and say how it went, in SMTP and in words; never raises."""
    try:
        stored = inbound.store(raw, source=source, envelope_from=envelope_from, envelope_to=envelope_to)
    except inbound.TooLarge:
        logger.info("refused a message of %d bytes (%s): over INBOUND_MAX_BYTES", len(raw), source)
        return Answer("552 message too large", "refused (too large):")
    except DatabaseError as error:
        logger.warning("could not store a message of %d bytes (%s): %s", len(raw), source, error)
        return Answer("451 try again later", "could not store (database error, try again):")
    except Exception:  # a bug must not become a permanent refusal: the sender will try again
        logger.exception("could not store a message of %d bytes (%s)", len(raw), source)
        return Answer("451 try again later", "could not store (unexpected error, try again):")
    row = stored.row
    if stored.created:
        logger.info("stored inbound #%s (%d bytes, %s, %d recipients)", row.pk, len(raw), source, len(envelope_to))
        return Answer("250 stored", "stored", row.pk)
    logger.info("inbound #%s received again (%d bytes, %s): already stored", row.pk, len(raw), source)
    return Answer("250 stored", "already stored", row.pk)


def store_in_thread(raw: bytes, *, source: str, envelope_from: str, envelope_to: list[str]) -> Answer:
    """`store` in one of the listener's threads, on a database connection that is fresh enough:
    after PostgreSQL restarts, the next message connects again instead of failing on the dead one."""
    close_old_connections()
    try:
        return store(raw, source=source, envelope_from=envelope_from, envelope_to=envelope_to)
    finally:
        close_old_connections()


class LenientSMTP(SMTP):
    line_length_limit = LINE_LENGTH_LIMIT  # read in __init__, hence a class attribute


class LenientLMTP(LMTP):
    line_length_limit = LINE_LENGTH_LIMIT


class Handler:
    """aiosmtpd's hooks: recipients at REPLY_DOMAIN only, and DATA answered once the row is stored."""

    def __init__(self, *, executor: concurrent.futures.Executor, source: str) -> None:
        self.executor = executor
        self.source = source
        self.storing: set[asyncio.Future[Answer]] = set()

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if not is_ours(address):
            return "550 no such mailbox here"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        sender = "" if envelope.mail_from in (None, "<>") else envelope.mail_from  # a bounce's null sender
        job = functools.partial(
            store_in_thread, raw, source=self.source, envelope_from=sender, envelope_to=list(envelope.rcpt_tos)
        )
        future = asyncio.get_running_loop().run_in_executor(self.executor, job)
        self.storing.add(future)
        try:
            answer = await future
        finally:
            self.storing.discard(future)
        if isinstance(server, LMTP):
            # LMTP answers DATA once per recipient (RFC 2033): one stored message serves them all.
            return "\r\n".join([answer.smtp] * len(envelope.rcpt_tos))
        return answer.smtp

    async def drain(self, timeout: float) -> None:
        """Wait (a while) for the messages being stored now: their senders are waiting for the answer."""
        if self.storing:
            await asyncio.wait(set(self.storing), timeout=timeout)


def is_ours(address: str) -> bool:
    """An address at REPLY_DOMAIN (update+..., bounce+..., any local part), whatever its case."""
    _, at, domain = address.rpartition("@")
    return bool(at) and domain.strip().rstrip(".").lower() == settings.REPLY_DOMAIN


def _port_from_environment() -> int:
    value = os.environ.get("INBOUND_PORT", "").strip() or "2525"
    try:
        return int(value)
    except ValueError:
        raise CommandError(f"INBOUND_PORT: {value!r} is not a port number") from None


def _read(path: Path, limit: int) -> bytes:
    """At most limit + 1 bytes: enough to tell a message over the limit without reading all of it."""
    with path.open("rb") as handle:
        return handle.read(limit + 1)
