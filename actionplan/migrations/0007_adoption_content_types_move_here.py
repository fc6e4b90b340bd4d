# Data: the content types of Adoption and AdoptionChange follow the models from roundtables
# (0005), keeping their ids, so their permissions (and staff's groups that hold them) and the
# admin's history of their rows stay attached. A fresh database has no such rows yet
# (post_migrate creates them under actionplan): nothing to do. Where both rows of a model already
# exist (post_migrate ran between the steps), the old one is left for
# `manage.py remove_stale_contenttypes`, rather than deleted here with what hangs on it.

from django.db import migrations

MOVED = ["adoption", "adoptionchange"]


def _move(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED:
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def to_actionplan(apps, schema_editor):
    _move(apps, schema_editor, source="roundtables", target="actionplan")


def back_to_roundtables(apps, schema_editor):
    _move(apps, schema_editor, source="actionplan", target="roundtables")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("actionplan", "0006_library_models_move_out"),
        ("roundtables", "0004_library_and_adoption_move_out"),
    ]

    operations = [migrations.RunPython(to_actionplan, back_to_roundtables)]
