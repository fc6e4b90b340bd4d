"""Trends: how plans' figures moved week by week, read from the weekly snapshots (reports.snapshots)
and drawn with reports.charts.

A jurisdiction's figures in a week are those of its standing plan that week among the plans
recorded then (actionplan.models.standing_plans: the national dashboard's rule, so an overlap of two
fiscal years counts once), limited to the plans the viewer may read; the country's are the sum over
jurisdictions. Weeks with no snapshot between the first and the last are kept, with no figure, so
the time axis stays even and a gap shows as a gap. Every percentage is a reports.figures.Figures
property: the trends compute nothing their own way.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import dateformat

from actionplan.models import Plan, standing_plans
from directory.models import Jurisdiction
from directory.sides import Side
from library.models import Dimension
from reports import charts, snapshots
from reports.figures import OFFICES, Figures
from reports.models import SUMMED_FIELDS, Snapshot, figures_from

# How many weeks the pages show, by the value of ?weeks=.
WINDOWS: dict[str, int | None] = {"13": 13, "26": 26, "52": 52, "all": None}
WINDOW_LABELS = {"13": "13 weeks", "26": "26 weeks", "52": "52 weeks", "all": "Every week recorded"}
DEFAULT_WINDOW = "26"


def parse_window(value: str | None) -> tuple[str, str]:
    """The window asked for (a key of WINDOWS) and, for a value we do not know, a note saying it
    was ignored (never an error)."""
    if value is None or value == "":
        return DEFAULT_WINDOW, ""
    if value in WINDOWS:
        return value, ""
    return DEFAULT_WINDOW, f"“{value[:40]}” is not a period this page offers; showing the last {DEFAULT_WINDOW} weeks."


def since(now: datetime.datetime, window: str) -> datetime.date | None:
    """The first week a window shows, counting this week as its last."""
    weeks = WINDOWS[window]
    if weeks is None:
        return None
    return snapshots.week_starts_on(now) - datetime.timedelta(weeks=weeks - 1)


# One snapshot row's SUMMED_FIELDS, in that order: weeks add these up as plain integers and make
# Figures only of the sums a page shows (adding Figures, with their Counters, is far slower).
Counts = tuple[int, ...]


@dataclass
class Week:
    """One ISO week: each jurisdiction's standing plan and its counts per dimension; empty for a
    week nothing was recorded."""

    starts_on: datetime.date
    plans: dict[int, Plan] = field(default_factory=dict)  # jurisdiction id -> standing plan
    cells: dict[tuple[int, int], Counts] = field(default_factory=dict)  # (jurisdiction id, dimension id)
    taken_at: datetime.datetime | None = None
    _sums: dict[tuple[int | None, int | None], Figures] = field(default_factory=dict, repr=False)

    def figures(self, *, jurisdiction_id: int | None = None, dimension_id: int | None = None) -> Figures | None:
        """The week's figures, for one jurisdiction and/or dimension or all; None if not recorded."""
        if not self.plans or (jurisdiction_id is not None and jurisdiction_id not in self.plans):
            return None
        key = (jurisdiction_id, dimension_id)
        if key not in self._sums:
            sums = [0] * len(SUMMED_FIELDS)
            for (j, d), counts in self.cells.items():
                if (jurisdiction_id is None or j == jurisdiction_id) and (dimension_id is None or d == dimension_id):
                    for index, n in enumerate(counts):
                        sums[index] += n
            self._sums[key] = figures_from(dict(zip(SUMMED_FIELDS, sums, strict=True)))
        return self._sums[key]

    @property
    def short(self) -> str:
        return dateformat.format(self.starts_on, "M j")

    @property
    def long(self) -> str:
        return f"Week of {dateformat.format(self.starts_on, 'M j, Y')}"


def read_weeks(plans: QuerySet[Plan], *, first: datetime.date | None) -> list[Week]:
    """Every week from the first recorded (no earlier than `first`) to the last, for `plans`, in
    two queries whatever the number of weeks and plans."""
    rows = Snapshot.objects.filter(plan__in=plans).order_by()
    if first is not None:
        rows = rows.filter(week_starts_on__gte=first)
    values = list(rows.values_list("week_starts_on", "plan_id", "dimension_id", "taken_at", *SUMMED_FIELDS))
    if not values:
        return []
    plan_ids = {row[1] for row in values}
    by_id = {plan.pk: plan for plan in Plan.objects.filter(pk__in=plan_ids).select_related("jurisdiction")}
    recorded: dict[datetime.date, dict[int, Plan]] = defaultdict(dict)
    for row in values:
        recorded[row[0]][row[1]] = by_id[row[1]]
    weeks = {
        monday: Week(starts_on=monday, plans=standing_plans(week_plans.values(), monday))
        for monday, week_plans in recorded.items()
    }
    for monday, plan_id, dimension_id, taken_at, *counts in values:
        week = weeks[monday]
        plan = by_id[plan_id]
        if week.plans.get(plan.jurisdiction_id) is not plan:
            continue  # another plan of this jurisdiction stood that week
        week.cells[(plan.jurisdiction_id, dimension_id)] = tuple(counts)
        if week.taken_at is None or taken_at > week.taken_at:
            week.taken_at = taken_at
    result = []
    monday, last = min(weeks), max(weeks)
    while monday <= last:
        result.append(weeks.get(monday) or Week(starts_on=monday))
        monday += datetime.timedelta(weeks=1)
    return result


# --- What the pages say and draw ------------------------------------------------------------------


def span_text(weeks: list[Week]) -> str:
    n = (weeks[-1].starts_on - weeks[0].starts_on).days // 7
    return f"over {n} week{'s' if n != 1 else ''}"


def _recorded(weeks: list[Week], jurisdiction_id: int | None) -> list[tuple[Week, Figures]]:
    found = []
    for week in weeks:
        figures = week.figures(jurisdiction_id=jurisdiction_id)
        if figures is not None:
            found.append((week, figures))
    return found


def progress_chart(weeks: list[Week], *, subject: str, jurisdiction_id: int | None = None) -> charts.LineChart:
    """Share of items done and average progress, week by week. `subject` begins the summary
    ("Idaho's", "The national")."""
    values = [week.figures(jurisdiction_id=jurisdiction_id) for week in weeks]
    recorded = _recorded(weeks, jurisdiction_id)
    (first_week, first), (last_week, last) = recorded[0], recorded[-1]
    if len(recorded) == 1:
        summary = (
            f"One weekly snapshot so far ({last_week.long.lower()}): {charts.format_value(last.percent_done)} of items "
            f"done, average progress {charts.format_value(last.progress)}. The trend appears from the next snapshot."
        )
    else:
        summary = (
            f"{subject} share of items done {charts.change_phrase(first.percent_done, last.percent_done)} "
            f"{span_text([first_week, last_week])}; average progress "
            f"{charts.change_phrase(first.progress, last.progress)}."
        )
    return charts.line_chart(
        key="progress",
        title="Share of items done and average progress",
        summary=summary,
        x_labels=[week.short for week in weeks],
        x_headers=[week.long for week in weeks],
        series=[
            charts.Series("Items done", [f.percent_done if f else None for f in values], label="Done"),
            charts.Series("Average progress", [f.progress if f else None for f in values], label="Progress"),
        ],
    )


def freshness_chart(weeks: list[Week], *, subject: str, jurisdiction_id: int | None = None) -> charts.LineChart:
    """Each office's share of its open items updated within the plan's cadence, week by week."""
    values = [week.figures(jurisdiction_id=jurisdiction_id) for week in weeks]
    recorded = _recorded(weeks, jurisdiction_id)
    (first_week, first), (last_week, last) = recorded[0], recorded[-1]
    if len(recorded) == 1:
        parts = [f"{charts.format_value(last.percent_fresh(o))} on the {Side(o).label} side" for o in OFFICES]
        summary = (
            f"One weekly snapshot so far ({last_week.long.lower()}): open items updated within the plan's cadence, "
            f"{' and '.join(parts)}. The trend appears from the next snapshot."
        )
    else:
        parts = [
            f"{charts.change_phrase(first.percent_fresh(o), last.percent_fresh(o))} on the {Side(o).label} side"
            for o in OFFICES
        ]
        summary = (
            f"{subject} share of open items updated within the plan's cadence {' and '.join(parts)}, "
            f"{span_text([first_week, last_week])}."
        )
    return charts.line_chart(
        key="freshness",
        title="Open items updated within the plan's cadence, per office",
        summary=summary,
        x_labels=[week.short for week in weeks],
        x_headers=[week.long for week in weeks],
        series=[
            charts.Series(
                f"{Side(office).label} side fresh",
                [f.percent_fresh(office) if f else None for f in values],
                label=Side(office).label,
            )
            for office in OFFICES
        ],
    )


def dimensions_chart(
    weeks: list[Week], dimensions: list[Dimension], *, subject: str, jurisdiction_id: int | None = None
) -> charts.LineChart:
    """Share of items done in each dimension, week by week."""
    series = []
    phrases = []
    for dimension in dimensions:
        values = [week.figures(jurisdiction_id=jurisdiction_id, dimension_id=dimension.pk) for week in weeks]
        done = [f.percent_done if f else None for f in values]
        series.append(charts.Series(dimension.name, done, label=dimension.slug.capitalize()))
        known = [v for v in done if v is not None]
        if known:
            phrases.append(f"{charts.change_phrase(known[0], known[-1])} in {dimension.name.lower()}")
    recorded = _recorded(weeks, jurisdiction_id)
    if len(recorded) == 1:
        summary = "One weekly snapshot so far: the share of items done " + "; ".join(phrases).replace("stayed at", "is")
    else:
        summary = f"{subject} share of items done {span_text([recorded[0][0], recorded[-1][0]])}: " + "; ".join(phrases)
    return charts.line_chart(
        key="dimensions",
        title="Share of items done, per dimension",
        summary=summary + ".",
        x_labels=[week.short for week in weeks],
        x_headers=[week.long for week in weeks],
        series=series,
    )


def spread_chart(week: Week, dimensions: list[Dimension]) -> charts.RangeChart:
    """How the states spread in one week: share of items done per dimension (staff only: the
    national page; no state is named in it)."""
    rows = []
    for dimension in dimensions:
        done = [
            percent
            for jurisdiction_id in week.plans
            if (cell := week.figures(jurisdiction_id=jurisdiction_id, dimension_id=dimension.pk)) is not None
            and (percent := cell.percent_done) is not None
        ]
        if done:
            rows.append(charts.spread(dimension.name, done))
    states = len(week.plans)
    medians = "; ".join(f"{row.label.lower()} {charts.format_value(row.median)}" for row in rows)
    return charts.range_chart(
        key="spread",
        title=f"Share of items done per dimension across states, {week.long.lower()}",
        summary=f"Across {states} state{'s' if states != 1 else ''}, the median share of items done was: {medians}.",
        rows=rows,
    )


@dataclass(frozen=True)
class StateRow:
    """One jurisdiction on the national page: where it stood in the latest week, and its share
    done in the first week of the window it was recorded."""

    jurisdiction: Jurisdiction
    plan: Plan
    latest: Figures
    first: Figures
    first_week: Week

    @property
    def change(self) -> int | None:
        """Percentage points of items done gained since the first week (None without figures)."""
        if self.latest.percent_done is None or self.first.percent_done is None:
            return None
        return self.latest.percent_done - self.first.percent_done


def state_rows(weeks: list[Week]) -> list[StateRow]:
    """Every jurisdiction recorded in the latest week, by name."""
    latest = weeks[-1]
    rows = []
    for jurisdiction_id, plan in latest.plans.items():
        first_week = next(week for week in weeks if jurisdiction_id in week.plans)
        rows.append(
            StateRow(
                jurisdiction=plan.jurisdiction,
                plan=plan,
                latest=latest.figures(jurisdiction_id=jurisdiction_id) or Figures(),
                first=first_week.figures(jurisdiction_id=jurisdiction_id) or Figures(),
                first_week=first_week,
            )
        )
    return sorted(rows, key=lambda row: row.jurisdiction.name)
