"""The admin of adoption records: read-only pages that open, with each record's history, and their
old addresses (under roundtables, before the records moved beside the plan's items) still arrive."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from actionplan.models import Adoption, AdoptionChange
from tests import access
from tests.factories import make_adoption, make_recommendations

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.mark.parametrize("model", [Adoption, AdoptionChange], ids=lambda m: m._meta.model_name)
def test_each_admin_page_opens(root: Client, model: type) -> None:
    adoption = make_adoption("ID", make_recommendations(1)[0])
    AdoptionChange.objects.create(adoption=adoption, kind=AdoptionChange.Kind.RECORDED, status=adoption.status)
    access.check_admin_pages(root, model)


def test_the_old_addresses_of_the_adoption_pages_still_arrive(root: Client) -> None:
    response = root.get("/admin/roundtables/adoption/?status=adopted")
    assert (response.status_code, response["Location"]) == (301, "/admin/actionplan/adoption/?status=adopted")


def test_the_admin_names_a_record_by_the_recommendation_s_words_and_publication(
    root: Client,
) -> None:
    """Was "Idaho on R1: Exploring", and R1 is in more than one publication."""
    recs = make_recommendations(3)
    for rec in recs:
        AdoptionChange.objects.create(
            adoption=make_adoption("ID", rec), kind=AdoptionChange.Kind.RECORDED, status="exploring"
        )
    label = f"Idaho: {recs[0].label} · Exploring"
    assert label == f"Idaho: Recommendation 1 of {recs[0].publication.title}, in our own words (" + (
        f"{recs[0].publication.title}, 2017, R1) · Exploring"
    )
    html = root.get("/admin/actionplan/adoptionchange/").content.decode()
    assert label in html and "Idaho on" not in html

    # The publication comes with the list's one query, not one query per row.
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert root.get("/admin/actionplan/adoption/").status_code == 200
        return len(captured)

    three = queries()
    for rec in make_recommendations(3):
        make_adoption("ME", rec)
    assert queries() == three
