"""Each office's freshness (fresh, late, never updated) is one rule: the Python predicate, the
QuerySet filter the national view and item lists use, and the reminder scan agree on the same data,
and each office of a joint item keeps its own clock."""

from __future__ import annotations

import pytest
from time_machine import TimeMachineFixture

from actionplan import rules, services
from actionplan.models import Item, ItemSide, Status
from actionplan.rules import Freshness
from notifications import services as scan
from tests.factories import State
from tests.notifications.helpers import NOW, WEDNESDAY, days

pytestmark = pytest.mark.django_db


def _build(idaho: State) -> None:
    limit = idaho.plan.stale_after_days
    long_ago = NOW - days(200)
    began = WEDNESDAY - days(200)
    # Within the plan's cadence of its due date: a not-started item there is no longer waiting.
    far = WEDNESDAY + days(limit - 5)
    make = idaho.item
    make(due_on=far, title="CIO never", created_at=long_ago, starts_on=began)
    # Not started and due further off than the cadence: waiting, so fresh whatever its age.
    make(due_on=WEDNESDAY + days(limit + 1), title="CIO waiting", created_at=long_ago, starts_on=began)
    make(
        due_on=WEDNESDAY + days(limit + 1), title="CIO begun, far off", created_at=long_ago, starts_on=began,
        status=Status.ON_TRACK, cio_status=Status.ON_TRACK, last_update_at=NOW - days(limit + 3),
        cio_last_update_at=NOW - days(limit + 3),
    )  # fmt: skip
    make(due_on=far, title="CIO late", created_at=long_ago, starts_on=began, last_update_at=NOW - days(limit))
    make(due_on=far, title="CIO fresh", created_at=long_ago, starts_on=began, last_update_at=NOW - days(limit - 1))
    make(due_on=far, title="CIO added today", starts_on=began)
    make(due_on=far, title="CIO not started", created_at=long_ago, starts_on=WEDNESDAY + days(5))
    make(due_on=far, title="CIO done", created_at=long_ago, starts_on=began, status=Status.DONE)
    make(side=ItemSide.CPO, due_on=far, title="CPO never", created_at=long_ago, starts_on=began)
    make(
        side=ItemSide.CPO,
        due_on=far,
        title="CPO late",
        created_at=long_ago,
        starts_on=began,
        last_update_at=NOW - days(90),
    )
    # A joint item only the CIO side has posted on: fresh for the CIO, never updated for the CPO.
    make(
        side=ItemSide.JOINT, due_on=far, title="Joint, CIO posted", created_at=long_ago, starts_on=began,
        cio_last_update_at=NOW - days(2), cpo_last_update_at=None, last_update_at=NOW - days(2),
    )  # fmt: skip


def _by_predicate(side: str) -> dict[Freshness, set[str]]:
    found: dict[Freshness, set[str]] = {state: set() for state in Freshness}
    for item in Item.objects.open().for_office(side).select_related("plan"):
        state = rules.freshness(
            side_last_update_at=item.last_update_by(side),
            created_at=item.created_at,
            starts_on=item.starts_on,
            stale_after_days=item.plan.stale_after_days,
            now=NOW,
            today=WEDNESDAY,
            status=item.status,
            due_on=item.due_on,
            item_last_update_at=item.last_update_at,
        )
        found[state].add(item.title)
    return found


def _by_queryset(idaho: State, side: str) -> dict[Freshness, set[str]]:
    return {
        state: set(
            Item.objects.filter(plan=idaho.plan)
            .freshness(side, state, stale_after_days=idaho.plan.stale_after_days, now=NOW, today=WEDNESDAY)
            .values_list("title", flat=True)
        )
        for state in Freshness
    }


def test_the_predicate_the_queryset_and_the_reminder_scan_agree_for_each_office(
    idaho: State, clock: TimeMachineFixture
) -> None:
    _build(idaho)
    reminders = scan.collect_reminders(NOW)
    for side, owner in (("cio", idaho.cio), ("cpo", idaho.cpo)):
        predicate = _by_predicate(side)
        assert _by_queryset(idaho, side) == predicate
        stale = {Item.objects.get(pk=f.item).title for f in reminders[owner.pk].facts if f.key.startswith("stale:")}
        assert stale == predicate[Freshness.LATE] | predicate[Freshness.NEVER]

    assert _by_predicate("cio") == {
        Freshness.FRESH: {"CIO fresh", "CIO added today", "CIO not started", "Joint, CIO posted", "CIO waiting"},
        Freshness.LATE: {"CIO late", "CIO begun, far off"},
        Freshness.NEVER: {"CIO never"},
    }
    assert _by_predicate("cpo") == {
        Freshness.FRESH: set(),
        Freshness.LATE: {"CPO late"},
        Freshness.NEVER: {"CPO never", "Joint, CIO posted"},
    }


def test_posting_an_update_restarts_only_that_offices_clock(idaho: State, clock: TimeMachineFixture) -> None:
    item = idaho.item(
        side=ItemSide.JOINT, due_on=WEDNESDAY + days(60), created_at=NOW - days(100), starts_on=WEDNESDAY - days(100)
    )
    services.post_update(item, author=idaho.cpo, side="cpo", status=Status.ON_TRACK, progress=10, narrative="Begun.")
    item.refresh_from_db()
    assert item.cpo_last_update_at == item.last_update_at == NOW
    assert item.cio_last_update_at is None
    assert _by_predicate("cpo")[Freshness.FRESH] == {item.title}
    assert _by_predicate("cio")[Freshness.NEVER] == {item.title}
