# Data: the content type of OutgoingEmail follows the model to the outbox app, keeping its id, so
# its permissions (and staff's groups that hold them) and the admin's history of its rows stay
# attached. A fresh database has no such row yet (post_migrate creates it under outbox): nothing
# to do. Where both rows already exist (post_migrate ran between the two steps), the old one is
# left for `manage.py remove_stale_contenttypes`, rather than deleted here with what hangs on it.

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def _move(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=target, model="outgoingemail").exists():
        types.filter(app_label=source, model="outgoingemail").update(app_label=target)


def to_outbox(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _move(apps, schema_editor, source="notifications", target="outbox")


def back_to_notifications(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _move(apps, schema_editor, source="outbox", target="notifications")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("outbox", "0001_outgoingemail_moves_here"),
        ("notifications", "0003_outgoingemail_moves_to_outbox"),
    ]

    operations = [migrations.RunPython(to_outbox, back_to_notifications)]
