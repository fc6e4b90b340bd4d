"""What the associations convened and recommended, and what each state did about it.

Publications and their recommendations (with provenance: a missing recommendation stays missing,
it is never invented); roundtables, task forces and workshops with their agenda, invitations and
attendance; the outcomes of an event, proposed to the states that attended as draft plan items;
each state's adoption of each recommendation, with evidence; case studies states learn from; and
the dated milestones that, with events and publications, make the timeline of the collaboration.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class DatePrecision(models.TextChoices):
    """How much of a date the sources give: "late July 2016" is stored as 2016-07-01 with MONTH."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class Publication(models.Model):
    """A paper or call to action from NASPO, NASCIO or both."""

    slug = models.SlugField(max_length=80, unique=True, help_text="A stable key, so re-running the seed corrects rows.")
    title = models.CharField(max_length=300)
    published_on = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    associations = models.ManyToManyField("directory.Association", blank=True, related_name="publications")
    other_authors = models.CharField(
        max_length=200,
        blank=True,
        help_text="Co-authors that are not NASPO or NASCIO, e.g. the Center for Internet Security.",
    )
    url = models.URLField(blank=True)
    summary = models.TextField(blank=True, help_text="What it says, in our own words.")
    expected_recommendations = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How many recommendations the publication makes, when more are known to exist than we hold.",
    )

    class Meta:
        ordering = ["published_on", "title"]

    def __str__(self) -> str:
        return self.title


class RecommendationArea(models.Model):
    """A heading recommendations are grouped under (e.g. "Relationship building")."""

    name = models.CharField(max_length=150, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="areas")
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Recommendation(models.Model):
    """One recommendation, in our own words, with where it comes from and how sure we are."""

    class Confidence(models.TextChoices):
        PUBLICATION = "publication", "From the publication"
        PRESS = "press", "From press coverage"
        PROPOSED = "proposed", "Proposed"

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="recommendations")
    area = models.ForeignKey(RecommendationArea, on_delete=models.PROTECT, null=True, blank=True)
    area_is_inferred = models.BooleanField(
        default=False, help_text="The source does not name the area; we placed it by reading it."
    )
    number = models.CharField(max_length=10, help_text="As numbered in the source, e.g. R3.")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    source_url = models.URLField(blank=True)
    confidence = models.CharField(max_length=20, choices=Confidence.choices)

    class Meta:
        ordering = ["publication__published_on", "publication_id", "position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="recommendation_number_unique_per_publication"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.text[:60]}"


class Milestone(models.Model):
    """A dated fact of the collaboration that is neither an event nor a publication (a survey, a
    vote, an award), for the timeline."""

    slug = models.SlugField(max_length=80, unique=True)
    happened_on = models.DateField()
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    source_url = models.URLField(blank=True)

    class Meta:
        ordering = ["happened_on", "title"]

    def __str__(self) -> str:
        return self.title


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
    publications = models.ManyToManyField(Publication, blank=True, related_name="events", help_text="What it produced.")
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
    dimensions = models.ManyToManyField("actionplan.Dimension", blank=True, related_name="sessions")
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
    dimension = models.ForeignKey("actionplan.Dimension", on_delete=models.PROTECT, related_name="outcomes")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes"
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


class Adoption(models.Model):
    """Where one jurisdiction stands on one recommendation, with evidence (a link or a document:
    a statute, executive order, policy or contract clause) and the plan items that carry it out.
    "Adopted" needs evidence; association staff may mark the evidence verified."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        EXPLORING = "exploring", "Exploring"
        IN_PROGRESS = "in_progress", "In progress"
        ADOPTED = "adopted", "Adopted"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    class EvidenceKind(models.TextChoices):
        STATUTE = "statute", "Statute"
        EXECUTIVE_ORDER = "executive_order", "Executive order"
        POLICY = "policy", "Policy"
        CONTRACT_CLAUSE = "contract_clause", "Contract clause"
        OTHER = "other", "Other"

    jurisdiction = models.ForeignKey("directory.Jurisdiction", on_delete=models.PROTECT, related_name="adoptions")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="adoptions")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NOT_STARTED)
    note = models.TextField(blank=True)
    evidence_kind = models.CharField(max_length=16, choices=EvidenceKind.choices, blank=True)
    evidence_url = models.URLField("Evidence link", max_length=500, blank=True)
    evidence_file = models.FileField(upload_to="adoption/%Y/%m/", blank=True)
    evidence_name = models.CharField(max_length=200, blank=True, help_text="The uploaded file's original name.")
    items = models.ManyToManyField("actionplan.Item", blank=True, related_name="adoptions")
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["jurisdiction__name", "recommendation"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "recommendation"], name="adoption_once_per_recommendation"),
            models.CheckConstraint(
                condition=~Q(status="adopted") | ~Q(evidence_url="") | ~Q(evidence_file=""),
                name="adopted_needs_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} on {self.recommendation.number}: {self.get_status_display()}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_url or self.evidence_file)


class AdoptionChange(models.Model):
    """One change to an adoption record, kept for good: who set which status and evidence, and
    who verified it or withdrew that. The Adoption row holds only the latest state; this is how a
    reader tells whether the evidence staff verified is still the evidence on file."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", "recorded"
        CHANGED = "changed", "changed"
        VERIFIED = "verified", "verified the evidence"
        UNVERIFIED = "unverified", "withdrew the verification"

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=15, choices=Adoption.Status.choices, help_text="The status after the change.")
    summary = models.TextField(blank=True, help_text='What changed, in words: "Status: Exploring → Adopted; …".')
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["adoption", "-created_at"], name="adoption_change_recent")]

    def __str__(self) -> str:
        return f"{self.adoption}: {self.get_kind_display()}"


class CaseStudy(models.Model):
    """What one state did, told in our own words with its sources, for others to learn from."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    jurisdiction = models.ForeignKey(
        "directory.Jurisdiction", on_delete=models.PROTECT, null=True, blank=True, related_name="case_studies"
    )
    years = models.CharField(max_length=40, blank=True, help_text='e.g. "2015–2018".')
    summary = models.TextField(help_text="Markdown. What happened and what others can take from it.")
    key_facts = models.JSONField(default=list, blank=True, help_text="Short lines with the figures sources give.")
    sources = models.JSONField(default=list, blank=True, help_text='A list of {"title": ..., "url": ...}.')
    topics = models.JSONField(default=list, blank=True, help_text='e.g. ["modular", "agile"].')
    dimensions = models.ManyToManyField("actionplan.Dimension", blank=True, related_name="case_studies")
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="case_studies")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return self.title
