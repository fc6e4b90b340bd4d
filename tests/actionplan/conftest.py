"""Fixtures for the action-plan tests: Idaho's people and its FY2027 plan, adopted the real way."""

from __future__ import annotations

import pytest

from actionplan import services
from actionplan.models import Plan
from directory.models import Jurisdiction, Membership
from directory.models import User as UserModel
from library.services import current_framework
from tests import factories

Role = Membership.Role


@pytest.fixture
def idaho(reference_data: None) -> dict[str, UserModel]:
    """Idaho's CIO, CPO, a CIO delegate and a viewer."""
    return {
        "cio": factories.make_member("ID", Role.CIO, email="cio@id.example", full_name="Dana Whitfield"),
        "cpo": factories.make_member("ID", Role.CPO, email="cpo@id.example", full_name="Marcus Oyelaran"),
        "cio_delegate": factories.make_member(
            "ID", Role.CIO_DELEGATE, email="deputy@id.example", full_name="Priya Raman"
        ),
        "viewer": factories.make_member("ID", Role.VIEWER, email="viewer@id.example", full_name="Sam Whitaker"),
    }


@pytest.fixture
def plan(idaho: dict[str, UserModel]) -> Plan:
    """Idaho's FY2027 plan, adopted from the national framework by its CIO (21 items)."""
    return services.adopt_framework(
        current_framework(),
        jurisdiction=Jurisdiction.objects.get(code="ID"),
        fiscal_year=2027,
        by=idaho["cio"],
    )
