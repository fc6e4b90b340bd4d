"""The roundtables admin: every model's pages open, and staff can add a missing recommendation."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from roundtables.models import Publication, Recommendation
from tests import factories

pytestmark = pytest.mark.usefixtures("reference_data")

ROUNDTABLES_MODELS = [model for model in admin.site._registry if model._meta.app_label == "roundtables"]


@pytest.fixture
def root(client: Client) -> Client:
    client.force_login(factories.make_user(email="root@example.org", is_staff=True, is_superuser=True))
    return client


def test_every_roundtables_model_is_in_the_admin() -> None:
    from django.apps import apps

    assert set(apps.get_app_config("roundtables").get_models()) == set(ROUNDTABLES_MODELS)


@pytest.mark.parametrize("model", ROUNDTABLES_MODELS, ids=lambda m: m._meta.model_name)
def test_each_admin_page_opens(root: Client, model: type) -> None:
    opts = model._meta
    assert root.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    assert (
        root.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {"q": "procurement"}).status_code
        == 200
    )
    row = model.objects.first()
    if row is not None:
        assert root.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])).status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(root.get("/").wsgi_request):
        assert root.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


def test_the_publication_list_says_how_many_recommendations_are_held_of_how_many(root: Client) -> None:
    response = root.get(reverse("admin:roundtables_publication_changelist"))
    assert "7 of 18" in response.content.decode()


def test_staff_add_a_missing_recommendation_on_its_publication_page(root: Client) -> None:
    paper = Publication.objects.get(slug="it-procurement-negotiations-2017")
    url = reverse("admin:roundtables_publication_change", args=[paper.pk])
    form = root.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["associations"] = [a.pk for a in paper.associations.all()]
    data["published_on"] = paper.published_on.isoformat()
    for prefix, formset in [
        ("areas", paper.areas.order_by("position", "name")),
        ("recommendations", paper.recommendations.order_by("position", "number")),
    ]:
        rows = list(formset)
        data |= {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)}
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-publication"] = paper.pk
            for field in ["name", "position", "summary", "number", "text", "source_url", "confidence"]:
                if hasattr(row, field):
                    data[f"{prefix}-{i}-{field}"] = getattr(row, field)
            if prefix == "recommendations":
                data[f"{prefix}-{i}-area"] = row.area_id or ""
                if row.area_is_inferred:
                    data[f"{prefix}-{i}-area_is_inferred"] = "on"
    n = data["recommendations-TOTAL_FORMS"]
    data["recommendations-TOTAL_FORMS"] = n + 1
    data |= {
        f"recommendations-{n}-number": "R8",
        f"recommendations-{n}-position": 8,
        f"recommendations-{n}-text": "A recommendation read from the paper itself.",
        f"recommendations-{n}-source_url": paper.url,
        f"recommendations-{n}-confidence": "publication",
    }

    response = root.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    added = Recommendation.objects.get(publication=paper, number="R8")
    assert added.confidence == Recommendation.Confidence.PUBLICATION
    assert paper.recommendations.count() == 8
