"""Rules the database itself keeps about people and roles."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from directory.models import Jurisdiction, Membership, Side
from tests import factories

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_stored_lowercase() -> None:
    user = factories.make_user(email="Dana.Whitfield@ID.Example")
    assert user.email == "dana.whitfield@id.example"
    assert user.check_password(factories.PASSWORD)


def test_a_jurisdiction_has_one_current_cio_at_a_time() -> None:
    factories.make_member("ID", Membership.Role.CIO)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_member("ID", Membership.Role.CIO)


def test_a_new_cio_may_follow_one_whose_term_ended() -> None:
    factories.make_member("ID", Membership.Role.CIO, ended_on=datetime.date(2025, 6, 30))
    successor = factories.make_member("ID", Membership.Role.CIO, started_on=datetime.date(2025, 7, 1))
    assert (
        Membership.objects.active(datetime.date(2025, 7, 1)).get(jurisdiction__code="ID", role="cio").user == successor
    )


def test_delegates_are_not_limited_to_one_per_jurisdiction() -> None:
    factories.make_member("ME", Membership.Role.CPO_DELEGATE)
    factories.make_member("ME", Membership.Role.CPO_DELEGATE)
    assert Membership.objects.filter(jurisdiction__code="ME", role="cpo_delegate").count() == 2


def test_a_membership_cannot_end_before_it_starts() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_member("NC", started_on=datetime.date(2025, 5, 1), ended_on=datetime.date(2025, 4, 1))


def test_active_memberships_exclude_ended_and_future_ones() -> None:
    day = datetime.date(2025, 3, 1)
    current = factories.make_member("NC", Membership.Role.CPO, started_on=datetime.date(2025, 1, 1))
    factories.make_member("NC", Membership.Role.VIEWER, started_on=datetime.date(2025, 1, 1), ended_on=day)
    factories.make_member("NC", Membership.Role.CIO_DELEGATE, started_on=datetime.date(2025, 4, 1))
    assert [m.user for m in Membership.objects.active(day).filter(jurisdiction__code="NC")] == [current]


@pytest.mark.parametrize(
    ("role", "side", "counterparts"),
    [
        (Membership.Role.CIO, Side.CIO, ["cpo"]),
        (Membership.Role.CIO_DELEGATE, Side.CIO, ["cpo"]),
        (Membership.Role.CPO, Side.CPO, ["cio"]),
        (Membership.Role.CPO_DELEGATE, Side.CPO, ["cio"]),
        (Membership.Role.VIEWER, None, ["cio", "cpo"]),
    ],
)
def test_each_role_acts_for_one_side_and_faces_the_other(role: str, side: Side | None, counterparts: list[str]) -> None:
    membership = Membership(role=role)
    assert membership.side == side
    assert membership.counterpart_roles == counterparts


def test_fiscal_year_month_outside_1_to_12_is_refused_by_the_database() -> None:
    place = factories.jurisdiction("TX")
    with pytest.raises(IntegrityError), transaction.atomic():
        Jurisdiction.objects.filter(pk=place.pk).update(fiscal_year_start_month=13)
