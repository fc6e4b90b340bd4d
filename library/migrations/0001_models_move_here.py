# The library's models move here from actionplan (Dimension, Framework, FrameworkItem) and
# roundtables (Publication, RecommendationArea, Recommendation, Milestone, CaseStudy), in Django's
# state only: each keeps its table (still named after its old app: see db_table below) and every
# row in it, and its many-to-many tables keep their names and columns. Later migrations point the
# other apps' fields at these models and forget the old ones (actionplan 0005 and 0006,
# roundtables 0004), move their content types (0002) and rename the tables (0003).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("directory", "0002_user_email_unique_whatever_its_case"),
        # Every table and column exists, as the models last looked in their old apps.
        ("actionplan", "0004_item_case_studies_roundtable_origin"),
        ("roundtables", "0003_adoption_change_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Dimension",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("slug", models.SlugField(unique=True)),
                        ("name", models.CharField(max_length=100, unique=True)),
                        (
                            "position",
                            models.PositiveSmallIntegerField(
                                help_text="Order in which the dimensions are listed.", unique=True
                            ),
                        ),
                        ("summary", models.TextField(help_text="What the dimension covers, in a sentence or two.")),
                    ],
                    options={
                        "db_table": "actionplan_dimension",
                        "ordering": ["position"],
                    },
                ),
                migrations.CreateModel(
                    name="Milestone",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("slug", models.SlugField(max_length=80, unique=True)),
                        ("happened_on", models.DateField()),
                        (
                            "date_precision",
                            models.CharField(
                                choices=[("day", "Day"), ("month", "Month"), ("year", "Year")],
                                default="day",
                                max_length=5,
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("summary", models.TextField(blank=True)),
                        ("source_url", models.URLField(blank=True)),
                    ],
                    options={
                        "db_table": "roundtables_milestone",
                        "ordering": ["happened_on", "title"],
                    },
                ),
                migrations.CreateModel(
                    name="Framework",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        (
                            "edition",
                            models.CharField(
                                help_text="Short label, e.g. 2016 roundtable plan.", max_length=50, unique=True
                            ),
                        ),
                        ("description", models.TextField(blank=True)),
                        ("source_url", models.URLField(blank=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[("draft", "Draft"), ("published", "Published"), ("superseded", "Superseded")],
                                default="draft",
                                max_length=12,
                            ),
                        ),
                        ("published_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "supersedes",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="superseded_by",
                                to="library.framework",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "actionplan_framework",
                        "ordering": ["-published_at", "edition"],
                    },
                ),
                migrations.CreateModel(
                    name="Publication",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "slug",
                            models.SlugField(
                                help_text="A stable key, so re-running the seed corrects rows.",
                                max_length=80,
                                unique=True,
                            ),
                        ),
                        ("title", models.CharField(max_length=300)),
                        ("published_on", models.DateField(blank=True, null=True)),
                        (
                            "date_precision",
                            models.CharField(
                                choices=[("day", "Day"), ("month", "Month"), ("year", "Year")],
                                default="day",
                                max_length=5,
                            ),
                        ),
                        (
                            "other_authors",
                            models.CharField(
                                blank=True,
                                help_text="Co-authors that are not NASPO or NASCIO, e.g. the Center for Internet Security.",
                                max_length=200,
                            ),
                        ),
                        ("url", models.URLField(blank=True)),
                        ("summary", models.TextField(blank=True, help_text="What it says, in our own words.")),
                        (
                            "expected_recommendations",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="How many recommendations the publication makes, when more are known to exist than we hold.",
                                null=True,
                            ),
                        ),
                        (
                            "associations",
                            models.ManyToManyField(blank=True, related_name="publications", to="directory.association"),
                        ),
                    ],
                    options={
                        "db_table": "roundtables_publication",
                        "ordering": ["published_on", "title"],
                    },
                ),
                migrations.CreateModel(
                    name="Recommendation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "area_is_inferred",
                            models.BooleanField(
                                default=False,
                                help_text="The source does not name the area; we placed it by reading it.",
                            ),
                        ),
                        ("number", models.CharField(help_text="As numbered in the source, e.g. R3.", max_length=10)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        ("text", models.TextField()),
                        ("source_url", models.URLField(blank=True)),
                        (
                            "confidence",
                            models.CharField(
                                choices=[
                                    ("publication", "From the publication"),
                                    ("press", "From press coverage"),
                                    ("proposed", "Proposed"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "publication",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="recommendations",
                                to="library.publication",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "roundtables_recommendation",
                        "ordering": ["publication__published_on", "publication_id", "position", "number"],
                    },
                ),
                migrations.CreateModel(
                    name="CaseStudy",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("slug", models.SlugField(max_length=80, unique=True)),
                        ("title", models.CharField(max_length=200)),
                        ("years", models.CharField(blank=True, help_text='e.g. "2015–2018".', max_length=40)),
                        (
                            "summary",
                            models.TextField(help_text="Markdown. What happened and what others can take from it."),
                        ),
                        (
                            "key_facts",
                            models.JSONField(
                                blank=True, default=list, help_text="Short lines with the figures sources give."
                            ),
                        ),
                        (
                            "sources",
                            models.JSONField(
                                blank=True, default=list, help_text='A list of {"title": ..., "url": ...}.'
                            ),
                        ),
                        ("topics", models.JSONField(blank=True, default=list, help_text='e.g. ["modular", "agile"].')),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="case_studies",
                                to="directory.jurisdiction",
                            ),
                        ),
                        (
                            "dimensions",
                            models.ManyToManyField(blank=True, related_name="case_studies", to="library.dimension"),
                        ),
                        (
                            "recommendations",
                            models.ManyToManyField(
                                blank=True, related_name="case_studies", to="library.recommendation"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "roundtables_casestudy",
                        "verbose_name_plural": "case studies",
                        "ordering": ["title"],
                    },
                ),
                migrations.CreateModel(
                    name="RecommendationArea",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=150, unique=True)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        ("summary", models.TextField(blank=True)),
                        (
                            "publication",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="areas",
                                to="library.publication",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "roundtables_recommendationarea",
                        "ordering": ["position", "name"],
                    },
                ),
                migrations.AddField(
                    model_name="recommendation",
                    name="area",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="library.recommendationarea",
                    ),
                ),
                migrations.CreateModel(
                    name="FrameworkItem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(max_length=10)),
                        ("title", models.CharField(max_length=200)),
                        ("description", models.TextField(blank=True)),
                        (
                            "side",
                            models.CharField(
                                choices=[("cio", "CIO"), ("cpo", "CPO"), ("joint", "Joint")],
                                default="joint",
                                max_length=5,
                            ),
                        ),
                        (
                            "is_proposed_starter",
                            models.BooleanField(
                                default=True,
                                help_text="A starter item written for Joint Plan, not taken from the published plan (the roundtable's own item list is not public).",
                            ),
                        ),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        (
                            "dimension",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="library.dimension"
                            ),
                        ),
                        (
                            "framework",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="items",
                                to="library.framework",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "actionplan_frameworkitem",
                        "ordering": ["framework", "dimension__position", "position", "code"],
                        "constraints": [
                            models.UniqueConstraint(fields=("framework", "code"), name="framework_item_code_unique")
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="recommendation",
                    constraint=models.UniqueConstraint(
                        fields=("publication", "number"), name="recommendation_number_unique_per_publication"
                    ),
                ),
            ],
        ),
    ]
