"""Fixtures shared by every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from tests import factories


@pytest.fixture
def reference_data(db: None) -> None:
    factories.load_reference()


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing() -> Iterator[None]:
    """Real hashing is slow on purpose (about 0.4 s a password); tests create many accounts."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
