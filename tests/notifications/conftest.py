"""Fixtures for the notification tests: Idaho's CIO and CPO with a plan, mail kept in memory and a
frozen clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from directory.models import Membership
from tests import factories
from tests.actionplan.builders import make_plan
from tests.notifications.helpers import NOW, SITE_URL, State
from tests.roundtables.conftest import people  # noqa: F401 - the event personas, for the event reminder tests

Role = Membership.Role


@pytest.fixture
def outbox(settings: Settings) -> Iterator[list[EmailMessage]]:
    """Delivery into Django's in-memory outbox; links in emails use a production-like SITE_URL."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.SITE_URL = SITE_URL
    mail.outbox = []
    yield mail.outbox
    mail.outbox = []


@pytest.fixture
def clock(time_machine: TimeMachineFixture) -> TimeMachineFixture:
    """Time stands still at NOW (Wednesday 10:00 in Boise) until a test moves it."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def idaho(reference_data: None, clock: TimeMachineFixture, outbox: list[EmailMessage]) -> State:
    """Idaho's CIO (Dana) and CPO (Marcus), in Boise's zone, and their FY2027 plan."""
    cio = factories.make_member("ID", Role.CIO, email="dana@idaho.example", full_name="Dana Whitfield")
    cpo = factories.make_member("ID", Role.CPO, email="marcus@idaho.example", full_name="Marcus Oyelaran")
    return State(cio=cio, cpo=cpo, plan=make_plan("ID"))
