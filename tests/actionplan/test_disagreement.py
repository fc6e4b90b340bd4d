"""Disagreement between the two offices is one rule in two forms: statuses_disagree for one item,
disagreement_q for many. Every pair of statuses gets the same answer from both."""

from __future__ import annotations

import itertools

import pytest

from actionplan.models import Item, ItemSide, Status, disagreement_q, statuses_disagree
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_filter_and_the_predicate_agree_on_every_pair_of_statuses(reference_data: None) -> None:
    plan = factories.make_plan("ID")
    reported = ["", *Status.values]
    for cio, cpo in itertools.product(reported, reported):
        factories.make_item(
            plan, title=f"{cio or '-'}/{cpo or '-'}", side=ItemSide.JOINT, cio_status=cio, cpo_status=cpo
        )
    factories.make_item(plan, title="CIO only", side=ItemSide.CIO, cio_status=Status.DONE, cpo_status=Status.BLOCKED)

    by_filter = set(Item.objects.filter(plan=plan).filter(disagreement_q()).values_list("title", flat=True))
    by_predicate = {item.title for item in Item.objects.filter(plan=plan) if item.sides_disagree}
    assert by_filter == by_predicate
    assert "on_track/at_risk" in by_filter and "at_risk/blocked" not in by_filter and "-/done" not in by_filter
    assert statuses_disagree("done", "on_track") and not statuses_disagree("off_track", "blocked")
