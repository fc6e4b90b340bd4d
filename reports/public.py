"""What the public pages show, read in a fixed number of queries: the list of public plans, one
public plan, and the adoption statuses states chose to publish.

The public (anyone, signed in or not) reads exactly this, and the pages show nothing else: a plan's
items by dimension, each item's status, progress, due date and owning office, each office's latest
update (status, progress, narrative, date), and the plan's figures (items, done, average progress,
status mix: reports.figures' Figures, counted as the national view counts them, which the tests
check). Never a comment, an evidence file, an item's description or history, or anyone's name: an
item is owned by the Office of the CIO, the Office of the CPO, or both. Who may read what is
directory.permissions' (can_view_public_page, published_adoptions_q).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString

from actionplan import adoption
from actionplan.models import Adoption, Item, Plan, Status, Update
from config.markdown import render_markdown
from directory import permissions, sides
from directory.models import Jurisdiction
from library.models import Dimension, Publication, Recommendation
from reports.figures import Figures

# How the public pages name whoever owns an item: an office, never a person.
OFFICE_NAMES: dict[str, str] = {sides.Side.CIO: "Office of the CIO", sides.Side.CPO: "Office of the CPO"}
OWNER_NAMES: dict[str, str] = OFFICE_NAMES | {sides.Side.JOINT: "Joint: both offices"}

# What an item and an update show on a public page (never a description, an owner or an author).
ITEM_FIELDS = (
    "id", "plan_id", "dimension_id", "title", "side", "status", "progress", "due_on", "archived_at",
    "cio_status", "cpo_status", "cio_last_update_at", "cpo_last_update_at",
)  # fmt: skip
UPDATE_FIELDS = ("id", "item_id", "side", "status", "progress", "narrative", "created_at")

# A narrative's HTML is a pure function of its text, and an update is never edited: each process
# keeps the most recent ones rendered, so a page read again converts only what was posted since.
# (Converting Markdown and sanitising it cost about as much as the rest of the page.)
narrative_html = functools.lru_cache(maxsize=4096)(render_markdown)


def _figures(items: Iterable[Item]) -> Figures:
    """The figures of these current items as reports.figures counts them (items, done, the sum of
    their progress, the status mix), from the items the page loads anyway rather than a query."""
    result = Figures()
    for item in items:
        result.items += 1
        result.done += item.status == Status.DONE
        result.progress_total += item.progress
        result.statuses[item.status] += 1
    return result


# --- The list of public plans --------------------------------------------------------------------


@dataclass
class PlanSummary:
    """One public plan in the list: the plan (with its jurisdiction) and its figures."""

    plan: Plan
    figures: Figures


CURRENT = Q(items__archived_at__isnull=True)


def public_plans() -> list[PlanSummary]:
    """Every public plan, by jurisdiction and newest period first, with the figures the list shows
    (items, done, average progress, as reports.figures counts them): one query."""
    plans = (
        Plan.objects.filter(permissions.public_plans_q())
        .select_related("jurisdiction")
        .annotate(
            current_items=Count("items", filter=CURRENT),
            done_items=Count("items", filter=CURRENT & Q(items__status=Status.DONE)),
            progress_sum=Coalesce(Sum("items__progress", filter=CURRENT), 0),
        )
    )
    return [
        PlanSummary(plan, Figures(items=plan.current_items, done=plan.done_items, progress_total=plan.progress_sum))
        for plan in plans
    ]


# --- One public plan ------------------------------------------------------------------------------


@dataclass
class OfficeUpdate:
    """One office's latest word on an item (None: it has not posted one), its narrative as HTML."""

    office: str
    name: str
    update: Update | None
    narrative_html: SafeString | str = ""


@dataclass
class PublicItem:
    item: Item
    owners: str  # OWNER_NAMES
    latest: list[OfficeUpdate]
    is_overdue: bool


@dataclass
class DimensionSection:
    dimension: Dimension
    figures: Figures = field(default_factory=Figures)
    items: list[PublicItem] = field(default_factory=list)


@dataclass
class PublicPlan:
    plan: Plan
    figures: Figures
    dimensions: list[DimensionSection]


def _latest_updates(items: list[Item]) -> dict[tuple[int, str], Update]:
    """Each office's latest update on each item, by (item id, office), in one query: the item says
    when each office last posted (Item.last_update_by, kept by post_update), so the query asks for
    the updates of those items at those moments, straight from the update index (item, created_at)."""
    wanted = {(item.pk, office): at for item in items for office in item.sides if (at := item.last_update_by(office))}
    if not wanted:
        return {}
    found: dict[tuple[int, str], Update] = {}
    rows = (
        Update.objects.filter(item_id__in={pk for pk, _ in wanted}, created_at__in=set(wanted.values()))
        .only(*UPDATE_FIELDS)
        .order_by("id")  # two at the same moment: the later one wins
    )
    for update in rows:
        key = (update.item_id, update.side)
        if wanted.get(key) == update.created_at:
            found[key] = update
    return found


def public_plan(plan_id: int, *, today: datetime.date | None = None) -> PublicPlan | None:
    """The public plan with this id, as its public page shows it; None when there is no such plan or
    it is not public (the same answer, so the page reveals nothing about plans that are not).

    Four queries, however many items and updates: the plan, the dimensions, its current items, and
    each office's latest update on them."""
    today = today or timezone.localdate()
    plan = Plan.objects.filter(permissions.public_plans_q(), pk=plan_id).select_related("jurisdiction").first()
    if plan is None:
        return None
    sections = {d.pk: DimensionSection(d) for d in Dimension.objects.order_by("position")}
    items = [
        item
        for item in Item.objects.current().filter(plan=plan).only(*ITEM_FIELDS).order_by("due_on", "id")
        if item.dimension_id in sections
    ]
    latest = _latest_updates(items)
    for item in items:
        section = sections[item.dimension_id]
        item.plan, item.dimension = plan, section.dimension
        offices = []
        for office in item.sides:
            update = latest.get((item.pk, office))
            html = narrative_html(update.narrative) if update is not None else ""
            offices.append(OfficeUpdate(office, OFFICE_NAMES[office], update, html))
        section.items.append(
            PublicItem(
                item=item,
                owners=OWNER_NAMES.get(item.side, ""),
                latest=offices,
                is_overdue=item.is_overdue(today),
            )
        )
    for section in sections.values():
        section.figures = _figures(entry.item for entry in section.items)
    return PublicPlan(plan, _figures(items), list(sections.values()))


# --- The public adoption page --------------------------------------------------------------------


@dataclass
class PublishedStatus:
    """One state's published status on one recommendation, with its evidence link if it has one."""

    jurisdiction: Jurisdiction
    status: str
    status_label: str
    evidence_kind: str  # the kind's label, or ""
    evidence_url: str  # an http(s) link, or ""
    is_verified: bool


@dataclass
class RecommendationRow:
    recommendation: Recommendation
    published: list[PublishedStatus]  # by jurisdiction name

    @property
    def adopted(self) -> int:
        return sum(1 for p in self.published if p.status == Adoption.Status.ADOPTED)


@dataclass
class PublicationRows:
    publication: Publication
    rows: list[RecommendationRow] = field(default_factory=list)


@dataclass
class PublishedAdoption:
    groups: list[PublicationRows]
    jurisdictions: int  # how many jurisdictions published at least one status


def _public_link(url: str) -> str:
    """The evidence link, only if it is a web address (the service accepts nothing else; this
    keeps a row written some other way from putting another scheme on a public page)."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def published_adoption() -> PublishedAdoption:
    """Every recommendation, by publication, with the statuses states chose to publish: two queries.

    Only the status, the kind of evidence, its link and whether staff verified it: never the
    state's note, an uploaded document, or who recorded or verified it."""
    rows_by_recommendation: dict[int, list[PublishedStatus]] = {}
    published = (
        Adoption.objects.filter(permissions.published_adoptions_q())
        .select_related("jurisdiction")
        .only(
            "recommendation_id",
            "status",
            "evidence_kind",
            "evidence_url",
            "verified_at",
            "jurisdiction__code",
            "jurisdiction__name",
        )  # fmt: skip
        .order_by("jurisdiction__name")
    )
    states: set[int] = set()
    for row in published:
        states.add(row.jurisdiction_id)
        link = _public_link(row.evidence_url)
        rows_by_recommendation.setdefault(row.recommendation_id, []).append(
            PublishedStatus(
                jurisdiction=row.jurisdiction,
                status=row.status,
                status_label=row.get_status_display(),
                evidence_kind=row.get_evidence_kind_display() if link else "",
                evidence_url=link,
                is_verified=row.verified_at is not None and bool(link),
            )
        )
    groups: list[PublicationRows] = []
    for recommendation in adoption.recommendations_in_order():
        if not groups or groups[-1].publication.pk != recommendation.publication_id:
            groups.append(PublicationRows(recommendation.publication))
        groups[-1].rows.append(RecommendationRow(recommendation, rows_by_recommendation.get(recommendation.pk, [])))
    return PublishedAdoption(groups, len(states))
