"""Email out. Every message is first a row here (the outbox), written in the same transaction as
whatever caused it; a task delivers queued rows. The database, not Redis, is the source of truth:
a Redis outage, a killed worker or a failing mail server delays mail but never loses or doubles it.

The outbox sits below every feature app and knows nothing of plans or people beyond an address,
a time zone and, when the recipient has an account, the user model named in settings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    """One email to one address, with its delivery state machine: queued → sending → sent | failed.

    The recipient is a user, or nobody when the email goes to a bare address (an invitation to
    someone without an account yet): `to_address` is what delivery uses either way.
    """

    class Kind(models.TextChoices):
        """What the email is, for the delivery log's filter and display. The labels stay here rather
        than with the features that send each kind: a column with choices must have one list, the
        log filters on it, and naming a kind is a word, not an import (the outbox imports no feature
        app). A new kind of email adds one line here (and a choices-only migration)."""

        DIGEST = "digest", "Weekly digest"
        STAFF_DIGEST = "staff_digest", "National digest"
        REMINDER = "reminder", "Reminders"
        EVENT = "event", "Event invitations"
        NUDGE = "nudge", "Nudges from association staff"
        ACCOUNT = "account", "Password reset and account"
        REPLY = "reply", "Answers to updates sent by email"
        BOUNCE = "bounce", "Bounce notices"

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
        # The table keeps the name it had when this model lived in notifications: the move was a
        # change of Django's state only, so a deployed database keeps every row, and a worker still
        # running the old code during a deploy finds its table where it was.
        db_table = "notifications_outgoingemail"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "lease_expires_at"], name="outbox_leases"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_address} ({self.status})"


class InboundEmail(models.Model):
    """One message that arrived (a reply, a bounce, an auto-reply), stored as the bytes that came
    before anything reads it: the listener answers 250 only after this row is committed, so a crash
    after the answer loses nothing, and a message that cannot be read is still here to look at.

    `dedupe_key` is the Message-ID (or, without one, a hash of the bytes): the same message
    delivered twice is one row, interpreted once. What the message turned out to be, and what was
    done with it, is `status` and `outcome`, written by whoever interprets it (notifications).
    """

    class Source(models.TextChoices):
        SMTP = "smtp", "SMTP listener"
        LMTP = "lmtp", "LMTP listener"
        WEBHOOK = "webhook", "Provider webhook"
        FILE = "file", "File (manage.py receive_mail --file)"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSING = "processing", "Being read"
        POSTED = "posted", "Posted"
        BOUNCED = "bounced", "Bounce"
        IGNORED = "ignored", "Ignored"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Could not be read"

    source = models.CharField(max_length=10, choices=Source.choices)
    dedupe_key = models.CharField(max_length=250, unique=True)
    message_id = models.CharField(max_length=250, blank=True)
    envelope_from = models.CharField(max_length=254, blank=True)
    envelope_to = models.JSONField(default=list, blank=True)
    raw = models.BinaryField(editable=False)
    size = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    # One line for staff: why it was ignored or rejected, what was posted, which email bounced.
    outcome = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"], name="inbound_due")]

    def __str__(self) -> str:
        return f"Inbound email {self.pk} ({self.status})"
