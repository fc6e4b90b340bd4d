"""What to tell whom and when: each person's email preferences (and their digest clock), and the
reminder facts already told. The emails themselves are rows of the outbox (outbox.OutgoingEmail).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


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
    email = models.ForeignKey("outbox.OutgoingEmail", on_delete=models.CASCADE, related_name="facts")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_fact_once_per_user")]

    def __str__(self) -> str:
        return self.key


class Nudge(models.Model):
    """Association staff reminding one jurisdiction's late owners, all at once: at most once a week
    per jurisdiction (notifications.nudges)."""

    jurisdiction = models.ForeignKey("directory.Jurisdiction", on_delete=models.PROTECT, related_name="nudges")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="nudges_received")
    late_items = models.PositiveIntegerField(help_text="Open items that were late or never updated when it went.")

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "-sent_at"], name="nudge_jurisdiction_recent")]

    def __str__(self) -> str:
        return f"Nudge to {self.jurisdiction} on {self.sent_at:%Y-%m-%d}"
