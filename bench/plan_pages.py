"""How fast are the plan pages at national scale? Issue 3's figures, measured the same way every time.

    .venv/bin/python bench/plan_pages.py [--reseed] [--requests 300] [--concurrency 2]

Builds (or reuses) a dedicated PostgreSQL database with `seed_demo --scale national` (56 plans,
3,360 items, ~520,000 updates), serves the app with gunicorn (2 workers, production settings) on
a free loopback port, and measures each plan page against a trivial view in the same run: the
ratio of requests per second is what the issue's target is stated in, because it cancels out the
machine. Then it times the same views in-process (django.test.Client), where the p95 target is
stated. Prints a table and PASS/FAIL per target, and exits 0 either way: the figures are the output.

Everything it starts (gunicorn and its workers) is stopped on exit, error or Ctrl-C. Every request
loop is bounded, and it talks only to 127.0.0.1. bench/README.md explains the figures.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import http.client
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg2
import psycopg2.extensions
from full_inbox import DATA_DAYS
from psycopg2 import sql
from whitenoise.storage import CompressedManifestStaticFilesStorage

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"  # the only host this script ever talks to
PG_PORT = 5432
PG_USER = "postgres"
DEFAULT_DATABASE = "jointplan_bench"
SEEDED_MARK = "jointplan-bench national seed"

# The targets.
MIN_THROUGHPUT_RATIO = 0.10  # each page serves at least 10% of the trivial view's requests/s ...
MAX_IN_PROCESS_P95_MS = 50.0  # ... and answers in under 50 ms at the 95th percentile, in-process
# My updates is measured as a CIO whose inbox has entries in every section (bench/full_inbox.py, issue 13).
INBOX_PAGE = "my updates (inbox, every section full)"

REQUEST_TIMEOUT_SECONDS = 30
STARTUP_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10


@dataclass
class Page:
    """One page to measure. The trivial view is the baseline every other page is compared with."""

    name: str
    path: str
    trivial: bool = False
    reference: bool = False  # shown for context, no target
    who: str = "member"  # who asks: "member" (the subject's CIO), "inbox" (full_inbox's CIO), "staff", "anonymous"
    cold: bool = False  # in-process only, the national view's kept rendering dropped before each request
    skipped: str = ""  # why it was not measured, if it was not


@dataclass
class Timing:
    """What one page measured: latencies (ms) over HTTP and in-process, and throughput over HTTP."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[int | str, int] = field(default_factory=dict)
    seconds: float = 0.0
    in_process_ms: list[float] = field(default_factory=list)
    queries: int | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + sum(self.errors.values())

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: with 300 samples, p95 is the 285th fastest, a real observed value."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


# --- The database ------------------------------------------------------------------------------


def database_url(name: str) -> str:
    return f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{name}"


def fingerprint() -> str:
    """What the seeded data depends on: every migration and the code that loads and seeds data
    (bench/full_inbox.py's too).

    Stored on the database when seeding finishes. A change to any of these files (even an edit to
    a migration not yet released, which `migrate` would not notice) means the data is rebuilt.
    """
    digest = hashlib.sha256()
    files = sorted(REPO.glob("*/migrations/*.py")) + [
        REPO / "actionplan" / "demo.py",
        REPO / "roundtables" / "demo.py",
        REPO / "roundtables" / "reference.py",
        REPO / "library" / "reference.py",
        REPO / "directory" / "reference.py",
        REPO / "bench" / "full_inbox.py",
    ]
    for path in files:
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{SEEDED_MARK} {digest.hexdigest()[:16]}"


def admin_connection() -> psycopg2.extensions.connection:
    connection = psycopg2.connect(host=HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    return connection


def prepare_database(name: str, *, reseed: bool) -> None:
    """Reuse the benchmark database if it holds the national data seeded by this code in the last
    DATA_DAYS days; else build it.

    Building: create the database, migrate, load the reference data, seed_demo --scale national
    (DEBUG=1, for seeding only), fill the measured inbox (bench/full_inbox.py), VACUUM ANALYZE so
    the planner knows the tables' real sizes, and finally mark the database with the fingerprint
    and the day it was seeded. An interrupted build has no mark, so the next run starts it again
    from scratch. The data is dated from the moment it was seeded (updates, comments, due dates
    near today); after DATA_DAYS the inbox's comments and due dates have moved on, so it is rebuilt.
    """
    wanted = fingerprint()
    today = datetime.datetime.now(tz=datetime.UTC).date()
    identifier = sql.Identifier(name)
    admin = admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
            row = cursor.fetchone()
            mark = (row[0] or "") if row is not None else ""
            seeded = re.fullmatch(re.escape(wanted) + r" seeded (\d{4}-\d{2}-\d{2})", mark)
            age = (today - datetime.date.fromisoformat(seeded[1])).days if seeded else None
            if age is not None and age <= DATA_DAYS and not reseed:
                print(
                    f"Reusing the national data in {name}, seeded {seeded[1] if seeded else ''} (--reseed rebuilds it)"
                )
                return
            if row is not None:
                reason = (
                    "--reseed"
                    if reseed
                    else "no mark of a finished seed: interrupted, or seeded by an older version"
                    if not mark.startswith(SEEDED_MARK)
                    else "migrations or seed code changed since it was seeded"
                    if age is None
                    else f"seeded {age} days ago: its recent comments and near due dates have aged"
                )
                print(f"Dropping database {name} ({reason})")
                cursor.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(identifier))
            print(f"Creating database {name}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    finally:
        admin.close()

    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url(name)}
    env.pop("REDIS_URL", None)
    print("Seeding national data (a few minutes; progress below)")
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("load_reference", env=env)
    manage("seed_demo", "--scale", "national", env=env)
    started = time.monotonic()
    subprocess.run([str(PYTHON), str(REPO / "bench" / "full_inbox.py")], cwd=REPO, env=env, check=True)
    print(f"  bench/full_inbox.py: {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    database = psycopg2.connect(host=HOST, port=PG_PORT, user=PG_USER, dbname=name)
    try:
        database.autocommit = True  # VACUUM cannot run in a transaction
        with database.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    finally:
        database.close()
    print(f"  VACUUM (ANALYZE): {time.monotonic() - started:.0f} s")
    admin = admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(identifier, sql.Literal(f"{wanted} seeded {today}"))
            )
    finally:
        admin.close()


def manage(*args: str, env: dict[str, str]) -> None:
    """Run a management command as its own process, so seeding runs with DEBUG on and nothing else does."""
    started = time.monotonic()
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=REPO, env=env, check=True)
    print(f"  manage.py {' '.join(args)}: {time.monotonic() - started:.0f} s")


def production_env(name: str, *, port: int, static_root: str, secret_key: str) -> dict[str, str]:
    """Production mode as in docker-compose.yml, except for plain HTTP on loopback.

    SECURE_SSL_REDIRECT=0 lets requests arrive over http:// (the session cookie is Secure, so the
    client sends it by hand). REDIS_URL is unset so GET /healthz touches only the database.
    """
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}:{port}",
        "EMAIL_URL": "console://",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(name),
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("REDIS_URL", None)
    return env


# --- Static files ------------------------------------------------------------------------------


class TolerantStaticStorage(CompressedManifestStaticFilesStorage):
    """The production storage, except that a CSS comment naming a missing source map is left as is.

    static/vendor/uswds/css/uswds.min.css ends with `sourceMappingURL=uswds.min.css.map`, a file
    bin/vendor-assets does not copy, and the production storage refuses to collect a stylesheet
    that names a missing file. Only browser dev tools ever fetch a source map, so this changes
    nothing a page request does; the files it writes are those the production storage serves.
    """

    skipped_maps: list[str] = []

    def url_converter(self, name: str, hashed_files: dict[str, str], *args: Any, **kwargs: Any) -> Any:
        convert = super().url_converter(name, hashed_files, *args, **kwargs)

        def tolerant(matchobj: re.Match[str]) -> str:
            try:
                return convert(matchobj)
            except ValueError:
                if matchobj["url"].strip().endswith(".map"):
                    TolerantStaticStorage.skipped_maps.append(f"{name} -> {matchobj['url'].strip()}")
                    return matchobj["matched"]
                raise

        return tolerant


def collect_static() -> None:
    """collectstatic into this run's STATIC_ROOT, in this process (see TolerantStaticStorage)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": f"{__name__}.TolerantStaticStorage"}}
    with override_settings(STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    for skipped in sorted(set(TolerantStaticStorage.skipped_maps)):
        print(f"  note: left a reference to a missing source map as it is ({skipped}); see bench/README.md")


# --- gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], *, port: int, workers: int, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn in its own process group, stopped with everything it forked however we leave."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(GUNICORN), "config.wsgi", "-w", str(workers), "-b", f"{HOST}:{port}", "--graceful-timeout", "5"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_serving(process, port=port, log_path=log_path)
            yield process
        finally:
            stop_process_group(process)


def wait_until_serving(process: subprocess.Popen[bytes], *, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            status, _ = fetch(port, "/healthz", cookie=None)
        except OSError:
            status = 0
        if status == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {STARTUP_TIMEOUT_SECONDS} s")


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """TERM the whole group (arbiter and workers), then KILL whatever is left after a grace period."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except ProcessLookupError:
            pass
    # Workers left behind by an arbiter that died first are still in its process group. While any
    # of them lives, Linux hands out no new process with that ID, so this reaches only them.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# --- Over HTTP ---------------------------------------------------------------------------------


def fetch(port: int, path: str, *, cookie: str | None) -> tuple[int, int]:
    """One GET on a fresh connection (gunicorn's sync workers close each one). Returns (status, bytes)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        headers = {"Host": HOST, "Connection": "close"}
        if cookie:
            headers["Cookie"] = cookie
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        connection.close()


def load(port: int, path: str, *, cookie: str | None, requests: int, concurrency: int, into: Timing) -> None:
    """Exactly `requests` GETs spread over `concurrency` threads, added to `into`.

    Throughput is successful requests over the wall time of the whole batch.
    """
    lock = threading.Lock()
    remaining = [requests]

    def worker() -> None:
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                status, _ = fetch(port, path, cookie=cookie)
            except OSError as error:
                status_key: int | str = type(error).__name__
            else:
                status_key = status
            elapsed_ms = (time.perf_counter() - started) * 1000
            with lock:
                if status_key == 200:
                    into.latencies_ms.append(elapsed_ms)
                else:
                    into.errors[status_key] = into.errors.get(status_key, 0) + 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        # Bounded: a thread makes at most `requests` requests, each with a timeout.
        thread.join(timeout=requests * REQUEST_TIMEOUT_SECONDS)
    into.seconds += time.perf_counter() - started


def measure_http(
    pages: list[Page],
    timings: dict[str, Timing],
    *,
    port: int,
    cookies: dict[str, str | None],
    args: argparse.Namespace,
) -> None:
    """Every page in turn, in `--rounds` rounds: a burst of work elsewhere on the machine then
    slows all pages alike instead of only the one being measured, and the ratios stay fair."""
    pages = [page for page in pages if not page.cold]  # the server's own cache cannot be emptied from here
    for page in pages:
        status, _ = fetch(port, page.path, cookie=cookies[page.who])
        if status != 200:
            page.skipped = f"GET answered {status}" + (" (view not finished yet?)" if status == 404 else "")
            print(f"  {page.name}: {page.skipped}")
            continue
        load(
            port, page.path, cookie=cookies[page.who], requests=args.warmup, concurrency=args.concurrency, into=Timing()
        )
    per_round = [args.requests // args.rounds + (r < args.requests % args.rounds) for r in range(args.rounds)]
    for number, count in enumerate(per_round, start=1):
        for page in pages:
            if not page.skipped:
                load(
                    port,
                    page.path,
                    cookie=cookies[page.who],
                    requests=count,
                    concurrency=args.concurrency,
                    into=timings[page.name],
                )
        print(f"  round {number}/{args.rounds} done")


# --- In-process --------------------------------------------------------------------------------


def in_process(
    pages: list[Page],
    timings: dict[str, Timing],
    *,
    user: Any,
    staff: Any,
    requests: int,
    warmup: int,
    rounds: int,
    others: dict[str, Any] | None = None,
) -> None:
    """Time each view through django.test.Client in this process: no network, no gunicorn.

    The issue states its latency target in-process. In rounds, like the HTTP pass; also counts
    each page's queries. `others` signs in more readers, by the name pages give in `who`.
    """
    from django.db import connection
    from django.test import Client

    from reports.views.national import forget_national_view

    clients = {
        "member": Client(SERVER_NAME=HOST),
        "staff": Client(SERVER_NAME=HOST),
        "anonymous": Client(SERVER_NAME=HOST),
    }
    clients["member"].force_login(user)
    clients["staff"].force_login(staff)
    for who, other in (others or {}).items():
        clients[who] = Client(SERVER_NAME=HOST)
        clients[who].force_login(other)
    queries = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    for page in pages:
        if page.skipped:
            continue
        for _ in range(warmup):
            clients[page.who].get(page.path)
        queries[0] = 0
        if page.cold:
            forget_national_view()
        with connection.execute_wrapper(count):
            response = clients[page.who].get(page.path)
        if response.status_code != 200:
            page.skipped = f"in-process GET answered {response.status_code}"
            continue
        timings[page.name].queries = queries[0]
    rounds = min(rounds, requests)
    for number in range(rounds):
        count_this_round = requests // rounds + (number < requests % rounds)
        for page in pages:
            if page.skipped:
                continue
            for _ in range(count_this_round):
                if page.cold:
                    forget_national_view()  # only the national view's: the other pages keep theirs
                started = time.perf_counter()
                clients[page.who].get(page.path)
                timings[page.name].in_process_ms.append((time.perf_counter() - started) * 1000)


# --- Choosing what to measure ------------------------------------------------------------------


@dataclass
class Subject:
    """Who signs in, and which plan and item they look at."""

    user: Any
    plan: Any
    item: Any
    counts: dict[str, int]
    staff: Any = None


def choose_subject() -> Subject:
    """The biggest FY2027 plan (first by jurisdiction code), its CIO, and its busiest joint item.

    Deterministic, so two runs on the same data measure the same pages.
    """
    from django.db.models import Count

    from actionplan.models import Activity, Item, Plan, Update
    from directory.models import Membership, StaffMembership

    plan = (
        Plan.objects.filter(period="FY2027")
        .annotate(n=Count("items"))
        .select_related("jurisdiction")
        .order_by("-n", "jurisdiction__code")
        .first()
    )
    if plan is None:
        raise RuntimeError("no FY2027 plan in the benchmark database: run with --reseed")
    cio = Membership.objects.active().filter(jurisdiction=plan.jurisdiction, role="cio").select_related("user").get()
    item = (
        Item.objects.filter(plan=plan, side="joint")
        .annotate(comments_n=Count("comments", distinct=True), sign_offs_n=Count("sign_offs", distinct=True))
        .order_by("-comments_n", "-sign_offs_n", "id")
        .first()
    ) or Item.objects.filter(plan=plan).order_by("id").first()
    counts = {
        "plans": Plan.objects.count(),
        "items": Item.objects.count(),
        "updates": Update.objects.count(),
        "activity rows": Activity.objects.count(),
    }
    staff = StaffMembership.objects.active().select_related("user").order_by("user__email").first()
    if staff is None:
        raise RuntimeError("no association staff in the benchmark database: run with --reseed")
    # Staff must have a second factor (MFA_REQUIRED_FOR_STAFF, on in production): the staff member
    # the benchmark signs in as has one, as a real one would, so /national/ is measured rather
    # than the page that asks to set one up.
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=staff.user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff.user, generate_totp_secret())
    return Subject(user=cio.user, plan=plan, item=item, counts=counts, staff=staff.user)


def session_cookie(user: Any) -> str:
    """Sign in by writing a session row, as the login view would: production cookies are Secure,
    so over plain http the client must send the cookie itself."""
    from django.conf import settings
    from django.test import Client

    client = Client(SERVER_NAME=HOST)
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


# --- Report ------------------------------------------------------------------------------------


def report(pages: list[Page], timings: dict[str, Timing]) -> tuple[list[str], int]:
    """The table and the verdicts, as lines, and how many targets were missed."""
    lines: list[str] = []
    trivial = next(p for p in pages if p.trivial)
    baseline = timings[trivial.name].per_second
    width = max(len(f"{p.name} {p.path}") for p in pages)
    header = (
        f"{'page':<{width}}  {'requests':>8}  {'errors':>6}  {'p50 ms':>7}  {'p95 ms':>7}  {'req/s':>7}  "
        f"{'vs trivial':>10}  {'in-proc p95 ms':>14}  {'queries':>7}"
    )
    lines += [header, "-" * len(header)]
    for page in pages:
        label = f"{page.name} {page.path}"
        if page.skipped:
            lines.append(f"{label:<{width}}  not measured: {page.skipped}")
            continue
        t = timings[page.name]
        if page.cold:
            lines.append(
                f"{label:<{width}}  {'(in-process only, kept view dropped before each request)':<61}"
                f"{percentile(t.in_process_ms, 0.95):>14.1f}  {t.queries if t.queries is not None else '-':>7}"
            )
            continue
        ratio = t.per_second / baseline if baseline else float("nan")
        lines.append(
            f"{label:<{width}}  {t.requests:>8}  {sum(t.errors.values()):>6}  {percentile(t.latencies_ms, 0.50):>7.1f}  "
            f"{percentile(t.latencies_ms, 0.95):>7.1f}  {t.per_second:>7.1f}  {ratio:>10.0%}  "
            f"{percentile(t.in_process_ms, 0.95):>14.1f}  {t.queries if t.queries is not None else '-':>7}"
        )
    lines += [
        "",
        f"Targets (issues 3 and 13): requests/s at least {MIN_THROUGHPUT_RATIO:.0%} of the trivial view's; "
        f"in-process p95 under {MAX_IN_PROCESS_P95_MS:.0f} ms. (The reference row has no target.)",
    ]
    missed = 0
    names = max((len(p.name) for p in pages if not (p.trivial or p.reference)), default=12)
    for page in pages:
        if page.trivial or page.reference:
            continue
        if page.skipped:
            lines.append(f"  {page.name:<{names}} NOT MEASURED ({page.skipped})")
            continue
        t = timings[page.name]
        ratio = t.per_second / baseline if baseline else 0.0
        p95 = percentile(t.in_process_ms, 0.95)
        throughput_ok = ratio >= MIN_THROUGHPUT_RATIO and not t.errors
        latency_ok = p95 < MAX_IN_PROCESS_P95_MS
        missed += (not throughput_ok) + (not latency_ok)
        errors = f" ({sum(t.errors.values())} errors: {t.errors})" if t.errors else ""
        lines.append(
            f"  {page.name:<{names}} throughput {ratio:>4.0%} of trivial: {'PASS' if throughput_ok else '*** FAIL ***'}"
            f"{errors}   in-process p95 {p95:.1f} ms: {'PASS' if latency_ok else '*** FAIL ***'}"
        )
    lines += ["", f"*** {missed} TARGET(S) MISSED ***" if missed else "All targets met."]
    return lines, missed


def load_note() -> str:
    """The 1-minute load average: the figures are only as quiet as the machine."""
    load1, _, _ = os.getloadavg()
    cpus = os.cpu_count() or 1
    busy = "  (BUSY: other work is running, figures will be noisy)" if load1 > 0.5 * cpus else ""
    return f"load average {load1:.2f} on {cpus} CPUs{busy}"


# --- Main --------------------------------------------------------------------------------------


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM is handled like Ctrl-C, so the finally blocks stop gunicorn either way."""
    raise KeyboardInterrupt


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--database", default=DEFAULT_DATABASE, help=f"PostgreSQL database (default {DEFAULT_DATABASE})"
    )
    parser.add_argument("--reseed", action="store_true", help="drop the database and seed it again")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per page over HTTP (default 300)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds the requests are split into (default 5)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per page first (default 20)")
    parser.add_argument(
        "--concurrency", type=int, default=2, choices=range(1, 5), help="client threads (1-4, default 2)"
    )
    parser.add_argument("--in-process", type=int, default=50, help="in-process requests per page (default 50)")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        parser.error("--database: lower-case letters, digits and underscores only")
    if not 1 <= args.requests <= 10_000 or not 0 <= args.warmup <= 1_000 or not 1 <= args.in_process <= 1_000:
        parser.error("--requests 1-10000, --warmup 0-1000, --in-process 1-1000")
    if not 1 <= args.rounds <= args.requests:
        parser.error("--rounds: from 1 to --requests")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Ctrl-C and kill both end the run through the finally blocks below, even when this was
    # started in the background by a shell that set SIGINT to be ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="jointplan-bench-"))
    try:
        prepare_database(args.database, reseed=args.reseed)
        port = free_port()
        env = production_env(
            args.database, port=port, static_root=str(work / "static"), secret_key=secrets.token_urlsafe(50)
        )
        # This process runs with the same production settings as gunicorn: it collects the
        # static files, signs in, and times the views in-process against the same database.
        os.environ.update(env)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        print("Collecting static files for production mode")
        collect_static()
        subject = choose_subject()
        import full_inbox

        inbox = full_inbox.inbox_subject()
        inbox_sizes = {key: len(entries) for key, entries in full_inbox.sections(inbox).items()}
        cookies = {
            "member": session_cookie(subject.user),
            "inbox": session_cookie(inbox.user),
            "staff": session_cookie(subject.staff),
            "anonymous": None,
        }
        pages = [
            Page("trivial", "/robots.txt", trivial=True),
            Page("healthz", "/healthz", reference=True),
            Page("home", "/", reference=True),
            Page("dashboard", f"/plans/{subject.plan.pk}/"),
            Page("item list", f"/plans/{subject.plan.pk}/items/"),
            Page("item detail", f"/items/{subject.item.pk}/"),
            Page(INBOX_PAGE, "/my-updates/", who="inbox"),
            Page("national", "/national/", who="staff"),
            Page("national, cold", "/national/", who="staff", cold=True, reference=True),
        ]
        timings = {page.name: Timing() for page in pages}
        intro = [
            "Data: " + ", ".join(f"{n:,} {name}" for name, n in subject.counts.items()),
            f"Signed in as {subject.user.email} (national: as {subject.staff.email}); plan {subject.plan} (id {subject.plan.pk}), "
            f"item {subject.item.pk} ({subject.item.updates.count()} updates)",
            f"My updates: as {inbox.user.email} ({inbox.plan}), the CIO of the first plan that is not public, "
            "whose inbox bench/full_inbox.py fills: "
            + ", ".join(f"{key} {size}" for key, size in inbox_sizes.items())
            + (
                ""
                if all(inbox_sizes.values())
                else " *** A SECTION IS EMPTY: the row does not measure a full inbox (--reseed rebuilds the data) ***"
            ),
            f"HTTP: gunicorn, 2 sync workers, production settings, on {HOST}:{port}; {args.requests} requests "
            f"per page in {args.rounds} rounds from {args.concurrency} client thread(s), after {args.warmup} "
            "warm-up requests. trivial = GET /robots.txt, signed in: a plain view through the whole middleware "
            "stack (session, user, time zone), no template; healthz (answered by the first middleware, one "
            "SELECT 1, no session) and home (the signed-in home page) are shown for reference, with no target.",
            f"In-process: django.test.Client, {args.in_process} requests per page after {args.warmup} warm-up requests.",
        ]
        for line in intro:
            print(line)
        before = f"Before: {load_note()}"
        print(before)
        with gunicorn(env, port=port, workers=2, log_path=work / "gunicorn.log"):
            measure_http(pages, timings, port=port, cookies=cookies, args=args)
        in_process(
            pages,
            timings,
            user=subject.user,
            staff=subject.staff,
            requests=args.in_process,
            warmup=args.warmup,
            rounds=args.rounds,
            others={"inbox": inbox.user},
        )
        after = f"After: {load_note()}"
        lines, _ = report(pages, timings)
        print(after)
        print()
        print("\n".join(lines))
        save(intro + [before, after, ""] + lines)
    except KeyboardInterrupt:
        print("\nInterrupted; everything this run started has been stopped.", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 0


def save(lines: list[str], *, name: str = "plan_pages") -> None:
    """A copy in bench/results/ (ignored by git), to compare runs before and after a change."""
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"{name}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.txt"
    path.write_text("\n".join(lines) + "\n")
    print(f"Saved to {path.relative_to(REPO)}")


if __name__ == "__main__":
    sys.exit(main())
