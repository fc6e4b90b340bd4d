"""What a state's report and its CIO–CPO meeting one-pager show, gathered in a fixed number of
queries whatever the size of the plan (tests/reports/test_state_report.py pins them).

Both read the plan as it stands today, the way its dashboard does (the rules of actionplan.models:
overdue, disagreement), plus what happened in a period in the reader's time zone: the updates
posted and the plan's activity. The report adds the weekly trend (reports.trends) and the state's
adoption record (actionplan.adoption) for whoever may read it; the one-pager keeps to what two
principals decide on in a meeting. Pages and PDF render the same gathering (reports/pdf.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet
from django.utils import timezone

from actionplan import adoption as adoption_records
from actionplan.models import Activity, Item, Plan, Status, Update, awaiting_sign_off, latest_update
from directory import permissions, sides
from directory.models import Membership, User
from library.models import Dimension
from reports import charts, snapshots, trends
from reports.figures import Figures

# Red and amber: what a meeting and a report call out.
TROUBLED = (Status.AT_RISK, Status.OFF_TRACK, Status.BLOCKED)
# How far ahead the one-pager looks for decisions due, and how far back it looks by default.
DUE_SOON_DAYS = 30
SINCE_DEFAULT_DAYS = 30
# The most rows of the period's updates and activity a report lists, newest first (the counts say
# how many there were, and the plan's updates download has every one): a state that posts weekly
# on 60 items posts 1,500 updates a quarter, and every page of the PDF costs WeasyPrint about a
# fifth of a second (bench/exports.py), while each item's latest word is in the items part anyway.
UPDATES_SHOWN = 20
ACTIVITY_SHOWN = 30
MEETING_UPDATES_SHOWN = 8
# Activity the "what changed" list leaves out: updates have their own table.
ACTIVITY_LEFT_OUT = (Activity.Verb.UPDATED,)


def last_full_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar quarter before the one `today` is in (a date in the reader's zone)."""
    this_quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = this_quarter - datetime.timedelta(days=1)
    return datetime.date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), last


def day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of `first` to the end of `last` (exclusive), in the current time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


@dataclass
class Principal:
    """Who holds one office of the state today (None: nobody does)."""

    side: str
    label: str
    holder: User | None


@dataclass
class ReportItem:
    """One item with what the report says of it: each office's latest narrative and owner."""

    item: Item
    cio_narrative: str
    cpo_narrative: str
    is_overdue: bool
    waiting_on: str = ""  # the office whose signature a joint item waits for, or ""

    @property
    def is_troubled(self) -> bool:
        return self.item.status in TROUBLED

    @property
    def offices(self) -> list[tuple[str, User | None, str, str]]:
        """(label, owner, latest narrative, latest status) for each office that owns the item."""
        rows = []
        for side in self.item.sides:
            narrative = self.cio_narrative if side == sides.Side.CIO else self.cpo_narrative
            status = self.item.cio_status if side == sides.Side.CIO else self.item.cpo_status
            rows.append((sides.Side(side).label, self.item.owner_for(side), narrative, status))
        return rows

    @property
    def office_columns(self) -> list[tuple[str, User | None, str, str] | None]:
        """The CIO office's and the CPO office's `offices` entry, None for an office that does not
        own the item: the report's item table has a column for each."""
        owned = {row[0]: row for row in self.offices}
        return [owned.get(sides.Side(side).label) for side in (sides.Side.CIO, sides.Side.CPO)]


@dataclass
class DimensionSection:
    dimension: Dimension
    items: list[ReportItem] = field(default_factory=list)
    figures: Figures = field(default_factory=Figures)

    @property
    def status_mix(self) -> list[tuple[str, str, int]]:
        return [
            (value, label, self.figures.statuses[value])
            for value, label in Status.choices
            if self.figures.statuses[value]
        ]


@dataclass
class UpdateCount:
    """How many updates one office posted in the period, on how many items."""

    side: str
    label: str
    updates: int
    items: int


@dataclass
class StateReport:
    """Everything the state report shows for one plan and period."""

    plan: Plan
    first: datetime.date
    last: datetime.date
    generated_at: datetime.datetime
    principals: list[Principal]
    sections: list[DimensionSection]
    totals: Figures
    updates: list[Update]
    update_counts: list[UpdateCount]
    activity: list[Activity]
    activity_count: int
    overdue: list[ReportItem]
    troubled: list[ReportItem]
    disagreeing: list[ReportItem]
    awaiting_sign_off: list[ReportItem]
    progress_chart: charts.LineChart | None
    dimensions_chart: charts.LineChart | None
    adoption_shown: bool
    adoption_groups: list[adoption_records.PublicationGroup]
    adoption_counts: list[adoption_records.StatusCount]
    adoption_verified: int

    @property
    def update_count(self) -> int:
        return sum(count.updates for count in self.update_counts)


@dataclass
class MeetingBrief:
    """What the CIO–CPO one-pager shows: since their last meeting, and what to decide now."""

    plan: Plan
    since: datetime.date
    today: datetime.date
    generated_at: datetime.datetime
    principals: list[Principal]
    updates: list[Update]  # the newest, at most MEETING_UPDATES_SHOWN
    update_count: int
    completed: list[ReportItem]
    troubled: list[ReportItem]
    awaiting_sign_off: list[ReportItem]
    due_soon: list[ReportItem]

    @property
    def updates_not_listed(self) -> int:
        return self.update_count - len(self.updates)


def _items(plan: Plan) -> QuerySet[Item]:
    """The plan's current items with owners, dimension and each office's latest narrative: one query."""
    return (
        Item.objects.current()
        .filter(plan=plan)
        .select_related("dimension", "cio_owner", "cpo_owner")
        .annotate(
            cio_narrative=latest_update(sides.Side.CIO, "narrative"),
            cpo_narrative=latest_update(sides.Side.CPO, "narrative"),
        )
        .order_by("dimension__position", "due_on", "id")
    )


def _report_items(plan: Plan, today: datetime.date) -> list[ReportItem]:
    """Every current item of the plan, and whose signature each joint item waits for: two queries."""
    items = list(_items(plan))
    awaiting = awaiting_sign_off(Item.objects.current().filter(plan=plan))
    rows = []
    for item in items:
        item.plan = plan  # the caller's plan, jurisdiction loaded: no query per item
        waiting_on = sides.other(awaiting[item.pk].side) if item.pk in awaiting else ""
        rows.append(
            ReportItem(
                item=item,
                cio_narrative=item.cio_narrative or "",  # type: ignore[attr-defined]
                cpo_narrative=item.cpo_narrative or "",  # type: ignore[attr-defined]
                is_overdue=item.is_overdue(today),
                waiting_on=waiting_on,
            )
        )
    return rows


def principals(plan: Plan) -> list[Principal]:
    """The state's CIO and CPO today (one query)."""
    holders = {
        m.role: m.user
        for m in Membership.objects.active()
        .filter(jurisdiction_id=plan.jurisdiction_id, role__in=[Membership.Role.CIO, Membership.Role.CPO])
        .select_related("user")
    }
    return [
        Principal(side=sides.Side.CIO, label=Membership.Role.CIO.label, holder=holders.get(Membership.Role.CIO)),
        Principal(side=sides.Side.CPO, label=Membership.Role.CPO.label, holder=holders.get(Membership.Role.CPO)),
    ]


def _done_since(plan: Plan, start: datetime.datetime) -> set[int]:
    """Items whose status became Done since `start` (by an update, or a joint item's second
    signature): the activity log records both."""
    done = Activity.objects.filter(
        plan=plan, verb=Activity.Verb.STATUS_CHANGED, new_value=Status.DONE.label, created_at__gte=start
    )
    return set(done.values_list("item_id", flat=True))


def _update_counts(plan: Plan, start: datetime.datetime, end: datetime.datetime) -> list[UpdateCount]:
    """Each office's updates in the period and the items they were on: one grouped query."""
    counted = {
        side: (n, items)
        for side, n, items in Update.objects.filter(
            item__plan=plan, item__archived_at__isnull=True, created_at__gte=start, created_at__lt=end
        )
        .order_by()
        .values_list("side")
        .annotate(n=Count("id"), items=Count("item_id", distinct=True))
    }
    return [UpdateCount(side, sides.Side(side).label, *counted.get(side, (0, 0))) for side in sides.OFFICES]


def _latest_updates(plan: Plan, start: datetime.datetime, end: datetime.datetime) -> list[Update]:
    """The period's newest updates, at most UPDATES_SHOWN."""
    updates = Update.objects.filter(
        item__plan=plan, item__archived_at__isnull=True, created_at__gte=start, created_at__lt=end
    )
    return list(updates.select_related("item", "author").order_by("-created_at", "-id")[:UPDATES_SHOWN])


def _figures(rows: list[ReportItem]) -> Figures:
    figures = Figures()
    for row in rows:
        figures.items += 1
        figures.done += row.item.status == Status.DONE
        figures.progress_total += row.item.progress
        figures.statuses[row.item.status] += 1
    return figures


def _charts(
    plan: Plan, dimensions: list[Dimension], first: datetime.date, last: datetime.date
) -> tuple[charts.LineChart | None, ...]:
    """The plan's weekly trend over the period (two queries; none drawn without a snapshot)."""
    start = snapshots.week_starts_on(datetime.datetime.combine(first, datetime.time.min, tzinfo=datetime.UTC))
    weeks = [w for w in trends.read_weeks(Plan.objects.filter(pk=plan.pk), first=start) if w.starts_on <= last]
    while weeks and not weeks[-1].plans:
        weeks.pop()
    if not weeks:
        return None, None
    subject = f"{plan.jurisdiction.name}’s"
    jurisdiction_id = plan.jurisdiction_id
    return (
        trends.progress_chart(weeks, subject=subject, jurisdiction_id=jurisdiction_id),
        trends.dimensions_chart(weeks, dimensions, subject=subject, jurisdiction_id=jurisdiction_id),
    )


def state_report(
    plan: Plan,
    *,
    viewer: User | AnonymousUser,
    first: datetime.date,
    last: datetime.date,
    now: datetime.datetime,
    today: datetime.date,
) -> StateReport:
    """The state report of `plan` for the days `first` to `last` (in the reader's zone), as
    `viewer` may read it: the adoption record only for the state's own members and staff."""
    dimensions = list(Dimension.objects.order_by("position"))
    rows = _report_items(plan, today)
    sections = {d.pk: DimensionSection(dimension=d) for d in dimensions}
    for row in rows:
        sections[row.item.dimension_id].items.append(row)
    for section in sections.values():
        section.figures = _figures(section.items)
    start, end = day_bounds(first, last)
    activity = Activity.objects.filter(plan=plan, created_at__gte=start, created_at__lt=end).exclude(
        verb__in=ACTIVITY_LEFT_OUT
    )
    if not permissions.can_view_comments_and_evidence(viewer, plan):
        activity = activity.exclude(verb__in=[Activity.Verb.COMMENTED, Activity.Verb.ATTACHED])
    shown = list(activity.select_related("actor", "item").order_by("-created_at", "-id")[:ACTIVITY_SHOWN])
    activity_count = activity.count()  # always asked, so the report's queries do not depend on its size
    adoption_shown = permissions.can_view_adoption(viewer, plan.jurisdiction)
    groups: list[adoption_records.PublicationGroup] = []
    counts: list[adoption_records.StatusCount] = []
    verified = 0
    if adoption_shown:
        groups, counts, verified = adoption_records.state_record(plan.jurisdiction)
    progress_chart, dimensions_chart = _charts(plan, dimensions, first, last)
    return StateReport(
        plan=plan,
        first=first,
        last=last,
        generated_at=now,
        principals=principals(plan),
        sections=list(sections.values()),
        totals=_figures(rows),
        updates=_latest_updates(plan, start, end),
        update_counts=_update_counts(plan, start, end),
        activity=shown[:ACTIVITY_SHOWN],
        activity_count=activity_count,
        overdue=[r for r in rows if r.is_overdue],
        troubled=[r for r in rows if r.is_troubled],
        disagreeing=[r for r in rows if r.item.sides_disagree],
        awaiting_sign_off=[r for r in rows if r.waiting_on],
        progress_chart=progress_chart,
        dimensions_chart=dimensions_chart,
        adoption_shown=adoption_shown,
        adoption_groups=groups,
        adoption_counts=counts,
        adoption_verified=verified,
    )


def meeting_brief(plan: Plan, *, since: datetime.date, now: datetime.datetime, today: datetime.date) -> MeetingBrief:
    """The one-pager for the state's CIO and CPO: what changed since their last meeting (`since`,
    in their zone), every red or amber item, signatures waiting, and what falls due soon."""
    rows = _report_items(plan, today)
    start, _ = day_bounds(since, since)
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    updates = Update.objects.filter(item__plan=plan, item__archived_at__isnull=True, created_at__gte=start)
    done_since = _done_since(plan, start)
    return MeetingBrief(
        plan=plan,
        since=since,
        today=today,
        generated_at=now,
        principals=principals(plan),
        updates=list(updates.select_related("item").order_by("-created_at", "-id")[:MEETING_UPDATES_SHOWN]),
        update_count=updates.count(),
        completed=[r for r in rows if r.item.status == Status.DONE and r.item.pk in done_since],
        troubled=[r for r in rows if r.is_troubled],
        awaiting_sign_off=[r for r in rows if r.waiting_on],
        due_soon=sorted(
            (r for r in rows if r.item.status != Status.DONE and r.item.due_on <= horizon),
            key=lambda r: (r.item.due_on, r.item.pk),
        ),
    )
