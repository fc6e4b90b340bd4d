"""Signing in, the session limits (30 minutes idle, 12 hours at most) and the viewer's time zone."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from directory.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC)


def sign_in(client: Client, email: str, password: str = factories.PASSWORD) -> object:
    return client.post("/sign-in/", {"login": email, "password": password})


def test_signing_in_with_the_right_password_lands_on_home(client: Client) -> None:
    user = factories.make_member("ID", email="cio@id.example")
    response = sign_in(client, "cio@id.example")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"] == user


def test_email_is_matched_whatever_its_case(client: Client) -> None:
    factories.make_member("ID", email="cio@id.example")
    assert sign_in(client, "CIO@ID.example").status_code == 302


def test_a_wrong_password_shows_an_error_on_the_form_and_keeps_the_email(client: Client) -> None:
    factories.make_member("ID", email="cio@id.example")
    response = sign_in(client, "cio@id.example", "not-the-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "do not match an account" in body
    assert 'value="cio@id.example"' in body
    assert "usa-alert--error" in body


def test_home_requires_signing_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_signing_out_needs_a_post(client: Client) -> None:
    client.force_login(factories.make_member("ID"))
    assert client.get("/sign-out/").status_code == 405
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/").status_code == 302


def test_a_session_ends_after_30_minutes_without_a_request(client: Client) -> None:
    factories.make_member("ID", email="cio@id.example")
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, "cio@id.example")
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(minutes=29))  # 29 minutes since the last request: still in
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/sign-in/")
    assert "30 minutes without activity" in response.content.decode()


def test_a_session_ends_after_12_hours_however_active(client: Client) -> None:
    factories.make_member("ID", email="cio@id.example")
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, "cio@id.example")
        for _ in range(24):  # a request every 25 minutes for 10 hours
            clock.shift(datetime.timedelta(minutes=25))
            assert client.get("/").status_code == 200
        for _ in range(5):  # ... and on past the 12-hour mark
            clock.shift(datetime.timedelta(minutes=25))
            response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_times_are_shown_in_the_viewers_time_zone(client: Client) -> None:
    """The middleware activates User.tz for the request; stored times stay in UTC."""
    user = factories.make_member("GU", Membership.Role.CPO, tz="Pacific/Guam")
    client.force_login(user)
    with time_machine.travel(START, tick=False):
        response = client.get("/")
    assert response.status_code == 200
    assert "your time zone, Chamorro Time (Guam)." in response.content.decode()
    assert timezone.get_current_timezone_name() == "UTC"  # deactivated after the request


# --- Staff standing ----------------------------------------------------------------------------------


def test_staff_standing_is_read_afresh_on_every_request(client: Client) -> None:
    """A staff member reads a state's private plan; the request after their staff role ends
    answers 404."""
    from directory.models import StaffMembership

    plan = factories.make_plan("ID")
    staff = factories.make_staff("NASCIO", email="analyst@nascio.example")
    sign_in(client, "analyst@nascio.example")
    assert client.get(f"/plans/{plan.pk}/").status_code == 200

    StaffMembership.objects.filter(user=staff).update(ended_on=timezone.localdate())

    assert client.get(f"/plans/{plan.pk}/").status_code == 404


def test_a_state_member_is_never_taken_for_staff(client: Client) -> None:
    plan = factories.make_plan("ME")
    factories.make_member("ID", email="cio@id.example")
    sign_in(client, "cio@id.example")
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
