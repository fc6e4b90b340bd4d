"""Plan pages: dashboard, item lists, My updates, starting a plan, sharing and turnover."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client

from actionplan import services
from actionplan.models import Activity, Item, Plan, Sharing, Status
from directory.models import Membership
from directory.models import User as UserModel
from library.services import current_framework
from tests import factories

pytestmark = pytest.mark.django_db
Role = Membership.Role
TODAY = datetime.datetime(2026, 11, 2, 15, 0, tzinfo=datetime.UTC)


def signed_in(client: Client, user: UserModel) -> Client:
    client.force_login(user)
    client.get("/")  # the first request after signing in writes the session clocks
    return client


# --- Starting a plan ------------------------------------------------------------------------------


def test_the_cio_starts_the_plan_from_the_framework(client: Client, idaho: dict) -> None:
    signed_in(client, idaho["cio"])
    response = client.post(
        "/plans/start/",
        {
            "jurisdiction": idaho["cio"].memberships.get().jurisdiction_id,
            "framework": current_framework().pk,
            "fiscal_year": 2027,
        },
    )
    plan = Plan.objects.get()
    assert response["Location"] == f"/plans/{plan.pk}/"
    assert plan.items.count() == 21
    assert "is ready, with 21 items" in client.get(response["Location"]).content.decode()


def test_starting_the_same_year_twice_shows_an_error_and_keeps_the_input(
    client: Client, idaho: dict, plan: Plan
) -> None:
    signed_in(client, idaho["cpo"])
    response = client.post(
        "/plans/start/",
        {"jurisdiction": plan.jurisdiction_id, "framework": current_framework().pk, "fiscal_year": 2027},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "already has a plan for FY2027" in body
    assert 'value="2027"' in body
    assert Plan.objects.count() == 1


def test_a_viewer_cannot_start_a_plan(client: Client, idaho: dict) -> None:
    assert signed_in(client, idaho["viewer"]).get("/plans/start/").status_code == 403


# --- Dashboard ---------------------------------------------------------------------------------------


def test_the_dashboard_counts_each_dimension(client: Client, idaho: dict, plan: Plan) -> None:
    i1 = Item.objects.get(plan=plan, framework_item__code="I1")
    services.post_update(i1, author=idaho["cio"], side="cio", status=Status.AT_RISK, progress=10, narrative="Late.")
    t1 = Item.objects.get(plan=plan, framework_item__code="T1")
    services.sign_off(t1, by=idaho["cio"], side="cio")
    with time_machine.travel(TODAY, tick=False):
        response = signed_in(client, idaho["cpo"]).get(f"/plans/{plan.pk}/")
    cards = {card.dimension.slug: card for card in response.context["cards"]}
    assert [card.total for card in response.context["cards"]] == [5, 5, 6, 5]
    assert cards["interactions"].troubled == 1
    assert cards["teaming"].awaiting_me == 1  # the CIO signed T1; the CPO has not
    assert response.context["totals"]["awaiting_me"] == 1
    assert "posted an update" in response.content.decode()


def test_a_member_of_another_state_gets_404_for_a_private_plan_and_reads_a_shared_one(
    client: Client, plan: Plan
) -> None:
    signed_in(client, factories.make_member("ME", Role.CIO))
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
    Plan.objects.filter(pk=plan.pk).update(sharing=Sharing.PEERS)
    assert client.get(f"/plans/{plan.pk}/").status_code == 200


def test_anyone_reads_a_public_plan_on_its_public_page(client: Client, plan: Plan) -> None:
    # Not public yet: a signed-out visitor is asked to sign in (and brought back).
    assert client.get(f"/plans/{plan.pk}/")["Location"] == f"/sign-in/?next=/plans/{plan.pk}/"
    Plan.objects.filter(pk=plan.pk).update(sharing=Sharing.PUBLIC)
    assert client.get(f"/plans/{plan.pk}/")["Location"] == f"/public/plans/{plan.pk}/"
    assert client.get(f"/public/plans/{plan.pk}/").status_code == 200


# --- Item lists ----------------------------------------------------------------------------------------


def test_the_item_list_filters_by_status_side_owner_due_and_text(client: Client, idaho: dict, plan: Plan) -> None:
    i1 = Item.objects.get(plan=plan, framework_item__code="I1")
    services.post_update(i1, author=idaho["cio"], side="cio", status=Status.BLOCKED, progress=0, narrative="Stuck.")
    signed_in(client, idaho["cio"])
    url = f"/plans/{plan.pk}/items/"

    def titles(**query: object) -> list[str]:
        return [item.title for item in client.get(url, query).context["items"]]

    assert len(titles()) == 21
    assert titles(status="blocked") == [i1.title]
    assert len(titles(side="cpo")) == 4
    assert len(titles(owner=idaho["cpo"].pk)) == 4 + 13  # CPO-side plus joint items
    assert titles(q="rhythm") == ["Meet on a fixed rhythm"]
    with time_machine.travel(datetime.datetime(2027, 7, 15, tzinfo=datetime.UTC), tick=False):
        signed_in(client, idaho["cio"])  # months later: a new session
        assert len(titles(due="overdue")) == 21  # every item is open and due at the end of June
    assert titles(q="no such words") == []


def test_the_owner_filter_offers_the_state_s_members_only(client: Client, idaho: dict, plan: Plan) -> None:
    outsider = factories.make_member("ME", Membership.Role.CIO, full_name="Maine Person")
    signed_in(client, idaho["cio"])
    url = f"/plans/{plan.pk}/items/"

    response = client.get(url, {"owner": outsider.pk})

    form = response.context["filter"].form
    assert "owner" in form.errors
    assert {label for value, label in form.fields["owner"].choices if value} == {
        str(m.user) for m in Membership.objects.filter(jurisdiction__code="ID")
    }


def test_an_owner_who_has_left_is_still_named_in_the_list(client: Client, idaho: dict, plan: Plan) -> None:
    """Rows take their owners from the state's members; someone who left comes from one more query."""
    Membership.objects.filter(user=idaho["cpo"]).update(ended_on=datetime.date(2025, 6, 1))
    signed_in(client, idaho["cio"])

    body = client.get(f"/plans/{plan.pk}/items/").content.decode()

    assert f"CPO: {idaho['cpo'].full_name}" in body


def test_the_dimension_list_shows_only_that_dimension(client: Client, idaho: dict, plan: Plan) -> None:
    response = signed_in(client, idaho["cio"]).get(f"/plans/{plan.pk}/dimensions/budgeting/")
    assert {item.dimension.slug for item in response.context["items"]} == {"budgeting"}
    assert client.get(f"/plans/{plan.pk}/dimensions/nonsense/").status_code == 404


def test_htmx_gets_only_the_results(client: Client, idaho: dict, plan: Plan) -> None:
    response = signed_in(client, idaho["cio"]).get(
        f"/plans/{plan.pk}/items/", {"status": "done"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body
    assert "No item matches these filters" in body


def test_the_item_list_is_paginated_at_50(client: Client, idaho: dict, plan: Plan) -> None:
    for n in range(40):
        factories.make_item(plan, title=f"Extra {n:02}", cio_owner=idaho["cio"], cpo_owner=idaho["cpo"])
    signed_in(client, idaho["cio"])
    first = client.get(f"/plans/{plan.pk}/items/", {"sort": "title"})
    second = client.get(f"/plans/{plan.pk}/items/", {"sort": "title", "page": 2})
    assert len(first.context["items"]) == 50
    assert len(second.context["items"]) == 11
    assert not {i.pk for i in first.context["items"]} & {i.pk for i in second.context["items"]}


# --- My updates ----------------------------------------------------------------------------------------


def test_my_updates_lists_what_i_owe(client: Client, idaho: dict, plan: Plan) -> None:
    overdue = factories.make_item(
        plan,
        title="Overdue one",
        side="cio",
        cio_owner=idaho["cio"],
        due_on=datetime.date(2026, 10, 1),
        created_at=datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC),  # long before TODAY
    )
    soon = factories.make_item(
        plan, title="Due soon", side="cio", cio_owner=idaho["cio"], due_on=datetime.date(2026, 11, 10)
    )
    factories.make_item(
        plan, title="Someone else's", side="cpo", cpo_owner=idaho["cpo"], due_on=datetime.date(2026, 10, 1)
    )
    t1 = Item.objects.get(plan=plan, framework_item__code="T1")
    services.sign_off(t1, by=idaho["cpo"], side="cpo")
    with time_machine.travel(TODAY, tick=False):
        response = signed_in(client, idaho["cio"]).get("/my-updates/")
    sections = {s.key: [i.title for i in s.items] for s in response.context["sections"]}
    assert sections["overdue"] == [overdue.title]
    assert sections["due_soon"] == [soon.title]
    assert sections["sign_off"] == [t1.title]
    assert "Someone else's" not in response.content.decode()
    # Long quiet too (created long before, never updated), but each item is listed once, under its
    # most pressing heading.
    assert overdue.title not in sections["quiet"]


def test_my_updates_says_so_when_nothing_is_owed(client: Client, reference_data: None) -> None:
    response = signed_in(client, factories.make_member("NC", Role.CIO)).get("/my-updates/")
    assert "Your state has no plan yet" in response.content.decode()


# --- Sharing and turnover ------------------------------------------------------------------------------


def test_widening_sharing_from_the_page_waits_for_the_other_office(client: Client, idaho: dict, plan: Plan) -> None:
    signed_in(client, idaho["cio"]).post(f"/plans/{plan.pk}/sharing/", {"level": "peers"})
    plan.refresh_from_db()
    assert (plan.sharing, plan.sharing_requested) == ("private", "peers")
    other = Client()
    dashboard = signed_in(other, idaho["cpo"]).get(f"/plans/{plan.pk}/")
    assert "Your counterpart asks to widen sharing" in dashboard.content.decode()
    other.post(f"/plans/{plan.pk}/sharing/", {"level": "peers"})
    plan.refresh_from_db()
    assert plan.sharing == "peers"


def test_a_viewer_may_read_the_plan_but_not_change_its_sharing(client: Client, idaho: dict, plan: Plan) -> None:
    signed_in(client, idaho["viewer"])
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
    assert client.get(f"/plans/{plan.pk}/sharing/").status_code == 403


def test_turnover_moves_a_departed_cios_items_in_one_action(client: Client, idaho: dict, plan: Plan) -> None:
    Membership.objects.filter(user=idaho["cio"]).update(ended_on=datetime.date(2026, 1, 31))
    successor = factories.make_member("ID", Role.CIO, started_on=datetime.date(2026, 2, 1), full_name="New Cio")
    signed_in(client, idaho["cpo"])
    page = client.get(f"/plans/{plan.pk}/owners/")
    [(vacancy, _form)] = page.context["rows"]
    response = client.post(
        f"/plans/{plan.pk}/owners/", {"vacancy": vacancy.key, f"{vacancy.key}-to_user": successor.pk}, follow=True
    )
    assert "17 items moved from Dana Whitfield to New Cio" in response.content.decode()
    assert not Item.objects.filter(plan=plan, cio_owner=idaho["cio"]).exists()
    assert Activity.objects.filter(plan=plan, verb=Activity.Verb.TRANSFERRED).count() == 17


def test_turnover_refuses_a_successor_from_the_other_side(client: Client, idaho: dict, plan: Plan) -> None:
    Membership.objects.filter(user=idaho["cio"]).update(ended_on=datetime.date(2026, 1, 31))
    signed_in(client, idaho["cpo"])
    key = f"cio-{idaho['cio'].pk}"
    response = client.post(f"/plans/{plan.pk}/owners/", {"vacancy": key, f"{key}-to_user": idaho["cpo"].pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Item.objects.filter(plan=plan, cio_owner=idaho["cio"]).exists()


# --- Query counts: the same for a plan ten times larger ---------------------------------------------


def grow(plan: Plan, idaho: dict, factor: int) -> None:
    """Add items, updates, sign-offs and activity in proportion to `factor`."""
    for n in range(20 * factor):
        item = factories.make_item(
            plan,
            title=f"Grown {n}",
            cio_owner=idaho["cio"],
            cpo_owner=idaho["cpo"],
            due_on=plan.starts_on + datetime.timedelta(days=n),
        )
        services.post_update(
            item, author=idaho["cio"], side="cio", status=Status.ON_TRACK, progress=n % 100, narrative="ok"
        )
        if n % 3 == 0:
            services.sign_off(item, by=idaho["cpo"], side="cpo")


@pytest.mark.parametrize("factor", [1, 10])
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # session, user, memberships, staff memberships, plan, status counts, awaiting sign-off,
        # dimensions, recent activity, the vacancy check (one per side), and the peer benchmark
        # with the hour's peer group not cached yet: every plan, then the pool's and this plan's
        # items (tests/reports/test_benchmarks.py: one query once cached)
        ("/plans/{plan}/", 13),
        # session, user, memberships, staff memberships, plan, dimensions, plan members (the owner
        # filter's choices and the rows' owners), count, page
        ("/plans/{plan}/items/", 9),
        # session, user, memberships, staff memberships, plans, comments to answer (the CIO's own,
        # then the candidates: none here, so whom they mention is not asked), awaiting sign-off,
        # owned items, roundtable proposals (tests/notifications/test_inbox.py pins it with every
        # section full)
        ("/my-updates/", 10),
    ],
)
def test_plan_pages_make_the_same_number_of_queries_whatever_the_size(
    client: Client, idaho: dict, plan: Plan, django_assert_num_queries, factor: int, path: str, queries: int
) -> None:
    grow(plan, idaho, factor)
    signed_in(client, idaho["cio"])
    with django_assert_num_queries(queries):
        assert client.get(path.format(plan=plan.pk)).status_code == 200
