"""When an item is quiet: the one definition that My updates, the reminder scan and the digests
share, so a page never disagrees with the email about the same item.

(Overdue has one definition too: `Item.is_overdue` for one row and `ItemQuerySet.overdue` for many,
both "open and due before this day".)

An item is quiet (stale) when it has started and nothing has been posted on it for its plan's
`stale_after_days` or more, counted from its last update or, before the first one, from when the
item began: its start date or the day it was added to the plan, whichever is later. So a plan
adopted today is not stale today, however early its items' start dates.

Each office keeps its own clock on an item it owns (a joint item has two): an office is quiet on it
when that office has posted nothing for the plan's `stale_after_days`, whatever the other office
did. Its freshness is one of three (`freshness` below, `ItemQuerySet.freshness` for many rows):
Fresh (posted, or the item began, within the cadence), Late (posted once, but not within it), or
Never updated (began longer ago than the cadence and that office has never posted). Late and
Never updated together are exactly the items the reminder scan calls stale for that office's owner.

Work that has not begun is not quiet: an item that no office has posted on, whose status is still
Not started and whose due date is more than its plan's `stale_after_days` away is *waiting*, and no
office owes an update on it yet. As its due date comes within that cadence it becomes quiet like any other (a plan adopted in
July with items due next June does not greet its owners with a page of "no update for a while").
"""

from __future__ import annotations

import datetime
from enum import StrEnum


def began_at(*, created_at: datetime.datetime, starts_on: datetime.date) -> datetime.datetime:
    """When an item's quiet period starts before its first update (midnight UTC of its start)."""
    return max(created_at, datetime.datetime.combine(starts_on, datetime.time(), tzinfo=datetime.UTC))


def quiet_days(
    *,
    last_update_at: datetime.datetime | None,
    created_at: datetime.datetime,
    starts_on: datetime.date,
    now: datetime.datetime,
) -> int:
    """Whole days since the item's last update, or since it began if it has none."""
    return (now - (last_update_at or began_at(created_at=created_at, starts_on=starts_on))).days


# actionplan.models.Status.NOT_STARTED (models imports this module, so the value is named here;
# tests/actionplan/test_rules.py holds the two together).
NOT_STARTED = "not_started"


def is_waiting(
    *,
    item_last_update_at: datetime.datetime | None,
    status: str,
    due_on: datetime.date,
    stale_after_days: int,
    today: datetime.date,
) -> bool:
    """Never posted on by either office, not begun and not due within the plan's cadence: no update
    is owed on it yet."""
    return item_last_update_at is None and status == NOT_STARTED and (due_on - today).days > stale_after_days


def is_stale(
    *,
    quiet_days: int,
    starts_on: datetime.date,
    stale_after_days: int,
    today: datetime.date,
    status: str,
    due_on: datetime.date,
    item_last_update_at: datetime.datetime | None,
) -> bool:
    """Started (on `today`, the reader's local date), not waiting (above), and quiet (`quiet_days`,
    from the function above) for `stale_after_days` or more."""
    return (
        starts_on <= today
        and quiet_days >= stale_after_days
        and not is_waiting(
            item_last_update_at=item_last_update_at,
            status=status,
            due_on=due_on,
            stale_after_days=stale_after_days,
            today=today,
        )
    )


class Freshness(StrEnum):
    """How one office stands on one open item it owns (see the module's docstring)."""

    FRESH = "fresh"
    LATE = "late"
    NEVER = "never"

    @property
    def label(self) -> str:
        return FRESHNESS_LABELS[self]


FRESHNESS_LABELS = {Freshness.FRESH: "Fresh", Freshness.LATE: "Late", Freshness.NEVER: "Never updated"}


def freshness(
    *,
    side_last_update_at: datetime.datetime | None,
    created_at: datetime.datetime,
    starts_on: datetime.date,
    stale_after_days: int,
    now: datetime.datetime,
    today: datetime.date,
    status: str,
    due_on: datetime.date,
    item_last_update_at: datetime.datetime | None,
) -> Freshness:
    """One office's freshness on one open item, from when that office last posted on it."""
    quiet = quiet_days(last_update_at=side_last_update_at, created_at=created_at, starts_on=starts_on, now=now)
    if not is_stale(
        quiet_days=quiet,
        starts_on=starts_on,
        stale_after_days=stale_after_days,
        today=today,
        status=status,
        due_on=due_on,
        item_last_update_at=item_last_update_at,
    ):
        return Freshness.FRESH
    return Freshness.LATE if side_last_update_at else Freshness.NEVER


# A jurisdiction is silent when no one in it has posted an update for this long (a plan younger
# than this is not silent yet: it has had no chance).
SILENT_AFTER_DAYS = 30


def is_silent(
    *, last_update_at: datetime.datetime | None, plan_created_at: datetime.datetime, now: datetime.datetime
) -> bool:
    cutoff = now - datetime.timedelta(days=SILENT_AFTER_DAYS)
    return plan_created_at < cutoff and (last_update_at is None or last_update_at < cutoff)
