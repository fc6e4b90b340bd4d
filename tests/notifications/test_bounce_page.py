"""The staff list of addresses that bounce: each open flag with its person, their roles (linked to
the state's people page), the address, why and when; marking one resolved takes it off the list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from directory.models import User
from notifications.models import AddressBounce
from tests import factories
from tests.factories import State
from tests.notifications.bounce_helpers import DOMAIN, handle, report, sent_to

pytestmark = pytest.mark.django_db
# The session (read, then saved) and its user, the viewer's roles for the menu and the staff check,
# the flags with their people, and those people's roles: none per flag.
QUERIES = 9


@pytest.fixture(autouse=True)
def reply_domain(settings: Settings) -> None:
    settings.REPLY_DOMAIN = DOMAIN


@pytest.fixture
def staff() -> User:
    return factories.make_staff("NASPO", email="director@naspo.example", full_name="Alex Rivera")


def test_staff_see_each_open_flag_and_mark_it_resolved(client: Client, idaho: State, staff: User) -> None:
    handle(report(sent_to(idaho.cio)))
    client.force_login(staff)

    page = client.get("/email/bounces/").content.decode()
    assert "Dana Whitfield" in page and "dana@idaho.example" in page
    assert "Recipient address rejected" in page and 'href="/states/ID/people/"' in page

    flag = AddressBounce.objects.get()
    response = client.post(f"/email/bounces/{flag.pk}/resolve/")
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.cleared_at is not None
    assert "No address bounces at the moment." in client.get("/email/bounces/").content.decode()
    again = client.post(f"/email/bounces/{flag.pk}/resolve/", follow=True)
    assert "was already marked resolved" in again.content.decode()


def test_a_person_with_no_current_role_is_listed_as_such(client: Client, idaho: State, staff: User) -> None:
    former = factories.make_user(email="former@idaho.example", full_name="Former Official")
    handle(report(sent_to(former)))
    client.force_login(staff)

    page = client.get("/email/bounces/").content.decode()

    assert "Former Official" in page and "No current role" in page


@pytest.mark.parametrize("flags", [1, 6])
def test_the_list_costs_the_same_queries_for_one_flag_or_many(
    client: Client, idaho: State, staff: User, django_assert_num_queries: DjangoAssertNumQueries, flags: int
) -> None:
    for n in range(flags):
        person = factories.make_member("ID", "viewer", email=f"reader{n}@idaho.example")
        handle(report(sent_to(person, key=f"reminders:{n}")))
    client.force_login(staff)

    with django_assert_num_queries(QUERIES):
        response = client.get("/email/bounces/")

    assert response.content.decode().count("Mark resolved") == flags


def test_the_national_dashboard_says_how_many_addresses_bounce_and_links_to_the_list(
    client: Client, idaho: State, staff: User
) -> None:
    client.force_login(staff)
    assert "bounces</a>" not in client.get(reverse("reports:national")).content.decode()

    handle(report(sent_to(idaho.cio)))
    handle(report(sent_to(idaho.cpo, key="reminders:2")))

    page = client.get(reverse("reports:national")).content.decode()
    assert f'<a class="usa-link" href="{reverse("notifications:bounces")}">Mail to 2 addresses bounces</a>' in page
    assert "their owners may have left office" in page
