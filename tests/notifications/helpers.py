"""What the notification tests share besides fixtures and builders: instants on a local wall clock,
and reading what was delivered."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import connection, transaction

from directory.models import User
from outbox import delivery
from outbox.models import OutgoingEmail

SITE_URL = "https://jointplan.example.org"
BOISE = "America/Boise"
# A Wednesday in December 2026 (Boise is on MST, UTC-7): 10:00 local is 17:00 UTC.
WEDNESDAY = datetime.date(2026, 12, 9)


def at(day: datetime.date, hour: int, minute: int = 0, *, tz: str = BOISE) -> datetime.datetime:
    """The UTC instant of `day hour:minute` on the wall clocks of `tz`."""
    local = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(tz))
    return local.astimezone(datetime.UTC)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


NOW = at(WEDNESDAY, 10)


def deliver_all() -> delivery.DeliveryReport:
    """Claim and send everything queued and due now, as the delivery task does."""
    return delivery.deliver(delivery.claim())


def delivered_to(outbox: list[EmailMessage], user: User) -> list[EmailMultiAlternatives]:
    return [m for m in outbox if isinstance(m, EmailMultiAlternatives) and m.to == [user.email]]


def html_of(message: EmailMessage) -> str:
    """The text/html alternative of a delivered message."""
    assert isinstance(message, EmailMultiAlternatives)
    (alternative,) = [a for a in message.alternatives if a.mimetype == "text/html"]
    return str(alternative.content)


def rows_for(user: User) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(recipient=user).order_by("created_at", "id"))


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def while_another_transaction_holds(hold: Callable[[], object], run: Callable[[], Any]) -> Any:
    """Two connections racing, in a fixed order: another one does `hold` in a transaction it has not
    committed; `run` starts in its own connection; once PostgreSQL shows `run` waiting on a lock
    (bounded wait, no sleep), the other commits. Returns what `run` returned, or raises what it
    raised. Needs `django_db(transaction=True)`: both connections must see committed rows."""
    held, release = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def other() -> None:
        try:
            with transaction.atomic():
                hold()
                held.set()
                release.wait(timeout=10)
        finally:
            held.set()
            connection.close()

    def this() -> None:
        try:
            outcome["result"] = run()
        except Exception as error:
            outcome["error"] = error
        finally:
            connection.close()

    holder = threading.Thread(target=other)
    holder.start()
    assert held.wait(timeout=10)
    runner = threading.Thread(target=this)
    runner.start()
    deadline = time.monotonic() + 10
    while _waiting_on_a_lock() == 0 and runner.is_alive() and time.monotonic() < deadline:
        runner.join(timeout=0.01)
    blocked = runner.is_alive()
    release.set()
    holder.join(timeout=10)
    runner.join(timeout=10)
    assert blocked, "the race did not happen: `run` finished without waiting for the other transaction"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
