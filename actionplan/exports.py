"""Items as a spreadsheet: the CSV staff take to a meeting (the admin's "Export selected items").

Every cell people typed passes through config.spreadsheets, so a title that starts like a formula
stays text in Excel and LibreOffice.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from django.utils import timezone

from config.spreadsheets import neutralize_csv_cell

if TYPE_CHECKING:
    import datetime

    from actionplan.models import Item
    from directory.models import User

ITEM_COLUMNS = [
    "Jurisdiction",
    "Code",
    "Plan",
    "Dimension",
    "Item",
    "Side",
    "Status",
    "Progress (%)",
    "CIO status",
    "CPO status",
    "CIO owner",
    "CPO owner",
    "Starts on",
    "Due on",
    "Last update",
    "Archived",
]


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def write_items_csv(items: Iterable[Item], out: Writable) -> None:
    """Write a header row and one row per item to `out`. Dates are ISO; the last update is in the
    current time zone (the reader's, in a request). Load the items with their plan's jurisdiction,
    dimension and owners: this function reads them for every row."""
    writer = csv.writer(out)
    writer.writerow(ITEM_COLUMNS)
    for item in items:
        writer.writerow(
            [
                _text(item.plan.jurisdiction.name),
                item.plan.jurisdiction.code,
                _text(item.plan.period),
                _text(item.dimension.name),
                _text(item.title),
                item.get_side_display(),
                item.get_status_display(),
                item.progress,
                item.get_cio_status_display(),
                item.get_cpo_status_display(),
                _person(item.cio_owner),
                _person(item.cpo_owner),
                item.starts_on.isoformat(),
                item.due_on.isoformat(),
                _moment(item.last_update_at),
                _moment(item.archived_at),
            ]
        )


def _text(value: str) -> str:
    return neutralize_csv_cell(value)


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return _text(f"{user.full_name} <{user.email}>" if user.full_name else user.email)


def _moment(at: datetime.datetime | None) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M %Z") if at else ""
