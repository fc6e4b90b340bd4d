"""An event's attendance sheet as spreadsheet columns, defined once for the CSV and XLSX downloads
(reports/exports.py writes them; config.spreadsheets types and neutralizes the cells)."""

from __future__ import annotations

from actionplan.exports import person
from config.spreadsheets import Column
from roundtables.models import Attendance

# Read for every row: load the attendance with these.
ATTENDANCE_RELATED = ("jurisdiction", "attendee", "recorded_by")


def _attendee(row: Attendance) -> str:
    """Who comes from the office: their account, or the name staff typed when they have none."""
    return person(row.attendee) if row.attendee is not None else row.attendee_name


ATTENDANCE_COLUMNS: list[Column[Attendance]] = [
    Column("Jurisdiction", lambda a: a.jurisdiction.name, 16),
    Column("Code", lambda a: a.jurisdiction.code, 6),
    Column("Office", lambda a: a.get_side_display(), 11),
    Column("Status", lambda a: a.get_status_display(), 14),
    Column("Attendee", _attendee, 30),
    Column("Role", lambda a: a.role, 16),
    Column("Invited at", lambda a: a.invited_at, 17),
    Column("Registered at", lambda a: a.registered_at, 17),
    Column("Recorded by", lambda a: person(a.recorded_by), 30),
]
