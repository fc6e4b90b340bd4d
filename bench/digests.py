"""How fast do digests go out, and how fast is the reminder scan? Issue 4's figures.

    .venv/bin/python bench/digests.py [--recipients 10000] [--reseed]

1. National data: reuses (or builds) the plan benchmark's database, then copies it into its own
   database (jointplan_digest_bench) and adds --recipients people (viewers spread over the 56
   jurisdictions, each with a digest due now) to an empty outbox, so every run starts from the
   same state.
2. Digests: first composed into the outbox in one process (`services.queue_digests`, timed on
   its own), then delivered by ONE real Celery worker (solo pool, production settings, a private
   redis-server as broker); the run ends when every row is sent. Delivery digests/s is the
   figure compared with the floor (both send the same number of messages over one SMTP
   connection at a time); composition and end-to-end rates are printed beside it, with the
   worker's peak memory (VmHWM from /proc).
3. Floor: the same number of minimal messages sent with smtplib over ONE connection to a local
   SMTP sink (aiosmtpd, in this process): what the sink and the machine can take at best.
   Measured just before delivery and again just after, and compared as their mean: on a shared
   machine, a floor taken minutes apart from delivery (composition takes minutes) measured the
   load of the moment as much as the code.
4. Reminder scan: `notifications.services.pending_reminders` over the national data, in-process,
   20 times after warm-up: p50 and p95.

Targets (issue 4): delivery at least 70% of the floor; worker peak memory under 250 MB; the
reminder scan under 200 ms. Exits 0 either way: the figures are the output. Talks only to
127.0.0.1 and stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import psycopg2
from aiosmtpd.controller import Controller
from psycopg2 import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan_pages import (  # noqa: E402 - the sibling module, importable once bench/ is on the path
    DEFAULT_DATABASE,
    HOST,
    PG_PORT,
    PG_USER,
    PYTHON,
    REPO,
    admin_connection,
    database_url,
    free_port,
    prepare_database,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")  # for the `python -c` helpers below

DIGEST_DATABASE = "jointplan_digest_bench"
CELERY = REPO / ".venv" / "bin" / "celery"
DEADLINE_SECONDS = 900  # no phase may run longer than this
FLOOR_TARGET = 0.70
MEMORY_TARGET_MB = 250
SCAN_TARGET_MS = 200


class CountingHandler:
    """Accepts every message and counts it (and distinct Message-IDs)."""

    def __init__(self) -> None:
        self.count = 0
        self.message_ids: set[str] = set()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's name
        content: bytes = envelope.content  # type: ignore[attr-defined]
        message_id = ""
        for line in content.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode()
        with self.lock:
            self.count += 1
            self.message_ids.add(message_id)
        return "250 OK"


def copy_database(recipients: int) -> None:
    """A fresh copy of the national data, plus `recipients` people whose digest is due now."""
    admin = admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DIGEST_DATABASE)))
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(DIGEST_DATABASE), sql.Identifier(DEFAULT_DATABASE)
                )
            )
    finally:
        admin.close()
    script = f"""
import datetime, django
django.setup()
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from directory.models import Jurisdiction, Membership, User
from notifications.models import Preference
from outbox.models import OutgoingEmail
now = timezone.now()
places = list(Jurisdiction.objects.order_by("code"))
password = make_password(None)
with transaction.atomic():
    # An empty outbox: mail the seed queued (event invitations) is not what is measured.
    OutgoingEmail.objects.all().delete()
    users = User.objects.bulk_create([
        User(email=f"reader{{n}}@bench.example", full_name=f"Reader {{n}}", password=password, tz=places[n % len(places)].tz)
        for n in range({recipients})
    ], batch_size=2000)
    Membership.objects.bulk_create([
        Membership(user=u, jurisdiction=places[n % len(places)], role="viewer", started_on=datetime.date(2025, 1, 1))
        for n, u in enumerate(users)
    ], batch_size=2000)
    Preference.objects.bulk_create([Preference(user=u, next_digest_at=now - datetime.timedelta(minutes=1)) for u in users], batch_size=2000)
    # Everyone else's digest is not due during the run.
    Preference.objects.exclude(user__in=users).update(next_digest_at=now + datetime.timedelta(days=3))
print(len(users))
"""
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url(DIGEST_DATABASE)}
    env.pop("REDIS_URL", None)
    subprocess.run([str(PYTHON), "-c", script], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"Copied the national data into {DIGEST_DATABASE} and added {recipients:,} digest recipients")


def floor(port: int, count: int) -> float:
    """Minimal messages per second over one SMTP connection: the best the sink can take."""
    started = time.monotonic()
    with smtplib.SMTP(HOST, port, timeout=10) as client:
        for n in range(count):
            message = EmailMessage()
            message["From"] = "bench@jointplan.example"
            message["To"] = f"reader{n}@bench.example"
            message["Subject"] = "floor"
            message["Message-ID"] = f"<floor-{n}@bench>"
            message.set_content("x")
            client.send_message(message)
    return count / (time.monotonic() - started)


def start_redis(work: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("redis-server did not start")


def rows_by_status() -> dict[str, int]:
    connection = psycopg2.connect(host=HOST, port=PG_PORT, user=PG_USER, dbname=DIGEST_DATABASE)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT status, count(*) FROM notifications_outgoingemail GROUP BY status")
            return dict(cursor.fetchall())
    finally:
        connection.close()


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def production_env(**extra: str) -> dict[str, str]:
    """Production mode (DEBUG off: no query log growing in memory), against the digest database."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 60,
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": "https://jointplan.example.org",
        "EMAIL_URL": "console://",
        "DATABASE_URL": database_url(DIGEST_DATABASE),
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if "REDIS_URL" not in extra:
        env.pop("REDIS_URL", None)
    return env


def compose(expected: int) -> float:
    """Queue every due digest in one process, without delivering; returns the seconds it took."""
    script = "import django; django.setup(); from notifications import services; print(len(services.queue_digests()))"
    started = time.monotonic()
    out = subprocess.run(
        [str(PYTHON), "-c", script], cwd=REPO, env=production_env(), check=True, capture_output=True, text=True
    )
    seconds = time.monotonic() - started
    if int(out.stdout.split()[-1]) != expected:
        raise RuntimeError(f"composed {out.stdout.strip()} digests, expected {expected}")
    return seconds


def deliver_with_one_worker(smtp_port: int, work: Path, expected: int) -> dict[str, float]:
    """One solo-pool Celery worker (a private Redis as broker) delivers the queued digests."""
    redis_process, redis_port = start_redis(work)
    env = production_env(REDIS_URL=f"redis://{HOST}:{redis_port}/0", EMAIL_URL=f"smtp://{HOST}:{smtp_port}")
    log = (work / "worker.log").open("wb")
    worker = subprocess.Popen(
        [str(CELERY), "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING", "-n", "bench@%h"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    kick = "import django; django.setup(); from outbox import tasks; tasks.deliver_outbox.apply_async()"
    try:
        time.sleep(3)  # let the worker connect before the clock starts
        started = time.monotonic()
        subprocess.run([str(PYTHON), "-c", kick], cwd=REPO, env=env, check=True)
        deadline = started + DEADLINE_SECONDS
        last_progress, last_seen = time.monotonic(), None
        while time.monotonic() < deadline:
            counts = rows_by_status()
            if counts.get("sent", 0) + counts.get("failed", 0) >= expected:
                break
            if worker.poll() is not None:
                raise RuntimeError(f"the worker stopped; see {work / 'worker.log'}")
            snapshot = tuple(sorted(counts.items()))
            if snapshot != last_seen:
                last_seen, last_progress = snapshot, time.monotonic()
            elif time.monotonic() - last_progress > 3:
                # Each delivery task is time-bounded; the beat would start the next within a minute.
                subprocess.run([str(PYTHON), "-c", kick], cwd=REPO, env=env, check=True)
                last_progress = time.monotonic()
            time.sleep(0.2)
        finished = time.monotonic()
        counts = rows_by_status()
        return {
            "deliver_seconds": finished - started,
            "sent": counts.get("sent", 0),
            "failed": counts.get("failed", 0),
            "peak_mb": peak_memory_mb(worker.pid),
        }
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()
        redis_process.terminate()
        redis_process.wait(timeout=10)


def reminder_scan(runs: int = 20) -> list[float]:
    """Milliseconds per pending_reminders() over the national data, in this process."""
    script = f"""
import time, django
django.setup()
from django.utils import timezone
from notifications import services
now = timezone.now()
for _ in range(3):
    services.pending_reminders(now)
times = []
for _ in range({runs}):
    started = time.perf_counter()
    services.pending_reminders(now)
    times.append((time.perf_counter() - started) * 1000)
print(" ".join(f"{{t:.2f}}" for t in times))
"""
    env = {**os.environ, "DEBUG": "0", "DATABASE_URL": database_url(DEFAULT_DATABASE), "SECRET_KEY": "x" * 60,
           "ALLOWED_HOSTS": HOST, "SITE_URL": "https://jointplan.example.org", "EMAIL_URL": "console://"}  # fmt: skip
    env.pop("REDIS_URL", None)
    out = subprocess.run([str(PYTHON), "-c", script], cwd=REPO, env=env, check=True, capture_output=True, text=True)
    return [float(t) for t in out.stdout.split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=10_000, help="digest recipients to add (default 10000)")
    parser.add_argument("--reseed", action="store_true", help="rebuild the national data first")
    args = parser.parse_args(argv)
    if not 1 <= args.recipients <= 50_000:
        parser.error("--recipients: from 1 to 50000")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    work = Path(tempfile.mkdtemp(prefix="jointplan-digest-bench-"))
    prepare_database(DEFAULT_DATABASE, reseed=args.reseed)
    copy_database(args.recipients)
    handler = CountingHandler()
    controller = Controller(handler, hostname=HOST, port=free_port())
    controller.start()
    try:
        compose_seconds = compose(args.recipients)
        print(f"Composed {args.recipients:,} digests in {compose_seconds:.0f} s")
        floor_before = floor(controller.port, args.recipients)
        print(f"Floor: {floor_before:,.0f} minimal messages/s over one SMTP connection")
        handler.count, handler.message_ids = 0, set()
        result = deliver_with_one_worker(controller.port, work, args.recipients)
        accepted, distinct = handler.count, len(handler.message_ids)
        floor_after = floor(controller.port, args.recipients)
        print(f"Floor again: {floor_after:,.0f} minimal messages/s")
    finally:
        controller.stop()
    floor_rate = (floor_before + floor_after) / 2
    scan = reminder_scan()
    deliver_rate = result["sent"] / result["deliver_seconds"] if result["deliver_seconds"] else 0.0
    compose_rate = args.recipients / compose_seconds
    lines = [
        f"Recipients: {args.recipients:,} (plus the national data: 56 plans, 3,360 items, ~520,000 updates)",
        f"Sink accepted {accepted:,} messages with {distinct:,} distinct Message-IDs; "
        f"outbox: {result['sent']:,} sent, {result['failed']:,} failed",
        "",
        f"{'figure':<38}{'value':>14}",
        f"{'floor (minimal messages/s)':<38}{floor_rate:>14,.0f}",
        f"{'  before and after delivery':<38}{f'{floor_before:,.0f} / {floor_after:,.0f}':>14}",
        f"{'digests delivered/s (one worker)':<38}{deliver_rate:>14,.0f}",
        f"{'  as a share of the floor':<38}{deliver_rate / floor_rate:>14.0%}",
        f"{'digests composed/s (one process)':<38}{compose_rate:>14,.0f}",
        f"{'end to end digests/s':<38}{args.recipients / (compose_seconds + result['deliver_seconds']):>14,.0f}",
        f"{'worker peak memory (MB)':<38}{result['peak_mb']:>14,.0f}",
        f"{'reminder scan p50 (ms)':<38}{statistics.median(scan):>14.1f}",
        f"{'reminder scan p95 (ms)':<38}{sorted(scan)[int(len(scan) * 0.95) - 1]:>14.1f}",
        "",
        f"delivery >= {FLOOR_TARGET:.0%} of floor: {'PASS' if deliver_rate >= FLOOR_TARGET * floor_rate else '*** FAIL ***'}",
        f"worker peak memory < {MEMORY_TARGET_MB} MB: {'PASS' if result['peak_mb'] < MEMORY_TARGET_MB else '*** FAIL ***'}",
        f"reminder scan p95 < {SCAN_TARGET_MS} ms: {'PASS' if sorted(scan)[int(len(scan) * 0.95) - 1] < SCAN_TARGET_MS else '*** FAIL ***'}",
    ]
    print("\n".join(lines))
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"digests-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.txt").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
