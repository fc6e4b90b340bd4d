# Schema: Adoption's tables take actionplan's names (actionplan_adoption, actionplan_adoption_items,
# actionplan_adoptionchange). A rename, on PostgreSQL and SQLite alike: no row is copied, and the
# foreign keys that point at them follow.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0007_adoption_content_types_move_here"),
    ]

    operations = [
        migrations.AlterModelTable(name="adoption", table=None),
        migrations.AlterModelTable(name="adoptionchange", table=None),
    ]
