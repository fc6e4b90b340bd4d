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
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from actionplan import rules
from actionplan.models import Item, Plan, Sharing, SignOff, Status, disagreement_q, standing_plans, statuses_disagree
from actionplan.rules import Freshness
from directory import sides
from directory.models import Jurisdiction, Membership
from library.models import Dimension
from notifications.nudges import LastNudge, last_nudges
from outbox import queries as outbox_queries
from outbox.models import OutgoingEmail
from reports import figures
from reports.figures import Figures

OFFICE_LABELS = {office: sides.Side(office).label for office in sides.OFFICES}
FRESHNESS_WORDS = {state: state.label.lower() for state in Freshness}
# An owner who has posted nothing on any item they own for this long is listed as quiet.
OWNER_QUIET_DAYS = 60


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


# The query parameters the view reads (anything else is ignored).
PARAMETERS = ("kind", "sharing", "has_plan", "sort")

SORTS = {
    "name": ("Jurisdiction", lambda row: (row.jurisdiction.name,)),
    "done": ("% done", lambda row: (row.total.percent_done or -1, row.jurisdiction.name)),
    "progress": ("Average progress", lambda row: (row.total.progress or -1, row.jurisdiction.name)),
    "recent": ("Updated in 30 days", lambda row: (row.total.percent_updated_recently or -1, row.jurisdiction.name)),
    "cio_fresh": ("CIO side fresh", lambda row: (_fresh_key(row, "cio"), row.jurisdiction.name)),
    "cpo_fresh": ("CPO side fresh", lambda row: (_fresh_key(row, "cpo"), row.jurisdiction.name)),
}


def _linker(name: str, *placeholders: int | str) -> Callable[..., str]:
    """A route reversed once, its arguments filled in per link: the table has hundreds of links,
    and reverse() per link would cost more than everything else on the page."""
    pattern = reverse(name, args=placeholders)

    def link(*values: int | str) -> str:
        url = pattern
        for placeholder, value in zip(placeholders, values, strict=True):
            url = url.replace(str(placeholder), str(value), 1)
        return url

    return link


PLAN_ID = 987654321  # stands for a plan's id in a route reversed once


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

    def html(self) -> SafeString:
        """The cell's content: % done (linking to the dimension's items), the count and status mix,
        and per office its fresh, late and never-updated counts, each non-zero one a link to
        those items. Built here rather than in the template: the table has 224 of these, and the
        template engine took ten times as long over them. format_html escapes every value."""
        figures = self.figures
        if figures is None:
            return format_html('<span class="jp-muted">{}</span>', "No items")
        mix = "".join(f"; {count} {label.lower()}" for value, label, count in figures.status_mix() if value != "done")
        lines = [
            format_html('<a class="usa-link" href="{}"><strong>{}% done</strong></a>', self.url, figures.percent_done),
            format_html(
                '<span class="jp-muted display-block">{} item{}{}</span>',
                figures.items,
                "" if figures.items == 1 else "s",
                mix,
            ),
        ]
        for office in sides.OFFICES:
            if not figures.open_items(office):
                continue
            counts = []
            for state in Freshness:
                count = figures.count(office, state)
                text = f"{count} {FRESHNESS_WORDS[state]}"
                if count:
                    counts.append(
                        format_html(
                            '<a class="jp-fresh jp-fresh--{}" href="{}">{}</a>',
                            state.value,
                            self.link(office, state),
                            text,
                        )
                    )
                else:
                    counts.append(format_html('<span class="jp-fresh jp-fresh--zero">{}</span>', text))
            lines.append(
                format_html(
                    '<span class="display-block">{}: {}</span>',
                    OFFICE_LABELS[office],
                    format_html_join(" · ", "{}", ((count,) for count in counts)),
                )
            )
        return format_html_join("\n", "{}", ((line,) for line in lines))


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
    plan_url: str = ""
    nudge_url: str = ""

    @property
    def next_nudge_at(self) -> datetime.datetime | None:
        """When the jurisdiction may be nudged again (None: it never was)."""
        return self.last_nudge.next_at if self.last_nudge is not None else None


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
    url: str = ""


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

    cells = figures.by_plan_and_dimension(plans, now=now, today=today)
    memberships = list(
        Membership.objects.active(today)
        .filter(jurisdiction__in=places, role__in=list(sides.ROLE_SIDE))
        .annotate(last_delivery=outbox_queries.last_delivery_status(OuterRef("user")))
        .select_related("user")
        .order_by("started_on", "pk")
    )
    leaders = {(m.jurisdiction_id, m.role): m for m in memberships if m.role in sides.PRINCIPAL_ROLES}
    names = {m.user_id: str(m.user) for m in memberships}
    bouncing = {m.user_id for m in memberships if m.last_delivery == OutgoingEmail.Status.FAILED}
    nudges = last_nudges([j.pk for j in places])

    dimension_url = {d.pk: _linker("actionplan:dimension", PLAN_ID, d.slug) for d in dimensions}
    plan_url = _linker("actionplan:plan", PLAN_ID)
    nudge_url = _linker("reports:nudge", "XX")
    rows: list[Row] = []
    national: list[Figures | None] = []
    for place in places:
        plan = standing.get(place.pk)
        row_cells = []
        for dimension in dimensions:
            found = cells.get((plan.pk, dimension.pk)) if plan else None
            url = dimension_url[dimension.pk](plan.pk, dimension.slug) if plan else ""
            row_cells.append(Cell(dimension=dimension, figures=found, url=url))
        row = Row(
            jurisdiction=place,
            plan=plan,
            cells=row_cells,
            total=figures.total(c.figures for c in row_cells if c.figures),
            cio=leaders.get((place.pk, "cio")),
            cpo=leaders.get((place.pk, "cpo")),
            last_nudge=nudges.get(place.pk),
            plan_url=plan_url(plan.pk) if plan else "",
            nudge_url=nudge_url(place.code),
        )
        row.can_nudge = plan is not None and (row.next_nudge_at is None or row.next_nudge_at <= now)
        rows.append(row)
    for index, _ in enumerate(dimensions):
        in_dimension = [cell.figures for cell in (row.cells[index] for row in rows) if cell.figures is not None]
        national.append(figures.total(in_dimension) if in_dimension else None)

    health = _health(rows, plans, names, bouncing, now=now, today=today)
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


def _acting_for(office: str, today: datetime.date) -> Exists:
    """An item's owner for this office acts for it today, in the item's jurisdiction."""
    return Exists(
        Membership.objects.active(today).filter(
            user=OuterRef(f"{office}_owner"),
            jurisdiction=OuterRef("plan__jurisdiction"),
            role__in=sides.SIDE_ROLES[office],
        )
    )


def _health(
    rows: list[Row],
    plans: list[Plan],
    names: dict[int, str],
    bouncing: set[int],
    *,
    now: datetime.datetime,
    today: datetime.date,
) -> Health:
    """The lists beside the table, in two queries: the open items something is the matter with,
    and the owners gone quiet. `names` are everyone acting for an office today; `bouncing`, those
    of them whose mail is not getting through."""
    health = Health()
    item_url = _linker("actionplan:item", PLAN_ID)
    turnover = _linker("actionplan:turnover", PLAN_ID)
    place_of = {row.plan.pk: row.jurisdiction for row in rows if row.plan}
    status_label = dict(Status.choices)

    for row in rows:
        if row.plan is None:
            continue
        row.last_update_at = row.total.last_update_at
        row.silent = rules.is_silent(last_update_at=row.last_update_at, plan_created_at=row.plan.created_at, now=now)
        if row.silent:
            health.silent.append(row)

    standing = SignOff.objects.standing().filter(item=OuterRef("pk")).order_by()
    signatures = standing.values("item").annotate(n=Count("id")).values("n")[:1]
    owner_missing = Q()
    for office in sides.OFFICES:
        owner_missing |= Q(side__in=[office, sides.Side.JOINT]) & (
            ~_acting_for(office, today) | Q(**{f"{office}_owner__in": bouncing})
        )
    problems = (
        Item.objects.open()
        .filter(plan__in=plans)
        .annotate(
            cio_acting=_acting_for("cio", today),
            cpo_acting=_acting_for("cpo", today),
            signatures=Coalesce(Subquery(signatures), 0),
            signed_side=Subquery(standing.values("side")[:1]),
        )
        .filter(disagreement_q() | owner_missing | Q(side=sides.Side.JOINT, signatures=1))
        .order_by("due_on", "id")
        .values(
            "pk",
            "title",
            "plan_id",
            "side",
            "cio_status",
            "cpo_status",
            "cio_owner_id",
            "cpo_owner_id",
            "cio_acting",
            "cpo_acting",
            "signatures",
            "signed_side",
        )  # fmt: skip
    )
    # The stubs cannot follow the f-string keys below (f"{office}_owner_id"): rows as plain dicts.
    for item in cast("Iterable[dict[str, Any]]", problems):
        place, url = place_of[item["plan_id"]], item_url(item["pk"])
        note = functools.partial(ItemNote, item["pk"], item["title"], place, url=url)
        if statuses_disagree(item["cio_status"], item["cpo_status"]) and item["side"] == sides.Side.JOINT:
            cio, cpo = status_label[item["cio_status"]], status_label[item["cpo_status"]]
            health.disagreements.append(note(f"CIO side: {cio}; CPO side: {cpo}"))
        if item["side"] == sides.Side.JOINT and item["signatures"] == 1:
            signed = sides.Side(item["signed_side"])
            waiting = sides.Side(sides.other(signed))
            health.waiting_sign_off.append(note(f"The {signed.label} side signed; waiting on the {waiting.label} side"))
        for office in sides.offices_of(item["side"]):
            owner = item[f"{office}_owner_id"]
            if owner is None:
                reason = f"{OFFICE_LABELS[office]}: no owner"
            elif not item[f"{office}_acting"]:
                reason = f"{OFFICE_LABELS[office]}: its owner no longer acts for this office"
            elif owner in bouncing:
                reason = f"{OFFICE_LABELS[office]}: email to {names[owner]} is bouncing"
            else:
                continue
            health.owner_needed.append(note(reason))

    quiet_since = now - datetime.timedelta(days=OWNER_QUIET_DAYS)

    def quiet_for(office: str) -> Any:
        """(owner, plan, office, their latest post) for each owner acting for `office` whose latest
        post on the open items they own for it is older than OWNER_QUIET_DAYS (or who never
        posted, on items added before then)."""
        return (
            Item.objects.open()
            .filter(plan__in=plans, side__in=[office, sides.Side.JOINT], **{f"{office}_owner__isnull": False})
            .filter(_acting_for(office, today))
            .values(owner=F(f"{office}_owner"), plan_ref=F("plan_id"))
            .annotate(office=Value(office), latest=Max(f"{office}_last_update_at"), began=Min("created_at"))
            .filter(Q(latest__lt=quiet_since) | Q(latest__isnull=True, began__lt=quiet_since))
            .values_list("owner", "plan_ref", "office", "latest")
            .order_by()
        )

    quiet = sorted(
        quiet_for("cio").union(quiet_for("cpo")).order_by(), key=lambda q: (q[3] is not None, q[3] or now, q[0])
    )
    for owner, plan_id, office, latest in quiet:
        health.quiet_owners.append(QuietOwner(names[owner], place_of[plan_id], office, latest, turnover(plan_id)))
    return health
