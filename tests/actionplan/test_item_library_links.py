"""An item cites the recommendations it carries out and the case studies it learns from: chosen on
the add and edit form (grouped by publication), saved and logged through the item services, and
listed with links on the item page."""

from __future__ import annotations

import pytest
from django.test import Client

from actionplan import services
from actionplan.models import Activity, Item, SignOff
from directory.models import Membership
from library.models import CaseStudy, Recommendation
from tests import factories
from tests.actionplan.test_item_views import item_data, signed_in, url
from tests.factories import StateWithItem, edit_data, make_item, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def idaho(reference_data: None) -> StateWithItem:
    """Idaho's CIO, CPO and a viewer, its plan and a joint item both principals own."""
    cio = factories.make_member("ID", Membership.Role.CIO, full_name="Avery Quinn")
    cpo = factories.make_member("ID", Membership.Role.CPO, full_name="Blake Rivera")
    viewer = factories.make_member("ID", Membership.Role.VIEWER)
    plan = make_plan("ID")
    item = make_item(plan, title="Joint cloud procurement playbook", cio_owner=cio, cpo_owner=cpo)
    return StateWithItem(cio=cio, cpo=cpo, cio_delegate=cio, viewer=viewer, plan=plan, item=item)


def rec(publication: str, number: str) -> Recommendation:
    return Recommendation.objects.get(publication__slug=publication, number=number)


def study(slug: str) -> CaseStudy:
    return CaseStudy.objects.get(slug=slug)


R3 = ("it-procurement-negotiations-2017", "R3")
R7 = ("it-procurement-negotiations-2017", "R7")
CALL_5 = ("nascio-2016-call-for-reform", "5")


def test_the_form_offers_recommendations_grouped_by_publication_and_case_studies(
    client: Client, idaho: StateWithItem
) -> None:
    html = signed_in(client, idaho.cio).get(url("item_create", idaho.plan.pk)).content.decode()

    assert '<legend class="usa-legend">Recommendations this item carries out</legend>' in html
    assert "State IT Procurement Negotiations: Working Together to Reform and Transform</legend>" in html
    assert "NASCIO call to action on state IT procurement reform</legend>" in html
    assert "R3: Name a point of contact" in html
    assert "Case studies this item learns from" in html
    assert "Ohio: consolidating agency data centers into a state private cloud" in html


def test_an_item_is_added_with_what_it_cites(client: Client, idaho: StateWithItem) -> None:
    data = item_data(
        idaho, recommendations=[rec(*R3).pk, rec(*CALL_5).pk], case_studies=[study("idaho-terms-and-conditions").pk]
    )

    response = signed_in(client, idaho.cio).post(url("item_create", idaho.plan.pk), data)

    item = Item.objects.get(title=data["title"])
    assert response.status_code == 302
    assert {r.number for r in item.recommendations.all()} == {"R3", "5"}
    assert [c.slug for c in item.case_studies.all()] == ["idaho-terms-and-conditions"]


def test_citing_nothing_is_fine(client: Client, idaho: StateWithItem) -> None:
    response = signed_in(client, idaho.cio).post(url("item_create", idaho.plan.pk), item_data(idaho))
    assert response.status_code == 302
    assert not Item.objects.get(title=item_data(idaho)["title"]).recommendations.exists()


def test_a_recommendation_that_does_not_exist_is_refused_on_its_field(client: Client, idaho: StateWithItem) -> None:
    response = signed_in(client, idaho.cio).post(
        url("item_create", idaho.plan.pk), item_data(idaho, recommendations=[999_999])
    )
    assert response.status_code == 200
    assert "recommendations" in response.context["form"].errors


def test_changing_what_an_item_cites_is_logged_as_a_field_change_and_keeps_signatures(
    client: Client, idaho: StateWithItem
) -> None:
    item = idaho.item
    item.recommendations.add(rec(*R3))
    services.sign_off(item, by=idaho.cpo, side="cpo")
    version = Item.objects.get(pk=item.pk).version

    data = edit_data(
        item, version=version, recommendations=[rec(*R7).pk], case_studies=[study("ohio-data-center-consolidation").pk]
    )
    response = signed_in(client, idaho.cio).post(url("item_edit", item.pk), data)

    assert response.status_code == 302
    item.refresh_from_db()
    assert [r.number for r in item.recommendations.all()] == ["R7"]
    assert item.version == version + 1
    changes = {a.field: a for a in Activity.objects.filter(item=item, verb=Activity.Verb.FIELD_CHANGED)}
    assert set(changes) == {"recommendations", "case_studies"}
    assert changes["recommendations"].old_value.startswith("Name a point of contact")
    assert changes["recommendations"].old_value.endswith("(State IT Procurement Negotiations, 2017, R3)")
    assert changes["recommendations"].new_value.startswith("Negotiate earlier")
    assert changes["recommendations"].new_value.endswith("(State IT Procurement Negotiations, 2017, R7)")
    assert changes["case_studies"].old_value == ""
    assert changes["case_studies"].new_value == "Ohio: consolidating agency data centers into a state private cloud"
    assert changes["recommendations"].item_version == version + 1
    assert SignOff.objects.standing().filter(item=item).count() == 1  # citing is not the signed scope


def test_saving_the_same_links_again_changes_nothing(client: Client, idaho: StateWithItem) -> None:
    item = idaho.item
    item.recommendations.add(rec(*R3))
    form = signed_in(client, idaho.cio).get(url("item_edit", item.pk)).context["form"]
    assert form.initial["recommendations"] == [rec(*R3).pk]

    data = edit_data(item, version=item.version, recommendations=[rec(*R3).pk])
    client.post(url("item_edit", item.pk), data)

    assert Item.objects.get(pk=item.pk).version == item.version
    assert not Activity.objects.filter(item=item, verb=Activity.Verb.FIELD_CHANGED).exists()


def test_a_stale_form_cannot_overwrite_links_changed_since(client: Client, idaho: StateWithItem) -> None:
    item = idaho.item
    opened_at = item.version
    services.edit_item(item, by=idaho.cpo, expected_version=opened_at, recommendations=[rec(*R7)])

    data = edit_data(item, version=opened_at, recommendations=[rec(*R3).pk])
    response = signed_in(client, idaho.cio).post(url("item_edit", item.pk), data)

    assert response.status_code == 200 and response.context["stale"]
    assert [r.number for r in Item.objects.get(pk=item.pk).recommendations.all()] == ["R7"]


def test_the_item_page_lists_what_it_cites_with_links(client: Client, idaho: StateWithItem) -> None:
    r3, ohio = rec(*R3), study("ohio-data-center-consolidation")
    idaho.item.recommendations.add(r3)
    idaho.item.case_studies.add(ohio)

    html = signed_in(client, idaho.viewer).get(url("item", idaho.item.pk)).content.decode()

    assert f'href="/recommendations/{r3.pk}/">Name a point of contact' in html
    # Named by its words and its publication, not by "R3" alone.
    assert "State IT Procurement Negotiations, 2017, R3</span>" in html
    assert f'href="/case-studies/{ohio.slug}/">{ohio.title}</a>' in html


def test_an_item_that_cites_nothing_shows_no_library_section(client: Client, idaho: StateWithItem) -> None:
    html = signed_in(client, idaho.cio).get(url("item", idaho.item.pk)).content.decode()
    assert 'data-testid="library-links"' not in html


def test_citations_cost_a_query_each_whatever_their_number(client: Client, idaho: StateWithItem) -> None:
    """An item citing nothing (most items) costs no query for the library; citing recommendations
    costs one, case studies one more, and that stays so however many are cited."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(client, idaho.cio)
    client.get(url("item", idaho.item.pk))  # the first request of a session writes its start time

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("item", idaho.item.pk))
        assert response.status_code == 200
        return len(queries)

    citing_nothing = cost()
    idaho.item.recommendations.set([rec(*R3)])
    citing_one = cost()
    idaho.item.case_studies.set([study("ohio-data-center-consolidation")])
    citing_both = cost()
    idaho.item.recommendations.set(Recommendation.objects.all())
    idaho.item.case_studies.set(CaseStudy.objects.all())
    citing_everything = cost()

    assert (citing_one, citing_both) == (citing_nothing + 1, citing_nothing + 2)
    assert citing_everything == citing_both
