"""Fixtures shared by more than one folder of tests. The data they make comes from the builders in
tests/factories.py, the one place tests build rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.test import Client, override_settings
from pytest_django.fixtures import Settings
from time_machine import TimeMachineFixture

from directory.models import Jurisdiction, Membership, User
from tests import factories, reference_copy
from tests.factories import State
from tests.notifications.helpers import NOW, SITE_URL


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
        reference_copy.take()


@pytest.fixture
def reference_data(db: None) -> None:
    """The reference data, as production has it: already there for most tests (django_db_setup);
    loaded again after a transactional test has emptied the tables."""
    if not Jurisdiction.objects.exists():
        factories.load_reference()


@pytest.fixture(autouse=True, scope="session")
def fast_flush(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A transactional test (browser, integration) empties every table when it ends. PostgreSQL's
    TRUNCATE, which Django's flush uses, costs about 0.6 s for our 80-odd small tables, as it makes
    each table and index anew; DELETE empties them in a tenth of that. The append-only triggers on
    Activity and Update refuse a DELETE, so it runs with triggers off for that transaction
    (session_replication_role, which only a superuser may set: elsewhere TRUNCATE stays). Every
    row goes, so no foreign key is left dangling; sequences go on, as with Django's flush."""
    from django.db import connection
    from django.db.backends.postgresql.operations import DatabaseOperations

    if connection.vendor != "postgresql":
        yield
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        (superuser,) = cursor.fetchone()
    if not superuser:
        yield
        return

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self: DatabaseOperations, style: Any, tables: list[str], **options: Any) -> list[str]:
        if not tables or options.get("reset_sequences"):
            return truncate(self, style, tables, **options)
        deletes = [f"DELETE FROM {self.quote_name(t)}" for t in tables]  # noqa: S608 - table names from the models
        return ["SET LOCAL session_replication_role = replica", *deletes]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing() -> Iterator[None]:
    """Real hashing is slow on purpose (about 0.4 s a password); tests create many accounts."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def staff_second_factor_is_taken_as_done() -> Iterator[None]:
    """Most tests sign staff in with `client.force_login`, which stands for a finished sign-in,
    second factor included; the requirement that staff have one (MFA_REQUIRED_FOR_STAFF, on in
    production unless the environment turns it off) would send each of them to set one up first.
    The tests of that requirement turn it back on (tests/directory/test_mfa.py)."""
    with override_settings(MFA_REQUIRED_FOR_STAFF=False):
        yield


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache: the peer benchmark keeps its pool there for the hour
    (reports/benchmarks.py), and a pool left by another test's rows would be read instead."""
    cache.clear()


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    """Uploaded files go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def people(reference_data: None) -> dict[str, User | None]:
    """Every persona of tests/access.PERSONAS: A is Idaho, B is Maine."""
    return {
        "anonymous": None,
        "cio_A": factories.make_member("ID", Membership.Role.CIO, email="cio@id.example"),
        "cpo_A": factories.make_member("ID", Membership.Role.CPO, email="cpo@id.example"),
        "cio_delegate_A": factories.make_member("ID", Membership.Role.CIO_DELEGATE, email="deputy@id.example"),
        "viewer_A": factories.make_member("ID", Membership.Role.VIEWER, email="viewer@id.example"),
        "cio_B": factories.make_member("ME", Membership.Role.CIO, email="cio@me.example"),
        "staff": factories.make_staff("NASPO", email="staff@naspo.example"),
        "superuser": factories.make_superuser(),
    }


@pytest.fixture
def root(client: Client) -> Client:
    """The test client, signed in as a superuser (for the Django admin)."""
    client.force_login(factories.make_superuser())
    return client


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
    """Time stands still at NOW (Wednesday 9 December 2026, 10:00 in Boise) until a test moves it."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def idaho(reference_data: None, clock: TimeMachineFixture, outbox: list[EmailMessage]) -> State:
    """Idaho's CIO (Dana, dana@idaho.example) and CPO (Marcus), in Boise's zone, and their FY2027
    plan with no items yet; the clock stopped at NOW and mail kept in memory.

    The notification and outbox tests use it as it is. Folders and modules about something else
    define their own `idaho`: actionplan/ (the people only, by role; the `plan` fixture adopts the
    framework), integration/ (committed rows), and the item pages' tests (the item they are about).
    """
    return State(plan=factories.make_plan("ID"), **factories.idaho_people("cio", "cpo", personal=True))
