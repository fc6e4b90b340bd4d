"""The outcome pages: staff record and propose outcomes; a state's members see what was proposed to
them and accept (landing on the new item, which names where it came from) or decline; refused input
comes back on its field with what was typed; a second acceptance says who accepted first."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import Item, Plan
from directory.models import User
from library.models import Dimension
from roundtables.models import Outcome, OutcomeProposal, Roundtable
from roundtables.services import outcomes as services
from tests.factories import (
    make_event,
    make_item,
    make_outcome,
    make_past_event,
    make_proposal,
    make_recommendation,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

NOW = datetime.datetime(2026, 12, 9, 17, 0, tzinfo=datetime.UTC)
People = dict[str, User | None]


@pytest.fixture
def event(people: People) -> Roundtable:
    return make_past_event(title="Fall CIO–CPO Roundtable")


def signed_in(client: Client, user: User | None) -> Client:
    assert user is not None
    client.force_login(user)
    return client


def messages_of(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def outcomes_url(roundtable: Roundtable) -> str:
    return reverse("roundtables:outcomes", args=[roundtable.pk])


def proposal_url(proposal: OutcomeProposal) -> str:
    return reverse("roundtables:proposal", args=[proposal.pk])


# --- An event's outcomes ------------------------------------------------------------------------------


def test_staff_record_an_outcome_and_see_it_listed(client: Client, people: People, event: Roundtable) -> None:
    dimension = Dimension.objects.get(position=3)
    recommendation = make_recommendation()

    response = signed_in(client, people["staff"]).post(
        outcomes_url(event),
        {
            "title": "Meet monthly",
            "text": "**Both** offices meet.",
            "dimension": dimension.pk,
            "recommendation": recommendation.pk,
        },
        follow=True,
    )

    outcome = Outcome.objects.get()
    assert (outcome.title, outcome.dimension, outcome.recommendation) == ("Meet monthly", dimension, recommendation)
    page = response.content.decode()
    assert "“Meet monthly” was recorded" in page
    assert "<strong>Both</strong> offices meet." in page
    assert "Propose it to the states that attended" in page
    assert "Idaho, Maine" in page  # who it would be proposed to


def test_a_refused_outcome_keeps_what_was_typed(client: Client, people: People, event: Roundtable) -> None:
    response = signed_in(client, people["staff"]).post(
        outcomes_url(event), {"title": "Meet monthly", "text": "", "dimension": Dimension.objects.first().pk}
    )

    assert response.status_code == 200
    assert not Outcome.objects.exists()
    form = response.context["form"]
    assert form.errors["text"] == ["Say what the event agreed, in a sentence or two."]
    assert 'value="Meet monthly"' in response.content.decode()


def test_outcomes_of_an_upcoming_event_wait_for_it_to_start(client: Client, people: People) -> None:
    upcoming = make_event(day=datetime.date(2027, 3, 4))
    client = signed_in(client, people["staff"])

    page = client.get(outcomes_url(upcoming))
    assert page.context["form"] is None
    assert "Outcomes can be recorded once the event starts" in page.content.decode()

    refused = client.post(
        outcomes_url(upcoming), {"title": "T", "text": "x", "dimension": Dimension.objects.first().pk}
    )
    assert "once the event has started" in refused.content.decode()
    assert not Outcome.objects.exists()


def test_staff_propose_an_outcome_and_see_the_count_of_answers(
    client: Client, people: People, event: Roundtable
) -> None:
    outcome = make_outcome(event)
    client = signed_in(client, people["staff"])

    response = client.post(reverse("roundtables:outcome_propose", args=[outcome.pk]))

    assert response.status_code == 302
    assert messages_of(response) == [
        f"“{outcome.title}” was proposed to Idaho, Maine. In a few minutes their CIOs and CPOs get one "
        "email listing it with any other outcome of this event you propose meanwhile."
    ]
    page = client.get(outcomes_url(event)).content.decode()
    assert "Asked: 2. Awaiting a decision: 2. Accepted: 0. Declined: 0." in page
    assert "Propose it to" not in page  # everyone who attended has been asked


def test_proposing_without_attendance_says_what_to_do(client: Client, people: People) -> None:
    outcome = make_outcome(make_past_event(attended=()))

    response = signed_in(client, people["staff"]).post(reverse("roundtables:outcome_propose", args=[outcome.pk]))

    assert response.status_code == 302
    assert "record attendance first" in messages_of(response)[0]
    assert not OutcomeProposal.objects.exists()


def test_a_member_sees_their_own_state_s_proposal_on_the_outcomes_page(
    client: Client, people: People, event: Roundtable
) -> None:
    outcome = make_outcome(event)
    idaho = make_proposal(outcome, "ID")
    make_proposal(outcome, "ME")

    page = signed_in(client, people["viewer_A"]).get(outcomes_url(event)).content.decode()

    assert f'href="{proposal_url(idaho)}"' in page
    assert "Maine:" not in page
    assert "Asked:" not in page  # the counts are for staff


def test_the_event_page_lists_its_outcomes(client: Client, people: People, event: Roundtable) -> None:
    make_outcome(event, title="Name a point of contact")
    cited = make_recommendation(text="Meet on a fixed rhythm.")
    make_outcome(event, title="Meet monthly", recommendation=cited)

    page = signed_in(client, people["cio_B"]).get(reverse("roundtables:detail", args=[event.pk])).content.decode()

    section = page[page.index('data-testid="event-outcomes"') :]
    assert section.index("Name a point of contact") < section.index("Meet monthly")
    assert f"Related recommendation: Meet on a fixed rhythm ({cited.publication.title}, 2017, R1)" in section
    assert "Outcomes, and what your state decided" in section


# --- Proposals to a state ---------------------------------------------------------------------------------


def test_a_member_lists_proposals_awaiting_then_decided(
    client: Client, people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    waiting = make_proposal(make_outcome(event, title="Meet monthly"), "ID")
    accepted = make_proposal(make_outcome(event, title="Name contacts"), "ID")
    services.accept_proposal(accepted, by=people["cio_A"])
    make_proposal(make_outcome(event, title="Only for Maine"), "ME")

    response = signed_in(client, people["cpo_A"]).get(reverse("roundtables:proposals"))

    assert response.context["awaiting"] == [waiting]
    assert response.context["decided"] == [OutcomeProposal.objects.get(pk=accepted.pk)]
    page = response.content.decode()
    assert "Only for Maine" not in page
    assert "In the plan as" in page


def test_staff_see_every_state_s_answers_counted_per_outcome(
    client: Client, people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    outcome = make_outcome(event, title="Meet monthly")
    services.accept_proposal(make_proposal(outcome, "ID"), by=people["cio_A"])
    services.decline_proposal(make_proposal(outcome, "ME"), by=people["cio_B"], reason="Done already.")
    make_proposal(outcome, "NC")

    response = signed_in(client, people["staff"]).get(reverse("roundtables:proposals"))

    (summary,) = response.context["summaries"]
    assert (summary.awaiting, summary.accepted, summary.declined) == (1, 1, 1)
    page = response.content.decode()
    assert "Idaho</a>: accepted" in page and "Maine</a>: declined" in page


# --- One proposal: accept, decline ------------------------------------------------------------------------


def test_accepting_lands_on_the_new_item_which_names_its_outcome(
    client: Client, people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    outcome = make_outcome(event, title="Meet monthly")
    proposal = make_proposal(outcome, "ID")
    client = signed_in(client, people["cio_A"])
    form = client.get(proposal_url(proposal)).context["accept_form"]
    assert (form.initial["side"], form.initial["due_on"]) == ("joint", datetime.date(2026, 12, 30))

    response = client.post(
        proposal_url(proposal),
        {
            "decision": "accept",
            "side": "joint",
            "cio_owner": people["cio_A"].pk,
            "cpo_owner": "",
            "due_on": "2027-03-31",
        },
        follow=True,
    )

    item = Item.objects.get()
    assert response.redirect_chain == [(reverse("actionplan:item", args=[item.pk]), 302)]
    assert (item.cio_owner, item.cpo_owner, item.due_on) == (people["cio_A"], None, datetime.date(2027, 3, 31))
    page = response.content.decode()
    assert "“Meet monthly” is now an item in Idaho FY2027" in page
    provenance = page[page.index('data-testid="provenance"') :].split("</p>")[0]
    assert "From the outcome “" in provenance
    assert f'href="{outcomes_url(event)}#outcome-{outcome.pk}"' in provenance
    assert "Fall CIO–CPO Roundtable" in provenance


def test_a_bad_due_date_comes_back_on_its_field_with_the_choices_kept(
    client: Client, people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    proposal = make_proposal(make_outcome(event), "ID")

    response = signed_in(client, people["cpo_A"]).post(
        proposal_url(proposal),
        {"decision": "accept", "side": "cpo", "cpo_owner": people["cpo_A"].pk, "due_on": "2026-11-01"},
    )

    assert response.status_code == 200
    form = response.context["accept_form"]
    assert form.errors["due_on"] == ["The due date cannot be before the start date."]
    page = response.content.decode()
    assert 'value="2026-11-01"' in page
    assert '<option value="cpo" selected>' in page
    assert not Item.objects.exists()


def test_a_second_acceptance_says_who_accepted_first(
    client: Client, people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    proposal = make_proposal(make_outcome(event), "ID")
    cpo = signed_in(Client(), people["cpo_A"])
    cpo_form = cpo.get(proposal_url(proposal))  # the CPO opens the page...
    assert cpo_form.context["accept_form"] is not None
    services.accept_proposal(proposal, by=people["cio_A"])  # ...and the CIO accepts first

    response = cpo.post(proposal_url(proposal), {"decision": "accept", "side": "joint", "due_on": "2027-03-31"})

    assert response.status_code == 302 and response["Location"] == proposal_url(proposal)
    assert messages_of(response) == [
        f"This outcome was already accepted by {people['cio_A']} on Dec 9, 2026: it is already an item in the plan."
    ]
    assert Item.objects.count() == 1
    page = cpo.get(proposal_url(proposal)).content.decode()
    assert "Accept into the plan" not in page
    assert "30 days after the event" in page


def test_a_state_without_a_plan_is_pointed_to_starting_one(client: Client, people: People, event: Roundtable) -> None:
    proposal = make_proposal(make_outcome(event), "ID")
    client = signed_in(client, people["cio_A"])

    page = client.get(proposal_url(proposal)).content.decode()
    assert "Idaho has no plan yet" in page
    assert reverse("actionplan:adopt") in page

    response = client.post(proposal_url(proposal), {"decision": "accept", "side": "joint", "due_on": "2027-03-31"})
    assert "Idaho has no plan yet: start one" in messages_of(response)[0]
    assert not Item.objects.exists()


def test_declining_needs_a_reason_then_shows_it(
    client: Client, people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    proposal = make_proposal(make_outcome(event), "ID")
    client = signed_in(client, people["cio_delegate_A"])

    refused = client.post(proposal_url(proposal), {"decision": "decline", "reason": "  "})
    assert refused.context["decline_form"].errors["reason"] == [
        "Say why your state declines this outcome: staff read the reasons."
    ]

    response = client.post(
        proposal_url(proposal), {"decision": "decline", "reason": "Needs <b>legislation</b> first."}, follow=True
    )
    page = response.content.decode()
    assert "Idaho declined" in page
    assert "Needs &lt;b&gt;legislation&lt;/b&gt; first." in page
    assert OutcomeProposal.objects.get().status == OutcomeProposal.Status.DECLINED


def test_staff_read_a_proposal_without_forms(
    client: Client, people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    proposal = make_proposal(make_outcome(event), "ID")

    response = signed_in(client, people["staff"]).get(proposal_url(proposal))

    assert (response.context["accept_form"], response.context["decline_form"]) == (None, None)
    assert "Awaiting a decision from Idaho" in response.content.decode()


# --- The item page: provenance, at one query for the items that have one ------------------------------


def test_the_item_page_shows_its_provenance_at_one_query_only_for_roundtable_items(
    client: Client, people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    """The outcome is read only for an item that came from one: a state's own item's page costs what
    tests/actionplan pins, an accepted outcome's page one query more."""
    accepted = services.accept_proposal(make_proposal(make_outcome(event), "ID"), by=people["cio_A"])
    own = make_item(idaho_plan, cio_owner=people["cio_A"], cpo_owner=people["cpo_A"])
    client = signed_in(client, people["cio_A"])
    client.get(reverse("actionplan:item", args=[own.pk]))  # the first request of a session writes its clocks

    costs, pages = {}, {}
    for item in (own, accepted):
        with CaptureQueriesContext(connection) as queries:
            pages[item.origin] = client.get(reverse("actionplan:item", args=[item.pk])).content.decode()
        costs[item.origin] = len(queries)

    assert costs["roundtable"] == costs["state"] + 1
    provenance = {
        origin: page[page.index('data-testid="provenance"') :].split("</p>")[0] for origin, page in pages.items()
    }
    assert "From the outcome “" in provenance["roundtable"]
    assert "Name a point of contact in each office</a>”" in provenance["roundtable"]
    assert "From the outcome" not in provenance["state"] and "Added by Idaho" in provenance["state"]


# --- The home page's hint -----------------------------------------------------------------------------------


def test_home_tells_a_state_s_deciders_what_awaits_them(
    client: Client, people: People, event: Roundtable, idaho_plan: Plan
) -> None:
    proposal = make_proposal(make_outcome(event), "ID")
    make_proposal(make_outcome(event, title="Meet monthly"), "ID")

    page = signed_in(client, people["cio_delegate_A"]).get("/").content.decode()
    assert "2 outcomes of roundtables your state attended await its decision" in page
    assert 'href="/proposals/"' in page
    assert "await its decision" not in signed_in(Client(), people["viewer_A"]).get("/").content.decode()
    assert "await its decision" not in signed_in(Client(), people["cio_B"]).get("/").content.decode()

    services.accept_proposal(proposal, by=people["cio_A"])
    assert "One outcome of a roundtable your state attended awaits its decision" in client.get("/").content.decode()
