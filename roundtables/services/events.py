"""Services: events. Creating and editing roundtables, task forces and workshops, their agenda,
invitations (with their emails), registration for each office, attendance, and the reminder email
registered attendees get the week before (when it goes out is notifications' scan to decide).

Who may call which function is decided in directory/permissions.py; each function checks it
again, so a view that forgot cannot let a write through. Rule violations come back as
ValidationError keyed by the form field they are about, or as PermissionDenied.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from config.text import is_blank
from directory import permissions, sides
from directory.models import Association, Jurisdiction, Membership, User, validate_timezone
from library.models import Dimension
from outbox import emails
from outbox.models import OutgoingEmail
from roundtables import eventtime, ics
from roundtables.models import AgendaSession, Attendance, Roundtable

Side = Attendance.Side
Status = Attendance.Status
SIDE_NAMES = {Side.CIO: "CIO", Side.CPO: "CPO"}
# Staff mark each invited office as one of these once the event has started.
ATTENDANCE_MARKS = (Status.ATTENDED, Status.ABSENT)


# --- Events --------------------------------------------------------------------------------------


def _check_event(
    *,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    tz: str,
    hosts: Iterable[Association],
    part_of: Roundtable | None,
    roundtable: Roundtable | None = None,
) -> None:
    errors: dict[str, str] = {}
    if is_blank(title):
        errors["title"] = "Give the event a title."
    try:
        validate_timezone(tz)
    except ValidationError:
        errors["tz"] = "Choose an IANA time zone, such as America/New_York."
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("starts_at and ends_at must be aware datetimes")  # a programming error, not input
    if ends_at < starts_at:
        errors["ends_at"] = "The event cannot end before it starts: choose an end on or after the start."
    if not list(hosts):
        errors["hosts"] = "Choose the association or associations that host the event."
    if part_of is not None and roundtable is not None:
        parent: Roundtable | None = part_of
        while parent is not None:  # a workshop may sit inside a task force, never inside itself
            if parent.pk == roundtable.pk:
                errors["part_of"] = "An event cannot be part of itself or of one of its own parts."
                break
            parent = parent.part_of
    if errors:
        raise ValidationError(errors)


def _unique_slug(title: str, starts_at: datetime.datetime) -> str:
    base = f"{slugify(title)[:60].strip('-') or 'event'}-{starts_at.year}"
    slug, n = base, 2
    while Roundtable.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_roundtable(
    *,
    by: User,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    tz: str,
    place: str,
    video_url: str,
    hosts: Iterable[Association],
    description: str,
    part_of: Roundtable | None = None,
) -> Roundtable:
    """A new roundtable, task force or workshop, convened by association staff."""
    if not permissions.can_manage_events(by):
        raise PermissionDenied("Only NASPO and NASCIO staff create events.")
    hosts = list(hosts)
    _check_event(title=title, starts_at=starts_at, ends_at=ends_at, tz=tz, hosts=hosts, part_of=part_of)
    roundtable = Roundtable.objects.create(
        slug=_unique_slug(title, starts_at),
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        tz=tz,
        place=place.strip(),
        video_url=video_url,
        description=description,
        part_of=part_of,
        created_by=by,
    )
    roundtable.hosts.set(hosts)
    return roundtable


@transaction.atomic
def update_roundtable(
    roundtable: Roundtable,
    *,
    by: User,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    tz: str,
    place: str,
    video_url: str,
    hosts: Iterable[Association],
    description: str,
    part_of: Roundtable | None = None,
) -> Roundtable:
    """Change an event. Its slug (the seed's key) and its date precision stay as they were."""
    if not permissions.can_manage_events(by):
        raise PermissionDenied("Only NASPO and NASCIO staff change events.")
    hosts = list(hosts)
    _check_event(
        title=title, starts_at=starts_at, ends_at=ends_at, tz=tz, hosts=hosts, part_of=part_of, roundtable=roundtable
    )
    roundtable.kind = kind
    roundtable.title = title.strip()
    roundtable.starts_at = starts_at
    roundtable.ends_at = ends_at
    roundtable.tz = tz
    roundtable.place = place.strip()
    roundtable.video_url = video_url
    roundtable.description = description
    roundtable.part_of = part_of
    roundtable.save()
    roundtable.hosts.set(hosts)
    return roundtable


@transaction.atomic
def add_session(
    roundtable: Roundtable,
    *,
    by: User,
    title: str,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    description: str = "",
    dimensions: Iterable[Dimension] = (),
) -> AgendaSession:
    """One more session at the end of the event's agenda, tagged with the dimensions it covers."""
    if not permissions.can_manage_events(by):
        raise PermissionDenied("Only NASPO and NASCIO staff change an event's agenda.")
    errors: dict[str, str] = {}
    if is_blank(title):
        errors["title"] = "Give the session a title."
    if starts_at and ends_at and ends_at < starts_at:
        errors["ends_at"] = "The session cannot end before it starts."
    span = eventtime.span_text(roundtable)
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment is not None and not roundtable.starts_at <= moment <= roundtable.ends_at and name not in errors:
            errors[name] = f"A session happens during the event ({span})."
    if errors:
        raise ValidationError(errors)
    position = (roundtable.sessions.aggregate(last=Max("position"))["last"] or 0) + 1
    session = AgendaSession.objects.create(
        roundtable=roundtable,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
        position=position,
    )
    session.dimensions.set(list(dimensions))
    return session


# --- Invitations ---------------------------------------------------------------------------------


def invitees(jurisdiction_ids: Iterable[int]) -> list[Membership]:
    """Who an invitation is addressed to: each jurisdiction's current CIO and CPO.

    The principals only, not their delegates: the CIO and the CPO decide who goes from their
    office, and a delegate who is sent registers on the event page like anyone on that side.
    """
    return list(
        Membership.objects.active()
        .filter(jurisdiction_id__in=list(jurisdiction_ids), role__in=sides.PRINCIPAL_ROLES, user__is_active=True)
        .select_related("user", "jurisdiction")
        .order_by("jurisdiction__name", "role")
    )


def _email_context(roundtable: Roundtable, user: User) -> dict[str, object]:
    """What invitation and reminder emails say about the event: its time in the event's own zone,
    and in the recipient's when that reads differently."""
    return {
        "roundtable": roundtable,
        "kind": roundtable.get_kind_display().lower(),
        "hosts": " and ".join(h.code for h in roundtable.hosts.all()),
        "when_event": eventtime.span_text(roundtable),
        "when_short": eventtime.short_text(roundtable),
        "when_mine": eventtime.span_text(roundtable, user.tz) if eventtime.differs_for(roundtable, user.tz) else "",
        "event_url": emails.absolute(reverse("roundtables:detail", args=[roundtable.pk])),
        "register_url": emails.absolute(reverse("roundtables:register", args=[roundtable.pk])),
        "ics_url": emails.absolute(reverse("roundtables:ics", args=[roundtable.pk])),
    }


def _calendar_attachment(roundtable: Roundtable, user: User) -> tuple[str, str, str]:
    content = ics.build(roundtable, method=ics.REQUEST, attendee=(user.email, user.full_name))
    return (ics.filename(roundtable), content, ics.email_mimetype(ics.REQUEST))


def _queue_invitation(roundtable: Roundtable, membership: Membership) -> OutgoingEmail | None:
    user = membership.user
    context = _email_context(roundtable, user) | {
        "jurisdiction": membership.jurisdiction,
        "office": SIDE_NAMES[Side(membership.role)],
    }
    return emails.queue(
        OutgoingEmail.Kind.EVENT,
        user=user,
        dedupe_key=f"event-invite:{roundtable.pk}:{user.pk}",
        template="event_invitation",
        context=context,
        attachments=[_calendar_attachment(roundtable, user)],
    )


@transaction.atomic
def invite(
    roundtable: Roundtable, *, jurisdictions: Iterable[Jurisdiction], by: User, now: datetime.datetime | None = None
) -> list[Jurisdiction]:
    """Invite jurisdictions: both offices of each get an Attendance row, and each one's CIO and
    CPO an invitation email with the event's .ics. Returns the newly invited; inviting again is
    harmless (rows and emails are unique per event and office or person).

    An event that is over can still get rows (to record who took part in the past), but no email.
    """
    if not permissions.can_manage_events(by):
        raise PermissionDenied("Only NASPO and NASCIO staff invite jurisdictions.")
    now = now or timezone.now()
    wanted = {j.pk: j for j in jurisdictions}
    if not wanted:
        raise ValidationError({"jurisdictions": "Choose at least one jurisdiction to invite."})
    already = set(roundtable.attendance.filter(jurisdiction_id__in=wanted).values_list("jurisdiction_id", flat=True))
    new = [j for pk, j in wanted.items() if pk not in already]
    Attendance.objects.bulk_create(
        [
            Attendance(roundtable=roundtable, jurisdiction=j, side=side, invited_at=now, invited_by=by)
            for j in new
            for side in Side.values
        ],
        ignore_conflicts=True,  # a second staff member inviting the same state at the same moment
    )
    if new and not roundtable.is_past(now):
        for membership in invitees(j.pk for j in new):
            _queue_invitation(roundtable, membership)
    return sorted(new, key=lambda j: j.name)


# --- Registration and attendance -----------------------------------------------------------------


def side_members(jurisdiction: Jurisdiction, side: str) -> list[User]:
    """Who may attend for one office: its principal and delegates, active today."""
    holders = Membership.objects.active().filter(jurisdiction=jurisdiction, role__in=sides.SIDE_ROLES[side])
    return list(
        User.objects.filter(is_active=True, pk__in=holders.values("user_id")).order_by("full_name", "email").distinct()
    )


@transaction.atomic
def register(
    roundtable: Roundtable,
    *,
    jurisdiction: Jurisdiction,
    side: str,
    by: User,
    attendee: User | None = None,
    attendee_name: str = "",
    attending: bool = True,
    now: datetime.datetime | None = None,
) -> Attendance:
    """Say who comes from one office of an invited jurisdiction, or that the office will not come.

    The office's own people decide it (the CIO or CPO, or their delegate). The attendee is one of
    that office's people, or, when they have no account here, a name.
    """
    now = now or timezone.now()
    if side not in Side.values:
        raise ValidationError({"side": "Choose the CIO office or the CPO office."})
    if not permissions.can_register(by, jurisdiction, side):
        raise PermissionDenied(f"Only the {SIDE_NAMES[Side(side)]} office of {jurisdiction} registers that office.")
    row = (
        Attendance.objects.select_for_update()
        .filter(roundtable=roundtable, jurisdiction=jurisdiction, side=side)
        .first()
    )
    if row is None:
        raise ValidationError(
            {
                "jurisdiction": f"{jurisdiction} was not invited to this event, so it cannot register. "
                "NASPO or NASCIO staff send the invitations: ask them if your state should take part."
            }
        )
    if roundtable.is_past(now):
        raise ValidationError("This event is over, so registration is closed. Staff record who attended.")
    if row.status in ATTENDANCE_MARKS:
        raise ValidationError("Staff have already recorded whether this office attended.")
    attendee_name = attendee_name.strip()
    if attending:
        if attendee is not None and attendee.pk not in {u.pk for u in side_members(jurisdiction, side)}:
            raise ValidationError(
                {"attendee": f"Choose someone from the {SIDE_NAMES[Side(side)]} office of {jurisdiction}."}
            )
        if attendee is None and not attendee_name:
            raise ValidationError(
                {"attendee": "Choose who will attend, or type the name of someone without an account."}
            )
        row.status = Status.REGISTERED
        row.attendee = attendee
        row.attendee_name = "" if attendee is not None else attendee_name
    else:
        row.status = Status.DECLINED
        row.attendee = None
        row.attendee_name = ""
    row.registered_at = now
    row.registered_by = by
    row.save()
    return row


@transaction.atomic
def record_attendance(
    roundtable: Roundtable,
    *,
    marks: Mapping[tuple[int, str], str],
    by: User,
    now: datetime.datetime | None = None,
) -> int:
    """Staff mark invited offices attended or absent, all in one go; returns how many changed.

    Only once the event has started. Unchanged marks are left alone (and not counted)."""
    if not permissions.can_manage_events(by):
        raise PermissionDenied("Only NASPO and NASCIO staff record attendance.")
    now = now or timezone.now()
    if roundtable.starts_at > now:
        raise ValidationError("The event has not started yet: attendance is recorded once it has.")
    rows = {
        (row.jurisdiction_id, row.side): row
        for row in Attendance.objects.select_for_update().filter(roundtable=roundtable).select_related("jurisdiction")
    }
    unknown = [key for key in marks if key not in rows]
    if unknown:
        raise ValidationError("Attendance can only be recorded for invited jurisdictions.")
    bad = [status for status in marks.values() if status not in ATTENDANCE_MARKS]
    if bad:
        raise ValidationError("Mark each office as attended or did not attend.")
    changed = []
    for key, status in marks.items():
        row = rows[key]
        if row.status != status:
            row.status, row.recorded_by, row.updated_at = status, by, now
            changed.append(row)
    if changed:
        Attendance.objects.bulk_update(changed, ["status", "recorded_by", "updated_at"])
    return len(changed)


# --- Reminders -----------------------------------------------------------------------------------


def reminder_key(roundtable_id: int, user_id: int) -> str:
    """The dedupe key of one person's reminder of one event: it is sent once, however often (or
    concurrently) the scan runs."""
    return f"event-reminder:{roundtable_id}:{user_id}"


def queue_event_reminder(attendance: Attendance, *, user: User) -> OutgoingEmail | None:
    """The reminder a registered office's attendee (or, for a name without an account, whoever
    registered it) gets before the event, with its .ics. notifications.event_reminders decides
    when; None if this person was reminded of this event before.

    It carries no unsubscribe link: it is one message about an event the office signed up for,
    not recurring mail; answering "will not attend" on the event page is how to stop it."""
    roundtable = attendance.roundtable
    context = _email_context(roundtable, user) | {
        "attendance": attendance,
        "jurisdiction": attendance.jurisdiction,
        "office": SIDE_NAMES[Side(attendance.side)],
        "is_attendee": attendance.attendee_id == user.pk,
    }
    return emails.queue(
        OutgoingEmail.Kind.EVENT,
        user=user,
        dedupe_key=reminder_key(attendance.roundtable_id, user.pk),
        template="event_reminder",
        context=context,
        attachments=[_calendar_attachment(roundtable, user)],
    )
