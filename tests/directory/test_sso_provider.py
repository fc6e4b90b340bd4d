"""Single sign-on against a real OpenID Connect provider: tests/oidc_provider runs as a process of
its own on a free port, and every step is real HTTP (requests here, standing in for a browser;
the site's server asks the provider for its keys and trades the code for tokens itself). One
browser journey is in tests/browser/test_sso_journey.py."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from pytest_django.live_server_helper import LiveServer

from directory import invitations
from directory.models import IdentityProvider, Invitation, Membership, SignInEvent, User
from outbox.models import OutgoingEmail
from tests import factories
from tests.oidc_provider.process import OIDCProvider, Person
from tests.oidc_provider.site import CALLBACK_PATH, set_up_idaho

pytestmark = pytest.mark.django_db(transaction=True)

IDP_PASSWORD = "state-directory-password"  # noqa: S105 (the test provider's users)
PEOPLE = [
    Person("cio@idaho.gov", IDP_PASSWORD),
    Person("stranger@idaho.gov", IDP_PASSWORD),
    Person("unverified@idaho.gov", IDP_PASSWORD, email_verified=False),
    Person("cio@maine.gov", IDP_PASSWORD),
]


@pytest.fixture(scope="module")
def provider(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OIDCProvider]:
    callback = f"{live_server.url}{CALLBACK_PATH}"
    with OIDCProvider(tmp_path_factory.mktemp("idp"), PEOPLE, redirect_uri=callback) as idp:
        yield idp


@pytest.fixture
def idaho(provider: OIDCProvider) -> IdentityProvider:
    return set_up_idaho(provider)


def sign_in_through_provider(site: str, *, typed: str, at_provider: str) -> requests.Response:
    """Type an address on the site's form, sign in at the provider as `at_provider`, and follow
    every redirect back: the last answer."""
    with requests.Session() as browser:
        browser.get(f"{site}/sign-in/")
        sent = browser.post(
            f"{site}/sign-in/provider/",
            data={"csrfmiddlewaretoken": browser.cookies["csrftoken"], "email": typed},
            allow_redirects=False,
        )
        assert sent.status_code == 302, sent.text
        assert parse_qs(urlsplit(sent.headers["Location"]).query)["login_hint"] == [typed]
        login_page = browser.get(sent.headers["Location"])  # the provider asks who you are
        assert urlsplit(login_page.url).path == "/login/"
        return browser.post(
            login_page.url,
            data={
                "csrfmiddlewaretoken": browser.cookies["idp_csrf"],
                "username": at_provider,
                "password": IDP_PASSWORD,
            },
        )


def invited_signs_in_through_provider(site: str, idaho: IdentityProvider, *, role: str) -> requests.Response:
    """Staff invite stranger@idaho.gov to a role in Idaho; they sign in through Idaho's provider."""
    staff = factories.make_staff("NASCIO")
    invitations.invite(
        idaho.jurisdiction, email="stranger@idaho.gov", role=role, starts_on=datetime.date(2026, 1, 1), invited_by=staff
    )
    return sign_in_through_provider(site, typed="stranger@idaho.gov", at_provider="stranger@idaho.gov")


def test_a_member_signs_in_through_their_states_provider_and_is_linked_once(
    live_server: LiveServer, idaho: IdentityProvider
) -> None:
    cio = factories.make_member("ID", Membership.Role.CIO, email="cio@idaho.gov")

    for _ in range(2):
        answer = sign_in_through_provider(live_server.url, typed="CIO@idaho.gov", at_provider="cio@idaho.gov")
        assert answer.status_code == 200
        assert urlsplit(answer.url).path == "/"  # home, signed in
        assert "Sign out" in answer.text

    link = SocialAccount.objects.get()
    assert (link.user, link.provider) == (cio, "idaho")
    linked = SignInEvent.objects.filter(kind=SignInEvent.Kind.SSO_LINKED)
    assert [(e.user, e.detail) for e in linked] == [(cio, {"provider": "idaho", "jurisdiction": "ID"})]
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGNED_IN, user=cio).count() == 2
    # The person is told by email that their account now opens with the provider (once).
    notice = OutgoingEmail.objects.get()
    assert (notice.recipient, notice.subject) == (cio, "Joint Plan: you can now sign in through Idaho state sign-in")
    assert notice.status != OutgoingEmail.Status.FAILED
    assert "Your Joint Plan account was linked to your state" in notice.body_text
    assert "Your Joint Plan account was linked to your state" in notice.body_html


def test_an_invited_address_accepts_its_invitation_through_the_provider(
    live_server: LiveServer, idaho: IdentityProvider
) -> None:
    answer = invited_signs_in_through_provider(live_server.url, idaho, role="cpo")

    assert answer.status_code == 200
    assert urlsplit(answer.url).path == "/"
    person = User.objects.get(email="stranger@idaho.gov")
    assert (person.full_name, person.tz, person.has_usable_password()) == ("stranger@idaho.gov", "America/Boise", False)
    assert Membership.objects.active().get(user=person).role == "cpo"
    assert Invitation.objects.get().accepted_by == person
    assert SocialAccount.objects.get().user == person
    kinds = set(SignInEvent.objects.filter(user=person).values_list("kind", flat=True))
    assert {"invitation_accepted", "role_granted", "sso_linked", "signed_in"} <= kinds


def test_an_invitation_that_cannot_be_accepted_is_refused_with_its_reason_and_writes_nothing(
    live_server: LiveServer, idaho: IdentityProvider
) -> None:
    factories.make_member("ID", Membership.Role.CIO, email="cio@id.example")  # the role is held
    answer = invited_signs_in_through_provider(live_server.url, idaho, role="cio")

    assert answer.status_code == 403
    assert invitations.role_taken_message(idaho.jurisdiction, "cio") in answer.text.replace("&#x27;", "'")
    assert not User.objects.filter(email="stranger@idaho.gov").exists()
    assert Invitation.objects.get().is_pending
    assert not SocialAccount.objects.exists()
    assert SignInEvent.objects.get(kind=SignInEvent.Kind.SIGN_IN_FAILED).detail["reason"] == "invitation"


def test_an_address_nobody_invited_is_refused_and_no_account_is_made(
    live_server: LiveServer, idaho: IdentityProvider
) -> None:
    answer = sign_in_through_provider(live_server.url, typed="stranger@idaho.gov", at_provider="stranger@idaho.gov")

    assert answer.status_code == 403
    assert "There is no Joint Plan account or invitation for stranger@idaho.gov in Idaho" in answer.text
    assert not User.objects.filter(email="stranger@idaho.gov").exists()
    assert not SocialAccount.objects.exists()
    assert SignInEvent.objects.get(kind=SignInEvent.Kind.SIGN_IN_FAILED).detail == {
        "method": "sso",
        "reason": "no_account",
    }


def test_an_address_the_provider_has_not_verified_is_refused(live_server: LiveServer, idaho: IdentityProvider) -> None:
    factories.make_member("ID", Membership.Role.CPO, email="unverified@idaho.gov")

    answer = sign_in_through_provider(live_server.url, typed="unverified@idaho.gov", at_provider="unverified@idaho.gov")

    assert answer.status_code == 403
    assert "has not verified your email address" in answer.text
    assert not SocialAccount.objects.exists()


def test_a_provider_cannot_sign_in_another_states_member(live_server: LiveServer, idaho: IdentityProvider) -> None:
    """Idaho's provider vouching for a maine.gov address (or an Idaho address of someone who is not
    Idaho's member) signs nobody in: it covers its own domains and its own state's people."""
    factories.make_member("ME", Membership.Role.CIO, email="cio@maine.gov")
    factories.make_member("ME", Membership.Role.CPO, email="stranger@idaho.gov")

    for person in ["cio@maine.gov", "stranger@idaho.gov"]:
        answer = sign_in_through_provider(live_server.url, typed="someone@idaho.gov", at_provider=person)
        assert answer.status_code == 403, person
    assert not SocialAccount.objects.exists()


def test_a_former_member_is_refused(live_server: LiveServer, idaho: IdentityProvider) -> None:
    factories.make_member("ID", Membership.Role.CIO, email="cio@idaho.gov", ended_on=datetime.date(2025, 6, 30))

    answer = sign_in_through_provider(live_server.url, typed="cio@idaho.gov", at_provider="cio@idaho.gov")

    assert answer.status_code == 403
    assert not SocialAccount.objects.exists()


def test_the_sign_in_page_lets_its_forms_lead_to_the_provider(live_server: LiveServer, idaho: IdentityProvider) -> None:
    with requests.Session() as browser:
        page = browser.get(f"{live_server.url}/sign-in/")
    origin = idaho.app.settings["server_url"].removesuffix("/o")
    assert f"form-action 'self' {origin}" in page.headers["Content-Security-Policy"]
    assert "Or sign in with your state" in page.text
