"""The real processes the integration tests run on loopback: a private Redis, an SMTP sink and Celery
workers (and beats). Each is started on a free port, waited for with a deadline, and stopped for sure.

Kept apart from conftest.py so the tests can name these types in their annotations.
"""

from __future__ import annotations

import collections
import email
import email.message
import email.policy
import logging
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

import redis
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import connection, transaction

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = REPO_ROOT / ".venv" / "bin"
CELERY = str(VENV_BIN / "celery")
PYTHON = str(VENV_BIN / "python")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stays_false(check: Callable[[], object], *, seconds: float, interval: float = 0.2) -> bool:
    """True if `check` stayed falsy for the whole `seconds` (for "the second beat never gets in")."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return False
        time.sleep(interval)
    return not check()


def wait_until[T](check: Callable[[], T], *, what: str, timeout: float = 30.0, interval: float = 0.2) -> T:
    """Poll `check` until it returns something truthy, and return that; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def _stop_process(process: subprocess.Popen[bytes], *, group: bool, grace: float = 10.0) -> None:
    """SIGTERM (to the whole process group when `group`), then SIGKILL if it does not go in time."""
    if process.poll() is not None:
        return
    send = (lambda sig: os.killpg(process.pid, sig)) if group else process.send_signal
    try:
        send(signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait(timeout=grace)
    except ProcessLookupError:
        process.wait(timeout=grace)


# --- Redis ----------------------------------------------------------------------------------------


class RedisServer:
    """A private redis-server with no persistence; it can be stopped and started again on its port."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)

    def ping(self) -> bool:
        client = self.client()
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    @property
    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        assert not self.is_running, "this Redis is already running"
        self._log = (self.directory / "redis.log").open("ab")
        self._process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.directory), "--daemonize", "no"],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self.directory,
        )
        wait_until(self.ping, what=f"redis-server on port {self.port}", timeout=10)

    def stop(self) -> None:
        """Stop it the way an outage does: the port refuses connections until start()."""
        if self._process is not None:
            _stop_process(self._process, group=False, grace=5)
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None


# --- SMTP sink ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    """One message the sink said 250 to."""

    message_id: str
    to: tuple[str, ...]
    subject: str
    headers: dict[str, str]
    raw: bytes  # as it came over the wire, for what parsing would hide (folding, encoded words)
    mail_options: tuple[str, ...]  # what MAIL FROM declared, e.g. BODY=8BITMIME
    mail_from: str = ""  # the envelope sender, which becomes the delivered message's Return-Path

    def parsed(self) -> email.message.EmailMessage:
        message = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        return message


class SinkHandler:
    """aiosmtpd handler whose answers the test chooses.

    mode: "accept", "rcpt451" / "data451" (temporary failure) or "rcpt550" / "data550" (permanent).
    `refuse` maps an address to the stage ("rcpt" or "data") at which it is answered 550 whatever
    the mode; `recipients` lists every RCPT TO the sink was offered. A message is committed as soon
    as the sink has the whole DATA; `on_accept(count)` then runs before the sink says 250: the
    window in which a client that dies leaves a message delivered but not known to be.
    """

    def __init__(self) -> None:
        self.mode = "accept"
        self.refuse: dict[str, str] = {}
        self.on_accept: Callable[[int], None] | None = None
        self.lock = threading.Lock()
        self.accepted: list[Accepted] = []
        self.recipients: list[str] = []

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        with self.lock:
            self.recipients.append(address)
        if self.refuse.get(address.lower()) == "rcpt" or self.mode == "rcpt550":
            return "550 5.1.1 Mailbox does not exist"
        if self.mode == "rcpt451":
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        message_id = str(parsed.get("Message-ID", "")).strip()
        refused = any(self.refuse.get(address.lower()) == "data" for address in envelope.rcpt_tos)
        if refused or self.mode in ("data451", "data550"):
            if self.mode == "data451" and not refused:
                return "451 4.3.0 Queue full, try again later"
            return "550 5.7.1 Message refused as spam"
        accepted = Accepted(
            message_id=message_id,
            to=tuple(envelope.rcpt_tos),
            subject=str(parsed.get("Subject", "")),
            headers={key: str(value) for key, value in parsed.items()},
            raw=raw,
            mail_options=tuple(envelope.mail_options),
            mail_from=envelope.mail_from or "",
        )
        with self.lock:
            self.accepted.append(accepted)
            count = len(self.accepted)
        if self.on_accept is not None:
            self.on_accept(count)
        return "250 2.0.0 Message accepted for delivery"


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that records what it accepts, keyed by Message-ID."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.handler = SinkHandler()
        self._controller: Controller | None = None

    def start(self) -> None:
        """Listen (again) on the sink's port."""
        assert self._controller is None, "the sink is already listening"
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
        controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Stop listening: connections to the port are refused until start()."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def answer(self, mode: str) -> None:
        assert mode in {"accept", "rcpt451", "data451", "rcpt550", "data550"}
        self.handler.mode = mode

    @property
    def accepted(self) -> list[Accepted]:
        with self.handler.lock:
            return list(self.handler.accepted)

    def offered(self, address: str) -> int:
        """How many times a client offered this recipient (RCPT TO), accepted or not."""
        with self.handler.lock:
            return sum(1 for rcpt in self.handler.recipients if rcpt.lower() == address.lower())

    def count(self) -> int:
        with self.handler.lock:
            return len(self.handler.accepted)

    def by_message_id(self) -> collections.Counter[str]:
        """How many times the sink accepted each Message-ID."""
        return collections.Counter(message.message_id for message in self.accepted)


# --- Celery processes -------------------------------------------------------------------------------


def database_url() -> str:
    """The URL of the database this test uses (pytest-django's test database), for subprocesses."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def process_env(*, redis_url: str, email_url: str, site_url: str) -> dict[str, str]:
    """Environment for a worker, beat or manage.py: the test database, the private Redis, the sink."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "DJANGO_ALLOW"))}
    env.update(
        DEBUG="1",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url,
        EMAIL_URL=email_url,
        SITE_URL=site_url,
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@dataclass
class LoggedProcess:
    """A subprocess in its own process group whose output goes to a log file we can read."""

    argv: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None
    _offset: int = 0

    def spawn(self) -> None:
        assert not self.is_running, f"{self.argv[:4]} is already running"
        self._log = self.log_path.open("ab")
        self._offset = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            self.argv,
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group: SIGKILL reaches the pool children too
        )

    @property
    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        """What the process wrote since it was last started."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_bytes()[self._offset :].decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as an OOM kill or a lost host does."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._close()

    def stop(self) -> None:
        if self.process is not None:
            _stop_process(self.process, group=True)
        self._close()

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


class Worker(LoggedProcess):
    """`celery -A config worker` with one prefork child, as production runs it (more hosts, same Redis)."""

    @classmethod
    def create(cls, *, name: str, env: dict[str, str], directory: Path) -> Worker:
        argv = [CELERY, "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "1", "--pool", "prefork"]
        return cls(argv=[*argv, "-n", f"{name}@%h"], env=env, log_path=directory / f"worker-{name}.log")

    def start(self, *, timeout: float = 45) -> None:
        self.spawn()
        wait_until(self._ready, what=f"the worker to be ready (log: {self.log_path})", timeout=timeout)

    def task_results(self, name: str) -> list[str]:
        """What each finished run of task `name` returned, as the worker logged it."""
        pattern = re.compile(rf"Task {re.escape(name)}\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: (.*)$", re.MULTILINE)
        return pattern.findall(self.log())

    def is_idle(self) -> bool:
        """Every task this worker received has finished (succeeded or raised)."""
        log = self.log()
        finished = len(re.findall(r"\] (?:succeeded in|raised unexpected|retry:)", log))
        return log.count("] received") == finished

    def _ready(self) -> bool:
        if not self.is_running:
            raise AssertionError(f"the worker exited during start-up:\n{self.log()[-3000:]}")
        return " ready." in self.log()


class Beat(LoggedProcess):
    """`celery -A config beat` with RedBeat, polling for the lock every second instead of every 5 minutes."""

    @classmethod
    def create(cls, *, name: str, env: dict[str, str], directory: Path) -> Beat:
        argv = [CELERY, "-A", "config", "beat", "-S", "redbeat.RedBeatScheduler", "--loglevel", "INFO"]
        return cls(argv=[*argv, "--max-interval", "1"], env=env, log_path=directory / f"beat-{name}.log")


def manage(*args: str, env: dict[str, str], log_path: Path) -> LoggedProcess:
    """Start `manage.py <args>` in the background; the caller waits for it."""
    process = LoggedProcess(argv=[PYTHON, "manage.py", *args], env=env, log_path=log_path)
    process.spawn()
    return process


def finish(process: LoggedProcess, *, timeout: float = 60) -> int:
    """Wait for a command started with manage(); its exit code."""
    assert process.process is not None
    try:
        code = process.process.wait(timeout=timeout)
    finally:
        process.stop()
    return code


# --- Database barriers ----------------------------------------------------------------------------


def blocked_backends() -> int:
    """How many other sessions on this database wait for a lock right now.

    pg_locks is live; pg_stat_activity is snapshotted per transaction, hence the clear first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database() AND l.pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


@contextmanager
def table_barrier(table: str, *, waiters: int, timeout: float = 45) -> Iterator[None]:
    """Hold a SHARE lock on `table` (reads pass, writes wait) until `waiters` other sessions are
    stuck behind it or behind each other: proof that they reached the critical section together.
    The lock is released when the block ends."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE MODE")  # noqa: S608
        yield
        wait_until(
            lambda: blocked_backends() >= waiters, what=f"{waiters} sessions blocked on {table}", timeout=timeout
        )
