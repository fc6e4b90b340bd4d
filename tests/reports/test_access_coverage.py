"""Every reports URL has a row in one of the test_access_*.py matrices of tests/reports, and every
row is well formed."""

from __future__ import annotations

import importlib
from pathlib import Path

from tests import access
from tests.matrix import Row


def all_rows() -> list[Row]:
    rows: list[Row] = []
    for path in sorted(Path(__file__).parent.glob("test_access_*.py")):
        if path.stem == "test_access_coverage":
            continue
        rows += importlib.import_module(f"tests.reports.{path.stem}").ROWS
    return rows


def test_every_reports_url_has_a_row() -> None:
    covered = {row.url_name for row in all_rows()}
    urls = access.url_names("reports")
    missing = sorted(urls - covered)
    assert not missing, f"reports URLs with no row in an authorization matrix: {', '.join(missing)}"
    stale = sorted(covered - urls)
    assert not stale, f"matrix rows for URLs that no longer exist: {', '.join(stale)}"


def test_every_row_has_one_outcome_per_persona() -> None:
    for row in all_rows():
        outcomes = row.outcomes()
        assert len(outcomes) == len(access.PERSONAS), row.id
        assert set(outcomes) <= access.OUTCOMES, row.id
        if "done" in outcomes:
            assert row.method == "POST", row.id
