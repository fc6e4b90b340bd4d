"""The authorization matrices of the library, the adoption pages and roundtables, one row per URL
(tests/library/test_access.py, tests/actionplan/test_access_adoption.py,
tests/roundtables/test_access_*.py).

Each file lists `ROWS` (one per URL and method, with one expected outcome per persona in
tests/access.PERSONAS order) and parametrizes a test over `cells(ROWS)`; `run_cell` plays one cell.
Each app's coverage test fails when one of its URLs has no row in any of its files.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from directory.models import User
from tests import access


@dataclass(frozen=True)
class Row:
    url_name: str
    method: str  # "GET" or "POST"
    expected: str  # e.g. "login 200 200 200 200 404 200 200", one outcome per persona
    label: str = ""  # tells two rows of one URL apart (e.g. "register-own-side")

    def outcomes(self) -> list[str]:
        return self.expected.split()

    @property
    def id(self) -> str:
        return self.label or f"{self.url_name}-{self.method.lower()}"


def cells(rows: list[Row]) -> list[Any]:
    return [
        pytest.param(row, persona, expected, id=f"{row.id}-{persona}")
        for row in rows
        for persona, expected in zip(access.PERSONAS, row.outcomes(), strict=True)
    ]


def run_cell(
    client: Client, user: User | None, method: str, path: str, expected: str, data: dict | None = None
) -> None:
    if user is not None:
        client.force_login(user)
    response = client.post(path, data or {}) if method == "POST" else client.get(path)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # read a download to the end, which closes its file
    access.check(response, expected, path)


def rows_in_folder(folder: Path, package: str) -> list[Row]:
    """Every `ROWS` of the test_access_*.py modules of one test folder (an app's matrices)."""
    rows: list[Row] = []
    for path in sorted(folder.glob("test_access_*.py")):
        if path.stem != "test_access_coverage":
            rows += importlib.import_module(f"{package}.{path.stem}").ROWS
    return rows


def check_every_url_has_a_row(namespace: str, rows: list[Row]) -> None:
    """Each URL of the namespace has a row, and each row names a URL that exists."""
    covered = {row.url_name for row in rows}
    urls = access.url_names(namespace)
    missing = sorted(urls - covered)
    assert not missing, f"{namespace} URLs with no row in an authorization matrix: {', '.join(missing)}"
    stale = sorted(covered - urls)
    assert not stale, f"matrix rows for URLs that no longer exist: {', '.join(stale)}"


def check_rows_are_well_formed(rows: list[Row]) -> None:
    """One known outcome per persona in every row, and "done" only for a POST."""
    for row in rows:
        outcomes = row.outcomes()
        assert len(outcomes) == len(access.PERSONAS), row.id
        assert set(outcomes) <= access.OUTCOMES, row.id
        if "done" in outcomes:
            assert row.method == "POST", row.id
