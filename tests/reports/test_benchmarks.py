"""Peer benchmarks on a plan's dashboard and staff's named comparison: which plans contribute, the
k = 5 threshold as a state sees it, one pool for every viewer, and a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from time_machine import TimeMachineFixture

from actionplan.demo import national_sharing
from actionplan.models import Plan, Sharing, Status
from directory.models import Jurisdiction, Membership, User
from library.models import Dimension
from reports import benchmarks
from tests import factories

pytestmark = pytest.mark.django_db
Role = Membership.Role

NOW = datetime.datetime(2026, 12, 9, 17, 0, tzinfo=datetime.UTC)
PEERS = ["ME", "NC", "WA", "OR", "CA", "TX", "NY", "FL", "OH", "GA", "MI", "PA", "VA", "CO", "AZ"]


@pytest.fixture(autouse=True)
def clock(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def author(reference_data: None) -> User:
    return factories.make_user(email="author@example.org")


def state(
    code: str,
    author: User,
    *,
    sharing: str = Sharing.PEERS,
    done: int = 2,
    items: int = 5,
    period: str = "FY2027",
    starts_on: datetime.date = datetime.date(2026, 7, 1),
    ends_on: datetime.date = datetime.date(2027, 6, 30),
) -> Plan:
    """`code`'s plan for `period` with `items` items in the first dimension, `done` of them done."""
    made = factories.make_plan(code, period, sharing=sharing, starts_on=starts_on, ends_on=ends_on)
    for n in range(items):
        factories.make_item(
            made,
            created_by=author,
            status=Status.DONE if n < done else Status.ON_TRACK,
            progress=100 if n < done else 50,
        )
    return made


def dashboard(client: Client, user: User, plan: Plan) -> str:
    client.force_login(user)
    response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def beside_peers(plan: Plan) -> benchmarks.Comparison:
    return benchmarks.plan_beside_peers(plan, list(Dimension.objects.all()), now=NOW, today=NOW.date())


# --- Who contributes --------------------------------------------------------------------------------


def test_only_each_states_standing_plan_shared_with_other_states_contributes(author: User) -> None:
    idaho = state("ID", author, sharing=Sharing.PRIVATE)
    maine = state("ME", author, sharing=Sharing.PEERS)
    carolina = state("NC", author, sharing=Sharing.PUBLIC)
    # Washington's past plan was shared; the one that stands today is private.
    state(
        "WA",
        author,
        sharing=Sharing.PEERS,
        period="FY2026",
        starts_on=datetime.date(2025, 7, 1),
        ends_on=datetime.date(2026, 6, 30),
    )
    state("WA", author, sharing=Sharing.PRIVATE)
    # Oregon's next plan is shared; today its private current plan stands.
    state("OR", author, sharing=Sharing.PRIVATE)
    state(
        "OR",
        author,
        sharing=Sharing.PEERS,
        period="FY2028",
        starts_on=datetime.date(2027, 7, 1),
        ends_on=datetime.date(2028, 6, 30),
    )

    group = beside_peers(idaho).group
    assert group.members == {maine.pk, carolina.pk}


def test_a_private_plan_changes_nothing_the_peers_see(author: User) -> None:
    plans = [state(code, author, done=n % 3 + 1) for n, code in enumerate(PEERS[:6])]
    before = beside_peers(plans[0]).group.distributions
    state("ID", author, sharing=Sharing.PRIVATE, done=5)  # every item done: it would move the quartiles
    cache.clear()
    after = beside_peers(plans[0]).group
    assert after.distributions == before
    assert len(after.members) == 6


# --- The threshold, as a state sees it -------------------------------------------------------------------


def test_with_four_sharing_states_a_private_state_sees_why_and_how_to_join(client: Client, author: User) -> None:
    idaho = state("ID", author, sharing=Sharing.PRIVATE)
    for code in PEERS[:4]:
        state(code, author)
    page = dashboard(client, factories.make_member("ID", Role.CIO), idaho)
    assert "Peer comparison appears once at least 5 states share their plans with peers; 4 do today." in page
    assert f'href="/plans/{idaho.pk}/sharing/"' in page
    assert "Peers: median" not in page
    assert "about 40%" not in page


def test_a_viewer_below_the_threshold_is_told_who_can_share(client: Client, author: User) -> None:
    idaho = state("ID", author, sharing=Sharing.PRIVATE)
    for code in PEERS[:2]:
        state(code, author)
    page = dashboard(client, factories.make_member("ID", Role.VIEWER), idaho)
    assert "2 do today" in page
    assert "Your state’s CIO or CPO can share it with peers" in page
    assert "/sharing/" not in page


def test_a_sharing_state_below_the_threshold_is_counted_among_them(client: Client, author: User) -> None:
    idaho = state("ID", author)
    for code in PEERS[:3]:
        state(code, author)
    page = dashboard(client, factories.make_member("ID", Role.CIO), idaho)
    assert "4 do today" in page
    assert "Idaho’s plan is already one of them, with 3 others." in page


def test_with_five_sharing_states_the_quartiles_are_shown(client: Client, author: User) -> None:
    idaho = state("ID", author, sharing=Sharing.PRIVATE, done=1)
    for code in PEERS[:5]:
        state(code, author, done=2)  # 40% done each
    page = dashboard(client, factories.make_member("ID", Role.CIO), idaho)
    assert "Peer comparison appears once" not in page
    assert "Peers: lower quartile" in page and "Peers: median" in page and "Peers: upper quartile" in page
    assert page.count("<td>about 40%</td>") == 3
    assert "<td>20%</td>" in page  # Idaho's own figure, exact
    assert "Idaho has 20% of its items done; that is below the peers’ median of about 40%." in page


def test_a_state_in_the_pool_is_one_of_the_five(client: Client, author: User) -> None:
    idaho = state("ID", author)
    for code in PEERS[:4]:
        state(code, author)
    page = dashboard(client, factories.make_member("ID", Role.CPO), idaho)
    assert "beside the 5 states that share their plans with peers, Idaho among them" in page
    assert page.count("<td>about 40%</td>") == 3


# --- One pool for every viewer -------------------------------------------------------------------------


def test_every_state_sees_the_same_peer_figures(client: Client, author: User) -> None:
    """Not a pool per viewer ("everyone but me"): two states in the pool see one distribution, so
    their two views, which would otherwise differ by exactly those two states, reveal neither."""
    idaho, maine = state("ID", author, done=0), state("ME", author, done=5)
    for n, code in enumerate(PEERS[1:7]):
        state(code, author, done=n % 4 + 1)
    seen = []
    for code, plan in (("ID", idaho), ("ME", maine)):
        client.force_login(factories.make_member(code, Role.CIO))
        response = client.get(f"/plans/{plan.pk}/")
        seen.append(response.context["benchmark"].group)
    assert seen[0].distributions == seen[1].distributions
    assert {idaho.pk, maine.pk} <= seen[0].members


def test_the_peer_group_is_kept_for_the_hour(author: User, time_machine: TimeMachineFixture) -> None:
    plans = [state(code, author) for code in PEERS[:5]]
    first = beside_peers(plans[0]).group
    state("ID", author)  # joins the pool
    assert beside_peers(plans[0]).group == first
    time_machine.move_to(NOW + datetime.timedelta(hours=1), tick=False)
    later = benchmarks.plan_beside_peers(
        plans[0], list(Dimension.objects.all()), now=NOW + datetime.timedelta(hours=1), today=NOW.date()
    ).group
    assert later.size == 6


# --- Queries -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sharing_states", [5, 15])
def test_the_benchmark_makes_two_queries_then_one_whatever_the_number_of_states(
    author: User, django_assert_num_queries: DjangoAssertNumQueries, sharing_states: int
) -> None:
    plans = [state(code, author) for code in PEERS[:sharing_states]]
    dimensions = list(Dimension.objects.all())
    with django_assert_num_queries(2):  # every plan; the pool's and this plan's items
        benchmarks.plan_beside_peers(plans[0], dimensions, now=NOW, today=NOW.date())
    with django_assert_num_queries(1):  # this plan's items
        benchmarks.plan_beside_peers(plans[-1], dimensions, now=NOW, today=NOW.date())


def test_a_plans_own_figures_are_kept_until_its_next_change(
    author: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    plans = [state(code, author) for code in PEERS[:5]]
    dimensions = list(Dimension.objects.all())
    benchmarks.plan_beside_peers(plans[0], dimensions, now=NOW, today=NOW.date(), changed=7)
    with django_assert_num_queries(0):  # nothing changed in the plan since: kept
        benchmarks.plan_beside_peers(plans[0], dimensions, now=NOW, today=NOW.date(), changed=7)
    with django_assert_num_queries(1):  # a newer activity: counted again
        benchmarks.plan_beside_peers(plans[0], dimensions, now=NOW, today=NOW.date(), changed=8)


# --- Other plans of the state; who sees it ---------------------------------------------------------


def test_a_past_plan_points_to_the_current_one(client: Client, author: User) -> None:
    past = state("ID", author, period="FY2026", starts_on=datetime.date(2025, 7, 1), ends_on=datetime.date(2026, 6, 30))
    current = state("ID", author)
    page = dashboard(client, factories.make_member("ID", Role.CIO), past)
    assert "Peer comparison is shown on Idaho’s current plan" in page
    assert f'href="/plans/{current.pk}/"' in page
    assert "Peers: median" not in page


def test_another_state_reading_a_shared_plan_is_not_shown_its_standing(client: Client, author: User) -> None:
    idaho = state("ID", author)
    for code in PEERS[:5]:
        state(code, author)
    page = dashboard(client, factories.make_member("ME", Role.CIO), idaho)
    assert "Among its peers" not in page


def test_staff_see_the_comparison_and_a_link_to_the_named_one(client: Client, author: User) -> None:
    idaho = state("ID", author)
    for code in PEERS[:5]:
        state(code, author)
    page = dashboard(client, factories.make_staff("NASCIO"), idaho)
    first = Dimension.objects.order_by("position").first()
    assert first is not None
    assert "Among its peers" in page
    assert '<th scope="col">Idaho</th>' in page
    assert f'href="/national/benchmarks/{first.slug}/"' in page


# --- Staff's named comparison -------------------------------------------------------------------------


def test_staff_compare_every_state_by_name(client: Client, author: User) -> None:
    state("ID", author, sharing=Sharing.PRIVATE, done=5)
    for code in PEERS[:5]:
        state(code, author)
    client.force_login(factories.make_staff("NASPO"))
    dimension = Dimension.objects.first()
    assert dimension is not None
    response = client.get(f"/national/benchmarks/{dimension.slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Idaho", "Maine", "North Carolina", "Washington", "Oregon", "California"):
        assert f'<th scope="row">{name}</th>' in page
    assert "No: private" in page
    assert "<td>100%</td>" in page  # Idaho's, by name
    assert "40%, 40%, 40%" in page  # the exact quartiles of the five that share
    assert "50 jurisdictions have no plan yet." in page


def test_the_named_comparison_of_an_unknown_dimension_is_not_found(client: Client, reference_data: None) -> None:
    client.force_login(factories.make_staff("NASPO"))
    assert client.get("/national/benchmarks/no-such-thing/").status_code == 404


def test_the_national_demo_gives_the_benchmark_peers_and_some_private_plans(reference_data: None) -> None:
    levels = Counter(national_sharing(code) for code in Jurisdiction.objects.values_list("code", flat=True))
    assert levels[Sharing.PEERS] + levels[Sharing.PUBLIC] >= 30
    assert levels[Sharing.PRIVATE] >= 10
    assert levels[Sharing.PUBLIC] >= 1
