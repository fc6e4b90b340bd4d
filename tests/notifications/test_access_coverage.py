"""Every notifications URL has a row in one of the test_access_*.py matrices, and every row is well formed."""

from __future__ import annotations

from pathlib import Path

from tests import matrix

ROWS = matrix.rows_in_folder(Path(__file__).parent, "tests.notifications")


def test_every_notifications_url_has_a_row() -> None:
    matrix.check_every_url_has_a_row("notifications", ROWS)


def test_every_row_has_one_outcome_per_persona() -> None:
    matrix.check_rows_are_well_formed(ROWS)
