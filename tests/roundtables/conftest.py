"""Fixtures for the roundtables tests. The matrix personas (`people`) are shared by every app's
authorization matrix and live in tests/conftest.py; this module still offers them to the modules
that import them from here."""

from __future__ import annotations

from tests.conftest import people  # noqa: F401
