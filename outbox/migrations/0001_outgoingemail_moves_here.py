# OutgoingEmail moves here from notifications, in Django's state only: its table (still named
# notifications_outgoingemail, see the model's Meta) and every row in it stay where they are.
# notifications 0003 then points ReminderSent at this model and forgets its own copy.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The table exists, with every column, once notifications 0002 has run.
        ("notifications", "0002_outgoingemail_raw_message_attachments_event"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="OutgoingEmail",
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
                                    ("digest", "Weekly digest"),
                                    ("staff_digest", "National digest"),
                                    ("reminder", "Reminders"),
                                    ("event", "Event invitations"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "to_address",
                            models.CharField(
                                blank=True, help_text="The address at the time of queueing.", max_length=254
                            ),
                        ),
                        ("dedupe_key", models.CharField(max_length=200, unique=True)),
                        ("subject", models.CharField(max_length=250)),
                        ("body_text", models.TextField()),
                        ("body_html", models.TextField(blank=True)),
                        ("headers", models.JSONField(blank=True, default=dict)),
                        ("attachments", models.JSONField(blank=True, default=list)),
                        ("raw_message", models.BinaryField(blank=True, null=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=10,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("lease_expires_at", models.DateTimeField(blank=True, null=True)),
                        ("last_error", models.TextField(blank=True)),
                        ("message_id", models.CharField(blank=True, max_length=250)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "recipient",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="emails",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "notifications_outgoingemail",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
                            models.Index(fields=["status", "lease_expires_at"], name="outbox_leases"),
                        ],
                    },
                ),
            ],
        ),
    ]
