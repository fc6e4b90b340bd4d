"""What the associations convene: roundtables, task forces and workshops with their agenda,
invitations and attendance, and the outcomes of an event, proposed to the states that attended as
draft plan items. What they publish (publications, recommendations, case studies, milestones) is
the library's; where each state stands on a recommendation is the action plan's.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from library.models import DatePrecision


class RoundtableQuerySet(models.QuerySet["Roundtable"]):
    def upcoming(self, now: datetime.datetime) -> RoundtableQuerySet:
        """Events that have not ended yet, soonest first."""
        return self.filter(ends_at__gte=now).order_by("starts_at", "id")

    def past(self, now: datetime.datetime) -> RoundtableQuerySet:
        """Events that have ended, latest first."""
        return self.filter(ends_at__lt=now).order_by("-starts_at", "-id")


class Roundtable(models.Model):
    """A gathering the associations convened: a roundtable, a task force (which runs for months)
    or a workshop (often part of a task force). Times are stored in UTC and shown in `tz`, the
    event's own zone."""

    class Kind(models.TextChoices):
        ROUNDTABLE = "roundtable", "Roundtable"
        TASK_FORCE = "task_force", "Task force"
        WORKSHOP = "workshop", "Workshop"

    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ROUNDTABLE)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    tz = models.CharField(
        "Time zone", max_length=64, default="America/New_York", help_text="The event's own time zone."
    )
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="For past events whose exact dates were never published.",
    )
    place = models.CharField(max_length=200, blank=True, help_text="City and venue, if it meets in person.")
    video_url = models.URLField("Video link", blank=True)
    hosts = models.ManyToManyField("directory.Association", related_name="roundtables")
    description = models.TextField(blank=True, help_text="Markdown: **bold**, *italic*, lists and links.")
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text="e.g. a task force's workshop.",
    )
    publications = models.ManyToManyField(
        "library.Publication", blank=True, related_name="events", help_text="What it produced."
    )
    participants_note = models.CharField(
        max_length=300, blank=True, help_text="What is known about who took part, e.g. when members were not published."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoundtableQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="roundtable_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_past(self, now: datetime.datetime | None = None) -> bool:
        return self.ends_at < (now or timezone.now())


class AgendaSession(models.Model):
    """One session on an event's agenda, tagged with the dimensions it covers."""

    roundtable = models.ForeignKey(Roundtable, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    description = models.TextField(blank=True)
    dimensions = models.ManyToManyField("library.Dimension", blank=True, related_name="sessions")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["roundtable", "position", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="session_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """One side (CIO or CPO office) of one invited jurisdiction at one event: invited, then
    registered (who will come), then attended. Inviting a jurisdiction creates both sides' rows;
    a jurisdiction without rows was not invited and cannot register."""

    class Side(models.TextChoices):
        CIO = "cio", "CIO office"
        CPO = "cpo", "CPO office"

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        REGISTERED = "registered", "Registered"
        DECLINED = "declined", "Not attending"
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Did not attend"

    roundtable = models.ForeignKey(Roundtable, on_delete=models.CASCADE, related_name="attendance")
    jurisdiction = models.ForeignKey("directory.Jurisdiction", on_delete=models.PROTECT, related_name="attendance")
    side = models.CharField(max_length=3, choices=Side.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="attendance"
    )
    attendee_name = models.CharField(
        max_length=200, blank=True, help_text="Who comes from this office, when they have no account."
    )
    role = models.CharField(max_length=100, blank=True, help_text='e.g. "Co-chair".')
    invited_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who recorded attended or absent.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["roundtable", "jurisdiction__name", "side"]
        constraints = [
            models.UniqueConstraint(fields=["roundtable", "jurisdiction", "side"], name="attendance_once_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.get_side_display()} at {self.roundtable}: {self.get_status_display()}"


class Outcome(models.Model):
    """Something an event agreed, recorded by staff afterwards; it may be proposed to the
    jurisdictions that attended as a draft plan item."""

    roundtable = models.ForeignKey(Roundtable, on_delete=models.PROTECT, related_name="outcomes")
    title = models.CharField(max_length=200, help_text="Short; becomes the item's title when a state accepts it.")
    text = models.TextField(help_text="Markdown: **bold**, *italic*, lists and links.")
    dimension = models.ForeignKey("library.Dimension", on_delete=models.PROTECT, related_name="outcomes")
    recommendation = models.ForeignKey(
        "library.Recommendation", on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes"
    )
    position = models.PositiveSmallIntegerField(default=0)
    proposed_at = models.DateTimeField(null=True, blank=True, help_text="When it was proposed to the states.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["roundtable", "position", "id"]

    def __str__(self) -> str:
        return self.title


class OutcomeProposal(models.Model):
    """An outcome offered to one jurisdiction as a draft item: accepted (the item exists, and
    remembers the outcome), declined with a reason, or still waiting."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Awaiting a decision"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="proposals")
    jurisdiction = models.ForeignKey("directory.Jurisdiction", on_delete=models.PROTECT, related_name="proposals")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    item = models.OneToOneField(
        "actionplan.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="proposal"
    )
    reason = models.TextField(blank=True, help_text="Why the state declined.")
    proposed_at = models.DateTimeField(default=timezone.now)
    # When the state's CIO and CPO were told, in one email with the event's other outcomes proposed
    # to it meanwhile (roundtables.services.outcomes.announce_proposals); empty until then.
    announced_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["outcome", "jurisdiction__name"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "jurisdiction"], name="proposal_once_per_jurisdiction"),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(item__isnull=False), name="accepted_proposal_has_item"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reason=""), name="declined_proposal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} for {self.jurisdiction}: {self.get_status_display()}"
