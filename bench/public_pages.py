"""How fast are the public pages at national scale? Issue 12's figures, measured like the plan pages.

    .venv/bin/python bench/public_pages.py [--reseed] [--requests 300] [--concurrency 2]

The same data, server and method as bench/plan_pages.py (whose functions it uses): the national
seed in its own PostgreSQL database, gunicorn in production mode on loopback, then the same views
in-process. The public pages are read signed out, as the public reads them: the list of public
plans, the biggest public plan's page and the public adoption page. They are compared with the
same trivial view as the plan pages (GET /robots.txt, signed in); the trivial view signed out,
which skips the session and the user altogether, is shown beside it for reference. Prints a table
and PASS/FAIL per target, and exits 0 either way: the figures are the output. bench/README.md
explains them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import plan_pages as bench  # bench/ is this script's own folder, first on sys.path

REPO = bench.REPO


def choose_public_plan() -> tuple[Any, dict[str, int]]:
    """The public FY2027 plan with the most items (first by jurisdiction code), and what it holds.

    Deterministic, so two runs on the same data measure the same page. The national seed makes
    about one plan in ten public (actionplan.demo.national_sharing)."""
    from django.db.models import Count, Q

    from actionplan.models import Adoption, Item, Plan, Update

    plan = (
        Plan.objects.filter(period="FY2027", sharing="public")
        .annotate(n=Count("items", filter=Q(items__archived_at__isnull=True)))
        .select_related("jurisdiction")
        .order_by("-n", "jurisdiction__code")
        .first()
    )
    if plan is None:
        raise RuntimeError("no public FY2027 plan in the benchmark database: run with --reseed")
    counts = {
        "public plans": Plan.objects.filter(sharing="public").count(),
        "items in it": plan.n,
        "updates of its items": Update.objects.filter(item__plan=plan).count(),
        "published adoption records": Adoption.objects.filter(is_public=True).count(),
        "items nationally": Item.objects.count(),
    }
    return plan, counts


def main(argv: list[str] | None = None) -> int:
    args = bench.parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, bench._raise_keyboard_interrupt)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="jointplan-bench-public-"))
    try:
        bench.prepare_database(args.database, reseed=args.reseed)
        port = bench.free_port()
        env = bench.production_env(
            args.database, port=port, static_root=str(work / "static"), secret_key=secrets.token_urlsafe(50)
        )
        os.environ.update(env)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        print("Collecting static files for production mode")
        bench.collect_static()
        subject = bench.choose_subject()  # the signed-in trivial view's reader
        plan, counts = choose_public_plan()
        pages = [
            bench.Page("trivial", "/robots.txt", trivial=True),
            bench.Page("trivial signed out", "/robots.txt", reference=True, who="anonymous"),
            bench.Page("public plans", "/public/", who="anonymous"),
            bench.Page("public plan", f"/public/plans/{plan.pk}/", who="anonymous"),
            bench.Page("public adoption", "/public/adoption/", who="anonymous"),
        ]
        timings = {page.name: bench.Timing() for page in pages}
        intro = [
            "Data: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()),
            f"Public plan: {plan} (id {plan.pk}). The public pages are read signed out; trivial = GET "
            f"/robots.txt signed in as {subject.user.email}, as in plan_pages.py; trivial signed out, for reference.",
            f"HTTP: gunicorn, 2 sync workers, production settings, on {bench.HOST}:{port}; {args.requests} "
            f"requests per page in {args.rounds} rounds from {args.concurrency} client thread(s), after "
            f"{args.warmup} warm-up requests.",
            f"In-process: django.test.Client, {args.in_process} requests per page after {args.warmup} warm-up requests.",
        ]
        for line in intro:
            print(line)
        before = f"Before: {bench.load_note()}"
        print(before)
        cookies: dict[str, str | None] = {"member": bench.session_cookie(subject.user), "anonymous": None}
        with bench.gunicorn(env, port=port, workers=2, log_path=work / "gunicorn.log"):
            bench.measure_http(pages, timings, port=port, cookies=cookies, args=args)
        bench.in_process(
            pages,
            timings,
            user=subject.user,
            staff=subject.staff,
            requests=args.in_process,
            warmup=args.warmup,
            rounds=args.rounds,
        )
        after = f"After: {bench.load_note()}"
        lines, _ = bench.report(pages, timings)
        print(after)
        print()
        print("\n".join(lines))
        bench.save(intro + [before, after, ""] + lines, name="public_pages")
    except KeyboardInterrupt:
        print("\nInterrupted; everything this run started has been stopped.", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
