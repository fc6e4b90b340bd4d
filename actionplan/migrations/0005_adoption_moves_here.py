# Adoption and AdoptionChange move here from roundtables, and the plan's fields point at the
# library's models, in Django's state only: the tables (still named roundtables_adoption,
# roundtables_adoptionchange and roundtables_adoption_items: see db_table below) and every row in
# them stay where they are. roundtables 0004 then forgets its copies; 0008 renames the tables.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0004_item_case_studies_roundtable_origin"),
        ("directory", "0002_user_email_unique_whatever_its_case"),
        ("library", "0001_models_move_here"),
        ("roundtables", "0003_adoption_change_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Adoption",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("not_started", "Not started"),
                                    ("exploring", "Exploring"),
                                    ("in_progress", "In progress"),
                                    ("adopted", "Adopted"),
                                    ("not_applicable", "Not applicable"),
                                ],
                                default="not_started",
                                max_length=15,
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                        (
                            "evidence_kind",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("statute", "Statute"),
                                    ("executive_order", "Executive order"),
                                    ("policy", "Policy"),
                                    ("contract_clause", "Contract clause"),
                                    ("other", "Other"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("evidence_url", models.URLField(blank=True, max_length=500, verbose_name="Evidence link")),
                        ("evidence_file", models.FileField(blank=True, upload_to="adoption/%Y/%m/")),
                        (
                            "evidence_name",
                            models.CharField(
                                blank=True, help_text="The uploaded file's original name.", max_length=200
                            ),
                        ),
                        ("verified_at", models.DateTimeField(blank=True, null=True)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("items", models.ManyToManyField(blank=True, related_name="adoptions", to="actionplan.item")),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="adoptions",
                                to="directory.jurisdiction",
                            ),
                        ),
                        (
                            "recommendation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="adoptions",
                                to="library.recommendation",
                            ),
                        ),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "verified_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "roundtables_adoption",
                        "ordering": ["jurisdiction__name", "recommendation"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("jurisdiction", "recommendation"), name="adoption_once_per_recommendation"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("status", "adopted"), _negated=True),
                                    models.Q(("evidence_url", ""), _negated=True),
                                    models.Q(("evidence_file", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="adopted_needs_evidence",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AdoptionChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("recorded", "recorded"),
                                    ("changed", "changed"),
                                    ("verified", "verified the evidence"),
                                    ("unverified", "withdrew the verification"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("not_started", "Not started"),
                                    ("exploring", "Exploring"),
                                    ("in_progress", "In progress"),
                                    ("adopted", "Adopted"),
                                    ("not_applicable", "Not applicable"),
                                ],
                                help_text="The status after the change.",
                                max_length=15,
                            ),
                        ),
                        (
                            "summary",
                            models.TextField(
                                blank=True, help_text='What changed, in words: "Status: Exploring → Adopted; …".'
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "adoption",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="changes",
                                to="actionplan.adoption",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "roundtables_adoptionchange",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["adoption", "-created_at"], name="adoption_change_recent")],
                    },
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="framework",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plans",
                        to="library.framework",
                    ),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="dimension",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="items", to="library.dimension"
                    ),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="framework_item",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="adopted_as",
                        to="library.frameworkitem",
                    ),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="recommendations",
                    field=models.ManyToManyField(blank=True, related_name="items", to="library.recommendation"),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="case_studies",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="Case studies this item learns from.",
                        related_name="items",
                        to="library.casestudy",
                    ),
                ),
            ],
        ),
    ]
