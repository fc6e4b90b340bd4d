# What load_reference last wrote into each reference row, so that a row staff edited in the admin
# is no longer put back by the next load (directory/reference.py: upsert). Rows seeded before this
# migration have none yet: the next load records those that still say what the seed says.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0002_user_email_unique_whatever_its_case"),
    ]

    operations = [
        migrations.CreateModel(
            name="SeededRow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveBigIntegerField()),
                (
                    "values",
                    models.JSONField(help_text="The seeded fields and links as the seed last wrote them, as JSON."),
                ),
                ("written_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("content_type", "object_id"), name="seeded_row_once")],
            },
        ),
    ]
