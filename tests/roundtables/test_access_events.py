"""Who may open or post to every events URL, following the action plan's matrix:

- every event is read by everyone signed in (the list, an event's page, its .ics download);
  anonymous visitors are sent to sign in; an id that does not exist is a 404;
- association staff (and superusers) act on events: create, edit, add agenda sessions, invite,
  keep the attendance sheet. Everyone else reads the event but may not act: 403, never 404,
  since the event itself is no secret;
- the CIO, the CPO and their delegates register their own office (viewers and staff, who act for
  no office, get 403). A member of a state that was not invited sees the registration page and is
  refused there with a message on the form (200), since they may register once invited.

The event is under way (it began an hour ago), so it takes registrations and attendance alike;
Idaho (state A) is invited and Maine (state B) is not. A refused POST changes nothing.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from directory.models import Jurisdiction, User
from library.models import Dimension
from roundtables.models import AgendaSession, Attendance, Roundtable
from tests import matrix
from tests.factories import make_event
from tests.matrix import Row

pytestmark = pytest.mark.django_db

STAFF_READ = "login 403   403   403   403   403   200   200"
STAFF_DONE = "login 403   403   403   403   403   done  done"
# fmt: off
# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("list",       "GET",  "login 200   200   200   200   200   200   200"),
    Row("detail",     "GET",  "login 200   200   200   200   200   200   200"),
    Row("detail",     "GET",  "login 404   404   404   404   404   404   404", label="detail-missing"),
    Row("ics",        "GET",  "login 200   200   200   200   200   200   200"),
    Row("create",     "GET",  STAFF_READ),
    Row("create",     "POST", STAFF_DONE),
    Row("edit",       "GET",  STAFF_READ),
    Row("edit",       "POST", STAFF_DONE),
    Row("edit",       "GET",  "login 404   404   404   404   404   404   404", label="edit-missing"),
    Row("sessions",   "GET",  STAFF_READ),
    Row("sessions",   "POST", STAFF_DONE),
    Row("invite",     "GET",  STAFF_READ),
    Row("invite",     "POST", STAFF_DONE),
    Row("attendance", "GET",  STAFF_READ),
    Row("attendance", "POST", STAFF_DONE),
    Row("register",   "GET",  "login 200   200   200   403   200   403   403"),
    Row("register",   "POST", "login done  done  done  403   200   403   403"),
]
# fmt: on

HOME = {"cio_A": "ID", "cpo_A": "ID", "cio_delegate_A": "ID", "viewer_A": "ID", "cio_B": "ME"}
SIDE = {"cpo_A": "cpo"}  # everyone else posts for the CIO office


@pytest.fixture
def event(people: dict[str, User | None], settings: Settings) -> Roundtable:
    """An event under way, Idaho invited (rows written directly: no invitation email)."""
    now = timezone.now().replace(microsecond=0)
    return make_event(
        created_by=people["staff"],
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=6),
        invited=["ID"],
    )


def _path(row: Row, roundtable: Roundtable) -> str:
    if row.url_name in ("list", "create"):
        return reverse(f"roundtables:{row.url_name}")
    missing = (Roundtable.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    return reverse(f"roundtables:{row.url_name}", args=[missing if row.label.endswith("missing") else roundtable.pk])


def _data(row: Row, roundtable: Roundtable, persona: str, user: User | None) -> dict[str, object] | None:
    if row.method != "POST":
        return None
    nascio = roundtable.hosts.get(code="NASCIO").pk
    event_form = {
        "title": "Winter workshop",
        "kind": "workshop",
        "tz": "America/Chicago",
        "starts_on": "2027-01-12",
        "starts_time": "09:00",
        "ends_on": "2027-01-12",
        "ends_time": "12:00",
        "place": "Online",
        "video_url": "",
        "hosts": [nascio],
        "description": "",
        "part_of": "",
    }
    if row.url_name == "sessions":
        return {"title": "Opening", "description": "", "dimensions": [Dimension.objects.first().pk]}
    if row.url_name == "invite":
        return {"jurisdictions": [Jurisdiction.objects.get(code="NC").pk]}
    if row.url_name == "attendance":
        idaho = Jurisdiction.objects.get(code="ID").pk
        return {f"mark_{idaho}_cio": "attended", f"mark_{idaho}_cpo": "absent"}
    if row.url_name == "register":
        place = Jurisdiction.objects.get(code=HOME.get(persona, "ID"))
        return {
            "jurisdiction": place.pk,
            "side": SIDE.get(persona, "cio"),
            "attending": "yes",
            "attendee": user.pk if persona in ("cio_A", "cpo_A", "cio_delegate_A", "cio_B") else "",
            "attendee_name": "" if persona in ("cio_A", "cpo_A", "cio_delegate_A", "cio_B") else "Someone",
        }
    return event_form


def _state() -> tuple[object, ...]:
    """Everything an events POST may change."""
    return (
        Roundtable.objects.count(),
        AgendaSession.objects.count(),
        sorted(Attendance.objects.values_list("jurisdiction_id", "side", "status")),
        sorted(Roundtable.objects.values_list("title", "tz")),
    )


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_events_access(
    client: Client, people: dict[str, User | None], event: Roundtable, row: Row, persona: str, expected: str
) -> None:
    user = people[persona]
    before = _state()
    matrix.run_cell(client, user, row.method, _path(row, event), expected, _data(row, event, persona, user))
    if row.method == "POST":
        if expected == "done":
            assert _state() != before, "accepted, but nothing changed"
        else:
            assert _state() == before, "refused, yet something changed"
