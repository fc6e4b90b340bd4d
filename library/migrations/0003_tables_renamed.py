# Schema: the moved models' tables take the library's names (library_dimension, ...), and so do
# the many-to-many tables of Publication and CaseStudy. A rename, on PostgreSQL and SQLite alike:
# no row is copied, and the foreign keys of other tables that point at them follow.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0002_content_types_move_here"),
    ]

    operations = [
        migrations.AlterModelTable(name="dimension", table=None),
        migrations.AlterModelTable(name="framework", table=None),
        migrations.AlterModelTable(name="frameworkitem", table=None),
        migrations.AlterModelTable(name="publication", table=None),
        migrations.AlterModelTable(name="recommendationarea", table=None),
        migrations.AlterModelTable(name="recommendation", table=None),
        migrations.AlterModelTable(name="milestone", table=None),
        migrations.AlterModelTable(name="casestudy", table=None),
    ]
