"""When an item is quiet: the one definition that My updates, the reminder scan and the digests
share, so a page never disagrees with the email about the same item.

(Overdue has one definition too: `Item.is_overdue` for one row and `ItemQuerySet.overdue` for many,
both "open and due before this day".)

An item is quiet (stale) when it has started and nothing has been posted on it for its plan's
`stale_after_days` or more, counted from its last update or, before the first one, from when the
item began: its start date or the day it was added to the plan, whichever is later. So a plan
adopted today is not stale today, however early its items' start dates.
"""

from __future__ import annotations

import datetime


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


def is_stale(*, quiet_days: int, starts_on: datetime.date, stale_after_days: int, today: datetime.date) -> bool:
    """Started (on `today`, the reader's local date) and quiet (`quiet_days`, from the function above)
    for `stale_after_days` or more."""
    return starts_on <= today and quiet_days >= stale_after_days
