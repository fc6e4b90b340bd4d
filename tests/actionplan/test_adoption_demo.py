"""The adoption demo data: a spread of statuses in the three showcase states, every jurisdiction
at national scale, demo evidence links only, and a second run that creates nothing."""

from __future__ import annotations

import pytest

from actionplan import demo
from actionplan.adoption import recommendations_in_order
from actionplan.models import Adoption
from directory.models import Jurisdiction
from library.models import Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def showcase(reference_data: None) -> None:
    demo.seed(scale="showcase")
    demo.seed_plans()


def test_showcase_states_get_a_spread_of_statuses_with_history_items_and_a_verification(showcase: None) -> None:
    recommendations = Recommendation.objects.count()
    assert recommendations > 0  # the seeded library
    assert demo.seed_adoption(scale="showcase") == 3 * recommendations
    for code in ("ID", "ME", "NC"):
        rows = Adoption.objects.filter(jurisdiction__code=code)
        assert rows.count() == recommendations
        assert set(rows.values_list("status", flat=True)) == set(Adoption.Status.values)
        assert rows.filter(verified_at__isnull=False).count() == 1
        assert rows.exclude(items=None).exists()
        assert all(a.changes.exists() for a in rows)
    adopted = Adoption.objects.filter(status=Adoption.Status.ADOPTED)
    assert all(a.evidence_url.startswith("https://example.org/demo/") for a in adopted)
    assert all("Demo record" in a.note for a in Adoption.objects.all())
    assert demo.seed_adoption(scale="showcase") == 0


def test_national_scale_covers_every_jurisdiction_and_runs_once(showcase: None) -> None:
    demo.seed_adoption(scale="showcase")
    created = demo.seed_adoption(scale="national")
    assert created > 0
    assert Jurisdiction.objects.exclude(adoptions__isnull=False).count() == 0
    last = recommendations_in_order()[-1]
    assert not Adoption.objects.filter(recommendation=last, status=Adoption.Status.ADOPTED).exists()
    before = Adoption.objects.count()
    assert demo.seed_adoption(scale="national") == 0
    assert Adoption.objects.count() == before


def test_nothing_is_seeded_without_recommendations(reference_data: None) -> None:
    Adoption.objects.all().delete()
    Recommendation.objects.all().delete()
    assert demo.seed_adoption(scale="national") == 0


def test_showcase_items_cite_a_peer_s_case_study_once(showcase: None) -> None:
    from actionplan.models import Activity, Item

    assert demo.seed_citations() == len(demo.CITATIONS)
    maine = Item.objects.get(plan__jurisdiction__code="ME", framework_item__code="I3")
    assert [c.slug for c in maine.case_studies.all()] == ["idaho-terms-and-conditions"]
    assert Activity.objects.filter(item=maine, field="case_studies").count() == 1  # on the item's timeline

    assert demo.seed_citations() == 0
