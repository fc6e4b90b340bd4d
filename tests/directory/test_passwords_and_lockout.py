"""Signing in through django-allauth: no sign-up, password reset by email (through the outbox) and
change, other sessions ending when the password changes, and the throttling and lockout of
ACCOUNT_RATE_LIMITS (10 failures per address, 50 per client address, in 15 minutes), whose
answers never tell whether an address has an account."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from directory.accounts import AccountAdapter
from directory.models import User
from outbox.models import OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC)
NEW_PASSWORD = "plenty-of-new-words-here"
LOCKED = "Too many failed attempts to sign in. Wait 15 minutes and try again, or reset your password."


def sign_in(client: Client, email: str, password: str = factories.PASSWORD, *, ip: str = "127.0.0.1") -> object:
    return client.post("/sign-in/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def is_signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def ask_for_reset(client: Client, email: str) -> object:
    return client.post(reverse("account_reset_password"), {"email": email})


def reset_link(email: OutgoingEmail) -> str:
    found = re.search(r"(/account/password/reset/key/[^/\s]+/)", email.body_text)
    assert found, email.body_text
    return found.group(1)


@pytest.fixture
def cio() -> User:
    return factories.make_member("ID", email="cio@id.example", full_name="Avery Quinn")


# --- Signing in, and not signing up -------------------------------------------------------------


def test_the_sign_in_page_offers_a_password_reset_and_no_sign_up(client: Client) -> None:
    body = client.get("/sign-in/").content.decode()
    assert 'href="/account/password/reset/"' in body
    assert "Forgot your password?" in body
    assert "Accounts are set up by NASPO and NASCIO staff" in body
    assert "signup" not in body and "remember" not in body


def test_nobody_signs_themselves_up(client: Client) -> None:
    assert AccountAdapter().is_open_for_signup(client.get("/sign-in/").wsgi_request) is False
    assert client.get("/account/signup/").status_code == 404
    assert client.get("/accounts/signup/").status_code == 404


def test_a_signed_in_person_is_sent_on_from_the_sign_in_page(client: Client, cio: User) -> None:
    client.force_login(cio)
    assert client.get("/sign-in/")["Location"] == "/"


# --- Password reset -----------------------------------------------------------------------------


def test_a_password_reset_by_email_signs_out_every_other_session(client: Client, cio: User) -> None:
    elsewhere = Client()
    assert sign_in(elsewhere, cio.email).status_code == 302

    response = ask_for_reset(client, "CIO@id.example")
    assert response["Location"] == reverse("account_reset_password_done")

    (email,) = OutgoingEmail.objects.all()
    assert (email.kind, email.to_address, email.recipient) == (OutgoingEmail.Kind.ACCOUNT, cio.email, cio)
    assert email.subject == "Joint Plan: reset your password"
    assert "Hello Avery," in email.body_text and "Hello Avery," in email.body_html
    assert "ignore this email" in email.body_text and "ignore this email" in email.body_html
    link = reset_link(email)
    assert f"{django_settings.SITE_URL}{link}" in email.body_text
    assert f'href="{django_settings.SITE_URL}{link}"' in email.body_html

    form_page = client.get(link)  # the key moves into the session, out of the address bar
    assert form_page.status_code == 302 and "set-password" in form_page["Location"]
    assert "Choose a new password" in client.get(form_page["Location"]).content.decode()
    done = client.post(form_page["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done["Location"] == reverse("account_reset_password_from_key_done")

    assert not is_signed_in(elsewhere)
    notice = OutgoingEmail.objects.exclude(pk=email.pk).get()
    assert (notice.recipient, notice.subject) == (cio, "Joint Plan: your password was reset with a link sent by email")
    for body in (notice.body_text, notice.body_html):
        assert "from the address 127.0.0.1" in body and "If it was not" in body
    assert sign_in(Client(), cio.email).status_code == 200  # the old password no longer works
    assert sign_in(Client(), cio.email, NEW_PASSWORD).status_code == 302
    assert "does not work" in client.get(link, follow=True).content.decode()  # used once, then spent


def test_a_reset_for_an_unknown_address_answers_exactly_as_for_a_known_one(client: Client, cio: User) -> None:
    known = ask_for_reset(Client(), cio.email)
    unknown = ask_for_reset(Client(), "nobody@id.example")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert Client().get(known["Location"]).content == Client().get(unknown["Location"]).content
    assert list(OutgoingEmail.objects.values_list("to_address", flat=True)) == [cio.email]


def test_an_address_the_account_no_longer_has_gets_no_reset_link(client: Client, cio: User) -> None:
    """allauth keeps addresses in a table of its own; an old one left there after staff change the
    account's address (a role's mailbox handed to a successor) must not open the account."""
    ask_for_reset(client, cio.email)  # allauth notes cio@id.example in its own table
    User.objects.filter(pk=cio.pk).update(email="avery.quinn@id.example")
    OutgoingEmail.objects.all().delete()

    assert ask_for_reset(client, "cio@id.example")["Location"] == reverse("account_reset_password_done")
    assert not OutgoingEmail.objects.exists()
    ask_for_reset(client, "Avery.Quinn@id.example")
    assert OutgoingEmail.objects.get().to_address == "avery.quinn@id.example"


def test_an_inactive_account_gets_no_reset_link(client: Client, cio: User) -> None:
    User.objects.filter(pk=cio.pk).update(is_active=False)
    assert ask_for_reset(client, cio.email)["Location"] == reverse("account_reset_password_done")
    assert not OutgoingEmail.objects.exists()


def test_a_new_password_must_pass_the_password_rules(client: Client, cio: User) -> None:
    ask_for_reset(client, cio.email)
    form_page = client.get(reset_link(OutgoingEmail.objects.get()))["Location"]

    response = client.post(form_page, {"password1": "12345678", "password2": "12345678"})

    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert User.objects.get(pk=cio.pk).check_password(factories.PASSWORD)


def test_a_tampered_reset_link_does_not_work(client: Client, cio: User) -> None:
    ask_for_reset(client, cio.email)
    link = reset_link(OutgoingEmail.objects.get())

    response = client.get(link[:-3] + "xx/")

    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


def test_reset_emails_are_limited_to_three_per_address_in_15_minutes_whether_or_not_it_has_an_account(
    client: Client, cio: User
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for address in [cio.email, "nobody@id.example"]:
            for _ in range(3):
                assert ask_for_reset(client, address).status_code == 302
            refused = ask_for_reset(client, address)
            assert refused.status_code == 429
            assert "Too many attempts" in refused.content.decode()
        assert OutgoingEmail.objects.count() == 3
        clock.shift(datetime.timedelta(minutes=15, seconds=1))
        assert ask_for_reset(client, cio.email).status_code == 302
    assert OutgoingEmail.objects.count() == 4


# --- Password change ----------------------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_the_others_and_says_so_by_email(
    client: Client, cio: User
) -> None:
    elsewhere = Client()
    with time_machine.travel(START, tick=False):
        sign_in(elsewhere, cio.email)
        sign_in(client, cio.email)
        assert "Change password" in client.get("/").content.decode()

        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": factories.PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

        assert response.status_code == 302
        assert is_signed_in(client)
        assert not is_signed_in(elsewhere)
    assert User.objects.get(pk=cio.pk).check_password(NEW_PASSWORD)
    notice = OutgoingEmail.objects.get()
    assert (notice.kind, notice.to_address, notice.subject) == (
        OutgoingEmail.Kind.ACCOUNT,
        cio.email,
        "Joint Plan: your password was changed",
    )
    for body in (notice.body_text, notice.body_html):
        assert "on Mar 2, 2026 at 7:00 AM" in body  # 14:00 UTC in the person's own zone (Boise, UTC-7)
        assert "/account/password/reset/" in body


def test_changing_the_password_needs_the_current_one(client: Client, cio: User) -> None:
    client.force_login(cio)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Type your current password." in response.content.decode()
    assert User.objects.get(pk=cio.pk).check_password(factories.PASSWORD)


def test_someone_signed_in_without_a_password_sets_a_first_one(client: Client, cio: User) -> None:
    """An account made without a password (single sign-on, later) is offered "set", not "change"."""
    cio.set_unusable_password()
    cio.save()
    client.force_login(cio)

    assert client.get(reverse("account_change_password"))["Location"] == reverse("account_set_password")
    assert "Choose a password" in client.get(reverse("account_set_password")).content.decode()
    response = client.post(reverse("account_set_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert User.objects.get(pk=cio.pk).check_password(NEW_PASSWORD)
    assert OutgoingEmail.objects.get().subject == "Joint Plan: your password was set"


def test_changing_the_password_needs_signing_in(client: Client) -> None:
    response = client.get(reverse("account_change_password"))
    assert response["Location"] == "/sign-in/?next=/account/password/change/"


# --- Throttling and lockout ---------------------------------------------------------------------


def error_text(response: object) -> str:
    errors = response.context["form"].non_field_errors()  # type: ignore[attr-defined]
    return " ".join(errors)


def test_ten_failures_lock_an_address_for_15_minutes_with_the_message_an_unknown_address_gets(
    client: Client, cio: User
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for address in [cio.email, "nobody@id.example"]:
            for _ in range(10):
                assert "do not match an account" in error_text(sign_in(client, address, "wrong-password"))
        locked = sign_in(client, cio.email)  # the right password, too late
        unknown = sign_in(client, "nobody@id.example")
        assert locked.status_code == unknown.status_code == 200
        assert LOCKED in error_text(locked)
        assert error_text(locked) == error_text(unknown)
        assert not is_signed_in(client)

        clock.shift(datetime.timedelta(minutes=14, seconds=59))
        assert LOCKED in error_text(sign_in(client, cio.email))
        clock.shift(datetime.timedelta(seconds=2))
        assert sign_in(client, cio.email).status_code == 302


def test_a_lockout_holds_whatever_client_address_the_attempts_come_from(client: Client, cio: User) -> None:
    for n in range(10):
        sign_in(client, cio.email, "wrong-password", ip=f"192.0.2.{n}")
    assert LOCKED in error_text(sign_in(client, cio.email, ip="198.51.100.7"))


def test_a_lockout_holds_whatever_host_name_the_attempts_name(client: Client, cio: User) -> None:
    for n in range(10):
        client.post(
            "/sign-in/",
            {"login": cio.email, "password": "wrong-password"},
            HTTP_HOST="localhost" if n % 2 else "testserver",
        )
    assert LOCKED in error_text(sign_in(client, cio.email))


def test_fifty_failures_from_one_client_address_lock_it_out_for_every_account(client: Client, cio: User) -> None:
    """A state's offices share a few addresses: the ceiling per client address is higher than per
    account, so one person's typos do not lock out the office, yet spraying guesses stops."""
    with time_machine.travel(START, tick=False) as clock:
        for n in range(50):  # one every 3 seconds: under the 30 a minute that any sign-in may make
            sign_in(client, f"guess{n}@id.example", "wrong-password", ip="203.0.113.9")
            clock.shift(datetime.timedelta(seconds=3))
        assert LOCKED in error_text(sign_in(client, cio.email, ip="203.0.113.9"))
        assert sign_in(client, cio.email, ip="198.51.100.7").status_code == 302


def test_more_than_30_sign_in_attempts_a_minute_from_one_address_are_refused(client: Client, cio: User) -> None:
    with time_machine.travel(START, tick=False):
        for _ in range(30):
            sign_in(Client(), cio.email)
        refused = sign_in(client, cio.email)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()


def test_a_successful_sign_in_does_not_wipe_the_count_of_failures(client: Client, cio: User) -> None:
    """Else a guesser who knows one password could interleave it to keep guessing another's."""
    for _ in range(9):
        sign_in(client, cio.email, "wrong-password")
    assert sign_in(Client(), cio.email).status_code == 302
    sign_in(client, cio.email, "wrong-password")
    assert LOCKED in error_text(sign_in(client, cio.email))


def test_a_locked_out_person_can_reset_their_password_and_then_sign_in(client: Client, cio: User) -> None:
    for _ in range(10):
        sign_in(client, cio.email, "wrong-password")
    assert LOCKED in error_text(sign_in(client, cio.email))

    ask_for_reset(client, cio.email)
    form_page = client.get(reset_link(OutgoingEmail.objects.get()))["Location"]
    client.post(form_page, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert sign_in(client, cio.email, NEW_PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_the_client_address_is_read_from_x_forwarded_for(
    client: Client, cio: User, settings: Settings
) -> None:
    """TRUSTED_PROXY_COUNT=1: every request comes from the proxy; the client is the address the
    proxy appended, whatever the client wrote before it."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    with time_machine.travel(START, tick=False) as clock:
        for n in range(50):
            client.post(
                "/sign-in/",
                {"login": f"guess{n}@id.example", "password": "wrong-password"},
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9",
            )
            clock.shift(datetime.timedelta(seconds=3))
        blocked = client.post(
            "/sign-in/",
            {"login": cio.email, "password": factories.PASSWORD},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
        assert LOCKED in error_text(blocked)
        through_the_same_proxy = client.post(
            "/sign-in/",
            {"login": cio.email, "password": factories.PASSWORD},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
        assert through_the_same_proxy.status_code == 302


# --- allauth's own templates --------------------------------------------------------------------


def test_allauth_pages_we_do_not_write_ourselves_are_drawn_on_our_base_page_with_uswds(
    client: Client, cio: User
) -> None:
    """templates/allauth/layouts and elements: e.g. its confirm-your-password page, which the
    second factor's pages to come are built like."""
    from allauth.account.forms import ReauthenticateForm
    from django.template.loader import render_to_string

    client.force_login(cio)
    request = client.get("/").wsgi_request
    html = render_to_string(
        "account/reauthenticate.html", {"form": ReauthenticateForm(user=cio), "user": cio}, request=request
    )

    assert "Confirm Access · Joint Plan</title>" in " ".join(html.split())
    assert html.count("<h1") == 1 and 'class="usa-skipnav"' in html
    assert 'class="usa-form usa-form--large"' in html
    assert 'class="usa-input"' in html and '<label class="usa-label" for="id_password">' in html
    assert 'class="usa-button" type="submit"' in html
