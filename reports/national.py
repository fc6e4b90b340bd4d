"""The national view: every jurisdiction × the four dimensions, and the health of the update loop.

One standing plan per jurisdiction (actionplan.models.standing_plans) stands for it. Each cell adds
up that plan's items in one dimension (reports.figures: % done, status mix and each office's
freshness), and links to those items with the matching filter applied. Beside the table, the lists
staff act on: who has gone quiet, which states are silent, what waits on one side's signature,
where the two offices disagree, and which items need a new owner. Each names where it is fixed.

A fixed number of queries, whatever the number of plans and items (pinned in the tests).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, Max
from django.urls import reverse

from actionplan import rules
from actionplan.models import Plan, Sharing, SignOff, Status, standing_plans, statuses_disagree
from actionplan.rules import Freshness
from directory import sides
from directory.models import Jurisdiction, Membership
from library.models import Dimension
from notifications.nudges import LastNudge, last_nudges
from outbox import queries as outbox_queries
from reports import figures
from reports.figures import Figures, ItemRow

# An owner who has posted nothing on any item they own for this long is listed as quiet.
OWNER_QUIET_DAYS = 60
LIST_LIMIT = 50


class NationalFilter(forms.Form):
    """What narrows the table. A value it does not know is dropped with a note, never an error."""

    kind = forms.ChoiceField(
        choices=[("", "Every kind"), *Jurisdiction.Kind.choices], required=False, label="Kind of jurisdiction"
    )
    sharing = forms.ChoiceField(choices=[("", "Any sharing"), *Sharing.choices], required=False, label="Sharing")
    has_plan = forms.ChoiceField(
        choices=[("", "With or without a plan"), ("yes", "Has a plan"), ("no", "No plan yet")],
        required=False,
        label="Plan",
    )


SORTS = {
    "name": ("Jurisdiction", lambda row: (row.jurisdiction.name,)),
    "done": ("% done", lambda row: (row.total.percent_done or -1, row.jurisdiction.name)),
    "progress": ("Average progress", lambda row: (row.total.progress or -1, row.jurisdiction.name)),
    "recent": ("Updated in 30 days", lambda row: (row.total.percent_updated_recently or -1, row.jurisdiction.name)),
    "cio_fresh": ("CIO side fresh", lambda row: (_fresh_key(row, "cio"), row.jurisdiction.name)),
    "cpo_fresh": ("CPO side fresh", lambda row: (_fresh_key(row, "cpo"), row.jurisdiction.name)),
}


def _fresh_key(row: Row, office: str) -> int:
    share = row.total.percent_fresh(office)
    return -1 if share is None else share


@dataclass
class Cell:
    """One jurisdiction's plan in one dimension."""

    dimension: Dimension
    figures: Figures | None
    url: str = ""

    def link(self, office: str, state: Freshness) -> str:
        return f"{self.url}?{urlencode({'freshness': f'{office}_{state.value}'})}"

    def freshness(self) -> list[dict[str, object]]:
        """Per office: its counts of fresh, late and never updated, each with its drill-down link."""
        if self.figures is None:
            return []
        shown: list[dict[str, object]] = []
        for office in sides.OFFICES:
            if not self.figures.open_items(office):
                continue
            shown.append(
                {
                    "office": office,
                    "label": sides.Side(office).label,
                    "states": [
                        {"state": state, "count": self.figures.count(office, state), "url": self.link(office, state)}
                        for state in Freshness
                    ],
                }
            )
        return shown


@dataclass
class Row:
    """One jurisdiction: its standing plan, its cells in dimension order, and its totals."""

    jurisdiction: Jurisdiction
    plan: Plan | None
    cells: list[Cell]
    total: Figures
    cio: Membership | None = None
    cpo: Membership | None = None
    last_update_at: datetime.datetime | None = None
    silent: bool = False
    last_nudge: LastNudge | None = None
    can_nudge: bool = False
    next_nudge_at: datetime.datetime | None = None


@dataclass
class QuietOwner:
    name: str
    jurisdiction: Jurisdiction
    office: str
    last_update_at: datetime.datetime | None
    url: str


@dataclass
class ItemNote:
    """An item on one of the health lists, with what is the matter."""

    pk: int
    title: str
    jurisdiction: Jurisdiction
    detail: str


@dataclass
class Health:
    quiet_owners: list[QuietOwner] = field(default_factory=list)
    silent: list[Row] = field(default_factory=list)
    waiting_sign_off: list[ItemNote] = field(default_factory=list)
    disagreements: list[ItemNote] = field(default_factory=list)
    owner_needed: list[ItemNote] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "quiet_owners": len(self.quiet_owners),
            "silent": len(self.silent),
            "waiting_sign_off": len(self.waiting_sign_off),
            "disagreements": len(self.disagreements),
            "owner_needed": len(self.owner_needed),
        }


@dataclass
class NationalView:
    rows: list[Row]
    dimensions: list[Dimension]
    national: list[Figures | None]
    national_total: Figures
    health: Health
    form: NationalFilter
    notes: list[str]
    sort: str
    descending: bool
    jurisdictions: int = 0
    with_plan: int = 0

    def sort_links(self) -> list[dict[str, object]]:
        links = []
        for key, (label, _) in SORTS.items():
            active = key == self.sort
            descending = not self.descending if active else key != "name"
            links.append({"key": key, "label": label, "active": active, "descending": descending and active})
        return links


def _filters(data: dict[str, str]) -> tuple[NationalFilter, dict[str, str], list[str]]:
    """The filter form as typed, the values it accepts, and a note for each value it ignored."""
    form = NationalFilter(data)
    form.is_valid()
    notes = []
    for name in form.errors:
        notes.append(f"Ignored {str(form.fields[name].label).lower()} “{data.get(name, '')}”: not one of the choices.")
    clean = {name: value for name, value in form.cleaned_data.items() if value}
    return form, clean, notes


def build(
    data: dict[str, str],
    *,
    now: datetime.datetime,
    today: datetime.date,
    sort: str = "name",
    can_nudge: Callable[[Jurisdiction], bool] | None = None,
) -> NationalView:
    """The whole national view for the query string `data`."""
    form, clean, notes = _filters(data)
    descending = sort.startswith("-")
    sort_key = sort.lstrip("-")
    if sort_key not in SORTS:
        if sort:
            notes.append(f"Ignored sort “{sort}”: sorted by jurisdiction instead.")
        sort_key, descending = "name", False

    dimensions = list(Dimension.objects.order_by("position"))
    jurisdictions = Jurisdiction.objects.order_by("name")
    if "kind" in clean:
        jurisdictions = jurisdictions.filter(kind=clean["kind"])
    places = list(jurisdictions)
    standing = standing_plans(Plan.objects.filter(jurisdiction__in=places), today)
    if "sharing" in clean:
        places = [j for j in places if j.pk in standing and standing[j.pk].sharing == clean["sharing"]]
    if clean.get("has_plan") == "yes":
        places = [j for j in places if j.pk in standing]
    elif clean.get("has_plan") == "no":
        places = [j for j in places if j.pk not in standing]
    plans = [standing[j.pk] for j in places if j.pk in standing]
    plan_of = {plan.pk: plan for plan in plans}

    items = figures.read_items(plans)
    cells = figures.by_plan_and_dimension(plans, now=now, today=today, rows=items)
    memberships = list(
        Membership.objects.active(today)
        .filter(jurisdiction__in=places, role__in=list(sides.ROLE_SIDE))
        .select_related("user")
        .order_by("started_on", "pk")
    )
    leaders = {(m.jurisdiction_id, m.role): m for m in memberships if m.role in sides.PRINCIPAL_ROLES}
    acting = {(m.user_id, m.jurisdiction_id, sides.ROLE_SIDE[m.role]): str(m.user) for m in memberships}
    nudges = last_nudges([j.pk for j in places])

    rows: list[Row] = []
    national: list[Figures | None] = []
    for place in places:
        plan = standing.get(place.pk)
        row_cells = []
        for dimension in dimensions:
            found = cells.get((plan.pk, dimension.pk)) if plan else None
            url = reverse("actionplan:dimension", args=[plan.pk, dimension.slug]) if plan else ""
            row_cells.append(Cell(dimension=dimension, figures=found, url=url))
        row = Row(
            jurisdiction=place,
            plan=plan,
            cells=row_cells,
            total=figures.total(c.figures for c in row_cells if c.figures),
            cio=leaders.get((place.pk, "cio")),
            cpo=leaders.get((place.pk, "cpo")),
            last_nudge=nudges.get(place.pk),
        )
        if row.last_nudge is not None:
            row.next_nudge_at = row.last_nudge.next_at
        row.can_nudge = plan is not None and (row.next_nudge_at is None or row.next_nudge_at <= now)
        if can_nudge is not None and not can_nudge(place):
            row.can_nudge = False
        rows.append(row)
    for index, _ in enumerate(dimensions):
        in_dimension = [cell.figures for cell in (row.cells[index] for row in rows) if cell.figures is not None]
        national.append(figures.total(in_dimension) if in_dimension else None)

    health = _health(rows, plan_of, items, acting, now=now)
    rows.sort(key=SORTS[sort_key][1], reverse=descending)
    return NationalView(
        rows=rows,
        dimensions=dimensions,
        national=national,
        national_total=figures.total(f for f in national if f),
        health=health,
        form=form,
        notes=notes,
        sort=sort_key,
        descending=descending,
        jurisdictions=len(rows),
        with_plan=len(plans),
    )


def _health(
    rows: list[Row],
    plan_of: dict[int, Plan],
    items: list[ItemRow],
    acting: dict[tuple[int, int, str], str],
    *,
    now: datetime.datetime,
) -> Health:
    """The lists beside the table; `acting` is everyone acting for an office today, by
    (user, jurisdiction, office), with their name."""
    health = Health()
    place_of = {row.plan.pk: row.jurisdiction for row in rows if row.plan}
    last_by_plan: dict[int, datetime.datetime] = {}
    # (owner, plan, office) -> their latest post on any open item they own for that office there
    owners: dict[tuple[int, int, str], datetime.datetime | None] = {}
    began: dict[tuple[int, int, str], datetime.datetime] = {}
    owner_ids: set[int] = set()
    for item in items:
        previous = last_by_plan.get(item.plan_id)
        if item.last_update_at and (previous is None or item.last_update_at > previous):
            last_by_plan[item.plan_id] = item.last_update_at
        if item.status == Status.DONE:
            continue
        if item.side == sides.Side.JOINT and statuses_disagree(item.cio_status, item.cpo_status):
            health.disagreements.append(
                ItemNote(
                    item.pk,
                    item.title,
                    place_of[item.plan_id],
                    f"CIO side: {Status(item.cio_status).label}; CPO side: {Status(item.cpo_status).label}",
                )
            )
        for office in sides.offices_of(item.side):
            owner = item.owner_id(office)
            if owner is None:
                continue
            owner_ids.add(owner)
            key = (owner, item.plan_id, office)
            latest = item.last_update_by(office)
            known = owners.get(key)
            owners[key] = max(filter(None, [known, latest]), default=None)
            began[key] = min(began.get(key, item.created_at), item.created_at)

    names = {user_id: name for (user_id, _, _), name in acting.items()}
    undeliverable = outbox_queries.undeliverable(owner_ids)
    quiet_since = now - datetime.timedelta(days=OWNER_QUIET_DAYS)
    for (owner, plan_id, office), latest in sorted(owners.items(), key=lambda kv: (kv[1] is not None, kv[1] or now)):
        place = place_of[plan_id]
        turnover = reverse("actionplan:turnover", args=[plan_id])
        if (owner, place.pk, office) not in acting:
            continue  # listed below as needing an owner
        if (latest is None and began[(owner, plan_id, office)] < quiet_since) or (latest and latest < quiet_since):
            health.quiet_owners.append(QuietOwner(names[owner], place, office, latest, turnover))
    for item in items:
        if item.status == Status.DONE:
            continue
        place = place_of[item.plan_id]
        for office in sides.offices_of(item.side):
            owner = item.owner_id(office)
            label = sides.Side(office).label
            if owner is None:
                reason = f"{label}: no owner"
            elif (owner, place.pk, office) not in acting:
                reason = f"{label}: its owner no longer acts for this office"
            elif owner in undeliverable:
                reason = f"{label}: email to {names[owner]} is bouncing"
            else:
                continue
            health.owner_needed.append(ItemNote(item.pk, item.title, place, reason))

    for row in rows:
        if row.plan is None:
            continue
        row.last_update_at = last_by_plan.get(row.plan.pk)
        row.silent = rules.is_silent(last_update_at=row.last_update_at, plan_created_at=row.plan.created_at, now=now)
        if row.silent:
            health.silent.append(row)

    waiting = (
        SignOff.objects.standing()
        .filter(item__plan__in=list(plan_of), item__side=sides.Side.JOINT, item__archived_at__isnull=True)
        .exclude(item__status=Status.DONE)
        .values("item_id", "item__title", "item__plan_id")
        .annotate(signed=Count("id"), side=Max("side"))
        .filter(signed=1)
        .order_by("item__due_on", "item_id")
    )
    for one in waiting:
        signed = sides.Side(one["side"])
        health.waiting_sign_off.append(
            ItemNote(
                one["item_id"],
                one["item__title"],
                place_of[one["item__plan_id"]],
                f"The {signed.label} side signed; waiting on the {sides.Side(sides.other(signed)).label} side",
            )
        )
    return health
