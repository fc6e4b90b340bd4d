"""The national quarterly report for association staff: the national dashboard's figures as they
stand, the weekly trend over a calendar quarter, adoption of the recommendations across states,
the quarter's roundtables (who attended) and the outcomes states accepted in it.

Its figures are the national dashboard's (reports.national.build), its trend the trends page's
(reports.trends), its adoption the national matrix (actionplan.adoption): nothing is counted a
second way. It goes to members and meetings, so a state whose standing plan is private is counted
but never named (directory.permissions.may_name_in_national_report). A fixed number of queries
whatever the number of plans (tests/reports/test_quarterly.py pins it).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone

from actionplan import adoption as adoption_records
from actionplan.models import Plan, Sharing
from directory import permissions
from directory.models import Jurisdiction
from library.models import Dimension
from reports import charts, national, snapshots, trends
from reports.figures import Figures
from reports.state_report import day_bounds, last_full_quarter
from roundtables.models import Attendance, OutcomeProposal, Roundtable

SHARING_WORDS: dict[str, str] = {
    Sharing.PRIVATE: "private",
    Sharing.PEERS: "shared with peers",
    Sharing.PUBLIC: "public",
}
# The first quarter the report offers: the first joint CIO–CPO roundtable met in 2016.
FIRST_YEAR = 2016


@dataclass(frozen=True)
class Quarter:
    """One calendar quarter, in the reader's time zone."""

    year: int
    number: int  # 1 to 4

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last(self) -> datetime.date:
        following = self.following
        return datetime.date(following.year, 3 * following.number - 2, 1) - datetime.timedelta(days=1)

    @property
    def following(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def value(self) -> str:
        """As the form and links carry it: "2026-Q3"."""
        return f"{self.year}-Q{self.number}"

    def __str__(self) -> str:
        return f"Q{self.number} {self.year}"


def default_quarter(today: datetime.date) -> Quarter:
    """The last full calendar quarter before `today` (a date in the reader's zone)."""
    return Quarter.of(last_full_quarter(today)[0])


def quarters_until(today: datetime.date) -> list[Quarter]:
    """Every quarter the report offers, newest first: from 2016 to the one `today` is in."""
    found, quarter = [], Quarter(FIRST_YEAR, 1)
    while quarter.first <= today:
        found.append(quarter)
        quarter = quarter.following
    return found[::-1]


class QuarterForm(forms.Form):
    """The quarter a report covers, chosen from a list, so a link or bookmark keeps it."""

    quarter = forms.ChoiceField(
        label="Quarter",
        error_messages={
            "invalid_choice": "“%(value)s” is not a quarter this report covers: choose one from the list.",
            "required": "Choose a quarter.",
        },
    )

    def __init__(self, *args: object, today: datetime.date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.quarters = {q.value: q for q in quarters_until(today)}
        self.fields["quarter"].choices = [(value, str(q)) for value, q in self.quarters.items()]  # type: ignore[attr-defined]

    def chosen(self) -> Quarter:
        """The quarter chosen (after is_valid())."""
        return self.quarters[self.cleaned_data["quarter"]]


@dataclass
class Named:
    """The states of one count that may be named, and how many more there are that may not."""

    names: list[str] = field(default_factory=list)
    not_named: int = 0

    @property
    def count(self) -> int:
        return len(self.names) + self.not_named


class Naming:
    """Which jurisdictions the report may name (their standing plan is shared, or they have none)."""

    def __init__(self, rows: list[national.Row]) -> None:
        self.names = {row.jurisdiction.pk: row.jurisdiction.name for row in rows}
        self.nameable = {row.jurisdiction.pk for row in rows if permissions.may_name_in_national_report(row.plan)}

    def of(self, jurisdiction_ids: set[int]) -> Named:
        names = sorted(self.names[j] for j in jurisdiction_ids if j in self.nameable)
        return Named(names=names, not_named=len(jurisdiction_ids) - len(names))


@dataclass
class AdoptionRow:
    """One recommendation across states: who adopted it, and how many stand elsewhere."""

    recommendation_label: str
    counts: list[adoption_records.StatusCount]
    adopted_by: Named

    @property
    def others(self) -> list[adoption_records.StatusCount]:
        """The statuses other than adopted that some state recorded."""
        return [c for c in self.counts if c.count and c.status not in (adoption_records.Status.ADOPTED, "")]

    @property
    def not_recorded(self) -> int:
        return next(c.count for c in self.counts if c.status == adoption_records.NOT_RECORDED)


@dataclass
class AdoptionGroup:
    publication: str
    rows: list[AdoptionRow]


@dataclass
class EventRow:
    """One roundtable of the quarter: how many jurisdictions were invited and which attended."""

    event: Roundtable
    invited: int
    both_offices: int
    attended: Named


@dataclass
class OutcomeRow:
    """One outcome states decided on in the quarter: accepted (by whom) and declined."""

    title: str
    event: str
    accepted: Named
    declined: int


@dataclass
class QuarterlyReport:
    quarter: Quarter
    generated_at: datetime.datetime
    view: national.NationalView
    named_rows: list[national.Row]
    private_rows: int
    without_plan: list[Jurisdiction]
    sharing_counts: list[tuple[str, int]]
    trend: Trend
    adoption_totals: list[adoption_records.StatusCount]
    adoption_groups: list[AdoptionGroup]
    events: list[EventRow]
    attending: Named
    outcomes: list[OutcomeRow]
    accepted_total: int

    @property
    def dimensions(self) -> list[tuple[Dimension, Figures | None]]:
        return list(zip(self.view.dimensions, self.view.national, strict=True))


@dataclass
class Trend:
    """The country's weekly charts over the quarter, and each nameable state's first and last
    recorded week in it (None charts: no snapshot fell in the quarter)."""

    progress: charts.LineChart | None = None
    freshness: charts.LineChart | None = None
    dimensions: charts.LineChart | None = None
    states: list[trends.StateRow] = field(default_factory=list)
    states_not_named: int = 0


def _trend(quarter: Quarter, dimensions: list[Dimension], naming: Naming) -> Trend:
    """The country's weekly trend over the quarter, as the trends page draws it (two queries). A
    state is named only if both its plan then and its standing plan now may be named."""
    start = snapshots.week_starts_on(datetime.datetime.combine(quarter.first, datetime.time.min, tzinfo=datetime.UTC))
    weeks = [w for w in trends.read_weeks(Plan.objects.all(), first=start) if w.starts_on <= quarter.last]
    while weeks and not weeks[-1].plans:
        weeks.pop()
    if not weeks:
        return Trend()
    rows = trends.state_rows(weeks)
    named = [
        row
        for row in rows
        if row.jurisdiction.pk in naming.nameable and permissions.may_name_in_national_report(row.plan)
    ]
    return Trend(
        progress=trends.progress_chart(weeks, subject="The national"),
        freshness=trends.freshness_chart(weeks, subject="The national"),
        dimensions=trends.dimensions_chart(weeks, dimensions, subject="The national"),
        states=named,
        states_not_named=len(rows) - len(named),
    )


def _adoption(naming: Naming) -> tuple[list[adoption_records.StatusCount], list[AdoptionGroup]]:
    """Each recommendation's count of states at each status, and the adopters that may be named."""
    matrix = adoption_records.national_matrix()
    groups = []
    for group in matrix.groups:
        rows = []
        for row in group.rows:
            counts = adoption_records.status_counts(cell.status for cell in row.cells)
            adopters = {
                j.pk
                for j, cell in zip(matrix.jurisdictions, row.cells, strict=True)
                if cell.status == adoption_records.Status.ADOPTED
            }
            rows.append(AdoptionRow(row.recommendation.label, counts, naming.of(adopters)))
        groups.append(AdoptionGroup(str(group.publication), rows))
    return matrix.totals, groups


def _events(quarter: Quarter, naming: Naming) -> tuple[list[EventRow], Named]:
    """The roundtables that began in the quarter and who came (two queries)."""
    start, end = day_bounds(quarter.first, quarter.last)
    events = list(Roundtable.objects.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "pk"))
    invited: dict[int, set[int]] = defaultdict(set)
    offices: dict[tuple[int, int], int] = defaultdict(int)
    for event_id, jurisdiction_id, status in Attendance.objects.filter(roundtable__in=events).values_list(
        "roundtable_id", "jurisdiction_id", "status"
    ):
        invited[event_id].add(jurisdiction_id)
        if status == Attendance.Status.ATTENDED:
            offices[(event_id, jurisdiction_id)] += 1
    rows, everyone = [], set()
    for event in events:
        came = {j for (e, j) in offices if e == event.pk}
        everyone |= came
        both = sum(1 for j in came if offices[(event.pk, j)] == 2)
        rows.append(EventRow(event, len(invited[event.pk]), both, naming.of(came)))
    return rows, naming.of(everyone)


def _outcomes(quarter: Quarter, naming: Naming) -> list[OutcomeRow]:
    """The outcomes states decided on in the quarter (one query)."""
    start, end = day_bounds(quarter.first, quarter.last)
    decided = (
        OutcomeProposal.objects.filter(decided_at__gte=start, decided_at__lt=end)
        .order_by("outcome__roundtable__starts_at", "outcome__position", "outcome_id")
        .values_list("outcome_id", "outcome__title", "outcome__roundtable__title", "jurisdiction_id", "status")
    )
    named: dict[int, tuple[str, str]] = {}
    accepted: dict[int, set[int]] = defaultdict(set)
    declined: Counter[int] = Counter()
    for outcome_id, title, event, jurisdiction_id, status in decided:
        named.setdefault(outcome_id, (title, event))
        if status == OutcomeProposal.Status.ACCEPTED:
            accepted[outcome_id].add(jurisdiction_id)
        elif status == OutcomeProposal.Status.DECLINED:
            declined[outcome_id] += 1
    return [
        OutcomeRow(title=title, event=event, accepted=naming.of(accepted[pk]), declined=declined[pk])
        for pk, (title, event) in named.items()
    ]


def quarterly_report(quarter: Quarter, *, now: datetime.datetime, today: datetime.date) -> QuarterlyReport:
    """The report of `quarter`: figures as of `now` (the national dashboard's), the quarter's trend,
    adoption, roundtables and accepted outcomes; private plans' states counted, not named."""
    view = national.build({}, now=now, today=today)
    naming = Naming(view.rows)
    named_rows = [row for row in view.rows if row.plan is not None and row.jurisdiction.pk in naming.nameable]
    with_plan = [row for row in view.rows if row.plan is not None]
    sharing = [
        (SHARING_WORDS[value], sum(1 for row in with_plan if row.plan and row.plan.sharing == value))
        for value in Sharing.values
    ]
    totals, groups = _adoption(naming)
    events, attending = _events(quarter, naming)
    outcomes = _outcomes(quarter, naming)
    return QuarterlyReport(
        quarter=quarter,
        generated_at=timezone.localtime(now),
        view=view,
        named_rows=named_rows,
        private_rows=len(with_plan) - len(named_rows),
        without_plan=[row.jurisdiction for row in view.rows if row.plan is None],
        sharing_counts=sharing,
        trend=_trend(quarter, view.dimensions, naming),
        adoption_totals=totals,
        adoption_groups=groups,
        events=events,
        attending=attending,
        outcomes=outcomes,
        accepted_total=sum(row.accepted.count for row in outcomes),
    )
