"""Fixtures shared by every test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from directory.models import Jurisdiction, Membership, User
from tests import factories


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The reference data (jurisdictions, associations, dimensions, the library), loaded once into the
    test database rather than by every test that needs it (about half a second each time).

    A test in a transaction (most of them) starts from it and rolls its own changes back. A
    transactional test (browser, integration) empties the tables when it ends; pytest-django runs
    those last, and they load the reference data again through `reference_data` or the factories.
    """
    with django_db_blocker.unblock():
        factories.load_reference()


@pytest.fixture
def reference_data(db: None) -> None:
    """The reference data, as production has it: already there for most tests (django_db_setup);
    loaded again after a transactional test has emptied the tables."""
    if not Jurisdiction.objects.exists():
        factories.load_reference()


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing() -> Iterator[None]:
    """Real hashing is slow on purpose (about 0.4 s a password); tests create many accounts."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def people(reference_data: None) -> dict[str, User | None]:
    """Every persona of tests/access.PERSONAS: A is Idaho, B is Maine."""
    superuser = factories.make_user(email="root@example.org", is_staff=True, is_superuser=True)
    return {
        "anonymous": None,
        "cio_A": factories.make_member("ID", Membership.Role.CIO, email="cio@id.example"),
        "cpo_A": factories.make_member("ID", Membership.Role.CPO, email="cpo@id.example"),
        "cio_delegate_A": factories.make_member("ID", Membership.Role.CIO_DELEGATE, email="deputy@id.example"),
        "viewer_A": factories.make_member("ID", Membership.Role.VIEWER, email="viewer@id.example"),
        "cio_B": factories.make_member("ME", Membership.Role.CIO, email="cio@me.example"),
        "staff": factories.make_staff("NASPO", email="staff@naspo.example"),
        "superuser": superuser,
    }
