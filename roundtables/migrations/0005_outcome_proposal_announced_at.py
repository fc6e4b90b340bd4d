# A proposal remembers when its state was told, so proposals made close together go out as one
# email (roundtables.services.outcomes.announce_proposals). Proposals made before this change were
# each emailed as they were made: they count as announced then, so nobody is told twice.

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def announced_when_proposed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    proposals = apps.get_model("roundtables", "OutcomeProposal")
    proposals.objects.filter(announced_at__isnull=True).update(announced_at=models.F("proposed_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("roundtables", "0004_library_and_adoption_move_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="outcomeproposal",
            name="announced_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(announced_when_proposed, migrations.RunPython.noop),
    ]
