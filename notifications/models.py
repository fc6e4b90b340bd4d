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


class ReplyAddress(models.Model):
    """The Reply-To of one email that asks one person for updates: update+<token>@REPLY_DOMAIN.

    A reply to it is read as updates on `item_ids`, in the order the email listed them; the email
    shows each item's short code (I1, I2, …: its place in this list), which a reply's line names
    when the email was about several. Only the token's SHA-256 is stored, as for invitations, so
    the table alone cannot be used to post as anyone. It expires after settings.REPLY_TOKEN_DAYS,
    and it is worth nothing once its person may no longer post on an item (checked when a reply
    is read, by the same rules the item's page uses).
    """

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item_ids = models.JSONField(default=list)
    email = models.ForeignKey(
        "outbox.OutgoingEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="reply_addresses"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Reply address for {self.user} ({len(self.item_ids)} items)"


class StatusLink(models.Model):
    """One-click status links in one email for one item: "On track", "At risk", "Blocked".

    The links of one row share one token (the status is in the URL); opening one shows the item
    and asks to confirm (a GET changes nothing: mail scanners open links), and confirming posts
    the update and uses the token up, so the row's other links say it was used. Only the token's
    SHA-256 is stored.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey("actionplan.Item", on_delete=models.CASCADE, related_name="+")
    email = models.ForeignKey(
        "outbox.OutgoingEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="status_links"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    update = models.ForeignKey("actionplan.Update", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"Status links for {self.user} on item {self.item_id}"


class AddressBounce(models.Model):
    """Mail to a person's address came back as undeliverable for good (a hard bounce): staff and
    the person's counterpart are told once per address change, as a sign the person may have left
    office (the turnover flow). Cleared when the address changes, or when staff mark it resolved
    (notifications.bounces)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="address_bounces")
    address = models.CharField(max_length=254)
    email = models.ForeignKey(
        "outbox.OutgoingEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    bounced_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-bounced_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "address"], condition=Q(cleared_at__isnull=True), name="address_bounce_open_once"
            )
        ]

    def __str__(self) -> str:
        return f"Mail to {self.address} bounces"
