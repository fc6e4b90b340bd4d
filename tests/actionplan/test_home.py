"""The home page: a state member's jurisdiction and counterparts; staff's national roster."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from directory.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

Role = Membership.Role


def test_a_cio_sees_their_state_their_cpo_and_the_four_dimensions(client: Client, reference_data: None) -> None:
    cio = factories.make_member("ID", Role.CIO, full_name="Dana Whitfield")
    factories.make_member("ID", Role.CPO, full_name="Marcus Oyelaran")
    factories.make_member("ID", Role.CIO_DELEGATE, full_name="Priya Raman")
    factories.make_member("ME", Role.CPO, full_name="Someone Elsewhere")
    client.force_login(cio)
    response = client.get("/")
    body = response.content.decode()
    [entry] = response.context["my_jurisdictions"]
    assert entry.jurisdiction.code == "ID"
    assert [m.user.full_name for m in entry.counterparts] == ["Marcus Oyelaran"]
    assert [m.user.full_name for m in entry.colleagues] == ["Priya Raman"]
    assert "Someone Elsewhere" not in body
    assert "Budgeting and forecasting" in body
    assert response.context["national"] == []


def test_a_cpo_sees_the_cio_as_counterpart(client: Client, reference_data: None) -> None:
    factories.make_member("ME", Role.CIO, full_name="Elena Brooks")
    cpo = factories.make_member("ME", Role.CPO)
    client.force_login(cpo)
    [entry] = client.get("/").context["my_jurisdictions"]
    assert [m.user.full_name for m in entry.counterparts] == ["Elena Brooks"]


def test_a_member_whose_counterpart_is_missing_is_told_what_to_do(client: Client, reference_data: None) -> None:
    client.force_login(factories.make_member("NC", Role.CIO))
    assert "has no counterpart in Joint Plan yet" in client.get("/").content.decode()


def test_a_former_cpo_is_not_shown_as_counterpart(client: Client, reference_data: None) -> None:
    factories.make_member("NC", Role.CPO, full_name="Gone Already", ended_on=datetime.date(2025, 6, 1))
    client.force_login(factories.make_member("NC", Role.CIO))
    assert "Gone Already" not in client.get("/").content.decode()


def test_staff_see_every_jurisdiction_with_its_cio_and_cpo(client: Client, reference_data: None) -> None:
    factories.make_member("TX", Role.CIO, full_name="Texas Cio")
    staff = factories.make_staff("NASPO")
    client.force_login(staff)
    response = client.get("/")
    national = response.context["national"]
    assert len(national) == 56
    texas = next(j for j in national if j.code == "TX")
    assert texas.cio.full_name == "Texas Cio"
    assert texas.cpo is None
    assert response.context["national_gaps"] == 56
    assert "NASPO staff" in response.content.decode()


def test_state_members_do_not_see_the_national_roster(client: Client, reference_data: None) -> None:
    factories.make_member("TX", Role.CIO, full_name="Texas Cio")
    client.force_login(factories.make_member("ID", Role.CIO))
    response = client.get("/")
    assert response.context["national"] == []
    assert "Texas Cio" not in response.content.decode()


def test_an_account_without_a_role_is_told_how_to_get_one(client: Client, reference_data: None) -> None:
    client.force_login(factories.make_user())
    assert "not linked to a jurisdiction yet" in client.get("/").content.decode()


def _populate(codes: list[str]) -> None:
    for code in codes:
        factories.make_member(code, Role.CIO)
        factories.make_member(code, Role.CPO)
        factories.make_member(code, Role.CIO_DELEGATE)


# Session, user, my memberships, my staff memberships (header), then the roster, the count of roundtable
# outcomes awaiting the state's decision and dimensions for a member (7), or the jurisdictions, their
# leaders and dimensions for staff (7). The same number whatever the data size.
# The first request after signing in also writes the session clocks, so each test warms up first.
@pytest.mark.parametrize("codes", [["ID"], ["ID", "ME", "NC", "TX", "OH", "GA", "CO", "WI", "CA", "NY"]])
def test_home_query_count_for_a_state_member_does_not_grow_with_data(
    client: Client, reference_data: None, django_assert_num_queries, codes: list[str]
) -> None:
    _populate(codes)
    member = Membership.objects.filter(jurisdiction__code="ID", role=Role.CIO).get().user
    client.force_login(member)
    client.get("/")
    with django_assert_num_queries(7):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("codes", [["ID"], ["ID", "ME", "NC", "TX", "OH", "GA", "CO", "WI", "CA", "NY"]])
def test_home_query_count_for_staff_does_not_grow_with_data(
    client: Client, reference_data: None, django_assert_num_queries, codes: list[str]
) -> None:
    _populate(codes)
    client.force_login(factories.make_staff("NASCIO"))
    client.get("/")
    # The national dashboard above the roster is kept a minute (reports/views/national.py), so this
    # second look adds no query; its own count is pinned in tests/reports/test_national.py.
    with django_assert_num_queries(7):
        assert client.get("/").status_code == 200
