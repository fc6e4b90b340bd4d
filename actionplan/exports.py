"""Items, updates and adoption records as spreadsheet columns, defined once: the admin's "Export
selected items" CSV and the reports app's CSV and XLSX downloads (reports/exports.py) write them.

Each column gives a typed value (text, number, date, datetime, Percent); config.spreadsheets
writes it as CSV (text people typed neutralized, so a title that starts like a formula stays text
in Excel and LibreOffice) and the reports app as XLSX cells of the same types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model

from actionplan.models import Item, Update
from config.spreadsheets import Column, Percent, Writable, write_csv

if TYPE_CHECKING:
    from actionplan.models import Adoption
    from directory.models import Jurisdiction, User
    from library.models import Recommendation


def label_of(model: type[Model], name: str) -> Callable[[Any], str]:
    """A row's choice field as its label ("At risk"), from a table built once: get_FOO_display()
    costs a national export seconds, run for every row."""
    labels = {str(value): str(label) for value, label in model._meta.get_field(name).flatchoices}  # type: ignore[union-attr]
    return lambda row: labels.get(getattr(row, name), getattr(row, name))


def person(user: User | None) -> str:
    """Someone as a spreadsheet names them: "Dana Whitfield <cio@id.example>", or the address alone."""
    if user is None:
        return ""
    return f"{user.full_name} <{user.email}>" if user.full_name else user.email


# Read for every row: load the items with their plan's jurisdiction, dimension and owners.
ITEM_RELATED = ("plan__jurisdiction", "dimension", "cio_owner", "cpo_owner")

ITEM_COLUMNS: list[Column[Item]] = [
    Column("Jurisdiction", lambda i: i.plan.jurisdiction.name, 16),
    Column("Code", lambda i: i.plan.jurisdiction.code, 6),
    Column("Plan", lambda i: i.plan.period, 9),
    Column("Dimension", lambda i: i.dimension.name, 28),
    Column("Item", lambda i: i.title, 50),
    Column("Side", label_of(Item, "side"), 10),
    Column("Status", label_of(Item, "status"), 12),
    Column("Progress (%)", lambda i: Percent(i.progress), 12),
    Column("CIO status", label_of(Item, "cio_status"), 12),
    Column("CPO status", label_of(Item, "cpo_status"), 12),
    Column("CIO owner", lambda i: person(i.cio_owner), 30),
    Column("CPO owner", lambda i: person(i.cpo_owner), 30),
    Column("Starts on", lambda i: i.starts_on, 11),
    Column("Due on", lambda i: i.due_on, 11),
    Column("Last update", lambda i: i.last_update_at, 17),
    Column("Archived", lambda i: i.archived_at, 17),
]


def write_items_csv(items: Iterable[Item], out: Writable) -> None:
    """Write a header row and one row per item to `out` (the admin's export). Dates are ISO; the last
    update is in the current time zone (the reader's, in a request). Load the items with
    ITEM_RELATED: every row reads them."""
    write_csv(ITEM_COLUMNS, items, out)


# Read for every row: load the updates with these, and only these fields (a national plan has
# ten thousand updates; building the item's every field for each costs more than the query).
UPDATE_RELATED = ("item", "author")
UPDATE_FIELDS = (
    "item_id", "side", "status", "progress", "confidence", "narrative", "created_at",
    "item__title", "author__full_name", "author__email",
)  # fmt: skip

UPDATE_COLUMNS: list[Column[Update]] = [
    Column("Item ID", lambda u: u.item_id, 8),
    Column("Item", lambda u: u.item.title, 50),
    Column("Side", label_of(Update, "side"), 10),
    Column("Status", label_of(Update, "status"), 12),
    Column("Progress (%)", lambda u: Percent(u.progress), 12),
    Column("Confidence", label_of(Update, "confidence"), 11),
    Column("Narrative", lambda u: u.narrative, 60),
    Column("Author", lambda u: person(u.author), 30),
    Column("Posted at", lambda u: u.created_at, 17),
]


@dataclass
class AdoptionRow:
    """One recommendation in one jurisdiction's record, as the adoption pages show it: the record
    if the state said anything (None: not recorded) and the items that carry it out."""

    jurisdiction: Jurisdiction
    recommendation: Recommendation
    adoption: Adoption | None
    items: list[Item]


def _adoption_field(row: AdoptionRow, name: str) -> str:
    return getattr(row.adoption, f"get_{name}_display")() if row.adoption else ""


ADOPTION_COLUMNS: list[Column[AdoptionRow]] = [
    Column("Jurisdiction", lambda r: r.jurisdiction.name, 16),
    Column("Code", lambda r: r.jurisdiction.code, 6),
    Column("Publication", lambda r: r.recommendation.publication.title, 30),
    Column("Area", lambda r: r.recommendation.area.name if r.recommendation.area else "", 24),
    Column("Recommendation", lambda r: r.recommendation.citation, 24),
    Column("Text", lambda r: r.recommendation.text, 60),
    Column("Status", lambda r: _adoption_field(r, "status") or "Not recorded", 13),
    Column("Evidence", lambda r: _adoption_field(r, "evidence_kind"), 14),
    Column("Evidence link", lambda r: r.adoption.evidence_url if r.adoption else "", 30),
    Column("Evidence file", lambda r: r.adoption.evidence_name if r.adoption else "", 20),
    Column("Verified at", lambda r: r.adoption.verified_at if r.adoption else None, 17),
    Column("Verified by", lambda r: person(r.adoption.verified_by) if r.adoption else "", 30),
    Column("Items", lambda r: "; ".join(f"{i.title} ({i.plan.period})" for i in r.items), 40),
    Column("Shown publicly", lambda r: "Yes" if r.adoption and r.adoption.is_public else "No", 9),
    Column("Note", lambda r: r.adoption.note if r.adoption else "", 40),
    Column("Updated at", lambda r: r.adoption.updated_at if r.adoption else None, 17),
    Column("Updated by", lambda r: person(r.adoption.updated_by) if r.adoption else "", 30),
]
