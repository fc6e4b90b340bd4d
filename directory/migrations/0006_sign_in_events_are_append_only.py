"""The database itself refuses to change or delete SignInEvent rows, as it does Activity's
(actionplan migration 0003): the audit is worth something only if nothing rewrites it, not a shell,
a script or a future bug. TRUNCATE, used only by test teardown, is not affected.

Its own trigger function, so that this app's migrations do not lean on an app above it.
"""

from django.db import migrations

TABLE = "directory_signinevent"

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION directory_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: they are never changed or deleted', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, None)  # None: the % in RAISE is not a placeholder
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION directory_append_only()"
        )
    elif vendor == "sqlite":
        for action in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} rows are append-only'); END"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS directory_append_only()")
    elif vendor == "sqlite":
        for action in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{action}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_sign_in_event")]

    operations = [migrations.RunPython(forwards, backwards)]
