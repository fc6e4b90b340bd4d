"""Who may open or post to every outcomes URL: an event's outcomes are read by everyone signed in
(staff record and propose them; anyone else gets 403 on those POSTs); a proposal to a state is read
by that state's members and by staff (404 for other states); members who act for a side accept or
decline it (viewers and staff, who read it, get 403)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from time_machine import TimeMachineFixture

from directory.models import User
from library.models import Dimension
from roundtables.models import OutcomeProposal
from tests import matrix
from tests.factories import make_outcome, make_past_event, make_plan, make_proposal
from tests.matrix import Row

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 9, 17, 0, tzinfo=datetime.UTC)

# Columns: anonymous cio_A cpo_A cio_delegate_A viewer_A cio_B staff superuser (A = Idaho, B = Maine).
ROWS = [
    Row("outcomes", "GET", "login 200 200 200 200 200 200 200"),
    Row("outcomes", "POST", "login 403 403 403 403 403 done done"),
    Row("outcome_propose", "POST", "login 403 403 403 403 403 done done"),
    Row("proposals", "GET", "login 200 200 200 200 200 200 200"),
    Row("proposal", "GET", "login 200 200 200 200 404 200 200"),
    Row("proposal", "POST", "login done done done 403 404 403 403", label="proposal-accept"),
    Row("proposal", "POST", "login done done done 403 404 403 403", label="proposal-decline"),
]


@pytest.fixture
def idaho_proposal(people: dict[str, User | None], time_machine: TimeMachineFixture) -> OutcomeProposal:
    """An outcome of a past event that Idaho and Maine attended, proposed to Idaho, which has a plan."""
    time_machine.move_to(NOW, tick=False)
    make_plan("ID")
    return make_proposal(make_outcome(make_past_event()), "ID")


def _path(row: Row, proposal: OutcomeProposal) -> str:
    outcome = proposal.outcome
    return {
        "outcomes": reverse("roundtables:outcomes", args=[outcome.roundtable_id]),
        "outcome_propose": reverse("roundtables:outcome_propose", args=[outcome.pk]),
        "proposals": reverse("roundtables:proposals"),
        "proposal": reverse("roundtables:proposal", args=[proposal.pk]),
    }[row.url_name]


def _data(row: Row) -> dict[str, object] | None:
    if row.method != "POST":
        return None
    return {
        "outcomes": {
            "title": "Meet monthly",
            "text": "CIO and CPO offices meet monthly.",
            "dimension": Dimension.objects.order_by("position").first().pk,
            "recommendation": "",
        },
        "outcome_propose": {},
        "proposal-accept": {"decision": "accept", "side": "joint", "due_on": "2027-03-31"},
        "proposal-decline": {"decision": "decline", "reason": "Already done by statute."},
    }[row.label or row.url_name]


@pytest.mark.parametrize(("row", "persona", "expected"), matrix.cells(ROWS))
def test_outcomes_access(
    client: Client,
    people: dict[str, User | None],
    idaho_proposal: OutcomeProposal,
    row: Row,
    persona: str,
    expected: str,
) -> None:
    matrix.run_cell(client, people[persona], row.method, _path(row, idaho_proposal), expected, _data(row))
