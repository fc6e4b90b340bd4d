# OutgoingEmail now lives in the outbox app (outbox 0001), in Django's state only: the table, its
# rows and the foreign key from notifications_remindersent stay exactly as they are. Here,
# ReminderSent's `email` points at the outbox's model and notifications forgets its copy, both
# without touching the database (an AlterField would drop and rebuild the constraint, and on
# SQLite the whole table, for no change at all).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_outgoingemail_raw_message_attachments_event"),
        ("outbox", "0001_outgoingemail_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="remindersent",
                    name="email",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="facts", to="outbox.outgoingemail"
                    ),
                ),
                migrations.DeleteModel(name="OutgoingEmail"),
            ],
        ),
    ]
