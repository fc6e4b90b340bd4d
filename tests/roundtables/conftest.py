"""Fixtures for the roundtables tests (the matrix personas, `people`, live in tests/conftest.py)."""

from __future__ import annotations

import pytest

from actionplan.models import Plan
from directory.models import User
from tests import factories


@pytest.fixture
def idaho_plan(people: dict[str, User | None]) -> Plan:
    """Idaho's FY2027 plan, with no items: where an accepted outcome lands."""
    return factories.make_plan("ID")
