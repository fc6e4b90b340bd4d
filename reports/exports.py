"""CSV and XLSX downloads of what the pages show: a plan's items (with the item list's filters), a
plan's updates, adoption records (a state's, or every state's for staff) and an event's attendance.

The columns are defined once, by the app that owns the rows (actionplan/exports.py,
roundtables/exports.py); here they become a file. Rows are read with `.iterator()` and written to
a spooled temporary file (memory up to SPOOL_BYTES, then disk), so a national export never holds
every row in memory, and a refused query or a database error is answered before any byte of the
download is sent. Who may download what is decided by the views (reports/views/exports.py),
exactly as for the page each export comes from.
"""

from __future__ import annotations

import datetime
import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, cast

from django.db.models import Prefetch
from django.http import FileResponse, QueryDict
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from actionplan import adoption as adoption_services
from actionplan.exports import (
    ADOPTION_COLUMNS,
    ITEM_COLUMNS,
    ITEM_RELATED,
    UPDATE_COLUMNS,
    UPDATE_FIELDS,
    UPDATE_RELATED,
    AdoptionRow,
    person,
)
from actionplan.filters import describe_filters, describe_sort, filter_problems, plan_item_filter
from actionplan.models import Adoption, Item, Plan, Update
from config.spreadsheets import Cell, Column, Percent, neutralize, write_csv
from directory.models import Jurisdiction, User
from library.models import Dimension, Publication
from roundtables.exports import ATTENDANCE_COLUMNS, ATTENDANCE_RELATED
from roundtables.models import Attendance, Roundtable

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SPOOL_BYTES = 4 * 1024 * 1024
CHUNK = 1000  # rows fetched at a time by .iterator()
# Excel's limit on one cell's text; a longer narrative is cut there (and says so).
XLSX_CELL_LIMIT = 32_767
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"
ABOUT_SHEET = "About this export"
BOLD = Font(bold=True)


class BadQuery(Exception):
    """The export's query asks for something the page has no filter or value for; nothing is made."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass
class Export[T]:
    """What one download holds: its rows and columns, and what the About sheet says of them."""

    name: str  # the file's name before its date, e.g. "idaho-fy2027-items"
    sheet: str  # the data sheet's title, e.g. "Items"
    source: str  # the page it comes from, in words: "Idaho FY2027: All items"
    columns: Sequence[Column[T]]
    rows: Iterable[T]
    filters: list[str] = field(default_factory=list)  # in words, one per line; [] = none
    order: str = ""
    note: str = ""  # anything else the reader should know of what the rows are

    def filename(self, fmt: str, today: datetime.date) -> str:
        return f"{self.name}-{today.isoformat()}.{fmt}"


def unknown_parameters(data: QueryDict, allowed: Iterable[str] = ()) -> list[str]:
    """A problem for each name in the query that the page has no filter for."""
    return [f"“{name}” is not a filter of this page." for name in sorted(set(data) - set(allowed))]


# --- What each export holds ------------------------------------------------------------------------


def plan_items(plan: Plan, data: QueryDict, *, owners: list[User], dimension: Dimension | None = None) -> Export[Item]:
    """The plan's current items (or one dimension's) that the item list shows for this query, every
    page of them, in its order. Raises BadQuery for a name that is no filter or a value a filter
    does not know (the page ignores them; a download says so instead of holding something else)."""
    item_filter = plan_item_filter(plan, data, owners=owners, dimension=dimension)
    problems = filter_problems(item_filter)
    if problems:
        raise BadQuery(problems)
    items = item_filter.qs.select_related(*ITEM_RELATED).iterator(chunk_size=CHUNK)
    where = f"{dimension.name} items" if dimension else "All items"
    return Export(
        name=slugify(f"{plan.jurisdiction.name} {plan.period} {dimension.slug if dimension else ''} items"),
        sheet="Items",
        source=f"{plan}: {where}",
        columns=ITEM_COLUMNS,
        rows=items,
        filters=describe_filters(item_filter),
        order=describe_sort(item_filter),
        note="Every item that matches, on all pages of the list; archived items are not listed.",
    )


def plan_updates(plan: Plan) -> Export[Update]:
    """Every update posted on the plan's items, oldest first (archived items' included: the
    updates are the plan's history)."""
    updates = (
        Update.objects.filter(item__plan=plan)
        .select_related(*UPDATE_RELATED)
        .only(*UPDATE_FIELDS)
        .order_by("created_at", "id")
        .iterator(chunk_size=CHUNK)
    )
    return Export(
        name=slugify(f"{plan.jurisdiction.name} {plan.period} updates"),
        sheet="Updates",
        source=f"{plan}: updates on its items",
        columns=UPDATE_COLUMNS,
        rows=updates,
        order="Posted at, oldest first",
        note="Every update on the plan's items, archived items included.",
    )


def _linked_items() -> Prefetch[Any]:
    return Prefetch("items", queryset=Item.objects.select_related("plan").order_by("title"))


def adoption_records(jurisdiction: Jurisdiction) -> Export[AdoptionRow]:
    """A state's adoption record as its page shows it: every recommendation, with the state's status
    (or Not recorded), evidence, verification and the items that carry it out."""
    groups, _, _ = adoption_services.state_record(jurisdiction)
    rows = [
        AdoptionRow(jurisdiction, row.recommendation, row.adoption, row.items)
        for group in groups
        for area in group.areas
        for row in area.rows
    ]
    return Export(
        name=slugify(f"{jurisdiction.name} adoption"),
        sheet="Adoption",
        source=f"{jurisdiction.name}: adoption of recommendations",
        columns=ADOPTION_COLUMNS,
        rows=rows,
        order="By publication, oldest first, then area and recommendation",
    )


def national_adoption(publication: Publication | None) -> Export[AdoptionRow]:
    """Every jurisdiction's record on every recommendation (or one publication's), as the national
    matrix shows them, with the details of each state's page: for association staff. Four queries,
    however many states and recommendations; a few thousand rows at most."""
    recommendations = adoption_services.recommendations_in_order(publication)
    records = Adoption.objects.select_related("verified_by", "updated_by").prefetch_related(_linked_items())
    if publication is not None:
        records = records.filter(recommendation__publication=publication)
    found = {(a.jurisdiction_id, a.recommendation_id): a for a in records}
    rows = (
        AdoptionRow(jurisdiction, recommendation, adoption, list(adoption.items.all()) if adoption else [])
        for jurisdiction in Jurisdiction.objects.order_by("name")
        for recommendation in recommendations
        for adoption in [found.get((jurisdiction.pk, recommendation.pk))]
    )
    return Export(
        name=slugify(f"adoption all jurisdictions {publication.slug if publication else ''}"),
        sheet="Adoption",
        source="National adoption matrix",
        columns=ADOPTION_COLUMNS,
        rows=rows,
        filters=[f"Publication: {publication.title}"] if publication else [],
        order="By jurisdiction, then publication (oldest first), area and recommendation",
    )


def event_attendance(roundtable: Roundtable) -> Export[Attendance]:
    """Every invited office of an event, with its status and who registered, as the sheet shows it."""
    rows = (
        Attendance.objects.filter(roundtable=roundtable)
        .select_related(*ATTENDANCE_RELATED)
        .order_by("jurisdiction__name", "side")
        .iterator(chunk_size=CHUNK)
    )
    return Export(
        name=slugify(f"{roundtable.slug} attendance"),
        sheet="Attendance",
        source=f"Attendance at {roundtable.title}",
        columns=ATTENDANCE_COLUMNS,
        rows=rows,
        order="By jurisdiction, then office",
    )


# --- Writing the file ------------------------------------------------------------------------------


def respond[T](export: Export[T], fmt: str, *, user: User, source_url: str) -> FileResponse:
    """The export as a download in `fmt` ("csv" or "xlsx"), named for today in the viewer's zone."""
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # the response closes it
    if fmt == "xlsx":
        write_xlsx(export, out, user=user, source_url=source_url)
    else:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        # A byte-order mark, so that Excel reads the file as UTF-8 (names with accents).
        text.write("\ufeff")
        write_csv(export.columns, export.rows, text)
        text.flush()
        text.detach()
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=export.filename(fmt, timezone.localdate()),
        content_type=CONTENT_TYPES[fmt],
    )


def xlsx_value(value: Cell | Percent, ws: WriteOnlyWorksheet) -> Any:
    """A typed value as an XLSX cell: text neutralized and cleaned of characters XML cannot hold,
    numbers as numbers, a Percent as a fraction shown as a percentage, dates as dates, and
    datetimes as the viewer's wall-clock time (XLSX has no time zones; the About sheet names it)."""
    if isinstance(value, str):
        text = neutralize(ILLEGAL_CHARACTERS_RE.sub("", value))
        if len(text) > XLSX_CELL_LIMIT:
            text = text[: XLSX_CELL_LIMIT - 20] + " [cut: too long]"
        return text
    if isinstance(value, Percent):
        cell = WriteOnlyCell(ws, value=value.points / 100)
        cell.number_format = PERCENT_FORMAT
        return cell
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(ws, value=timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(ws, value=cast(Any, value))  # a date is a date cell (the stubs omit it)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def write_xlsx[T](export: Export[T], out: IO[bytes], *, user: User, source_url: str) -> int:
    """The rows on a first sheet (bold, frozen header; widths from the columns), then the sheet
    "About this export"; returns the number of rows. Write-only: rows go to disk as they come."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(export.sheet)
    ws.freeze_panes = "A2"
    for index, column in enumerate(export.columns, start=1):
        _width(ws, get_column_letter(index), column.width)
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(ws, value=neutralize(column.header))
        cell.font = BOLD
        header.append(cell)
    ws.append(header)
    count = 0
    for row in export.rows:
        ws.append([xlsx_value(column.value(row), ws) for column in export.columns])
        count += 1
    _about_sheet(book.create_sheet(ABOUT_SHEET), export, count=count, user=user, source_url=source_url)
    book.save(out)
    return count


def _width(ws: WriteOnlyWorksheet, letter: str, width: int) -> None:
    """A column's width in characters; set before the first row (write-only sheets write it first)."""
    ws.column_dimensions[letter].width = width  # type: ignore[attr-defined]  # set up at runtime; the stubs omit it


def _about_sheet[T](ws: WriteOnlyWorksheet, export: Export[T], *, count: int, user: User, source_url: str) -> None:
    """What the data sheet holds, in words: where it comes from, the filters, who made it and when."""
    _width(ws, "A", 16)
    _width(ws, "B", 80)
    now = timezone.localtime()

    def line(label: str, value: object) -> None:
        name = WriteOnlyCell(ws, value=label)
        name.font = BOLD
        ws.append([name, xlsx_value(value, ws) if isinstance(value, str | datetime.date) else value])

    line("Source page", export.source)
    line("Address", source_url)
    filters = export.filters or ["None"]
    line("Filters", filters[0])
    for more in filters[1:]:
        ws.append(["", xlsx_value(more, ws)])
    if export.order:
        line("Order", export.order)
    line("Rows", count)
    if export.note:
        line("Note", export.note)
    line("Exported by", person(user))
    line("Exported at", now)
    line("Time zone", f"{now.tzname()} ({timezone.get_current_timezone_name()}); every date and time is in it")
