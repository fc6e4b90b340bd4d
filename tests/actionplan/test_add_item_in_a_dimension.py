"""Adding an item from a dimension's card or list opens the form on that dimension (issue 13: "Add
an item" from the Budgeting page opened the form on Governance)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from library.models import Dimension
from tests import factories

pytestmark = pytest.mark.django_db


def _selected(html: str, dimension: Dimension) -> bool:
    return f'<option value="{dimension.pk}" selected>' in html


def test_the_dimension_page_links_to_the_form_on_that_dimension(client: Client, reference_data: None) -> None:
    cio = factories.make_member("ID", "cio", email="cio@id.example")
    plan = factories.make_plan("ID")
    budgeting = Dimension.objects.order_by("position").last()
    assert budgeting is not None
    client.force_login(cio)

    listing = client.get(reverse("actionplan:dimension", args=[plan.pk, budgeting.slug])).content.decode()
    link = f"{reverse('actionplan:item_create', args=[plan.pk])}?dimension={budgeting.pk}"
    assert f'href="{link}"' in listing
    assert _selected(client.get(link).content.decode(), budgeting)


def test_an_unknown_dimension_leaves_the_form_as_it_opens_anywhere(client: Client, reference_data: None) -> None:
    cio = factories.make_member("ID", "cio", email="cio@id.example")
    plan = factories.make_plan("ID")
    client.force_login(cio)
    url = reverse("actionplan:item_create", args=[plan.pk])
    plain = [d for d in Dimension.objects.all() if _selected(client.get(url).content.decode(), d)]
    for value in ("999999", "budget", ""):
        response = client.get(url, {"dimension": value})
        assert response.status_code == 200
        assert [d for d in Dimension.objects.all() if _selected(response.content.decode(), d)] == plain
