"""Pages: events. The list of roundtables, task forces and workshops (upcoming first), an event's
page (when and where in its own zone and the reader's, agenda, who is invited and coming, each
office's registration), staff's pages to create and edit events, add agenda sessions, invite
jurisdictions and keep the attendance sheet, and the .ics download.

Every signed-in person reads every event. Staff act on events; a state's CIO, CPO and their
delegates register their own office. Readers who may not act get a 403 that says why; anonymous
visitors are sent to sign in; an id that does not exist is a 404. Each action calls one service
and redirects with a message (POST → redirect → GET); a refused form comes back with the message
on its field and what was typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_safe

from config.web import AuthenticatedHttpRequest, add_service_error, is_htmx
from directory import permissions
from directory.models import Jurisdiction, User
from roundtables import eventtime, ics
from roundtables.forms import AttendanceForm, InviteForm, OfficeForm, RegisterForm, RoundtableForm, SessionForm
from roundtables.models import AgendaSession, Attendance, Roundtable
from roundtables.services import events as services

Side = Attendance.Side
Status = Attendance.Status
DETAIL = "roundtables/events/detail.html"
# Each attendance status as a tag: words carry the meaning, the colour repeats it (AA contrast).
STATUS_CLASSES = {
    Status.INVITED: "bg-base-dark",
    Status.REGISTERED: "bg-primary-dark",
    Status.DECLINED: "bg-base-darker",
    Status.ATTENDED: "bg-success-dark",
    Status.ABSENT: "bg-secondary-dark",
}
KIND_GROUPS = [
    (Jurisdiction.Kind.STATE, "States"),
    (Jurisdiction.Kind.DISTRICT, "Federal district"),
    (Jurisdiction.Kind.TERRITORY, "Territories"),
]


def _roundtable_for(request: HttpRequest, roundtable_id: int) -> Roundtable:
    roundtable = get_object_or_404(Roundtable.objects.select_related("part_of"), pk=roundtable_id)
    if not permissions.can_view_library(request.user):
        raise Http404("No such event")
    return roundtable


def _require_staff(request: HttpRequest, what: str) -> None:
    """For signed-in readers who may not act: a 403 that explains."""
    if not permissions.can_manage_events(request.user):
        raise PermissionDenied(f"Only NASPO and NASCIO staff {what}.")


def _detail_url(roundtable: Roundtable, anchor: str = "") -> str:
    return reverse("roundtables:detail", args=[roundtable.pk]) + (f"#{anchor}" if anchor else "")


# --- The list -----------------------------------------------------------------------------------


@dataclass
class EventRow:
    """One event as the list shows it."""

    roundtable: Roundtable
    when: Any
    hosts: str
    is_invited: bool = False


@login_required
@require_safe
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upcoming events (soonest first), then past ones (latest first); optionally one kind only."""
    now = timezone.now()
    kind = request.GET.get("kind", "")
    events = Roundtable.objects.prefetch_related("hosts")
    if kind in Roundtable.Kind.values:
        events = events.filter(kind=kind)
    else:
        kind = ""
    mine = {j.pk for j in permissions.acting_jurisdictions(request.user)} | {
        m.jurisdiction_id for m in permissions.current_memberships(request.user)
    }
    invited = set(
        Attendance.objects.filter(jurisdiction_id__in=mine).values_list("roundtable_id", flat=True).distinct()
    )

    def rows(queryset: Any) -> list[EventRow]:
        return [
            EventRow(
                roundtable=r,
                when=eventtime.short_html(r),
                hosts=" and ".join(h.code for h in r.hosts.all()),
                is_invited=r.pk in invited,
            )
            for r in queryset
        ]

    return render(
        request,
        "roundtables/events/list.html",
        {
            "upcoming": rows(events.upcoming(now)),
            "past": rows(events.past(now)),
            "kinds": Roundtable.Kind.choices,
            "kind": kind,
            "kind_label": Roundtable.Kind(kind).label if kind else "",
            "can_manage": permissions.can_manage_events(request.user),
        },
    )


# --- An event's page ----------------------------------------------------------------------------


@dataclass
class InvitedPlace:
    """One invited jurisdiction; `offices` (both sides' rows) only for those who may see them."""

    jurisdiction: Jurisdiction
    offices: list[Attendance] = field(default_factory=list)
    is_mine: bool = False

    def office(self, side: str) -> Attendance | None:
        return next((row for row in self.offices if row.side == side), None)

    @property
    def cio(self) -> Attendance | None:
        return self.office(Side.CIO)

    @property
    def cpo(self) -> Attendance | None:
        """None when only one office was recorded (the seeded history knows just one side of some states)."""
        return self.office(Side.CPO)


@dataclass
class Registration:
    """One office the viewer registers: its attendance row and its form."""

    attendance: Attendance
    form: RegisterForm

    @property
    def key(self) -> str:
        return f"{self.attendance.jurisdiction.code}-{self.attendance.side}".lower()


def _attendee(row: Attendance) -> str:
    if row.attendee is not None:
        return row.attendee.full_name or row.attendee.email
    return row.attendee_name


def _decorate(row: Attendance) -> Attendance:
    """What the templates show of a row without asking the database: who, and the tag's colour."""
    row.attendee_display = _attendee(row)  # type: ignore[attr-defined]
    row.tag_class = STATUS_CLASSES.get(Status(row.status), "bg-base-dark")  # type: ignore[attr-defined]
    return row


def _invited(roundtable: Roundtable, user: User | Any) -> tuple[list[InvitedPlace], list[Attendance]]:
    """Every invited jurisdiction, with both offices' details where the viewer may see them
    (their own jurisdictions, or all of them for staff); and all rows, for counts and forms."""
    rows = list(roundtable.attendance.select_related("jurisdiction", "attendee").order_by("jurisdiction__name", "side"))
    places: dict[int, InvitedPlace] = {}
    mine = {m.jurisdiction_id for m in permissions.current_memberships(user)}
    for row in rows:
        _decorate(row)
        place = places.get(row.jurisdiction_id)
        if place is None:
            place = places[row.jurisdiction_id] = InvitedPlace(
                jurisdiction=row.jurisdiction, is_mine=row.jurisdiction_id in mine
            )
        # Who comes from an office is its own people's and staff's business (the same rule as
        # the jurisdiction's roster); everyone else sees only that the jurisdiction is invited.
        if permissions.can_view_jurisdiction_roster(user, row.jurisdiction):
            place.offices.append(row)
    return list(places.values()), rows


def _registrations(
    request: AuthenticatedHttpRequest,
    roundtable: Roundtable,
    rows: list[Attendance],
    *,
    bound: RegisterForm | None = None,
) -> list[Registration]:
    """A form for each invited office the viewer acts for (a CIO: their state's CIO office)."""
    user = request.user
    found = []
    for row in rows:
        if not permissions.can_register(user, row.jurisdiction, row.side):
            continue
        key = f"register_{row.jurisdiction.code}_{row.side}_%s".lower()
        if bound is not None and bound.office == (row.jurisdiction, row.side):
            form = bound
        else:
            initial: dict[str, Any] = {}
            if row.status == Status.REGISTERED:
                initial = {"attendee": row.attendee_id, "attendee_name": row.attendee_name}
            elif row.status == Status.DECLINED:
                initial = {"attending": "no", "attendee": None}
            form = RegisterForm(
                jurisdiction=row.jurisdiction,
                side=row.side,
                members=services.side_members(row.jurisdiction, row.side),
                user=user,
                auto_id=key,
                initial=initial,
            )
        found.append(Registration(attendance=row, form=form))
    return found


def _detail_context(
    request: AuthenticatedHttpRequest, roundtable: Roundtable, *, bound: RegisterForm | None = None
) -> dict:
    """Everything the event page shows, as lists: the template runs no queries of its own (the
    outcomes fragment loads its list in one query through its tag)."""
    user = request.user
    now = timezone.now()
    places, rows = _invited(roundtable, user)
    registrations = _registrations(request, roundtable, rows, bound=bound) if not roundtable.is_past(now) else []
    # A refused registration for an office with no form on the page (its state was not invited,
    # or the event is over) still says why.
    refused = []
    if bound is not None and bound.errors and not any(r.form is bound for r in registrations):
        refused = [str(e) for errors in bound.errors.values() for e in errors]
    invited_ids = {p.jurisdiction.pk for p in places}
    uninvited = [j for j in permissions.acting_jurisdictions(user) if j.pk not in invited_ids]
    sessions = list(roundtable.sessions.prefetch_related("dimensions"))
    for session in sessions:
        session.when = _session_when(session, roundtable)  # type: ignore[attr-defined]
    viewer_tz = getattr(user, "tz", roundtable.tz)
    return {
        "roundtable": roundtable,
        "kind_label": roundtable.get_kind_display(),
        "when_event": eventtime.span_html(roundtable),
        "when_mine": eventtime.span_html(roundtable, viewer_tz) if eventtime.differs_for(roundtable, viewer_tz) else "",
        "viewer_tz": viewer_tz,
        "is_past": roundtable.is_past(now),
        "hosts": list(roundtable.hosts.all()),
        "parts": list(roundtable.parts.order_by("starts_at")),
        "publications": list(roundtable.publications.all()),
        "sessions": sessions,
        "places": places,
        "counts": {
            "jurisdictions": len(places),
            "registered": sum(1 for r in rows if r.status == Status.REGISTERED),
            "attended": sum(1 for r in rows if r.status == Status.ATTENDED),
        },
        "sees_all": permissions.can_manage_events(user),
        "registrations": registrations,
        "refused": refused,
        "uninvited": uninvited,
        "can_manage": permissions.can_manage_events(user),
        "has_started": roundtable.starts_at <= now,
    }


def _session_when(session: AgendaSession, roundtable: Roundtable) -> str:
    """A session's times on the event's clocks ("9 a.m. to 10:30 a.m.", with the day if the event has several)."""
    if session.starts_at is None:
        return ""
    zone = ZoneInfo(roundtable.tz)
    starts = session.starts_at.astimezone(zone)
    several_days = roundtable.starts_at.astimezone(zone).date() != roundtable.ends_at.astimezone(zone).date()
    text = dateformat.format(starts, "D, M j, P" if several_days else "P")
    if session.ends_at is not None:
        text += f" to {dateformat.format(session.ends_at.astimezone(zone), 'P')}"
    return text


@login_required
@require_safe
def detail(request: AuthenticatedHttpRequest, roundtable_id: int) -> HttpResponse:
    """An event: when and where, hosts, agenda, who is invited and coming, and registration."""
    roundtable = _roundtable_for(request, roundtable_id)
    return render(request, DETAIL, _detail_context(request, roundtable))


@login_required
@require_safe
def ics_file(request: AuthenticatedHttpRequest, roundtable_id: int) -> HttpResponse:
    """The event as an .ics file to add to a calendar, always as a download."""
    roundtable = _roundtable_for(request, roundtable_id)
    response = HttpResponse(ics.build(roundtable), content_type=ics.content_type(ics.PUBLISH))
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(roundtable)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Creating and editing (staff) ---------------------------------------------------------------


@login_required
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new event; its times are typed on the clocks of the zone chosen in the form."""
    _require_staff(request, "create events")
    form = RoundtableForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            roundtable = services.create_roundtable(by=request.user, **form.event_fields())
        except ValidationError as error:
            add_service_error(form, error, RoundtableForm.SERVICE_FIELDS)
        else:
            messages.success(
                request, f"“{roundtable.title}” was created. Next, add its agenda and invite jurisdictions."
            )
            return redirect("roundtables:detail", roundtable_id=roundtable.pk)
    return render(request, "roundtables/events/form.html", {"form": form, "roundtable": None})


@login_required
def edit(request: AuthenticatedHttpRequest, roundtable_id: int) -> HttpResponse:
    roundtable = _roundtable_for(request, roundtable_id)
    _require_staff(request, "change events")
    form = RoundtableForm(request.POST if request.method == "POST" else None, roundtable=roundtable)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_roundtable(roundtable, by=request.user, **form.event_fields())
        except ValidationError as error:
            add_service_error(form, error, RoundtableForm.SERVICE_FIELDS)
        else:
            messages.success(request, "Your changes were saved.")
            return redirect("roundtables:detail", roundtable_id=roundtable.pk)
    return render(request, "roundtables/events/form.html", {"form": form, "roundtable": roundtable})


@login_required
def sessions(request: AuthenticatedHttpRequest, roundtable_id: int) -> HttpResponse:
    """The agenda so far and a form to add a session at its end."""
    roundtable = _roundtable_for(request, roundtable_id)
    _require_staff(request, "change an event's agenda")
    form = SessionForm(request.POST if request.method == "POST" else None, roundtable=roundtable)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.add_session(roundtable, by=request.user, **form.session_fields())
        except ValidationError as error:
            add_service_error(form, error, SessionForm.SERVICE_FIELDS)
        else:
            messages.success(request, f"“{session.title}” was added to the agenda.")
            return redirect("roundtables:sessions", roundtable_id=roundtable.pk)
    agenda = list(roundtable.sessions.prefetch_related("dimensions"))
    for session in agenda:
        session.when = _session_when(session, roundtable)  # type: ignore[attr-defined]
    return render(
        request,
        "roundtables/events/sessions.html",
        {"roundtable": roundtable, "form": form, "agenda": agenda, "when_event": eventtime.span_html(roundtable)},
    )


# --- Invitations (staff) ------------------------------------------------------------------------


@login_required
def invite(request: AuthenticatedHttpRequest, roundtable_id: int) -> HttpResponse:
    """Tick the jurisdictions to invite, grouped as states, DC and territories; those already
    invited are shown as such. Their CIO and CPO get an email with the .ics."""
    roundtable = _roundtable_for(request, roundtable_id)
    _require_staff(request, "invite jurisdictions")
    invited_ids = set(roundtable.attendance.values_list("jurisdiction_id", flat=True))
    form = InviteForm(request.POST if request.method == "POST" else None, invited_ids=invited_ids)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.invite(roundtable, jurisdictions=form.cleaned_data["jurisdictions"], by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            names = ", ".join(j.name for j in new)
            if roundtable.is_past():
                messages.success(request, f"Invited: {names}. The event is over, so no emails were sent.")
            else:
                messages.success(
                    request, f"Invited: {names}. Their CIO and CPO get an email with the event's calendar file."
                )
            return redirect(_detail_url(roundtable, "invited"))
    chosen = {str(v) for v in (form["jurisdictions"].value() or [])}
    groups = []
    everyone = list(Jurisdiction.objects.order_by("name"))
    for kind, label in KIND_GROUPS:
        members = [
            {
                "jurisdiction": j,
                "id": f"id_jurisdictions_{j.code.lower()}",
                "is_invited": j.pk in invited_ids,
                "is_checked": j.pk in invited_ids or str(j.pk) in chosen,
            }
            for j in everyone
            if j.kind == kind
        ]
        groups.append({"label": label, "kind": kind, "members": members})
    return render(
        request,
        "roundtables/events/invite.html",
        {
            "roundtable": roundtable,
            "form": form,
            "groups": groups,
            "invited_count": len(invited_ids),
            "is_past": roundtable.is_past(),
        },
    )


# --- Registration (a state's offices) ------------------------------------------------------------


@login_required
def register(request: AuthenticatedHttpRequest, roundtable_id: int) -> HttpResponse:
    """An office says who comes, or that nobody does. From the event page with htmx the answer
    is the refreshed registration section; without JavaScript a redirect back to the event, or
    this page again with the problem shown on its field. GET shows the forms as a page."""
    roundtable = _roundtable_for(request, roundtable_id)
    user = request.user
    if not permissions.acting_jurisdictions(user):
        raise PermissionDenied("Only a state's CIO, CPO and their delegates register for events.")
    bound: RegisterForm | None = None
    if request.method == "POST":
        bound, response = _register(request, roundtable)
        if response is not None:
            return response
    context = _detail_context(request, roundtable, bound=bound)
    if request.method == "POST" and is_htmx(request):
        # 200, not 422: htmx swaps only successful answers, and the errors must be seen.
        return render(request, f"{DETAIL}#registration", context)
    return render(request, "roundtables/events/register.html", context)


def _register(request: AuthenticatedHttpRequest, roundtable: Roundtable) -> tuple[RegisterForm, HttpResponse | None]:
    """Parse and save one office's registration; the bound form (with errors) or the answer."""
    user = request.user
    acting = permissions.acting_jurisdictions(user)
    office = OfficeForm(request.POST, jurisdictions=acting)
    office.is_valid()
    # Not one of the viewer's offices: the form comes back for their own office, with the error on it.
    jurisdiction = office.cleaned_data.get("jurisdiction") or acting[0]
    side = office.cleaned_data.get("side", "")
    sides = permissions.jurisdiction_sides(user, jurisdiction.pk)
    form_side = side if side in sides else sorted(sides)[0]
    form = RegisterForm(
        request.POST,
        jurisdiction=jurisdiction,
        side=form_side,
        members=services.side_members(jurisdiction, form_side),
        user=user,
        auto_id=f"register_{jurisdiction.code}_{form_side}_%s".lower(),
    )
    if not form.is_valid():
        return form, None
    fields = form.register_fields()
    try:
        row = services.register(roundtable, by=user, **fields)
    except ValidationError as error:
        add_service_error(form, error)
        return form, None
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return form, None
    office_name = f"{row.jurisdiction.name} {services.SIDE_NAMES[Side(row.side)]} office"
    if row.status == Status.REGISTERED:
        notice = f"Registered: {_attendee(row)} will attend for the {office_name}."
    else:
        notice = f"Noted: the {office_name} will not attend."
    if is_htmx(request):
        context = _detail_context(request, roundtable) | {"notice": notice}
        return form, render(request, f"{DETAIL}#registration", context)
    messages.success(request, notice)
    return form, redirect(_detail_url(roundtable, "registration"))


# --- The attendance sheet (staff) ---------------------------------------------------------------


@login_required
def attendance(request: AuthenticatedHttpRequest, roundtable_id: int) -> HttpResponse:
    """Every invited office with its status and who registered; staff mark attended or absent
    for all of them at once (one transaction)."""
    roundtable = _roundtable_for(request, roundtable_id)
    _require_staff(request, "record attendance")
    rows = list(
        roundtable.attendance.select_related("jurisdiction", "attendee", "recorded_by").order_by(
            "jurisdiction__name", "side"
        )
    )
    for row in rows:
        _decorate(row)
    form = AttendanceForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.record_attendance(roundtable, marks=form.marks(), by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if changed:
                messages.success(request, f"Attendance saved: {changed} office{'s' if changed != 1 else ''} changed.")
            else:
                messages.info(request, "Nothing changed.")
            return redirect("roundtables:attendance", roundtable_id=roundtable.pk)
    return render(
        request,
        "roundtables/events/attendance.html",
        {
            "roundtable": roundtable,
            "form": form,
            "rows": rows,
            "has_started": roundtable.starts_at <= timezone.now(),
            "when_event": eventtime.span_html(roundtable),
        },
    )
