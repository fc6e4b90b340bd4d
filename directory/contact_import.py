"""Contact import for association staff: a CSV or XLSX of people becomes invitations (and ended
roles), previewed first and applied all or nothing.

`read_file` turns the bytes into rows (or one file-level error naming what is wrong); `plan`
classifies each row against the database (new person, new role for an existing account, role
ended, unchanged) or names its errors by row and field; `apply` writes the plan in one transaction
through the invitations service, so the emails and audit events are those of any invitation.

Plain parsing (csv, openpyxl) rather than django-import-export: that library imports rows into one
model, while a row here becomes an invitation sent through our service (email, audit, token), or
an ended role, checked by rules that span rows (one CIO a state, one row an address). Its
resources would have to be bent into every one of those; the rules are shorter written here.

"Ended" is explicit: a row with an `end date` ends that person's role there on that day. A role
held by someone the file does not name is never touched: a partial list must not end real roles.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from openpyxl import load_workbook

from directory import audit, invitations
from directory.models import Invitation, Jurisdiction, Membership, SignInEvent, User, role_label
from directory.sides import PRINCIPAL_ROLES

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_LINES = 20_000  # blank lines included: an XLSX may hold many formatted but empty rows
MAX_COLUMNS = 20  # a header row wider than this is not a contact list

# The columns, as the page names them; a header matches whatever its case, spaces or underscores.
REQUIRED_HEADERS = ["name", "email", "jurisdiction", "role", "start date"]
OPTIONAL_HEADERS = ["end date"]
HEADER_ALIASES = {"email address": "email", "e-mail": "email", "state": "jurisdiction", "code": "jurisdiction"}


def _words(text: str) -> str:
    """Lower case, one space between words: "CIO_Delegate " and "cio delegate" read alike."""
    return re.sub(r"[\s_]+", " ", text.strip().lower())


# A role as the file may name it: its value, its label, or the short names people use.
ROLE_NAMES: dict[str, str] = {_words(r.value): r.value for r in Membership.Role} | {
    _words(str(r.label)): r.value for r in Membership.Role
}
ROLE_NAMES |= {
    "delegate of the chief information officer": "cio_delegate",
    "delegate of the chief procurement officer": "cpo_delegate",
}
CHANGED = (
    "What this file would do has changed since the preview (someone was invited, accepted or ended a role "
    "meanwhile): nothing was imported. Look at the new preview and apply it again."
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ImportFileError(Exception):
    """The file as a whole cannot be read: too big, not CSV or XLSX, empty, wrong headers."""


class Action:
    CREATE = "create"  # a new person: an invitation, and an account when they accept
    CHANGE = "change"  # an existing account: an invitation to add the role
    END = "end"  # a role held now ends on the row's end date
    UNCHANGED = "unchanged"  # already so: a pending invitation or the role held (or ended) as said


@dataclass
class Row:
    """One line of the file (`number` as a spreadsheet numbers it: the header is row 1), its
    values as typed, what they mean once read, and what applying would do or why it cannot."""

    number: int
    raw: dict[str, str]
    name: str = ""
    email: str = ""
    code: str = ""
    role: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    action: str = ""
    note: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def role_label(self) -> str:
        return role_label(self.role) if self.role else self.raw.get("role", "")


@dataclass
class Plan:
    """What importing a file would do: every row classified, or the rows' errors."""

    rows: list[Row]
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)

    @property
    def errors(self) -> list[tuple[Row, str, str]]:
        return [(row, column, message) for row in self.rows for column, message in row.errors.items()]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def digest(self) -> str:
        """A fingerprint of what applying would do, so that apply can refuse a plan that changed
        since the preview (someone accepted or was invited meanwhile)."""
        facts = [(r.number, r.action, r.email, r.code, r.role, str(r.starts_on), str(r.ends_on)) for r in self.rows]
        return hashlib.sha256(json.dumps(facts).encode()).hexdigest()


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- Reading -------------------------------------------------------------------------------------


def read_file(content: bytes) -> list[Row]:
    """The rows of a CSV or XLSX file (told apart by their bytes, not their name), or
    ImportFileError saying what is wrong with the file as a whole."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it and import each part."
        )
    if not content.strip():
        raise ImportFileError("The file is empty. " + _expected())
    if content.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(content)
    else:
        table = _csv_rows(content)
    header_row = next(table, None)
    if header_row is None or not any(_text(cell) for cell in header_row):
        raise ImportFileError("The file has no header row. " + _expected())
    headers = [_header(cell) for cell in header_row]
    missing = [h for h in REQUIRED_HEADERS if h not in headers]
    if missing:
        raise ImportFileError(f"The file has no {_join(missing)} column. " + _expected())
    known = set(REQUIRED_HEADERS + OPTIONAL_HEADERS)
    rows: list[Row] = []
    for number, cells in enumerate(table, start=2):
        if number > MAX_LINES:
            raise ImportFileError(f"The file has more than {MAX_LINES:,} lines. Delete the empty ones, or split it.")
        values = {h: cells[i] for i, h in enumerate(headers) if h in known and i < len(cells)}
        if not any(_text(v) for v in values.values()):
            continue  # a blank line says nothing
        if len(rows) == MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} people. Split it and import each part.")
        rows.append(_row(number, values))
    if not rows:
        raise ImportFileError("The file has a header row but nobody under it.")
    return rows


def _expected() -> str:
    return (
        f"The first row must name the columns {_join(REQUIRED_HEADERS)}"
        f" (and, to end a role, {_join(OPTIONAL_HEADERS)})."
    )


def _join(names: list[str]) -> str:
    quoted = [f"“{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _header(cell: Any) -> str:
    name = _words(_text(cell))
    return HEADER_ALIASES.get(name, name)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _csv_rows(content: bytes) -> Iterator[Sequence[Any]]:
    if b"\x00" in content:
        raise ImportFileError("This is not a CSV or XLSX file. Save the spreadsheet as CSV (UTF-8) or XLSX.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "This file is not a CSV file in UTF-8, nor an XLSX file. Save it as CSV (UTF-8) or XLSX."
        ) from None
    try:
        table = [row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise ImportFileError(f"This CSV file cannot be read ({error}).") from None
    return iter(table)


def _xlsx_rows(content: bytes) -> Iterator[Sequence[Any]]:
    """The first sheet's rows, read-only (streamed) and typed: a date cell gives a date."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - whatever a damaged workbook raises, the answer is one message
        raise ImportFileError(
            f"This XLSX file cannot be read ({type(error).__name__}). Save it again, or as CSV."
        ) from None


def _row(number: int, values: dict[str, Any]) -> Row:
    row = Row(number=number, raw={k: _shown(v) for k, v in values.items()})
    for column in REQUIRED_HEADERS:
        if not _text(values.get(column)) and column != "start date":
            row.errors[column] = f"Row {number}: the {column} is missing."
    row.name = _text(values.get("name"))[:150]
    email = _text(values.get("email")).lower()
    if email and "email" not in row.errors:
        try:
            validate_email(email)
            row.email = email
        except ValidationError:
            row.errors["email"] = f"Row {number}: “{email}” is not an email address."
    row.code = _text(values.get("jurisdiction")).upper()
    role = _text(values.get("role"))
    if role:
        row.role = ROLE_NAMES.get(_words(role), "")
        if not row.role:
            row.errors["role"] = (
                f"Row {number}: “{role}” is not a role. Use CIO, CPO, CIO delegate, CPO delegate or Viewer."
            )
    row.ends_on = _date(row, "end date", values.get("end date"))
    row.starts_on = _date(row, "start date", values.get("start date"))
    if row.starts_on is None and row.ends_on is None and "start date" not in row.errors:
        row.errors["start date"] = f"Row {number}: the start date is missing."
    return row


def _shown(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _text(value)


def _date(row: Row, column: str, value: Any) -> datetime.date | None:
    """A date cell, or text in ISO form (2027-01-15); anything else is the row's error."""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date()
    elif isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    if ISO_DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    row.errors[column] = f"Row {row.number}: the {column} “{_shown(value)}” is not a date written as YYYY-MM-DD."
    return None


# --- Planning ------------------------------------------------------------------------------------


def plan(rows: list[Row]) -> Plan:
    """Classify every row against the database and each other, in four queries whatever the size:
    the jurisdictions, the accounts, the roles and the pending invitations the file names."""
    result = Plan(rows=rows, jurisdictions={j.code: j for j in Jurisdiction.objects.all()})
    emails = {row.email for row in rows if row.email}
    codes = {row.code for row in rows if row.code in result.jurisdictions}
    accounts = {u.email.lower(): u for u in User.objects.filter(email__in=emails)} if emails else {}
    memberships = list(
        Membership.objects.filter(jurisdiction__code__in=codes)
        .filter(Q(role__in=PRINCIPAL_ROLES, ended_on__isnull=True) | Q(user__email__in=emails))
        .select_related("user", "jurisdiction")
    )
    pending = {
        (i.email, i.jurisdiction.code, i.role)
        for i in Invitation.objects.pending().filter(email__in=emails).select_related("jurisdiction")
    }
    seen: dict[str, int] = {}
    principals_in_file: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.email:
            if row.email in seen:
                row.errors["email"] = (
                    f"Row {row.number}: {row.email} is also on row {seen[row.email]}: one row a person."
                )
            else:
                seen[row.email] = row.number
        if row.code and row.code not in result.jurisdictions:
            row.errors["jurisdiction"] = (
                f"Row {row.number}: “{row.raw.get('jurisdiction', '')}” is not a jurisdiction's USPS code, such as ID or ME."
            )
        if row.starts_on and row.ends_on and row.ends_on < row.starts_on:
            row.errors["end date"] = f"Row {row.number}: the end date is before the start date."
        if row.errors:
            continue
        if row.ends_on is None and row.role in PRINCIPAL_ROLES:
            key = (row.code, row.role)
            if key in principals_in_file:
                row.errors["role"] = (
                    f"Row {row.number}: row {principals_in_file[key]} already names the "
                    f"{role_label(row.role)} of {result.jurisdictions[row.code].name}; there is one."
                )
                continue
            principals_in_file[key] = row.number
        _classify(row, result.jurisdictions[row.code], memberships, pending, accounts)
    return result


def _classify(
    row: Row,
    jurisdiction: Jurisdiction,
    memberships: list[Membership],
    pending: set[tuple[str, str, str]],
    accounts: dict[str, User],
) -> None:
    here = [m for m in memberships if m.jurisdiction_id == jurisdiction.pk and m.role == row.role]
    own = [m for m in here if m.user.email.lower() == row.email]
    current = next((m for m in own if m.ended_on is None), None)
    if row.ends_on is not None:
        if current is not None:
            if row.ends_on < current.started_on:
                row.errors["end date"] = (
                    f"Row {row.number}: the role started on {current.started_on.isoformat()}; it cannot end before."
                )
                return
            row.action, row.note = Action.END, f"Role ends on {row.ends_on.isoformat()}."
        elif any(m.ended_on == row.ends_on for m in own):
            row.action, row.note = Action.UNCHANGED, "The role already ended on that day."
        else:
            row.errors["end date"] = (
                f"Row {row.number}: {row.email} holds no {role_label(row.role)} role in {jurisdiction.name} to end."
            )
        return
    if current is not None:
        row.action, row.note = Action.UNCHANGED, "Already holds this role."
        return
    if (row.email, row.code, row.role) in pending:
        row.action, row.note = Action.UNCHANGED, "Already invited to this role (resend it from the people page)."
        return
    if row.role in PRINCIPAL_ROLES:
        holder = next((m for m in here if m.ended_on is None), None)
        if holder is not None:
            row.errors["role"] = (
                f"Row {row.number}: {jurisdiction.name} already has a {role_label(row.role)} ({holder.user}). "
                "End that role first (a row with an end date, or in the admin)."
            )
            return
    if row.email in accounts:
        row.action, row.note = Action.CHANGE, "Has an account: invited to add this role."
    else:
        row.action, row.note = Action.CREATE, "New person: invited to make an account."


# --- Applying ------------------------------------------------------------------------------------


def apply(content: bytes, *, by: User, expected: str, request: HttpRequest | None = None) -> Plan:
    """Read and plan the file again and, if nothing changed since the preview (`expected` is the
    plan's digest then) and it has no error, write every row in one transaction: invitations with
    their emails queued and audited (directory/invitations.py), ended roles audited. A failure
    anywhere writes nothing. Raises ImportFileError when the file or the plan does not hold."""
    with transaction.atomic():
        result = plan(read_file(content))
        if not result.is_valid:
            raise ImportFileError("The file has errors: nothing was imported. Correct them and upload it again.")
        if result.digest() != expected:
            raise ImportFileError(CHANGED)
        for row in result.rows:
            jurisdiction = result.jurisdictions[row.code]
            if row.action in (Action.CREATE, Action.CHANGE):
                invitations.invite(
                    jurisdiction,
                    email=row.email,
                    role=row.role,
                    starts_on=cast(datetime.date, row.starts_on),  # an invitation's row has one
                    invited_by=by,
                    request=request,
                )
            elif row.action == Action.END:
                _end_role(row, jurisdiction, by=by, request=request)
    return result


def _end_role(row: Row, jurisdiction: Jurisdiction, *, by: User, request: HttpRequest | None) -> None:
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(jurisdiction=jurisdiction, role=row.role, user__email__iexact=row.email, ended_on__isnull=True)
        .first()
    )
    if membership is None:  # ended by someone else (another import, the admin) since this one planned
        raise ImportFileError(CHANGED)
    membership.ended_on = row.ends_on
    membership.save(update_fields=["ended_on"])
    audit.record(
        SignInEvent.Kind.ROLE_ENDED,
        user=membership.user,
        actor=by,
        request=request,
        on=str(row.ends_on),
        jurisdiction=jurisdiction.code,
        role=row.role,
        imported=True,
    )
