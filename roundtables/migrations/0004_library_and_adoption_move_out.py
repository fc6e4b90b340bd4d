# The library's models (to the library app) and Adoption with its history (to actionplan) leave
# roundtables, in Django's state only: the events' fields point at the library's models, and the
# old copies are forgotten. No table, column or row changes here (library 0001, actionplan 0005).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0005_adoption_moves_here"),
        ("library", "0001_models_move_here"),
        ("roundtables", "0003_adoption_change_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="roundtable",
                    name="publications",
                    field=models.ManyToManyField(
                        blank=True, help_text="What it produced.", related_name="events", to="library.publication"
                    ),
                ),
                migrations.AlterField(
                    model_name="agendasession",
                    name="dimensions",
                    field=models.ManyToManyField(blank=True, related_name="sessions", to="library.dimension"),
                ),
                migrations.AlterField(
                    model_name="outcome",
                    name="dimension",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="outcomes", to="library.dimension"
                    ),
                ),
                migrations.AlterField(
                    model_name="outcome",
                    name="recommendation",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outcomes",
                        to="library.recommendation",
                    ),
                ),
                migrations.DeleteModel(name="AdoptionChange"),
                migrations.DeleteModel(name="Adoption"),
                migrations.DeleteModel(name="CaseStudy"),
                migrations.DeleteModel(name="Recommendation"),
                migrations.DeleteModel(name="RecommendationArea"),
                migrations.DeleteModel(name="Publication"),
                migrations.DeleteModel(name="Milestone"),
            ],
        ),
    ]
