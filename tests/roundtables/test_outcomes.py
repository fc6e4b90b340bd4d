"""Outcomes into plans: staff record an event's outcomes and propose them to the states that
attended; a state accepts one (exactly one item, with its provenance and activity) or declines it
with a reason; a second decision, a decision for another state, or one without a plan is refused."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from time_machine import TimeMachineFixture

from actionplan.models import Activity, Item, ItemSide, Plan
from directory.models import Jurisdiction, User
from library.models import Dimension
from outbox.models import OutgoingEmail
from roundtables.models import Attendance, Outcome, OutcomeProposal, Roundtable
from roundtables.services import outcomes as services
from tests import factories
from tests.factories import make_event, make_outcome, make_past_event, make_plan, make_proposal, make_recommendation
from tests.notifications.helpers import while_another_transaction_holds

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# Wednesday Dec 9, 2026, 10:00 in Boise. The test event ended on Oct 1.
NOW = datetime.datetime(2026, 12, 9, 17, 0, tzinfo=datetime.UTC)
People = dict[str, User | None]


@pytest.fixture
def event(people: People) -> Roundtable:
    return make_past_event(title="2026 Fall CIO–CPO Roundtable")


def person(people: People, key: str) -> User:
    user = people[key]
    assert user is not None
    return user


# --- Recording -----------------------------------------------------------------------------------


def test_staff_record_an_outcome_at_the_end_of_the_event_s_list(people: People, event: Roundtable) -> None:
    dimension = Dimension.objects.get(position=2)
    first = services.record_outcome(
        event, by=person(people, "staff"), title="  Name contacts ", text="Both offices.", dimension=dimension
    )
    second = services.record_outcome(
        event, by=person(people, "staff"), title="Meet monthly", text="x", dimension=dimension
    )

    assert (first.title, first.position, second.position) == ("Name contacts", 1, 2)
    assert first.created_by == people["staff"]
    assert first.proposed_at is None


def test_an_outcome_is_not_recorded_before_the_event_starts(people: People) -> None:
    upcoming = make_event(day=datetime.date(2027, 3, 4))

    with pytest.raises(ValidationError, match="once the event has started"):
        services.record_outcome(
            upcoming, by=person(people, "staff"), title="Early", text="x", dimension=Dimension.objects.first()
        )
    assert not Outcome.objects.exists()


def test_an_outcome_needs_a_title_and_text(people: People, event: Roundtable) -> None:
    with pytest.raises(ValidationError) as caught:
        services.record_outcome(
            event, by=person(people, "staff"), title=" ", text="", dimension=Dimension.objects.first()
        )
    assert set(caught.value.error_dict) == {"title", "text"}


@pytest.mark.parametrize("who", ["cio_A", "cpo_A", "viewer_A", "cio_B"])
def test_only_staff_record_outcomes(people: People, event: Roundtable, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.record_outcome(event, by=person(people, who), title="T", text="x", dimension=Dimension.objects.first())


# --- Proposing -----------------------------------------------------------------------------------


def test_an_outcome_is_proposed_only_to_the_jurisdictions_that_attended(people: People, event: Roundtable) -> None:
    outcome = make_outcome(event)

    created = services.propose_outcome(outcome, by=person(people, "staff"))

    assert sorted(p.jurisdiction.code for p in created) == ["ID", "ME"]  # North Carolina was invited, not there
    assert all(p.status == OutcomeProposal.Status.PROPOSED for p in created)
    outcome.refresh_from_db()
    assert outcome.proposed_at == NOW


def test_proposing_tells_each_attending_state_s_cio_and_cpo_once(people: People, event: Roundtable) -> None:
    outcome = make_outcome(event, title="Name a point of contact in each office")

    services.propose_outcome(outcome, by=person(people, "staff"))
    assert not OutgoingEmail.objects.exists()  # told a few minutes later, with any outcome proposed meanwhile
    services.announce_proposals(now=NOW + services.ANNOUNCE_WHEN_QUIET_FOR)

    rows = OutgoingEmail.objects.order_by("to_address")
    # Idaho's CIO and CPO (not the delegate or the viewer), and Maine's CIO (Maine has no CPO here).
    assert [r.to_address for r in rows] == ["cio@id.example", "cio@me.example", "cpo@id.example"]
    idaho = OutcomeProposal.objects.get(outcome=outcome, jurisdiction__code="ID")
    assert {r.dedupe_key for r in rows if r.to_address.endswith("id.example")} == {
        f"outcomes-proposed:{idaho.pk}:{people['cio_A'].pk}",
        f"outcomes-proposed:{idaho.pk}:{people['cpo_A'].pk}",
    }
    (row,) = [r for r in rows if r.to_address == "cio@id.example"]
    assert row.subject == "1 outcome from 2026 Fall CIO–CPO Roundtable to decide on"
    for part in (row.body_text, row.body_html):
        assert "Name a point of contact in each office" in part
        assert f"/proposals/{idaho.pk}/" in part


def test_proposing_again_creates_nothing_and_sends_nothing(people: People, event: Roundtable) -> None:
    outcome = make_outcome(event)
    services.propose_outcome(outcome, by=person(people, "staff"))
    services.announce_proposals(now=NOW + services.ANNOUNCE_WHEN_QUIET_FOR)
    first_proposed_at = Outcome.objects.get().proposed_at

    again = services.propose_outcome(outcome, by=person(people, "staff"))

    assert again == []
    assert services.announce_proposals(now=NOW + 2 * services.ANNOUNCE_WHEN_QUIET_FOR) == []
    assert OutcomeProposal.objects.count() == 2
    assert OutgoingEmail.objects.count() == 3
    assert Outcome.objects.get().proposed_at == first_proposed_at


def test_proposing_again_reaches_a_state_whose_attendance_was_recorded_later(people: People, event: Roundtable) -> None:
    outcome = make_outcome(event)
    services.propose_outcome(outcome, by=person(people, "staff"))
    Attendance.objects.filter(roundtable=event, jurisdiction__code="NC", side="cpo").update(status="attended")

    again = services.propose_outcome(outcome, by=person(people, "staff"))

    assert [p.jurisdiction.code for p in again] == ["NC"]
    assert OutcomeProposal.objects.count() == 3


def test_an_outcome_of_an_event_nobody_attended_is_not_proposed(people: People) -> None:
    outcome = make_outcome(make_past_event(attended=()))

    with pytest.raises(ValidationError, match="record attendance first"):
        services.propose_outcome(outcome, by=person(people, "staff"))
    assert not OutcomeProposal.objects.exists()
    assert Outcome.objects.get().proposed_at is None


def test_only_staff_propose(people: People, event: Roundtable) -> None:
    with pytest.raises(PermissionDenied):
        services.propose_outcome(make_outcome(event), by=person(people, "cio_A"))


# --- Accepting -------------------------------------------------------------------------------------


def test_accepting_creates_one_item_with_its_provenance_and_activity(
    people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    recommendation = make_recommendation()
    outcome = make_outcome(event, recommendation=recommendation, text="Each state names a contact.")
    proposal = make_proposal(outcome, "ID")

    item = services.accept_proposal(proposal, by=person(people, "cpo_A"))

    assert Item.objects.count() == 1
    assert (item.plan, item.origin, item.title, item.dimension) == (
        idaho_plan,
        Item.Origin.ROUNDTABLE,
        outcome.title,
        outcome.dimension,
    )
    assert item.description == "Each state names a contact.\n\nFrom 2026 Fall CIO–CPO Roundtable (October 2026)."
    assert list(item.recommendations.all()) == [recommendation]
    # Owned by the person accepting on their side, and by the principal in office on the other.
    assert (item.cio_owner, item.cpo_owner) == (people["cio_A"], people["cpo_A"])
    # Joint by default, starting today and due 90 days after the event (Oct 1 + 90 = Dec 30).
    assert (item.side, item.starts_on, item.due_on) == (
        ItemSide.JOINT,
        datetime.date(2026, 12, 9),
        datetime.date(2026, 12, 30),
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.item, proposal.decided_by, proposal.decided_at) == (
        OutcomeProposal.Status.ACCEPTED,
        item,
        people["cpo_A"],
        NOW,
    )
    assert Item.objects.get().proposal == proposal
    (activity,) = Activity.objects.filter(item=item)
    assert (activity.verb, activity.actor, activity.new_value) == (
        Activity.Verb.CREATED,
        people["cpo_A"],
        outcome.title,
    )


def test_accepting_with_chosen_side_owner_and_due_date(people: People, event: Roundtable, idaho_plan: Plan) -> None:
    proposal = make_proposal(make_outcome(event), "ID")
    delegate = person(people, "cio_delegate_A")

    item = services.accept_proposal(
        proposal,
        by=delegate,
        side=ItemSide.CIO,
        owners={"cio": delegate, "cpo": None},
        due_on=datetime.date(2027, 3, 31),
    )

    assert (item.side, item.cio_owner, item.cpo_owner, item.due_on) == (
        "cio",
        delegate,
        None,
        datetime.date(2027, 3, 31),
    )


def test_the_default_due_date_stops_at_the_plan_s_end(people: People, event: Roundtable) -> None:
    plan = make_plan("ID", starts_on=datetime.date(2026, 7, 1), ends_on=datetime.date(2026, 12, 20))

    item = services.accept_proposal(make_proposal(make_outcome(event), "ID"), by=person(people, "cio_A"))

    assert (item.plan, item.due_on) == (plan, datetime.date(2026, 12, 20))


def test_the_item_goes_into_the_plan_covering_today_else_the_latest(people: People, event: Roundtable) -> None:
    make_plan("ID", "FY2026", starts_on=datetime.date(2025, 7, 1), ends_on=datetime.date(2026, 6, 30))
    current = make_plan("ID", "FY2027")
    make_plan("ID", "FY2028", starts_on=datetime.date(2027, 7, 1), ends_on=datetime.date(2028, 6, 30))
    assert services.current_plan(Jurisdiction.objects.get(code="ID"), datetime.date(2026, 12, 9)) == current
    assert services.current_plan(Jurisdiction.objects.get(code="ID"), datetime.date(2030, 1, 1)).period == "FY2028"

    item = services.accept_proposal(make_proposal(make_outcome(event), "ID"), by=person(people, "cio_A"))

    assert item.plan == current


def test_a_state_without_a_plan_is_told_to_start_one(people: People, event: Roundtable) -> None:
    proposal = make_proposal(make_outcome(event), "ID")

    with pytest.raises(ValidationError, match="Idaho has no plan yet: start one"):
        services.accept_proposal(proposal, by=person(people, "cio_A"))

    assert not Item.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == OutcomeProposal.Status.PROPOSED


def test_a_bad_due_date_is_refused_on_its_field_and_nothing_is_written(
    people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    proposal = make_proposal(make_outcome(event), "ID")

    with pytest.raises(ValidationError) as caught:
        services.accept_proposal(proposal, by=person(people, "cio_A"), due_on=datetime.date(2026, 11, 1))

    assert "due_on" in caught.value.error_dict
    assert not Item.objects.exists()
    assert not Activity.objects.exists()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.item) == (OutcomeProposal.Status.PROPOSED, None)


def test_a_plan_of_another_state_is_refused(people: People, event: Roundtable, idaho_plan: Plan) -> None:
    maine = make_plan("ME")

    with pytest.raises(ValidationError, match="Choose one of Idaho's plans"):
        services.accept_proposal(make_proposal(make_outcome(event), "ID"), by=person(people, "cio_A"), plan=maine)
    assert not Item.objects.exists()


def test_a_second_acceptance_is_refused_and_names_who_accepted(
    people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    proposal = make_proposal(make_outcome(event), "ID")
    services.accept_proposal(proposal, by=person(people, "cio_A"))

    with pytest.raises(ValidationError) as caught:
        services.accept_proposal(proposal, by=person(people, "cpo_A"))

    assert caught.value.messages == [
        f"This outcome was already accepted by {people['cio_A']} on Dec 9, 2026: it is already an item in the plan."
    ]
    assert Item.objects.count() == 1


@pytest.mark.parametrize("who", ["viewer_A", "cio_B", "staff", "superuser"])
def test_only_the_state_s_own_acting_members_decide(
    people: People, event: Roundtable, idaho_plan: Plan, who: str
) -> None:
    proposal = make_proposal(make_outcome(event), "ID")

    with pytest.raises(PermissionDenied):
        services.accept_proposal(proposal, by=person(people, who))
    with pytest.raises(PermissionDenied):
        services.decline_proposal(proposal, by=person(people, who), reason="Not for us.")

    assert not Item.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == OutcomeProposal.Status.PROPOSED


# --- Declining -------------------------------------------------------------------------------------


def test_declining_needs_a_reason(people: People, event: Roundtable) -> None:
    proposal = make_proposal(make_outcome(event), "ME")

    with pytest.raises(ValidationError) as caught:
        services.decline_proposal(proposal, by=person(people, "cio_B"), reason="   ")

    assert list(caught.value.error_dict) == ["reason"]
    proposal.refresh_from_db()
    assert proposal.status == OutcomeProposal.Status.PROPOSED


def test_a_declined_outcome_keeps_its_reason_and_is_not_accepted_later(people: People, event: Roundtable) -> None:
    make_plan("ME")
    proposal = make_proposal(make_outcome(event), "ME")

    services.decline_proposal(proposal, by=person(people, "cio_B"), reason=" Maine already does this by statute. ")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason, proposal.decided_by) == (
        OutcomeProposal.Status.DECLINED,
        "Maine already does this by statute.",
        people["cio_B"],
    )
    with pytest.raises(ValidationError, match="already declined by"):
        services.accept_proposal(proposal, by=person(people, "cio_B"))
    assert not Item.objects.exists()


# --- Two acceptances at the same moment ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_acceptances_make_one_item(reference_data: None, time_machine: TimeMachineFixture) -> None:
    """The CIO's acceptance holds the proposal's row lock, uncommitted, while the CPO's starts in
    another connection: the CPO's waits for it, then is refused. One item, whatever the timing."""
    cio = factories.make_member("ID", "cio", email="cio@id.example", full_name="Dana Whitfield")
    cpo = factories.make_member("ID", "cpo", email="cpo@id.example")
    make_plan("ID")
    proposal = make_proposal(make_outcome(make_past_event()), "ID")

    with pytest.raises(ValidationError, match="already accepted by Dana Whitfield"):
        while_another_transaction_holds(
            lambda: services.accept_proposal(proposal, by=cio),
            lambda: services.accept_proposal(proposal, by=cpo),
        )

    assert Item.objects.count() == 1
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (OutcomeProposal.Status.ACCEPTED, cio)
