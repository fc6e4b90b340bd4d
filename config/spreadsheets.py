"""Formula injection: text that a spreadsheet would run as a formula, made inert.

A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` as a formula (tab and carriage
return count too: some programs drop them and then read what follows). A formula can fetch URLs
with the sheet's data or, through old DDE links, start programs on the machine of whoever opens
the file. Every place Joint Plan writes a spreadsheet (CSV or XLSX) passes the text people typed
through this module, so the rule is spelled once.

The remedy is OWASP's: put a single quote `'` in front, which spreadsheets show as text (Excel
hides the quote). Only strings are neutralized: an export that writes a real number passes it as
an `int`, `float` or `Decimal`, never as text, so `-5` stays a number there. In a CSV everything
is text, so a cell reading `-5` comes back as `'-5`; that is the price of safety OWASP accepts.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.utils import timezone

# Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# A CSV has no agreed separator: Excel uses the comma or the semicolon depending on the reader's
# locale, and a .csv may really be tab-separated. So a program reading with another separator than
# ours starts a cell after any of these, possibly after a quote that it takes as opening a field.
_OTHER_CELL_START = re.compile(r"""(?<=[,;\t])("*)(?=[=+\-@\t\r])""")
_SNIFFED_DELIMITERS = ",;\t"


def neutralize(value: str) -> str:
    """`value` as text a spreadsheet will not run: prefixed with `'` if it starts like a formula.

    For one cell whose bounds the file states (an XLSX cell). Pass numbers as numbers, not
    through this function. For CSV cells, use `neutralize_csv_cell`."""
    if value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value


def neutralize_csv_cell(value: str) -> str:
    """`neutralize`, also where a CSV reader using another separator would start a cell.

    After a comma, semicolon or tab inside the value (and any quotes right after it), a formula
    trigger gets the `'` too, so `x;=HYPERLINK(...)` is inert for a reader splitting on `;`
    when we wrote it splitting on `,`."""
    return neutralize(_OTHER_CELL_START.sub(r"\1'", value))


def neutralize_csv(data: bytes) -> bytes:
    """A UTF-8 CSV with every cell neutralized (see `neutralize_csv_cell`), the rest kept.

    The separator is sniffed from the start of the file (comma, semicolon or tab; comma when unsure)
    and kept, as are the line ending and a byte-order mark. Quoting is rewritten with double quotes
    where needed. Raises UnicodeDecodeError if `data` is not
    UTF-8 and csv.Error if it cannot be read as CSV."""
    bom = data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    sample = text[:16384]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=_SNIFFED_DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    # Read and written with double quotes, as every spreadsheet reads a CSV, so what we neutralize
    # as one cell is what the spreadsheet will show as one (the sniffer guesses `'` from apostrophes).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out = io.StringIO(newline="")
    ending = _line_ending(sample)
    writer = csv.writer(out, delimiter=delimiter, quotechar='"', lineterminator=ending)
    for row in reader:
        writer.writerow([neutralize_csv_cell(cell) for cell in row])
    rewritten = out.getvalue()
    if not text.endswith(("\n", "\r")):
        rewritten = rewritten.removesuffix(ending)  # the file had no line break at the end
    return rewritten.encode("utf-8-sig" if bom else "utf-8")


def _line_ending(sample: str) -> str:
    """The line ending the file uses (its first one), so a rewritten file keeps it."""
    match = re.search(r"\r\n|\n|\r", sample)
    return match.group() if match else "\r\n"


# --- Typed columns: one definition of a table, written as CSV here or as XLSX by the reports app ---

Cell = str | int | float | Decimal | datetime.date | datetime.datetime | None


@dataclass(frozen=True)
class Percent:
    """A share out of 100 (an item's progress): a number in a CSV (`45`), a percentage in an XLSX
    (0.45 shown as 45%), so each spreadsheet can sum and sort it."""

    points: int


@dataclass(frozen=True)
class Column[T]:
    """One column of an export: its header, how a row gives its typed value, and how wide an XLSX
    shows it (in characters). Text people typed is returned as it is and neutralized when written."""

    header: str
    value: Callable[[T], Cell | Percent]
    width: int = 14


def csv_cell(value: Cell | Percent) -> str | int | float | Decimal:
    """A typed value as a CSV writes it: text neutralized (see `neutralize_csv_cell`), numbers as
    numbers, dates in ISO form, datetimes in the current time zone with its abbreviation."""
    if value is None:
        return ""
    if isinstance(value, Percent):
        return value.points
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralize_csv_cell(value)
    return value


def write_csv[T](columns: Sequence[Column[T]], rows: Iterable[T], out: Writable) -> int:
    """A header row and one row per item of `rows`, each cell through `csv_cell`; the number of rows."""
    writer = csv.writer(out)
    writer.writerow([neutralize_csv_cell(column.header) for column in columns])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(column.value(row)) for column in columns])
        count += 1
    return count


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...
