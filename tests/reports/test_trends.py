"""The trends pages: what they say and draw from the weekly snapshots, who reads which state's
(exactly who reads its plan, signed in), their empty states, the period filter, and query counts
that do not grow with the weeks or the plans."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from time_machine import TimeMachineFixture

from actionplan.models import Plan, Sharing
from directory.models import Membership, User
from reports import snapshots
from tests import factories
from tests.factories import make_snapshot
from tests.notifications.helpers import NOW, days

pytestmark = pytest.mark.django_db

Role = Membership.Role
# NOW is Wednesday 9 December 2026; its ISO week began on Monday the 7th.
THIS_MONDAY = datetime.date(2026, 12, 7)


def weeks_ago(n: int) -> datetime.date:
    return THIS_MONDAY - datetime.timedelta(weeks=n)


def text(response: object) -> str:
    """The page's words, tags stripped and spaces collapsed."""
    html = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def idaho_plan(reference_data: None, clock: TimeMachineFixture) -> Plan:
    return factories.make_plan("ID")


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- What the pages say -----------------------------------------------------------------------------


def test_a_state_page_charts_its_plan_week_by_week_with_tables_and_a_summary(client: Client, idaho_plan: Plan) -> None:
    for n, done in [(8, 1), (4, 2), (0, 3)]:
        make_snapshot(
            idaho_plan,
            weeks_ago(n),
            items=10,
            done=done,
            progress=10 * done,
            cio_fresh=8,
            cio_late=1,
            cpo_never=9 - done,
        )
    cio = factories.make_member("ID", Role.CIO, tz="America/Boise")

    response = signed_in(client, cio).get(reverse("reports:state_trends", args=["id"]))

    assert response.status_code == 200
    page = text(response)
    assert (
        "Idaho’s share of items done rose from 10% to 30% over 8 weeks; average progress rose from 10% to 30%." in page
    )
    assert "on the CIO side" in page and "on the CPO side" in page
    html = response.content.decode()
    assert html.count('role="img"') == 3
    assert html.count("<table") == 3
    assert 'aria-labelledby="chart-progress-title"' in html
    # Nine weeks from the first to the last; the six not recorded say so and break the line.
    assert html.count('<th scope="row">Week of') == 3 * 9
    assert page.count("no figure") >= 6 * 2
    assert "Week of Oct 12, 2026 10% 10%" in page
    # The latest snapshot's time, in the reader's zone (Mountain time: Sunday evening).
    assert "Dec 6, 2026, 5:05 p.m." in page
    assert " style=" not in html


def test_the_national_page_adds_up_the_states_and_lists_each(client: Client, idaho_plan: Plan) -> None:
    maine = factories.make_plan("ME")
    make_snapshot(idaho_plan, weeks_ago(2), items=10, done=0)
    make_snapshot(idaho_plan, weeks_ago(0), items=10, done=4)
    make_snapshot(maine, weeks_ago(0), items=10, done=6)
    staff = factories.make_staff("NASCIO")

    response = signed_in(client, staff).get(reverse("reports:trends"))

    page = text(response)
    assert "The national share of items done rose from 0% to 50% over 2 weeks" in page
    assert "2 states with a plan in its period" in page
    assert "Idaho FY2027 40% +40 points since Nov 23" in page
    assert "Maine FY2027 60% first week" in page
    assert reverse("reports:state_trends", args=["ID"]) in response.content.decode()
    # The spread across states: lowest, quartiles, median, highest.
    assert "Governance and organizational structure 40% 45% 50% 55% 60%" in page


def test_a_state_with_one_snapshot_says_the_trend_comes_next_week(client: Client, idaho_plan: Plan) -> None:
    make_snapshot(idaho_plan, THIS_MONDAY, items=4, done=1, progress=40)
    cio = factories.make_member("ID", Role.CIO)

    page = text(signed_in(client, cio).get(reverse("reports:state_trends", args=["ID"])))

    assert "One weekly snapshot so far (week of dec 7, 2026): 25% of items done, average progress 40%." in page
    assert "The trend appears from the next snapshot." in page


def test_a_plan_with_no_snapshot_yet_says_when_the_first_is_due(client: Client, idaho_plan: Plan) -> None:
    cio = factories.make_member("ID", Role.CIO, tz="America/Boise")

    page = text(signed_in(client, cio).get(reverse("reports:state_trends", args=["ID"])))

    assert "No weekly snapshot of Idaho FY2027 in this period" in page
    assert "A plan in its period is recorded within the hour of starting, then every Monday" in page
    assert "The next snapshot is due Dec 13, 2026, 5 p.m. your time (Monday, midnight UTC)." in page
    assert "the plan’s dashboard" in page


def test_a_state_with_no_plan_says_who_starts_one(client: Client, reference_data: None) -> None:
    cio = factories.make_member("UT", Role.CIO)
    viewer = factories.make_member("UT", Role.VIEWER)

    assert "Start the plan" in text(signed_in(client, cio).get(reverse("reports:state_trends", args=["UT"])))
    page = text(signed_in(client, viewer).get(reverse("reports:state_trends", args=["UT"])))
    assert "Utah has no plan yet" in page and "Its CIO or CPO starts one" in page


def test_the_national_page_before_any_snapshot_says_what_comes_next(client: Client, reference_data: None) -> None:
    page = text(signed_in(client, factories.make_staff()).get(reverse("reports:trends")))

    assert "No weekly snapshot in this period yet" in page
    assert "Trends appear after the first weekly snapshot" in page


def test_a_period_with_no_snapshot_points_to_the_older_ones(client: Client, idaho_plan: Plan) -> None:
    make_snapshot(idaho_plan, weeks_ago(30))
    cio = factories.make_member("ID", Role.CIO)

    page = text(signed_in(client, cio).get(reverse("reports:state_trends", args=["ID"]), {"weeks": "13"}))

    assert "Its snapshots are older than this period: show every week recorded" in page


def test_an_unknown_period_is_ignored_with_a_note_and_every_week_can_be_shown(client: Client, idaho_plan: Plan) -> None:
    make_snapshot(idaho_plan, weeks_ago(40), done=1)
    make_snapshot(idaho_plan, weeks_ago(1), done=2)
    make_snapshot(idaho_plan, weeks_ago(0), done=3)
    cio = factories.make_member("ID", Role.CIO)
    signed_in(client, cio)
    url = reverse("reports:state_trends", args=["ID"])

    odd = text(client.get(url, {"weeks": "fortnight"}))
    every = text(client.get(url, {"weeks": "all"}))

    assert "“fortnight” is not a period this page offers; showing the last 26 weeks." in odd
    assert "rose from 20% to 30% over 1 week" in odd
    assert "rose from 10% to 30% over 40 weeks" in every


def test_two_plans_of_a_state_in_one_week_count_once_by_the_standing_plan(client: Client, idaho_plan: Plan) -> None:
    # FY2028 starts early, on 1 December 2026, beside FY2027: the later one stands, as on the national dashboard.
    next_year = factories.make_plan(
        "ID", "FY2028", starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2027, 11, 30)
    )
    make_snapshot(idaho_plan, weeks_ago(1), items=10, done=2)
    make_snapshot(idaho_plan, THIS_MONDAY, items=10, done=5)
    make_snapshot(next_year, THIS_MONDAY, items=10, done=0)

    page = text(signed_in(client, factories.make_staff()).get(reverse("reports:trends")))

    assert "The national share of items done fell from 20% to 0% over 1 week" in page
    assert "1 state with a plan in its period" in page


# --- Who reads which state's trends -----------------------------------------------------------------


@pytest.mark.parametrize("sharing", [Sharing.PRIVATE, Sharing.PEERS, Sharing.PUBLIC])
def test_a_states_trends_go_exactly_as_far_as_its_plan_does_and_never_to_the_signed_out(
    client: Client, people: dict[str, User | None], clock: TimeMachineFixture, sharing: str
) -> None:
    plan = factories.make_plan("ID", sharing=sharing)
    make_snapshot(plan, THIS_MONDAY, done=2)
    outsider = factories.make_user(email="nobody@example.org")  # signed in, no role anywhere
    trends = reverse("reports:state_trends", args=["ID"])
    dashboard = reverse("actionplan:plan", args=[plan.pk])
    for persona, user in [*people.items(), ("outsider", outsider)]:
        client.logout()
        if user is None:
            assert client.get(trends)["Location"].startswith("/sign-in/")
            continue
        client.force_login(user)
        expected = 200 if client.get(dashboard).status_code == 200 else 404
        assert client.get(trends).status_code == expected, f"{persona} on a {sharing} plan"


def test_another_states_member_sees_only_the_weeks_of_plans_shared_with_them(
    client: Client, people: dict[str, User | None], clock: TimeMachineFixture
) -> None:
    earlier = factories.make_plan(
        "ID", "FY2026", starts_on=datetime.date(2025, 7, 1), ends_on=datetime.date(2026, 6, 30)
    )
    shared = factories.make_plan("ID", sharing=Sharing.PEERS)
    make_snapshot(earlier, datetime.date(2026, 6, 22), done=9)
    make_snapshot(shared, weeks_ago(1), done=1)
    make_snapshot(shared, THIS_MONDAY, done=2)
    maine_cio = people["cio_B"]
    assert maine_cio is not None

    page = text(signed_in(client, maine_cio).get(reverse("reports:state_trends", args=["ID"]), {"weeks": "all"}))

    assert "rose from 10% to 20% over 1 week" in page
    assert "90%" not in page and "FY2026" not in page


def test_the_national_page_is_for_staff_only(client: Client, people: dict[str, User | None], idaho_plan: Plan) -> None:
    make_snapshot(idaho_plan, THIS_MONDAY)
    for persona in ("cio_A", "viewer_A", "cio_B"):
        user = people[persona]
        assert user is not None
        client.force_login(user)
        assert client.get(reverse("reports:trends")).status_code == 404, persona


# --- Links in -----------------------------------------------------------------------------------------


def test_the_plan_dashboard_links_to_the_states_trends(client: Client, idaho_plan: Plan) -> None:
    cio = factories.make_member("ID", Role.CIO)

    html = signed_in(client, cio).get(reverse("actionplan:plan", args=[idaho_plan.pk])).content.decode()

    assert f'href="{reverse("reports:state_trends", args=["ID"])}"' in html


def test_staff_find_the_national_trends_in_the_header(client: Client, reference_data: None) -> None:
    html = signed_in(client, factories.make_staff()).get(reverse("actionplan:home")).content.decode()

    assert f'href="{reverse("reports:trends")}"' in html


# --- Query counts ---------------------------------------------------------------------------------------


def _country(weeks: int, codes: list[str]) -> None:
    for code in codes:
        plan = factories.make_plan(code)
        for n in range(weeks):
            make_snapshot(plan, weeks_ago(n), done=n % 10)


@pytest.mark.parametrize(("weeks", "codes"), [(2, ["ID"]), (26, ["ID", "ME", "NC", "UT", "WA", "OR"])])
def test_the_national_page_reads_a_fixed_number_of_queries(
    client: Client, reference_data: None, clock: TimeMachineFixture, django_assert_num_queries: DjangoAssertNumQueries,
    weeks: int, codes: list[str],
) -> None:  # fmt: skip
    _country(weeks, codes)
    signed_in(client, factories.make_staff())

    # Session, user, staff memberships; snapshots, their plans, dimensions; memberships (header);
    # the session's last activity saved (a savepoint, the update, its release).
    with django_assert_num_queries(10):
        assert client.get(reverse("reports:trends")).status_code == 200


@pytest.mark.parametrize(("weeks", "codes"), [(2, ["ID"]), (26, ["ID", "ME", "NC"])])
def test_a_state_page_reads_a_fixed_number_of_queries(
    client: Client, reference_data: None, clock: TimeMachineFixture, django_assert_num_queries: DjangoAssertNumQueries,
    weeks: int, codes: list[str],
) -> None:  # fmt: skip
    _country(weeks, codes)
    signed_in(client, factories.make_member("ID", Role.CIO))

    # Session, user, jurisdiction, staff memberships, memberships, the state's plans; snapshots, their
    # plans, dimensions; the session's last activity saved (a savepoint, the update, its release).
    with django_assert_num_queries(12):
        assert client.get(reverse("reports:state_trends", args=["ID"])).status_code == 200


def test_snapshots_recorded_by_the_task_show_on_the_pages(
    client: Client, idaho_plan: Plan, clock: TimeMachineFixture
) -> None:
    cio = factories.make_member("ID", Role.CIO)
    factories.make_item(idaho_plan, created_at=NOW - days(100))
    snapshots.record_snapshots()
    clock.move_to(NOW + days(7), tick=False)
    snapshots.record_snapshots()

    page = text(signed_in(client, cio).get(reverse("reports:state_trends", args=["ID"])))

    assert "Idaho’s share of items done stayed at 0% over 1 week" in page
