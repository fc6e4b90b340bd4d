"""How fast does email in turn into updates? Issue 16's figures: a burst of 1,000 replies.

    .venv/bin/python bench/replies.py [--replies 1000] [--senders 4] [--workers 2] [--reseed]

Works on a copy of the national benchmark database (bench/plan_pages.py builds or reuses it;
`--reseed` rebuilds it), migrated to this code, with production settings. It picks `--replies`
open items, each with an owner who may post on it, and gives each its own reply address, as a
reminder would. Then, all real processes on 127.0.0.1:

1. the trivial view (GET /robots.txt, in this process) and a null SMTP server (aiosmtpd that
   answers 250 and keeps nothing), for scale: these machines are shared, so the ratios hold where
   absolute figures do not;
2. the listener (`manage.py receive_mail`) takes the burst from `--senders` SMTP clients at once,
   one connection each: messages per second stored (each committed before its 250);
3. a Celery worker (`--workers` processes, on a private Redis database) reads each stored message
   as production does (the listener's callback queues `notifications.read_inbound`): messages per
   second interpreted, and the time from receipt to the posted update (p50, p95, slowest).

Prints a table and exits 0 (the figures are the output); 1 if a reply was not posted, since then
the figures would describe a failure. Everything it starts is stopped on exit; the copy is dropped.
"""

from __future__ import annotations

import argparse
import os
import secrets
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import plan_pages
from plan_pages import HOST, PYTHON, REPO, admin_connection, database_url, free_port, percentile
from psycopg2 import sql

COPY = "jointplan_bench_replies"
REDIS_DB = 14  # a database of the local Redis of its own, flushed before and after
REPLY_DOMAIN = "reply.bench.localhost"
TIMEOUT_SECONDS = 600


def copy_database(source: str) -> None:
    """A fresh copy of the national data (CREATE DATABASE … TEMPLATE copies the files, in seconds)."""
    admin = admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(COPY)))
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(COPY), sql.Identifier(source))
            )
    finally:
        admin.close()


def drop_copy() -> None:
    admin = admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(COPY)))
    finally:
        admin.close()


def environment(*, secret_key: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": f"{HOST},testserver",  # testserver: the in-process client of the trivial view
        "SITE_URL": f"http://{HOST}:8000",
        "EMAIL_URL": "console://",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, as bench/plan_pages.py
        "DATABASE_URL": database_url(COPY),
        "REDIS_URL": f"redis://{HOST}:6379/{REDIS_DB}",
        "REPLY_DOMAIN": REPLY_DOMAIN,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def flush_redis() -> None:
    import redis

    redis.Redis(host=HOST, port=6379, db=REDIS_DB).flushdb()


def choose_replies(count: int) -> list[tuple[str, str, int]]:
    """(From, To, item id) for `count` replies: open items, each answered by an owner who may post
    on it, each through a reply address of its own (as `count` reminders would have made)."""
    from actionplan.models import Item
    from directory import permissions
    from notifications import mail_tokens

    chosen: list[tuple[str, str, int]] = []
    items = (
        Item.objects.filter(archived_at__isnull=True)
        .exclude(status="done")
        .exclude(side="joint")
        .select_related("plan", "cio_owner", "cpo_owner")
        .order_by("id")
    )
    for item in items.iterator(chunk_size=500):
        owner = item.cio_owner if item.side == "cio" else item.cpo_owner
        if owner is None or not owner.is_active or not permissions.acting_sides(owner, item):
            continue
        issued = mail_tokens.issue_reply_address(owner, [item])
        if issued is None:
            raise RuntimeError("REPLY_DOMAIN is not set: the reply addresses could not be made")
        chosen.append((owner.email, issued[1], item.pk))
        if len(chosen) == count:
            return chosen
    raise RuntimeError(f"only {len(chosen)} open items with an owner who may post; asked for {count}")


def message(sender: str, to: str, n: int) -> bytes:
    """A reply as a mail client writes it: the new line on top, the reminder quoted below."""
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = to
    reply["Subject"] = "Re: Joint Plan: 1 item needs you"
    reply["Message-ID"] = f"<bench-{n}-{secrets.token_hex(6)}@client.example.org>"
    reply["In-Reply-To"] = "<reminder@jointplan.localhost>"
    reply.set_content(
        f"At risk 40% the vendor demo slipped a week (bench reply {n})\n\n"
        "On Mon, Dec 1, 2026 at 9:00 AM Joint Plan <no-reply@jointplan.localhost> wrote:\n"
        "> Hello,\n> One item in your plan needs your attention.\n> - [I1] No update for a while\n"
    )
    return reply.as_bytes()


def send_burst(port: int, messages: list[tuple[str, str, bytes]], senders: int) -> tuple[float, list[str]]:
    """Send every message from `senders` clients at once, one SMTP connection each; the seconds
    from the first MAIL FROM to the last 250, and the refusals (there should be none)."""
    errors: list[str] = []
    shares = [messages[i::senders] for i in range(senders)]
    start = threading.Barrier(senders + 1)

    def send(share: list[tuple[str, str, bytes]]) -> None:
        with smtplib.SMTP(HOST, port, timeout=60) as client:
            start.wait()
            for sender, to, raw in share:
                try:
                    client.sendmail(sender, [to], raw)
                except smtplib.SMTPException as error:
                    errors.append(str(error))

    threads = [threading.Thread(target=send, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(TIMEOUT_SECONDS)
    return time.perf_counter() - started, errors


def null_sink_rate(messages: list[tuple[str, str, bytes]], senders: int) -> float:
    """Messages per second into an SMTP server that only says 250: the most SMTP here can carry."""
    from aiosmtpd.controller import Controller

    class Discard:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
            return "250 OK"

    port = free_port()
    controller = Controller(Discard(), hostname=HOST, port=port)
    controller.start()
    try:
        seconds, _ = send_burst(port, messages, senders)
    finally:
        controller.stop()
    return len(messages) / seconds


def trivial_rate(requests: int = 300) -> float:
    from django.test import Client

    client = Client()
    for _ in range(20):
        if client.get("/robots.txt").status_code != 200:
            raise RuntimeError("the trivial view did not answer 200")
    started = time.perf_counter()
    for _ in range(requests):
        client.get("/robots.txt")
    return requests / (time.perf_counter() - started)


def start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(argv, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the listener exited: {log.read_text()[-2000:]}")
        try:
            with smtplib.SMTP(HOST, port, timeout=2) as client:
                client.noop()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the listener did not start listening in 30 s")


def wait_until_read(count: int) -> None:
    from outbox.models import InboundEmail

    waiting = ("received", "processing")
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        left = InboundEmail.objects.filter(status__in=waiting).count()
        if left == 0 and InboundEmail.objects.count() >= count:
            return
        time.sleep(0.25)
    raise RuntimeError(f"{left} messages still unread after {TIMEOUT_SECONDS} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=4, help="SMTP clients sending at once (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (default 2)")
    parser.add_argument("--reseed", action="store_true", help="rebuild the national data first")
    parser.add_argument("--database", default=plan_pages.DEFAULT_DATABASE)
    args = parser.parse_args(argv)

    plan_pages.prepare_database(args.database, reseed=args.reseed)
    print(f"Copying {args.database} to {COPY}")
    copy_database(args.database)
    env = environment(secret_key=secrets.token_urlsafe(50))
    work = Path(tempfile.mkdtemp(prefix="jointplan-bench-replies-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        subprocess.run([str(PYTHON), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)
        os.environ.update(env)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        from django.db.models import Max, Min

        from actionplan.models import Update, Via
        from outbox.models import InboundEmail

        flush_redis()
        replies = choose_replies(args.replies)
        messages = [(sender, to, message(sender, to, n)) for n, (sender, to, _) in enumerate(replies)]
        print(f"{len(messages)} replies to {len(replies)} items, from {len({s for s, _, _ in replies})} owners")

        trivial = trivial_rate()
        null_rate = null_sink_rate(messages[:200], args.senders)

        port = free_port()
        listener_log, worker_log = work / "listener.log", work / "worker.log"
        processes.append(
            start([str(PYTHON), "manage.py", "receive_mail", "--host", HOST, "--port", str(port)], env, listener_log)
        )
        wait_for_port(port, processes[-1], listener_log)
        celery = str(REPO / ".venv" / "bin" / "celery")
        processes.append(
            start(
                [celery, "-A", "config", "worker", "-c", str(args.workers), "--without-mingle", "--without-gossip",
                 "-l", "WARNING", "-n", f"bench-{secrets.token_hex(3)}@%h"],
                env,
                worker_log,
            )
        )  # fmt: skip
        time.sleep(3)  # the worker's processes start while the burst begins; they are not timed apart
        stored_seconds, refused = send_burst(port, messages, args.senders)
        wait_until_read(len(messages))

        rows = InboundEmail.objects.all()
        window = rows.aggregate(first=Min("received_at"), last_stored=Max("received_at"), last_read=Max("processed_at"))
        statuses: dict[str, int] = {}
        for status in rows.values_list("status", flat=True):
            statuses[status] = statuses.get(status, 0) + 1
        received = {row.message_id: row.received_at for row in rows.only("message_id", "received_at")}
        posted = Update.objects.filter(via=Via.EMAIL)
        lags = []
        for update in posted.only("created_at", "narrative"):
            n = int(update.narrative.rsplit("bench reply ", 1)[1].rstrip(")"))
            mid = next(key for key in received if key.startswith(f"<bench-{n}-"))
            lags.append((update.created_at - received[mid]).total_seconds() * 1000)
        read_seconds = (window["last_read"] - window["first"]).total_seconds()
        store_rate = len(messages) / stored_seconds
        read_rate = len(messages) / read_seconds
        lines = [
            f"{len(messages)} replies from {args.senders} SMTP clients at once; {args.workers} worker processes",
            "",
            f"{'what':<52}{'per second':>12}{'vs trivial':>12}",
            "-" * 76,
            f"{'trivial view GET /robots.txt (in-process)':<52}{trivial:>12.1f}{'100%':>12}",
            f"{'null SMTP server (answers 250, keeps nothing)':<52}{null_rate:>12.1f}{null_rate / trivial:>12.0%}",
            f"{'listener: stored, each committed before its 250':<52}{store_rate:>12.1f}{store_rate / trivial:>12.0%}",
            f"{'worker: read and posted (first receipt to last read)':<52}{read_rate:>12.1f}{read_rate / trivial:>12.0%}",
            "",
            f"receipt to posted update, ms: p50 {percentile(lags, 0.5):.0f}, p95 {percentile(lags, 0.95):.0f}, "
            f"slowest {max(lags, default=float('nan')):.0f} (mean {statistics.fmean(lags) if lags else float('nan'):.0f})",
            f"outcomes: {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}; refused at SMTP: {len(refused)}",
        ]
        print("\n".join(lines))
        plan_pages.save(lines, name="replies")
        return 0 if len(lags) == len(messages) and not refused else 1
    finally:
        for process in processes:
            plan_pages.stop_process_group(process)
        try:
            flush_redis()
        finally:
            drop_copy()


if __name__ == "__main__":
    sys.exit(main())
