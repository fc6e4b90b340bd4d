"""What the reports app records itself: weekly snapshots of each plan's figures. Everything else it
shows is read from the apps below it."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from actionplan.models import Plan
from actionplan.rules import Freshness
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
