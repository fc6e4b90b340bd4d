# Dimension, Framework and FrameworkItem have moved to the library (library 0001); now that no
# field of any app points at actionplan's copies (0005, roundtables 0004), they are forgotten, in
# Django's state only: their tables and rows stay, as the library's.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0005_adoption_moves_here"),
        ("roundtables", "0004_library_and_adoption_move_out"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="FrameworkItem"),
                migrations.DeleteModel(name="Framework"),
                migrations.DeleteModel(name="Dimension"),
            ],
        ),
    ]
