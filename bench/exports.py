"""How long do the reports and the background exports take at national scale? Issue 14's figures.

    .venv/bin/python bench/exports.py [--reseed] [--repeat 5]

Uses the same national database as bench/plan_pages.py (built or reused the same way, `--reseed`
to rebuild), with production settings. In this process, through django.test.Client: the trivial
view (for scale), the state report of the biggest plan as HTML and as PDF, and its meeting
one-pager as PDF, each `--repeat` times (median and slowest). Then, each in a process of its own as
a worker runs it (the task's code, `reports.tasks.run_export`): the national XLSX of every state's
items with their latest updates, and the biggest state's takeout, with the wall time and the
process's peak memory (its maximum resident set size, from the kernel). Prints a table and PASS or
FAIL against the issue's targets, and exits 0 either way: the figures are the output.

It talks only to 127.0.0.1 and starts nothing that outlives it. bench/README.md explains the figures.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import plan_pages
from plan_pages import HOST, PYTHON, REPO

# The targets.
MAX_PDF_SECONDS = 3.0  # a state report's PDF
MAX_XLSX_SECONDS = 30.0  # the national XLSX of every item and its latest updates ...
MAX_WORKER_MB = 300.0  # ... made by a worker that stays under this much memory


def timed(get: object, path: str, repeat: int) -> list[float]:
    """Seconds for each of `repeat` GETs of `path` (after one untimed, which warms the caches)."""
    response = get(path)  # type: ignore[operator]
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = get(path)  # type: ignore[operator]
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        seconds.append(time.perf_counter() - started)
    return seconds


def run_job_in_a_process(job_id: int, env: dict[str, str]) -> tuple[float, float]:
    """Run the export task for `job_id` in a new Python process, as a worker would; its wall time in
    seconds and its peak resident memory in MB (Linux reports ru_maxrss in KB)."""
    code = (
        "import django; django.setup(); "
        f"from reports import tasks; tasks.run_export({job_id})"
    )  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen([str(PYTHON), "-c", code], cwd=REPO, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"the export process exited with {process.returncode}")
    return wall, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--reseed", action="store_true", help="rebuild the national data first")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per report (default 5)")
    parser.add_argument("--database", default=plan_pages.DEFAULT_DATABASE)
    args = parser.parse_args(argv)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="jointplan-bench-exports-"))
    try:
        plan_pages.prepare_database(args.database, reseed=args.reseed)
        env = plan_pages.production_env(
            args.database, port=8000, static_root=str(work / "static"), secret_key=secrets.token_urlsafe(50)
        )
        env["MEDIA_ROOT"] = str(work / "media")
        os.environ.update(env)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        plan_pages.collect_static()
        from django.test import Client

        from reports import jobs, pdf
        from reports.models import ExportJob

        if pdf.unavailable():
            print(f"Cannot make PDFs here: {pdf.unavailable()}")
            return 1
        subject = plan_pages.choose_subject()
        plan = subject.plan
        client = Client(SERVER_NAME=HOST)
        client.force_login(subject.user)
        print(f"Data: {', '.join(f'{n:,} {name}' for name, n in subject.counts.items())}")
        print(f"Reports of {plan} (id {plan.pk}, {plan.items.count()} items) as {subject.user.email}")
        print(f"In-process: django.test.Client, {args.repeat} timed requests each after one untimed")
        rows = []
        for name, path in (
            ("trivial /robots.txt", "/robots.txt"),
            ("state report, HTML", f"/plans/{plan.pk}/report/"),
            ("state report, PDF", f"/plans/{plan.pk}/report.pdf"),
            ("meeting one-pager, PDF", f"/plans/{plan.pk}/meeting.pdf"),
        ):
            seconds = timed(client.get, path, args.repeat)
            rows.append((name, statistics.median(seconds), max(seconds), None))

        print("In a process of its own, as a worker runs it:")
        national, _ = jobs.start(subject.staff, ExportJob.Kind.NATIONAL_ITEMS)
        wall, peak = run_job_in_a_process(national.pk, env)
        national.refresh_from_db()
        if national.state != ExportJob.State.DONE:
            raise RuntimeError(f"the national export ended {national.state}: {national.error}")
        rows.append((f"national XLSX ({national.size / 1e6:.1f} MB)", wall, wall, peak))
        takeout, _ = jobs.start(subject.user, ExportJob.Kind.TAKEOUT, jurisdiction=plan.jurisdiction)
        wall, peak = run_job_in_a_process(takeout.pk, env)
        takeout.refresh_from_db()
        if takeout.state != ExportJob.State.DONE:
            raise RuntimeError(f"the takeout ended {takeout.state}: {takeout.error}")
        rows.append((f"takeout of {plan.jurisdiction.name} ({takeout.size / 1e6:.1f} MB zip)", wall, wall, peak))

        lines = [f"{'what':<44} {'median s':>9} {'slowest s':>10} {'peak MB':>8}", "-" * 74]
        for name, median, slowest, peak_mb in rows:
            lines.append(f"{name:<44} {median:>9.3f} {slowest:>10.3f} {'' if peak_mb is None else f'{peak_mb:.0f}':>8}")
        pdf_slowest = rows[2][2]
        xlsx_wall, xlsx_peak = rows[4][1], rows[4][3] or 0.0
        lines += [
            "",
            "Targets (issue 14):",
            f"  state report PDF under {MAX_PDF_SECONDS:.0f} s: slowest {pdf_slowest:.2f} s: "
            + ("PASS" if pdf_slowest < MAX_PDF_SECONDS else "*** FAIL ***"),
            f"  national XLSX under {MAX_XLSX_SECONDS:.0f} s: {xlsx_wall:.1f} s: "
            + ("PASS" if xlsx_wall < MAX_XLSX_SECONDS else "*** FAIL ***"),
            f"  its worker under {MAX_WORKER_MB:.0f} MB: {xlsx_peak:.0f} MB: "
            + ("PASS" if xlsx_peak < MAX_WORKER_MB else "*** FAIL ***"),
        ]
        print()
        print("\n".join(lines))
        plan_pages.save([f"Before/after: {plan_pages.load_note()}", "", *lines], name="exports")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"Done in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
