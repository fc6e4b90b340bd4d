"""Fixtures for the integration tests: a private Redis, an SMTP sink and real Celery workers, all on
loopback, all bounded in time and all stopped at teardown.

The worker is a separate process, so it sees only committed rows: these tests use pytest-django's
`transactional_db` (every write commits) and give the worker the test database's URL. The shared
system Redis is never touched: each test starts its own redis-server on a free port.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from pytest_django.fixtures import Settings

from config.celery import app as celery_app
from tests import factories
from tests.factories import State
from tests.integration.harness import (
    LoggedProcess,
    RedisServer,
    SmtpSink,
    Worker,
    free_port,
    manage,
    process_env,
    wait_until,
)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A private redis-server (no persistence) on a free port; stop()/start() keep the port."""
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """An SMTP server on 127.0.0.1 that records every accepted message by Message-ID."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


def _forget_broker_connections() -> None:
    # Celery keeps a pool of broker connections made from the broker URL it saw first; drop it so
    # the next publish connects to the URL configured now.
    pool = celery_app._pool
    if pool is not None:
        pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_server: RedisServer, settings: Settings) -> Iterator[RedisServer]:
    """This test process publishes tasks to the private Redis (not in-process, not the system Redis)."""
    saved = {name: celery_app.conf[name] for name in ("broker_url", "task_always_eager")}
    settings.REDIS_URL = redis_server.url
    settings.CELERY_BROKER_URL = redis_server.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.broker_url = redis_server.url
    celery_app.conf.task_always_eager = False
    _forget_broker_connections()
    yield redis_server
    celery_app.conf.update(saved)
    _forget_broker_connections()


@pytest.fixture
def worker_env(transactional_db: None, redis_server: RedisServer, smtp_sink: SmtpSink) -> dict[str, str]:
    """Environment for subprocesses: the test database, the private Redis and the sink."""
    return process_env(redis_url=redis_server.url, email_url=smtp_sink.url, site_url=django_settings.SITE_URL)


@pytest.fixture
def start_worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[[str], Worker]]:
    """Start more workers by name (each a real `celery worker` process); all stopped at teardown."""
    workers: list[Worker] = []

    def start(name: str) -> Worker:
        worker = Worker.create(name=name, env=worker_env, directory=tmp_path)
        workers.append(worker)
        worker.start()
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def manage_py(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., LoggedProcess]]:
    """Start `manage.py <args>` in the background (wait with harness.finish); stopped at teardown
    whatever happened, so no command outlives its test or holds the test database."""
    started: list[LoggedProcess] = []

    def start(*args: str, name: str) -> LoggedProcess:
        process = manage(*args, env=worker_env, log_path=tmp_path / f"{name}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def celery_worker(start_worker: Callable[[str], Worker]) -> Worker:
    """One real worker, ready; a test may kill() it with SIGKILL and start() it again."""
    return start_worker("it")


@pytest.fixture
def idaho(transactional_db: None) -> State:
    """Idaho's CIO, CPO, a CIO delegate and a viewer (cio@id.example, ...) and a plan adopted from the
    national framework by its CIO, as committed rows. The plan is for the fiscal year after next, so
    none of its items is due, overdue or stale whenever the suite runs: the only reminders are the
    ones a test causes."""
    factories.load_reference()
    people = factories.idaho_people()
    return State(plan=factories.adopt_plan(people["cio"], fiscal_year=timezone.now().year + 2), **people)


# --- The inbound mail listener (manage.py receive_mail) -------------------------------------------

REPLY_DOMAIN = "reply.example.org"


class Listener:
    """One `manage.py receive_mail` process and the port it listens on."""

    def __init__(self, process: LoggedProcess, port: int) -> None:
        self.process, self.port = process, port

    def smtp(self) -> smtplib.SMTP:
        client = smtplib.SMTP("127.0.0.1", self.port, timeout=15)
        client.ehlo("mail.id.example")
        return client

    def lmtp(self) -> smtplib.LMTP:
        client = smtplib.LMTP("127.0.0.1", self.port, timeout=15)
        client.ehlo("mail.id.example")  # smtplib's LMTP sends LHLO for it
        return client


@pytest.fixture
def replies_on(settings: Settings, worker_env: dict[str, str]) -> str:
    """Replies on (REPLY_DOMAIN set) in this process and in every process a test starts after it;
    the reply domain."""
    settings.REPLY_DOMAIN = REPLY_DOMAIN
    worker_env["REPLY_DOMAIN"] = REPLY_DOMAIN
    return REPLY_DOMAIN


@pytest.fixture
def listener_env(worker_env: dict[str, str]) -> dict[str, str]:
    """The test database's environment with replies on (a module may narrow it further)."""
    return {**worker_env, "REPLY_DOMAIN": REPLY_DOMAIN}


@pytest.fixture
def start_listener(listener_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., Listener]]:
    """Start listeners (each on a free port, ready when it says so); all stopped at teardown."""
    started: list[LoggedProcess] = []

    def start(*args: str, port: int | None = None) -> Listener:
        port = port or free_port()
        log = tmp_path / f"listener-{len(started)}.log"
        process = manage("receive_mail", "--port", str(port), *args, env=listener_env, log_path=log)
        started.append(process)
        wait_until(
            lambda: "Receiving mail" in process.log() or not process.is_running,
            what="the listener to listen",
            timeout=60,
        )
        assert process.is_running, process.log()
        return Listener(process, port)

    yield start
    for process in started:
        process.stop()
