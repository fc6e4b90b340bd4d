"""The admin of adoption records: read-only pages that open, with each record's history, and their
old addresses (under roundtables, before the records moved beside the plan's items) still arrive."""

from __future__ import annotations

import pytest
from django.test import Client

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
