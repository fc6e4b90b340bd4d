"""What the reports app records itself: weekly snapshots of each plan's figures. Everything else it
shows is read from the apps below it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from actionplan.models import Plan
from actionplan.rules import Freshness
from directory.models import Jurisdiction
from library.models import Dimension
from reports.figures import OFFICES, Figures


class Snapshot(models.Model):
    """One plan's figures in one dimension, as reports.figures computed them when the weekly
    snapshot was taken: the only record of how a plan stood in a past week, which the trends read.

    One row per plan, ISO week and dimension (every dimension, zeros where it has no items), with
    both offices' freshness counts as columns. The database refuses a second row for the same
    plan, week and dimension, so a snapshot run twice, late or concurrently records once.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="snapshots")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    # The Monday of the ISO week (in UTC, as beat runs) the snapshot belongs to.
    week_starts_on = models.DateField()
    taken_at = models.DateTimeField(default=timezone.now)
    items = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0, help_text="Sum of the items' progress (0–100 each).")
    updated_recently = models.PositiveIntegerField(default=0)
    disagreements = models.PositiveIntegerField(default=0)
    # Status value -> number of items, as figures.Figures.statuses (statuses may be added later).
    statuses = models.JSONField(default=dict)
    # Each office's open items by freshness (actionplan.rules.freshness).
    cio_fresh = models.PositiveIntegerField(default=0)
    cio_late = models.PositiveIntegerField(default=0)
    cio_never = models.PositiveIntegerField(default=0)
    cpo_fresh = models.PositiveIntegerField(default=0)
    cpo_late = models.PositiveIntegerField(default=0)
    cpo_never = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["week_starts_on", "plan_id", "dimension__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "week_starts_on", "dimension"], name="one_snapshot_per_plan_week_dimension"
            ),
            models.CheckConstraint(condition=Q(done__lte=F("items")), name="snapshot_done_at_most_items"),
        ]
        indexes = [models.Index(fields=["week_starts_on"], name="snapshot_week")]

    def __str__(self) -> str:
        return f"{self.plan_id} · week of {self.week_starts_on} · {self.dimension_id}"

    @staticmethod
    def freshness_field(office: str, state: Freshness) -> str:
        """The column holding one office's count of items in one freshness state."""
        return f"{office}_{state.value}"

    @classmethod
    def counts_from(cls, figures: Figures) -> dict[str, object]:
        """The columns of a snapshot row holding `figures`."""
        counts: dict[str, object] = {
            "items": figures.items,
            "done": figures.done,
            "progress_total": figures.progress_total,
            "updated_recently": figures.updated_recently,
            "disagreements": figures.disagreements,
            "statuses": {status: n for status, n in figures.statuses.items() if n},
        }
        for office in OFFICES:
            for state in Freshness:
                counts[cls.freshness_field(office, state)] = figures.freshness[office][state]
        return counts


# The columns that add up across plans and dimensions (what the trends sum in the database).
SUMMED_FIELDS = ("items", "done", "progress_total", "updated_recently", "disagreements") + tuple(
    Snapshot.freshness_field(office, state) for office in OFFICES for state in Freshness
)


def figures_from(counts: dict[str, int], statuses: dict[str, int] | None = None) -> Figures:
    """Figures from snapshot columns (one row's or a sum's, by the names of SUMMED_FIELDS), so the
    trends compute their percentages with the same properties as every other page. The status mix
    is not summed in the database: pass a row's `statuses` to have it."""
    figures = Figures(
        items=counts["items"],
        done=counts["done"],
        progress_total=counts["progress_total"],
        updated_recently=counts["updated_recently"],
        disagreements=counts["disagreements"],
    )
    for office in OFFICES:
        for state in Freshness:
            figures.freshness[office][state] = counts[Snapshot.freshness_field(office, state)]
    figures.statuses.update(statuses or {})
    return figures


class ExportJob(models.Model):
    """A download made in the background (a state's takeout, the national spreadsheet): who asked,
    how far it has got, and the file, which only they may fetch, until it expires and is removed.

    One job of a kind at a time per person (and state): asking again while one runs leads to it. A
    job stuck running (its worker died) counts as failed after STUCK_AFTER (reports/jobs.py)."""

    class Kind(models.TextChoices):
        TAKEOUT = "takeout", "Everything about the state (zip)"
        NATIONAL_ITEMS = "national_items", "Every state's items and latest updates (XLSX)"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, null=True, blank=True, related_name="export_jobs"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    step = models.CharField(max_length=200, blank=True, help_text="What it is doing now, in words.")
    file = models.FileField(upload_to="exports/", max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "kind", "jurisdiction"],
                condition=Q(state__in=["queued", "running"]),
                name="one_running_export_per_person_and_state",
            ),
            models.UniqueConstraint(
                fields=["requested_by", "kind"],
                condition=Q(state__in=["queued", "running"], jurisdiction__isnull=True),
                name="one_running_national_export_per_person",
            ),
        ]

    def __str__(self) -> str:
        subject = f" of {self.jurisdiction}" if self.jurisdiction_id else ""
        return f"{self.get_kind_display()}{subject} for {self.requested_by} ({self.get_state_display()})"

    @property
    def active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
