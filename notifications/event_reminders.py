"""The event reminder scan: each registered attendee of a roundtable, task force or workshop is
reminded once, in the week before it starts, in their working hours.

Roundtables owns the email (roundtables.services.events.queue_event_reminder, beside the
invitation it resembles); this decides who is told and when, under the one working-hours rule
every reminder follows (services.in_working_hours). Safe to run twice, late or concurrently: the
email's dedupe key is unique per person and event.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from directory.models import User
from notifications import services
from outbox.models import OutgoingEmail
from roundtables.models import Attendance
from roundtables.services import events

# How long before the start a registered attendee's reminder may go out.
REMINDER_LEAD = datetime.timedelta(days=7)


@dataclass
class EventReminder:
    """One reminder to send: the registered office and the person to tell."""

    attendance: Attendance
    user: User

    @property
    def dedupe_key(self) -> str:
        return events.reminder_key(self.attendance.roundtable_id, self.user.pk)


def pending_event_reminders(*, now: datetime.datetime) -> list[EventReminder]:
    """Registered offices whose event starts within the week, not reminded before, whose person
    is in working hours now. The attendee is told; for a name without an account, whoever
    registered it."""
    rows = (
        Attendance.objects.filter(
            status=Attendance.Status.REGISTERED,
            roundtable__starts_at__gt=now,
            roundtable__starts_at__lte=now + REMINDER_LEAD,
        )
        .select_related("roundtable", "jurisdiction", "attendee", "registered_by")
        .order_by("roundtable__starts_at", "jurisdiction__name", "side")
    )
    found: dict[str, EventReminder] = {}
    for row in rows:
        person = row.attendee or row.registered_by
        if person is None or not person.is_active or not services.in_working_hours(now, person.tz):
            continue
        reminder = EventReminder(attendance=row, user=person)
        found.setdefault(reminder.dedupe_key, reminder)
    sent = set(
        OutgoingEmail.objects.filter(dedupe_key__in=list(found)).values_list("dedupe_key", flat=True)
    )  # one query, so a scan every few minutes renders nothing it sent before
    return [r for key, r in found.items() if key not in sent]


def queue_event_reminders(*, now: datetime.datetime | None = None) -> list[OutgoingEmail]:
    """Queue the week-before reminder of every registered attendee whose event is close; each
    person is reminded once per event, however often (or concurrently) the scan runs."""
    now = now or timezone.now()
    queued = []
    for reminder in pending_event_reminders(now=now):
        email = events.queue_event_reminder(reminder.attendance, user=reminder.user)
        if email is not None:
            queued.append(email)
    return queued
