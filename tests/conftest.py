"""Fixtures shared by every test."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def reference_data(db: None) -> None:
    factories.load_reference()
