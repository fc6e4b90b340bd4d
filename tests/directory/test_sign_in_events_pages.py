"""The sign-in audit's pages: staff's page of every event with its filters, pages and query count,
and each person's own recent sign-ins (directory/audit_views.py). Who may open them:
test_access_audit.py."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from directory import audit
from directory.audit_views import my_sign_ins
from directory.models import Membership, SignInEvent, User
from tests import factories

pytestmark = pytest.mark.usefixtures("reference_data")

EVENTS = reverse("directory:sign_in_events")
MINE = reverse("directory:my_sign_ins")
START = datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC)


# --- Staff's page ---------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(factories.make_staff("NASCIO", email="analyst@nascio.example", tz="America/Boise"))
    return client


def _emails(response: object) -> list[str]:
    return [e.email for e in response.context["events"]]  # type: ignore[attr-defined]


def test_staff_see_every_event_newest_first_in_their_own_time_zone(staff_client: Client) -> None:
    dana = factories.make_member("ID", email="cio@id.example")
    with time_machine.travel(START, tick=False):
        audit.record(SignInEvent.Kind.SIGN_IN_FAILED, email="stranger@nowhere.example")
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        audit.record(SignInEvent.Kind.SIGNED_IN, user=dana)

    response = staff_client.get(EVENTS, {"until": "2026-03-02"})

    assert _emails(response) == ["cio@id.example", "stranger@nowhere.example"]
    html = response.content.decode()
    assert "Mar 2, 2026, 7:00 a.m. MST" in html  # 14:00 UTC in Boise
    assert "No account has this address" in html


def test_staff_filter_by_event_address_jurisdiction_days_and_client_address(staff_client: Client) -> None:
    dana = factories.make_member("ID", email="cio@id.example")
    maine = factories.make_member("ME", email="cio@me.example")
    former = factories.make_member(
        "ID", Membership.Role.VIEWER, email="former@id.example", ended_on=datetime.date(2025, 6, 1)
    )
    with time_machine.travel(START, tick=False):
        audit.record(SignInEvent.Kind.SIGNED_IN, user=dana)
        audit.record(SignInEvent.Kind.SIGN_IN_FAILED, user=maine)
    with time_machine.travel(START + datetime.timedelta(days=2), tick=False):
        audit.record(SignInEvent.Kind.SIGNED_OUT, user=former)
        audit.record(SignInEvent.Kind.SIGN_IN_FAILED, email="guess@nowhere.example")

    def shown(**query: str) -> list[str]:
        return [e for e in _emails(staff_client.get(EVENTS, query)) if e != "analyst@nascio.example"]

    assert shown(kind="sign_in_failed") == ["guess@nowhere.example", "cio@me.example"]
    assert shown(email="ME.EX") == ["cio@me.example"]
    assert shown(jurisdiction="ID") == ["former@id.example", "cio@id.example"]  # ended roles count
    assert shown(since="2026-03-03") == ["guess@nowhere.example", "former@id.example"]
    assert shown(since="2026-03-02", until="2026-03-02") == ["cio@me.example", "cio@id.example"]
    assert shown(kind="nonsense") == []


def test_staff_filter_by_the_start_of_a_client_address(staff_client: Client, rf: RequestFactory) -> None:
    for email, address in [("a@nowhere.example", "198.51.100.20"), ("b@nowhere.example", "203.0.113.9")]:
        audit.record(SignInEvent.Kind.SIGN_IN_FAILED, email=email, request=rf.get("/", REMOTE_ADDR=address))

    assert _emails(staff_client.get(EVENTS, {"ip": "198.51.100."})) == ["a@nowhere.example"]
    assert _emails(staff_client.get(EVENTS, {"ip": "203.0.113.9"})) == ["b@nowhere.example"]


def test_the_events_are_paginated_at_50(staff_client: Client) -> None:
    SignInEvent.objects.bulk_create(
        SignInEvent(kind=SignInEvent.Kind.SIGN_IN_FAILED, email=f"guess{n}@nowhere.example") for n in range(60)
    )

    first = staff_client.get(EVENTS, {"kind": "sign_in_failed"})
    second = staff_client.get(EVENTS, {"kind": "sign_in_failed", "page": "2"})

    assert len(first.context["events"]) == 50
    assert len(second.context["events"]) == 10
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?kind=sign_in_failed&amp;page=2"' in first.content.decode()


@pytest.mark.parametrize("events", [5, 60])
def test_the_events_page_reads_a_fixed_number_of_queries(
    staff_client: Client, django_assert_num_queries: DjangoAssertNumQueries, events: int
) -> None:
    people = [factories.make_member("ID", Membership.Role.VIEWER) for _ in range(3)]
    staff = User.objects.get(email="analyst@nascio.example")
    for n in range(events):
        audit.record(SignInEvent.Kind.ROLE_GRANTED, user=people[n % 3], actor=staff)

    staff_client.get(EVENTS)  # the session's first request after signing in writes it; later ones do not

    # Session, user, staff membership, jurisdictions for the filter, the count, the page's rows,
    # and the header's roles.
    with django_assert_num_queries(7):
        response = staff_client.get(EVENTS, {"jurisdiction": "ID"})
    assert response.status_code == 200


def test_the_events_page_says_when_nothing_matches(staff_client: Client) -> None:
    html = staff_client.get(EVENTS, {"kind": "locked_out"}).content.decode()

    assert "No sign-in event matches these filters." in html


# --- A person's own -------------------------------------------------------------------------------


def test_recent_sign_ins_shows_the_latest_20_of_ones_own_events(client: Client) -> None:
    dana = factories.make_member("ID", email="cio@id.example")
    for n in range(25):
        with time_machine.travel(START + datetime.timedelta(minutes=n), tick=False):
            audit.record(SignInEvent.Kind.SIGN_IN_FAILED, user=dana, attempt=n)
    client.force_login(dana)  # the 26th, and the newest

    events = client.get(MINE).context["events"]

    assert len(events) == 20
    assert events[0].kind == SignInEvent.Kind.SIGNED_IN
    assert [e.detail["attempt"] for e in events[1:]] == list(range(24, 5, -1))


def test_recent_sign_ins_says_what_an_empty_list_means(rf: RequestFactory) -> None:
    request = rf.get(MINE)
    request.user = factories.make_member("ID")  # signed in without the signal: nothing recorded yet

    html = my_sign_ins(request).content.decode()  # type: ignore[arg-type]

    assert "Nothing has been recorded for your account yet." in html


def test_the_header_links_to_recent_sign_ins(client: Client) -> None:
    client.force_login(factories.make_member("ID"))

    assert f'href="{MINE}"' in client.get(reverse("actionplan:home")).content.decode()


def test_the_national_dashboard_links_to_the_sign_in_events(staff_client: Client) -> None:
    assert f'href="{EVENTS}"' in staff_client.get(reverse("reports:national")).content.decode()
