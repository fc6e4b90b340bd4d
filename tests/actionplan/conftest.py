"""Fixtures for the action-plan tests: Idaho's people and its FY2027 plan, adopted the real way."""

from __future__ import annotations

import pytest

from actionplan.models import Plan
from directory.models import User
from tests import factories


@pytest.fixture
def idaho(reference_data: None) -> dict[str, User]:
    """Idaho's people by role, as the demo has them: its CIO, CPO, a CIO delegate and a viewer.
    (Unlike the `idaho` of tests/conftest.py, no plan: `plan` adopts one, and some tests start one.)"""
    return factories.idaho_people()


@pytest.fixture
def plan(idaho: dict[str, User]) -> Plan:
    """Idaho's FY2027 plan, adopted from the national framework by its CIO (21 items)."""
    return factories.adopt_plan(idaho["cio"])
