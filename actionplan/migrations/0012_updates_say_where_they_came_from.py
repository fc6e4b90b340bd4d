"""Updates and activity say where they came from: the page, a reply by email, or a one-click link
(issue 16). The column comes with its default, so no existing row is rewritten (PostgreSQL adds
it without touching rows; its append-only triggers stay).

SQLite cannot add a NOT NULL column in place: Django rebuilds the table, and the rebuilt table has
lost migration 0003's triggers, so they are made again here.
"""

from django.db import migrations, models

TABLES = ["actionplan_activity", "actionplan_update"]
VIA = [("web", "on the page"), ("email", "by email"), ("link", "by a link in an email")]


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for action in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
            )


class Migration(migrations.Migration):
    dependencies = [("actionplan", "0011_comment_replies_sign_off_note_reopen")]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="via",
            field=models.CharField(choices=VIA, default="web", max_length=5),
        ),
        migrations.AddField(
            model_name="update",
            name="via",
            field=models.CharField(choices=VIA, default="web", max_length=5),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
