"""Email out. Every message is first a row here (the outbox), written in the same transaction as
whatever caused it; a task delivers queued rows. The database, not Redis, is the source of truth:
a Redis outage, a killed worker or a failing mail server delays mail but never loses or doubles it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutgoingEmail(models.Model):
    """One email to one person, with its delivery state machine: queued → sending → sent | failed."""

    class Kind(models.TextChoices):
        DIGEST = "digest", "Weekly digest"
        STAFF_DIGEST = "staff_digest", "National digest"
        REMINDER = "reminder", "Reminders"
        EVENT = "event", "Event invitations"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="emails"
    )
    to_address = models.CharField(max_length=254, blank=True, help_text="The address at the time of queueing.")
    # e.g. digest:<user>:<ISO week>. The unique constraint is what makes "sent once" true.
    dedupe_key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # [{"filename", "content", "mimetype"}]: text files only (an event's .ics), so they survive JSON.
    attachments = models.JSONField(default=list, blank=True)
    # The whole message as SMTP carries it, built once when the row is written so that delivery
    # only has to send bytes; the Date header is left out and stamped at each send. NULL for rows
    # written before this column existed, and for rows that failed before they were written:
    # delivery builds those from the fields above.
    raw_message = models.BinaryField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "lease_expires_at"], name="outbox_leases"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_address} ({self.status})"


class Preference(models.Model):
    """What email a person wants, and when their weekly digest is next due (stored in UTC)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference")
    digest = models.BooleanField("Weekly digest", default=True)
    digest_weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    digest_hour = models.PositiveSmallIntegerField(default=8, validators=[MaxValueValidator(23)])
    digest_when_quiet = models.BooleanField(
        "Send the digest even in a quiet week", default=False, help_text="Off: no email when there is nothing to say."
    )
    reminders_due = models.BooleanField("Items falling due (7 days and 1 day before)", default=True)
    reminders_overdue = models.BooleanField("Overdue items (weekly until done)", default=True)
    reminders_stale = models.BooleanField("Items with no recent update", default=True)
    reminders_sign_off = models.BooleanField("Joint items awaiting my sign-off", default=True)
    reminders_mention = models.BooleanField("When someone @mentions me", default=True)
    # The next instant the digest is due, in UTC; recomputed after each send so that daylight
    # saving time neither skips nor doubles a week.
    next_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(digest_hour__lte=23), name="preference_digest_hour_0_23")]

    def __str__(self) -> str:
        return f"Email preferences of {self.user}"

    REMINDER_FIELDS = (
        "reminders_due",
        "reminders_overdue",
        "reminders_stale",
        "reminders_sign_off",
        "reminders_mention",
    )

    def wants(self, topic: str) -> bool:
        return bool(getattr(self, topic))


class ReminderSent(models.Model):
    """One reminder fact already told to one person (e.g. `due7:<item>:<due date>`).

    Several facts travel in one combined email; recording each fact makes a second scan, a late
    scan or two concurrent scans say nothing twice.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="facts")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_fact_once_per_user")]

    def __str__(self) -> str:
        return self.key
