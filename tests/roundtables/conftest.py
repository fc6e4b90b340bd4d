"""Fixtures for the roundtables tests (the matrix personas, `people`, live in tests/conftest.py)."""

from __future__ import annotations

import datetime

import pytest
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from actionplan.models import Plan
from directory.models import User
from tests import factories

# A Monday two weeks before the spring roundtable (factories.DAY_AFTER_DST), 10:00 in New York (EST).
BEFORE_THE_SPRING_ROUNDTABLE = factories.local(datetime.date(2027, 3, 1), 10)


@pytest.fixture
def frozen(time_machine: TimeMachineFixture, settings: Settings) -> TimeMachineFixture:
    """Time stands still two weeks before the spring roundtable until a test moves it; links in
    emails use a production-like SITE_URL."""
    settings.SITE_URL = "https://jointplan.example.org"
    time_machine.move_to(BEFORE_THE_SPRING_ROUNDTABLE, tick=False)
    return time_machine


@pytest.fixture
def idaho_plan(people: dict[str, User | None]) -> Plan:
    """Idaho's FY2027 plan, with no items: where an accepted outcome lands."""
    return factories.make_plan("ID")
