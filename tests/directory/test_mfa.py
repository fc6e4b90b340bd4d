"""The second factor (issue 15, item 3): staff must set one up before anything else, others are
offered it; an authenticator app's codes work once and wrong ones are throttled; recovery codes
work once each; staff reset a lost factor, audited; a person's own changes are audited."""

from __future__ import annotations

import time
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from directory.accounts import MFA_OFFERED
from directory.middleware import MFARequiredMiddleware
from directory.models import Membership, SignInEvent, User
from outbox.models import OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db

START = 1_796_000_000  # a fixed instant, at the start of a 30-second TOTP period
AUTHENTICATE = "/account/two-factor/authenticate/"


def code_for(secret: str) -> str:
    """The code an authenticator app shows now for `secret` (allauth's own TOTP arithmetic)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client: Client, user: User) -> str:
    """The first step, the password: where it sends the person next."""
    response = client.post(reverse("login"), {"login": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302, response
    return response["Location"]


def confirm_password(client: Client) -> None:
    """allauth asks for the password again before any change to a second factor."""
    response = client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})
    assert response.status_code == 302, response


def with_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


@pytest.fixture
def required(settings: Settings) -> None:
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.fixture
def cio(reference_data: None) -> User:
    return factories.make_member("ID", Membership.Role.CIO, email="cio@id.example")


@pytest.fixture
def staff(reference_data: None) -> User:
    return factories.make_staff("NASPO", email="staff@naspo.example")


@pytest.mark.usefixtures("required")
@pytest.mark.parametrize("page", ["actionplan:home", "reports:national", "admin:index"])
def test_staff_without_a_second_factor_are_sent_to_set_one_up_before_anything_else(
    client: Client, staff: User, page: str
) -> None:
    assert sign_in(client, staff) == reverse("actionplan:home")

    response = client.get(reverse(page))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    assert MFARequiredMiddleware.MESSAGE in [str(m) for m in get_messages(response.wsgi_request)]
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    confirm_password(client)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


@pytest.mark.usefixtures("required")
def test_a_superuser_without_a_second_factor_cannot_reach_the_admin(client: Client, reference_data: None) -> None:
    client.force_login(factories.make_superuser())
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_index")


@pytest.mark.usefixtures("required")
def test_staff_with_a_second_factor_go_on_after_its_code(client: Client, staff: User) -> None:
    with time_machine.travel(START, tick=False):
        secret = with_totp(staff)
        assert sign_in(client, staff) == AUTHENTICATE
        assert client.get(reverse("actionplan:home"))["Location"].startswith(reverse("login"))

        done = client.post(AUTHENTICATE, {"code": code_for(secret)})

        assert done["Location"] == reverse("actionplan:home")
        assert client.get(reverse("reports:national")).status_code == 200


@pytest.mark.usefixtures("required")
def test_someone_who_is_not_staff_is_offered_a_second_factor_once_and_not_forced(client: Client, cio: User) -> None:
    sign_in(client, cio)

    first = client.get(reverse("actionplan:home"))
    second = client.get(reverse("actionplan:home"))

    assert first.status_code == second.status_code == 200
    assert MFA_OFFERED in first.content.decode()
    assert MFA_OFFERED not in second.content.decode()
    assert 'href="/account/two-factor/"' in first.content.decode()


def test_someone_with_a_second_factor_is_not_offered_one(client: Client, cio: User) -> None:
    with time_machine.travel(START, tick=False):
        secret = with_totp(cio)
        sign_in(client, cio)
        client.post(AUTHENTICATE, {"code": code_for(secret)})
        assert MFA_OFFERED not in client.get(reverse("actionplan:home")).content.decode()


def test_setting_up_an_app_then_signing_in_with_its_code(
    client: Client, cio: User, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, cio)
        confirm_password(client)
        page = client.get(reverse("mfa_activate_totp"))
        secret = page.context["form"].secret
        assert secret in page.content.decode()
        assert 'src="data:image/svg+xml;base64,' in page.content.decode()

        wrong = client.post(
            reverse("mfa_activate_totp"), {"code": "000000" if code_for(secret) != "000000" else "111111"}
        )
        assert wrong.status_code == 200 and not Authenticator.objects.filter(user=cio).exists()
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})

        assert done["Location"] == reverse("mfa_view_recovery_codes")
        codes = client.get(done["Location"]).context["unused_codes"]
        assert len(codes) == 10
        assert (
            SignInEvent.objects.filter(kind=SignInEvent.Kind.MFA_ENROLLED, user=cio, detail__method="totp").count() == 1
        )
        # The person is told by email, in case it was not them.
        notice = OutgoingEmail.objects.get(recipient=cio, subject="Joint Plan: your two-factor authentication changed")
        assert notice.status != OutgoingEmail.Status.FAILED
        assert "An authenticator app was set up" in notice.body_text
        assert "An authenticator app was set up" in notice.body_html

        clock.shift(60)
        again = Client()
        assert sign_in(again, cio) == AUTHENTICATE
        assert again.post(AUTHENTICATE, {"code": code_for(secret)})["Location"] == reverse("actionplan:home")


def test_a_wrong_code_is_refused_and_a_used_code_is_refused_the_second_time(client: Client, cio: User) -> None:
    with time_machine.travel(START, tick=False):
        secret = with_totp(cio)
        code = code_for(secret)
        sign_in(client, cio)
        wrong = client.post(AUTHENTICATE, {"code": "123456" if code != "123456" else "654321"})
        assert wrong.status_code == 200
        assert "That code is not right, or was already used" in wrong.content.decode()
        assert client.post(AUTHENTICATE, {"code": code}).status_code == 302

        # Someone who saw the code (over a shoulder, through a phishing page) tries it at once.
        other = Client()
        sign_in(other, cio)
        reused = other.post(AUTHENTICATE, {"code": code})

        assert reused.status_code == 200
        assert "_auth_user_id" not in other.session


def test_wrong_codes_are_throttled_ten_in_15_minutes(client: Client, cio: User) -> None:
    with time_machine.travel(START, tick=False):
        secret = with_totp(cio)
        sign_in(client, cio)
        wrong = "123456" if code_for(secret) != "123456" else "654321"
        for _ in range(10):
            assert client.post(AUTHENTICATE, {"code": wrong}).status_code == 200

        locked = client.post(AUTHENTICATE, {"code": code_for(secret)})

        assert locked.status_code == 200
        assert "Too many failed attempts" in locked.content.decode()
        assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once_only(client: Client, cio: User) -> None:
    with_totp(cio)
    recovery = RecoveryCodes(Authenticator.objects.get(user=cio, type=Authenticator.Type.RECOVERY_CODES))
    code = recovery.get_unused_codes()[0]
    sign_in(client, cio)
    assert client.post(AUTHENTICATE, {"code": code})["Location"] == reverse("actionplan:home")

    other = Client()
    sign_in(other, cio)
    again = other.post(AUTHENTICATE, {"code": code})

    assert again.status_code == 200
    assert "_auth_user_id" not in other.session


def test_removing_the_app_is_audited(client: Client, cio: User, django_capture_on_commit_callbacks: Any) -> None:
    with time_machine.travel(START, tick=False):
        secret = with_totp(cio)
        sign_in(client, cio)
        client.post(AUTHENTICATE, {"code": code_for(secret)})
        confirm_password(client)

        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("mfa_deactivate_totp"))["Location"] == reverse("mfa_index")

    assert not Authenticator.objects.filter(user=cio).exists()
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.MFA_REMOVED, user=cio, detail__method="totp").count() == 1


def test_staff_reset_a_lost_second_factor_and_it_is_audited(client: Client, cio: User, staff: User) -> None:
    with_totp(cio)
    client.force_login(staff)
    page = client.get(reverse("directory:reset_mfa", kwargs={"pk": cio.pk}))
    assert "recovery codes, an authenticator app" in page.content.decode()

    done = client.post(reverse("directory:reset_mfa", kwargs={"pk": cio.pk}))

    assert done.status_code == 302
    assert not Authenticator.objects.filter(user=cio).exists()
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.MFA_RESET_BY_STAFF)
    assert (event.user, event.actor) == (cio, staff)
    notice = OutgoingEmail.objects.get(recipient=cio)
    assert "Association staff removed every second factor" in notice.body_text
    assert "Association staff removed every second factor" in notice.body_html
    assert sign_in(Client(), cio) == reverse("actionplan:home")


def test_staff_cannot_reset_another_staff_members_second_factor_but_a_superuser_can(
    client: Client, staff: User
) -> None:
    colleague = factories.make_staff("NASCIO", email="colleague@nascio.example")
    with_totp(colleague)
    client.force_login(staff)
    assert client.post(reverse("directory:reset_mfa", kwargs={"pk": colleague.pk})).status_code == 404

    client.force_login(factories.make_superuser())
    assert client.post(reverse("directory:reset_mfa", kwargs={"pk": colleague.pk})).status_code == 302
    assert not Authenticator.objects.filter(user=colleague).exists()


def test_the_admin_shows_a_persons_second_factors_and_links_to_their_reset(root: Client, cio: User) -> None:
    with_totp(cio)

    page = root.get(reverse("admin:directory_user_change", args=[cio.pk])).content.decode()

    assert "recovery codes, an authenticator app" in page
    assert f'href="{reverse("directory:reset_mfa", kwargs={"pk": cio.pk})}"' in page
