"""The plan list leads with "Start a plan" only while the state has none (issue 13: it stayed the
main button once a plan existed); afterwards starting another is a quieter, secondary choice."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

PRIMARY = f'<a class="usa-button" href="{reverse("actionplan:adopt")}">Start a plan</a>'
SECONDARY = f'<a class="usa-button usa-button--outline" href="{reverse("actionplan:adopt")}">Start another plan</a>'


def test_start_a_plan_leads_only_while_the_state_has_none(client: Client, reference_data: None) -> None:
    client.force_login(factories.make_member("ID", "cio", email="cio@id.example"))
    page = client.get(reverse("actionplan:plans")).content.decode()
    assert PRIMARY in page and SECONDARY not in page

    factories.make_plan("ID")
    page = client.get(reverse("actionplan:plans")).content.decode()
    assert PRIMARY not in page and SECONDARY in page


def test_a_viewer_is_offered_neither(client: Client, reference_data: None) -> None:
    client.force_login(factories.make_member("ID", "viewer", email="viewer@id.example"))
    factories.make_plan("ID")
    page = client.get(reverse("actionplan:plans")).content.decode()
    assert "Start a plan" not in page and "Start another plan" not in page
