"""The database itself refuses to change or delete Activity and Update rows.

The admin and the services never do; this makes sure nothing else (a shell, a script, a future
bug) can either. TRUNCATE, used only by test teardown, is not affected.
"""

from django.db import migrations

TABLES = ["actionplan_activity", "actionplan_update"]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION jointplan_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: they are never changed or deleted', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, None)  # None: the % in RAISE is not a placeholder
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION jointplan_append_only()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            for action in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
                )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS jointplan_append_only()")
    elif vendor == "sqlite":
        for table in TABLES:
            for action in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


class Migration(migrations.Migration):
    dependencies = [("actionplan", "0002_frameworks_plans_items_updates")]

    operations = [migrations.RunPython(forwards, backwards)]
