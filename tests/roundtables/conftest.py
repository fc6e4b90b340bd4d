"""Fixtures for the roundtables tests: the matrix personas, in Idaho (A) and Maine (B)."""

from __future__ import annotations

import pytest

from directory.models import Membership, User
from tests import factories

Role = Membership.Role


@pytest.fixture
def people(reference_data: None) -> dict[str, User | None]:
    """Every persona of tests/access.PERSONAS: A is Idaho, B is Maine."""
    superuser = factories.make_user(email="root@example.org", is_staff=True, is_superuser=True)
    return {
        "anonymous": None,
        "cio_A": factories.make_member("ID", Role.CIO, email="cio@id.example"),
        "cpo_A": factories.make_member("ID", Role.CPO, email="cpo@id.example"),
        "cio_delegate_A": factories.make_member("ID", Role.CIO_DELEGATE, email="deputy@id.example"),
        "viewer_A": factories.make_member("ID", Role.VIEWER, email="viewer@id.example"),
        "cio_B": factories.make_member("ME", Role.CIO, email="cio@me.example"),
        "staff": factories.make_staff("NASPO", email="staff@naspo.example"),
        "superuser": superuser,
    }
