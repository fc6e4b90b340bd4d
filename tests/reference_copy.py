"""A copy of the reference data as `load_reference` first wrote it into this test database, so that
a transactional test, which empties every table when it ends, gets it back in one statement per
table instead of re-running the command (about half a second, for each of some 150 browser and
integration tests).

The copy is taken once per test database (tests/conftest.py: django_db_setup), right after the
real command ran there, into a schema of its own that Django's flush does not see. It is put back
only into empty tables: anything else goes through the command, as before. The rows come back with
their ids; the tables' sequences have already passed those (a flush does not reset them). A column
naming a content type is copied as the type's app and model and resolved again on the way back,
since the flush's post_migrate gives the content types new ids.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

SCHEMA = "reference_copy"
# The apps whose rows load_reference writes (roundtables/management/commands/load_reference.py).
APPS = ("directory", "library", "roundtables")
CONTENT_TYPES = connection.ops.quote_name(ContentType._meta.db_table)


def take() -> None:
    """Copy every non-empty table of APPS (PostgreSQL only; elsewhere the command always runs)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for model in _models():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 - a model's table name
            if not cursor.fetchone()[0]:
                continue
            columns, joins = [], []
            for n, field in enumerate(model._meta.concrete_fields):
                column = connection.ops.quote_name(field.column)
                if _names_content_type(field):
                    joins.append(f"LEFT JOIN {CONTENT_TYPES} ct{n} ON ct{n}.id = t.{column}")
                    columns.append(f"ct{n}.app_label || '.' || ct{n}.model AS {column}")
                else:
                    columns.append(f"t.{column}")
            cursor.execute(
                f"CREATE TABLE {SCHEMA}.{table} AS SELECT {', '.join(columns)} FROM {table} t {' '.join(joins)}"  # noqa: S608 - model tables
            )


def restore() -> bool:
    """Put the copy back if there is one and every table it came from is empty; False otherwise."""
    if connection.vendor != "postgresql":
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [SCHEMA])
        copied = {name for (name,) in cursor.fetchall()}
        copies = [model for model in _models() if model._meta.db_table in copied]
        if not copies:
            return False
        tables = [connection.ops.quote_name(model._meta.db_table) for model in copies]
        cursor.execute("SELECT " + " OR ".join(f"EXISTS (SELECT 1 FROM {table})" for table in tables))  # noqa: S608 - model tables
        if cursor.fetchone()[0]:
            return False
        # Foreign keys are checked at commit (Django creates them DEFERRABLE INITIALLY DEFERRED),
        # so the order of the tables does not matter.
        for model, table in zip(copies, tables, strict=True):
            names, values, joins = [], [], []
            for n, field in enumerate(model._meta.concrete_fields):
                column = connection.ops.quote_name(field.column)
                names.append(column)
                if _names_content_type(field):
                    joins.append(
                        f"LEFT JOIN {CONTENT_TYPES} ct{n} ON ct{n}.app_label || '.' || ct{n}.model = c.{column}"
                    )
                    values.append(f"ct{n}.id")
                else:
                    values.append(f"c.{column}")
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608 - model tables
                f"SELECT {', '.join(values)} FROM {SCHEMA}.{table} c {' '.join(joins)}"
            )
    return True


def _models() -> list[type[models.Model]]:
    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _names_content_type(field: models.Field) -> bool:  # type: ignore[type-arg]
    return field.is_relation and field.related_model is ContentType
