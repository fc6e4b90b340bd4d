"""The library's admin: every model's pages open, staff can add a missing recommendation, and the
old addresses of the pages of models that moved here still arrive."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from library.models import FrameworkItem, Publication, Recommendation
from tests import access

pytestmark = pytest.mark.usefixtures("reference_data")

LIBRARY_MODELS = [model for model in admin.site._registry if model._meta.app_label == "library"]


def test_every_library_model_is_in_the_admin() -> None:
    # A framework's items are edited on its page (FrameworkItemInline), not on pages of their own.
    assert set(apps.get_app_config("library").get_models()) - {FrameworkItem} == set(LIBRARY_MODELS)


@pytest.mark.parametrize("model", LIBRARY_MODELS, ids=lambda m: m._meta.model_name)
def test_each_admin_page_opens(root: Client, model: type) -> None:
    access.check_admin_pages(root, model)


def test_the_publication_list_says_how_many_recommendations_are_held_of_how_many(root: Client) -> None:
    response = root.get(reverse("admin:library_publication_changelist"))
    assert "7 of 18" in response.content.decode()


def test_staff_add_a_missing_recommendation_on_its_publication_page(root: Client) -> None:
    paper = Publication.objects.get(slug="it-procurement-negotiations-2017")
    url = reverse("admin:library_publication_change", args=[paper.pk])
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


def test_the_admin_pages_of_models_that_moved_here_answer_at_their_old_address(root: Client) -> None:
    paper = Publication.objects.get(slug="it-procurement-negotiations-2017")
    moved = root.get(f"/admin/roundtables/publication/{paper.pk}/change/?_changelist_filters=x")
    listing = root.get("/admin/actionplan/dimension/")

    assert (moved.status_code, moved["Location"]) == (
        301,
        f"/admin/library/publication/{paper.pk}/change/?_changelist_filters=x",
    )
    assert (listing.status_code, listing["Location"]) == (301, "/admin/library/dimension/")
    assert root.get("/admin/roundtables/roundtable/").status_code == 200
