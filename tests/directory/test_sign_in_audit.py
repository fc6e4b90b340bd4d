"""The sign-in audit: what is recorded when people sign in, fail, sign out or get a role, and that
nothing rewrites it (directory/audit.py)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django.forms import MultiWidget
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django.fixtures import Settings

from directory import audit
from directory.models import Membership, SignInEvent, User
from outbox.models import OutgoingEmail
from tests import factories
from tests.directory.test_sign_in_and_sessions import sign_in

pytestmark = pytest.mark.usefixtures("reference_data")

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"


@pytest.fixture
def browser(client: Client) -> Client:
    """The test client, as a browser at a known address would send its requests."""
    client.defaults.update(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=BROWSER)
    return client


def latest() -> SignInEvent:
    event = SignInEvent.objects.order_by("-id").first()
    assert event is not None
    return event


# --- Recording ------------------------------------------------------------------------------------


def test_signing_in_is_recorded_with_the_client_address_and_browser(browser: Client) -> None:
    dana = factories.make_member("ID", email="cio@id.example")

    sign_in(browser, "cio@id.example")

    event = latest()
    assert (event.kind, event.user, event.email) == (SignInEvent.Kind.SIGNED_IN, dana, "cio@id.example")
    assert (event.ip_address, event.user_agent) == ("203.0.113.7", BROWSER)
    assert event.actor is None


def test_behind_a_trusted_proxy_the_client_address_is_the_one_the_proxy_appended(
    browser: Client, settings: Settings
) -> None:
    """As the sign-in throttle reads it (TRUSTED_PROXY_COUNT): whatever the client wrote before."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    browser.defaults.update(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7")
    sign_in(browser, "guess@nowhere.example", "guess")
    del browser.defaults["HTTP_X_FORWARDED_FOR"]  # no header: the proxy's own address
    sign_in(browser, "guess@nowhere.example", "guess")

    assert [e.ip_address for e in SignInEvent.objects.order_by("id")] == ["198.51.100.7", "10.0.0.2"]


def test_a_wrong_password_is_recorded_against_the_account_with_the_address_as_typed(browser: Client) -> None:
    dana = factories.make_member("ID", email="cio@id.example")

    sign_in(browser, "  CIO@id.Example ", "not-the-password")

    event = latest()
    assert (event.kind, event.user, event.email) == (SignInEvent.Kind.SIGN_IN_FAILED, dana, "cio@id.example")
    assert (event.ip_address, event.user_agent) == ("203.0.113.7", BROWSER)
    assert "not-the-password" not in str(event.detail)


def test_a_failed_sign_in_with_an_unknown_address_keeps_the_address_and_names_no_account(browser: Client) -> None:
    sign_in(browser, "Nobody@Nowhere.example", "guess")

    event = latest()
    assert (event.kind, event.user, event.email) == (SignInEvent.Kind.SIGN_IN_FAILED, None, "nobody@nowhere.example")
    assert event.ip_address == "203.0.113.7"


def test_signing_out_is_recorded(browser: Client) -> None:
    dana = factories.make_member("ID")
    browser.force_login(dana)

    browser.post(reverse("logout"))

    event = latest()
    assert (event.kind, event.user) == (SignInEvent.Kind.SIGNED_OUT, dana)
    assert (event.ip_address, event.user_agent) == ("203.0.113.7", BROWSER)


def test_a_sign_in_refused_as_locked_out_is_recorded_for_a_known_and_an_unknown_address(browser: Client) -> None:
    dana = factories.make_member("ID", email="cio@id.example")
    for address in ["cio@id.example", "nobody@id.example"]:
        for _ in range(10):
            sign_in(browser, address, "wrong-password")

    sign_in(browser, "CIO@id.example")  # the right password, refused: the address is locked
    sign_in(browser, "nobody@id.example", "guess")

    locked = SignInEvent.objects.filter(kind=SignInEvent.Kind.LOCKED_OUT).order_by("id")
    assert [(e.user, e.email, e.ip_address) for e in locked] == [
        (dana, "cio@id.example", "203.0.113.7"),
        (None, "nobody@id.example", "203.0.113.7"),
    ]
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGN_IN_FAILED).count() == 20
    assert not SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGNED_IN).exists()


def test_a_password_reset_asked_for_and_made_and_a_password_changed_are_recorded(browser: Client) -> None:
    dana = factories.make_member("ID", email="cio@id.example")
    new_password = "plenty-of-new-words-here"

    browser.post(reverse("account_reset_password"), {"email": "nobody@id.example"})  # no account: nothing
    browser.post(reverse("account_reset_password"), {"email": "CIO@id.example"})
    (email,) = OutgoingEmail.objects.all()
    link = re.search(r"(/account/password/reset/key/[^/\s]+/)", email.body_text)
    assert link is not None
    form_page = browser.get(link.group(1))
    browser.post(form_page["Location"], {"password1": new_password, "password2": new_password})
    sign_in(browser, "cio@id.example", new_password)
    browser.post(
        reverse("account_change_password"),
        {"oldpassword": new_password, "password1": factories.PASSWORD, "password2": factories.PASSWORD},
    )

    kinds = [(e.kind, e.user, e.ip_address) for e in SignInEvent.objects.order_by("id")]
    assert kinds == [
        (SignInEvent.Kind.PASSWORD_RESET_REQUESTED, dana, "203.0.113.7"),
        (SignInEvent.Kind.PASSWORD_RESET, dana, "203.0.113.7"),
        (SignInEvent.Kind.SIGNED_IN, dana, "203.0.113.7"),
        (SignInEvent.Kind.PASSWORD_CHANGED, dana, "203.0.113.7"),
    ]


def test_a_long_browser_name_is_cut_and_a_missing_address_left_empty(rf: RequestFactory) -> None:
    request = rf.get("/", HTTP_USER_AGENT="x" * 1000, REMOTE_ADDR="")

    event = audit.record(SignInEvent.Kind.LOCKED_OUT, email="Someone@State.example", request=request, failures=10)

    assert len(event.user_agent) == audit.USER_AGENT_LENGTH
    assert (event.ip_address, event.email, event.detail) == (None, "someone@state.example", {"failures": 10})


def test_the_audit_cannot_be_changed_or_deleted() -> None:
    audit.record(SignInEvent.Kind.PASSWORD_CHANGED, user=factories.make_user())
    events = SignInEvent.objects.all()

    with pytest.raises(DatabaseError), transaction.atomic():
        events.update(kind=SignInEvent.Kind.SIGNED_IN)
    with pytest.raises(DatabaseError), transaction.atomic():
        events.delete()
    assert events.get().kind == SignInEvent.Kind.PASSWORD_CHANGED


def test_a_role_granted_and_ended_in_the_admin_is_recorded_with_who_did_it(client: Client) -> None:
    staff = factories.make_staff("NASPO", email="staff@naspo.example")
    person = factories.make_user(email="new.cpo@id.example")
    client.force_login(staff)
    fields = {
        "user": person.pk,
        "jurisdiction": factories.jurisdiction("ID").pk,
        "role": Membership.Role.CPO,
        "started_on": "2026-01-05",
        "ended_on": "",
    }

    assert client.post(reverse("admin:directory_membership_add"), fields).status_code == 302
    granted = latest()
    membership = Membership.objects.get(user=person)
    change = reverse("admin:directory_membership_change", args=[membership.pk])
    assert client.post(change, fields | {"ended_on": "2026-06-30"}).status_code == 302
    ended = latest()

    assert (granted.kind, granted.user, granted.actor) == (SignInEvent.Kind.ROLE_GRANTED, person, staff)
    assert granted.detail == {"jurisdiction": "ID", "role": "cpo", "on": "2026-01-05"}
    assert (ended.kind, ended.user, ended.actor) == (SignInEvent.Kind.ROLE_ENDED, person, staff)
    assert ended.detail == {"jurisdiction": "ID", "role": "cpo", "on": "2026-06-30"}


def _as_posted(response: HttpResponse) -> dict[str, object]:
    """What an admin change page posts back when nothing is changed: its form's and its inline
    forms' current values, as the browser would send them."""
    assert response.context is not None
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, object] = {}
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if field.disabled or value is None or value is False or value in ("", []):
                continue  # not sent (0, as in a formset's count, is)
            key = form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):  # a date and a time in two boxes
                data |= {f"{key}_{n}": str(part) for n, part in enumerate(field.widget.decompress(value))}
            else:
                data[key] = (
                    "on" if value is True else [str(v) for v in value] if isinstance(value, list) else str(value)
                )
    return data


def test_roles_granted_and_ended_on_a_persons_admin_page_are_recorded(root: Client) -> None:
    person = factories.make_member("ID", Membership.Role.VIEWER, email="viewer@id.example")
    change = reverse("admin:directory_user_change", args=[person.pk])
    data = _as_posted(root.get(change))
    data |= {
        "memberships-0-ended_on": "2026-06-30",
        "memberships-TOTAL_FORMS": "2",
        "memberships-1-jurisdiction": str(factories.jurisdiction("ME").pk),
        "memberships-1-role": Membership.Role.CPO,
        "memberships-1-started_on": "2026-07-01",
    }

    response = root.post(change, data)

    assert response.status_code == 302
    events = SignInEvent.objects.filter(user=person).order_by("id")
    assert [(e.kind, e.detail) for e in events] == [
        (SignInEvent.Kind.ROLE_GRANTED, {"jurisdiction": "ME", "role": "cpo", "on": "2026-07-01"}),
        (SignInEvent.Kind.ROLE_ENDED, {"jurisdiction": "ID", "role": "viewer", "on": "2026-06-30"}),
    ]
    assert {e.actor.email for e in events if e.actor} == {"root@example.org"}


def test_a_role_a_superuser_deletes_in_the_admin_is_recorded_as_ended_and_removed(root: Client) -> None:
    person = factories.make_member("ID", Membership.Role.VIEWER, email="viewer@id.example")
    membership = Membership.objects.get(user=person)

    with time_machine.travel(datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC), tick=False):
        response = root.post(reverse("admin:directory_membership_delete", args=[membership.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = latest()
    assert (event.kind, event.user, event.actor) == (SignInEvent.Kind.ROLE_ENDED, person, root_user())
    assert event.detail == {"jurisdiction": "ID", "role": "viewer", "removed": True, "on": "2026-03-02"}


def root_user() -> User:
    return User.objects.get(email="root@example.org")
