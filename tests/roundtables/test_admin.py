"""The roundtables admin: every model of the events and their outcomes has pages, and they open."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from tests import access

pytestmark = pytest.mark.usefixtures("reference_data")

ROUNDTABLES_MODELS = [model for model in admin.site._registry if model._meta.app_label == "roundtables"]


def test_every_roundtables_model_is_in_the_admin() -> None:
    assert set(apps.get_app_config("roundtables").get_models()) == set(ROUNDTABLES_MODELS)


@pytest.mark.parametrize("model", ROUNDTABLES_MODELS, ids=lambda m: m._meta.model_name)
def test_each_admin_page_opens(root: Client, model: type) -> None:
    access.check_admin_pages(root, model)
