"""The outcomes demo data: a past demo workshop whose two outcomes were proposed to Idaho and
Maine; Idaho accepted one (an item in its plan that names where it came from), Maine declined one
with a reason; a second run creates nothing."""

from __future__ import annotations

import pytest

from actionplan import demo as actionplan_demo
from actionplan.models import Item
from roundtables import demo
from roundtables.models import Attendance, Outcome, OutcomeProposal, Roundtable

pytestmark = pytest.mark.django_db


@pytest.fixture
def showcase(reference_data: None) -> None:
    actionplan_demo.seed(scale="showcase")
    actionplan_demo.seed_plans()


def test_a_past_demo_event_has_outcomes_proposed_accepted_and_declined(showcase: None) -> None:
    assert demo.seed_outcomes(scale="showcase") > 0

    event = Roundtable.objects.get(slug=demo.DEMO_PAST_EVENT_SLUG)
    assert "(demo)" in event.title and "demo event" in event.description
    assert event.is_past()
    attended = set(
        Attendance.objects.filter(roundtable=event, status="attended").values_list("jurisdiction__code", flat=True)
    )
    assert attended == {"ID", "ME"}
    outcomes = list(Outcome.objects.filter(roundtable=event))
    assert len(outcomes) == 2 and all("Demo outcome, invented" in o.text for o in outcomes)
    assert all(o.proposed_at for o in outcomes)
    decisions = {
        (p.outcome.title, p.jurisdiction.code): p.status
        for p in OutcomeProposal.objects.filter(outcome__roundtable=event).select_related("outcome", "jurisdiction")
    }
    first, second = (title for title, *_ in demo.DEMO_OUTCOMES)
    assert decisions == {
        (first, "ID"): "accepted",
        (first, "ME"): "proposed",
        (second, "ID"): "proposed",
        (second, "ME"): "declined",
    }
    item = Item.objects.get(proposal__outcome__title=first)
    assert (item.plan.jurisdiction.code, item.origin) == ("ID", Item.Origin.ROUNDTABLE)
    assert item.recommendations.filter(number="R3").exists()  # the seeded library's 2017 R3
    declined = OutcomeProposal.objects.get(status="declined")
    assert declined.reason.startswith("Demo reason, invented")


def test_seeding_outcomes_again_creates_nothing(showcase: None) -> None:
    demo.seed_outcomes(scale="showcase")
    counts = (
        Roundtable.objects.count(),
        Outcome.objects.count(),
        OutcomeProposal.objects.count(),
        Item.objects.count(),
    )

    assert demo.seed_outcomes(scale="showcase") == 0
    assert (
        Roundtable.objects.count(),
        Outcome.objects.count(),
        OutcomeProposal.objects.count(),
        Item.objects.count(),
    ) == counts


def test_nothing_is_seeded_without_the_demo_people(reference_data: None) -> None:
    assert demo.seed_outcomes(scale="showcase") == 0
    assert not Roundtable.objects.filter(slug=demo.DEMO_PAST_EVENT_SLUG).exists()
