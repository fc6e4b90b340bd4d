# Data: the content types of the models that moved here (library 0001) follow them to the library
# app, keeping their ids, so their permissions (and staff's groups that hold them) and the admin's
# history of their rows stay attached. A fresh database has no such rows yet (post_migrate creates
# them under library): nothing to do. Where both rows of a model already exist (post_migrate ran
# between the steps), the old one is left for `manage.py remove_stale_contenttypes`, rather than
# deleted here with what hangs on it.

from django.db import migrations

# model -> the app it came from
MOVED = {
    "dimension": "actionplan",
    "framework": "actionplan",
    "frameworkitem": "actionplan",
    "publication": "roundtables",
    "recommendationarea": "roundtables",
    "recommendation": "roundtables",
    "milestone": "roundtables",
    "casestudy": "roundtables",
}


def _move(apps, schema_editor, *, forwards):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model, old_app in MOVED.items():
        source, target = (old_app, "library") if forwards else ("library", old_app)
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def to_library(apps, schema_editor):
    _move(apps, schema_editor, forwards=True)


def back_to_their_apps(apps, schema_editor):
    _move(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("library", "0001_models_move_here"),
        ("actionplan", "0006_library_models_move_out"),
    ]

    operations = [migrations.RunPython(to_library, back_to_their_apps)]
