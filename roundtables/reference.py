"""Reference data owned by roundtables: the seeded history of events (the 2016 Charlotte
roundtable, the 2017 joint task force and its Pittsburgh workshop) and the attendance the sources
make public, from shared/DOMAIN.md, in our own words.

Loaded by `manage.py load_reference` after the library's rows (the publications each event
produced); idempotent, keyed on each event's slug; a seeded event staff edited is left as it is
(directory/reference.py: upsert). Dates the sources give only to the month are stored with that
precision.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Model

from directory.reference import Tally, upsert
from library.reference import MONTH, NASCIO_BLOG_2016_08, NASCIO_RELEASE_2017_01, STATESCOOP_2016, TASK_FORCE_RELEASE

EASTERN = "America/New_York"


# --- The seeded history of events ---------------------------------------------------------------


class EventRow(NamedTuple):
    slug: str
    kind: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    date_precision: str
    place: str
    description: str
    participants_note: str
    publications: tuple[str, ...]  # Publication slugs
    part_of: str = ""  # Roundtable slug


EVENTS: list[EventRow] = [
    EventRow(
        "designing-for-agility-2016",
        "roundtable",
        "Designing for Agility: Advancing IT and Procurement Modernization",
        datetime.date(2016, 7, 1),
        datetime.date(2016, 7, 1),
        MONTH,
        "Charlotte, North Carolina",
        "The first national roundtable of state CIOs and CPOs, and the first time NASPO and NASCIO "
        "brought the two together face to face. It met in Charlotte in late July 2016; the exact dates "
        "were not published, so Joint Plan shows it as July 2016.\n\n"
        "Themes, as NASCIO reported them:\n\n"
        "- The owner-operator model of state IT is giving way to cloud, managed services and agile "
        "delivery, and states must adapt.\n"
        "- A good procurement is the foundation of a good project.\n"
        "- CIOs and CPOs need to work together from the moment an idea starts.\n\n"
        "California's modular child welfare procurement and Ohio's data-center consolidation were "
        "discussed as examples. The roundtable produced the joint action plan, published in January "
        "2017 in four dimensions, and a topical summary.\n\n"
        f"Sources: [NASCIO blog, August 2016]({NASCIO_BLOG_2016_08}); [StateScoop]({STATESCOOP_2016}); "
        f"[NASCIO press release, January 2017]({NASCIO_RELEASE_2017_01}).",
        "State CIOs and CPOs took part; which states, and the exact dates in late July 2016, were not published.",
        ("roundtable-action-plan-2017", "topical-roundtable-summary-2017"),
    ),
    EventRow(
        "joint-task-force-2017",
        "task_force",
        "Joint Task Force on State IT Procurement Negotiations",
        datetime.date(2017, 2, 1),
        datetime.date(2017, 9, 1),
        MONTH,
        "",
        "A joint NASPO–NASCIO task force of state CPOs and CIOs, formed in February 2017 after the two "
        "associations' leaders voted for it in December 2016. Over about nine months it surveyed the "
        "states (forty answered), met for a one-day workshop in Pittsburgh in August 2017, and in "
        "September 2017 released 18 joint recommendations in “State IT Procurement Negotiations: Working "
        "Together to Reform and Transform”. Its co-chairs were Sarah Hilderbrand, Idaho CPO, for NASPO "
        "and Jim Smith, Maine CIO, for NASCIO.\n\n"
        f"Source: [NASCIO press release, September 2017]({TASK_FORCE_RELEASE}).",
        "CIOs and CPOs from 15 states; only the co-chairs' states are public",
        ("it-procurement-negotiations-2017",),
    ),
    EventRow(
        "task-force-workshop-pittsburgh-2017",
        "workshop",
        "Joint task force workshop in Pittsburgh",
        datetime.date(2017, 8, 1),
        datetime.date(2017, 8, 1),
        MONTH,
        "Pittsburgh, Pennsylvania",
        "A one-day workshop of the Joint Task Force on State IT Procurement Negotiations, in August "
        "2017. The exact date was not published, so Joint Plan shows it as August 2017.\n\n"
        f"Source: [NASCIO press release, September 2017]({TASK_FORCE_RELEASE}).",
        "Members of the joint task force; the exact date was not published.",
        (),
        part_of="joint-task-force-2017",
    ),
]


class AttendanceRow(NamedTuple):
    event: str  # Roundtable slug
    jurisdiction: str  # USPS code
    side: str
    role: str
    attendee_name: str
    status: str


# Only the co-chairs' states are public (DOMAIN.md §7.3): no other state is recorded.
ATTENDANCE: list[AttendanceRow] = [
    AttendanceRow("joint-task-force-2017", "ID", "cpo", "Co-chair", "Sarah Hilderbrand", "attended"),
    AttendanceRow("joint-task-force-2017", "ME", "cio", "Co-chair", "Jim Smith", "attended"),
]


# --- Loading ----------------------------------------------------------------------------------


def _midnight(day: datetime.date, tz: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=ZoneInfo(tz))


def load() -> Tally:
    """Create the seeded events and their attendance, and correct those nobody has edited.

    Runs inside load_reference's transaction, after the directory's and the library's rows (the
    associations, jurisdictions and publications it links to)."""
    from directory.models import Association, Jurisdiction
    from library.models import Publication
    from roundtables.models import Attendance, Roundtable

    associations = {a.code: a for a in Association.objects.all()}
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    publications = {p.slug: p for p in Publication.objects.filter(slug__in={s for e in EVENTS for s in e.publications})}
    tally = Tally("events", "attendance")

    events: dict[str, Roundtable] = {}
    for row in EVENTS:  # a part after the event it belongs to
        fields = {
            "kind": row.kind,
            "title": row.title,
            "starts_at": _midnight(row.starts_on, EASTERN),
            "ends_at": _midnight(row.ends_on, EASTERN),
            "tz": EASTERN,
            "date_precision": row.date_precision,
            "place": row.place,
            "description": row.description,
            "participants_note": row.participants_note,
            "part_of": events[row.part_of] if row.part_of else None,
        }
        links: dict[str, list[Model]] = {
            "hosts": [associations["NASPO"], associations["NASCIO"]],
            "publications": [publications[slug] for slug in row.publications],
        }
        tally.add("events", upsert(Roundtable, {"slug": row.slug}, fields, links=links))
        events[row.slug] = Roundtable.objects.get(slug=row.slug)

    for attendance_row in ATTENDANCE:
        event = events[attendance_row.event]
        key = {
            "roundtable": event,
            "jurisdiction": jurisdictions[attendance_row.jurisdiction],
            "side": attendance_row.side,
        }
        fields = {
            "role": attendance_row.role,
            "attendee_name": attendance_row.attendee_name,
            "status": attendance_row.status,
            "invited_at": event.starts_at,
        }
        tally.add("attendance", upsert(Attendance, key, fields))

    return tally
