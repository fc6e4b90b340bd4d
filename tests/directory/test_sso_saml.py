"""Single sign-on through a state's SAML 2.0 identity provider (directory/sso.py): the sign-in page
sends the address to the provider with an AuthnRequest, the provider's signed answer is posted to
our ACS as a browser would post it, and python3-saml (through allauth) checks it before our rules
decide whose account it is. The provider is tests/saml_idp.py: a key and certificate made here, and
answers signed with python3-saml's own signer."""

from __future__ import annotations

import base64
import datetime
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import Client

from directory import invitations
from directory.models import IdentityProvider, Invitation, Membership, SignInEvent, User
from outbox.models import OutgoingEmail
from tests import factories
from tests.saml_idp import (
    ENTITY_ID,
    SSO_URL,
    TestIdentityProvider,
    key_and_certificate,
    request_id_in,
    set_up_idaho,
)

pytestmark = pytest.mark.django_db

ACS = "/sign-in/saml/idaho/acs/"


@pytest.fixture(scope="module")
def idp() -> TestIdentityProvider:
    return TestIdentityProvider()


@pytest.fixture
def idaho(idp: TestIdentityProvider) -> IdentityProvider:
    return set_up_idaho(idp)


@pytest.fixture
def browser() -> Client:
    return Client(
        HTTP_HOST="localhost"
    )  # a browser always names the host; python3-saml wants a dotted name or localhost


def start(browser: Client, typed: str) -> str:
    """Type an address on the sign-in page's provider form: the AuthnRequest's ID, from the
    redirect to the provider."""
    sent = browser.post("/sign-in/provider/", {"email": typed})
    assert sent.status_code == 302, sent.content
    assert sent["Location"].startswith(f"{SSO_URL}?SAMLRequest=")
    return request_id_in(sent["Location"])


def post_answer(browser: Client, saml_response: str) -> HttpResponse:
    """Post the provider's answer to our ACS as its page makes the browser do, and follow our
    redirect to where it is checked: the last answer."""
    posted = browser.post(ACS, {"SAMLResponse": saml_response})
    assert posted.status_code == 302, posted.content
    assert posted["Location"] == "/sign-in/saml/idaho/acs/finish/"
    return browser.get(posted["Location"])


def sign_in(browser: Client, idp: TestIdentityProvider, email: str, **answer: object) -> HttpResponse:
    """A whole sign-in: the address typed, the provider answering for `email`."""
    request_id = start(browser, email)
    return post_answer(browser, idp.answer(request_id, email, **answer))  # type: ignore[arg-type]


def signed_in_as(browser: Client) -> str | None:
    return browser.session.get("_auth_user_id")


def failed(reason: str) -> SignInEvent:
    return SignInEvent.objects.get(kind=SignInEvent.Kind.SIGN_IN_FAILED, detail__reason=reason)


def test_the_sign_in_page_sends_an_address_in_the_providers_domains_to_it(
    browser: Client, idaho: IdentityProvider
) -> None:
    page = browser.get("/sign-in/")
    assert "form-action 'self' https://idp.idaho.example;" in page["Content-Security-Policy"]

    sent = browser.post("/sign-in/provider/", {"email": "CIO@Idaho.gov"})

    assert sent.status_code == 302
    assert urlsplit(sent["Location"])._replace(query="").geturl() == SSO_URL
    assert request_id_in(sent["Location"]).startswith("ONELOGIN_")


def test_a_member_signs_in_and_is_linked_once(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider
) -> None:
    cio = factories.make_member("ID", Membership.Role.CIO, email="cio@idaho.gov")

    for _ in range(2):
        answer = sign_in(browser, idp, "cio@idaho.gov")
        assert answer.status_code == 302
        assert answer["Location"] == "/"
        assert signed_in_as(browser) == str(cio.pk)
        browser.post("/sign-out/")

    link = SocialAccount.objects.get()
    assert (link.user, link.provider, link.uid) == (cio, ENTITY_ID, "cio@idaho.gov")
    linked = SignInEvent.objects.filter(kind=SignInEvent.Kind.SSO_LINKED)
    assert [(e.user, e.detail) for e in linked] == [(cio, {"provider": ENTITY_ID, "jurisdiction": "ID"})]
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGNED_IN, user=cio).count() == 2
    assert OutgoingEmail.objects.get().subject == "Joint Plan: you can now sign in through Idaho state sign-in"


def test_an_invited_address_accepts_its_invitation_through_the_provider(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider
) -> None:
    staff = factories.make_staff("NASCIO")
    invitations.invite(
        idaho.jurisdiction,
        email="new.cpo@idaho.gov",
        role="cpo",
        starts_on=datetime.date(2026, 1, 1),
        invited_by=staff,
    )

    answer = sign_in(
        browser,
        idp,
        "new.cpo@idaho.gov",
        extra_attributes={"urn:oid:2.5.4.42": "Ada", "urn:oid:2.5.4.4": "Lovelace"},
    )

    assert (answer.status_code, answer["Location"]) == (302, "/")
    person = User.objects.get(email="new.cpo@idaho.gov")
    assert signed_in_as(browser) == str(person.pk)
    assert (person.full_name, person.tz, person.has_usable_password()) == ("Ada Lovelace", "America/Boise", False)
    assert Membership.objects.active().get(user=person).role == "cpo"
    assert Invitation.objects.get().accepted_by == person
    assert SocialAccount.objects.get().user == person
    kinds = set(SignInEvent.objects.filter(user=person).values_list("kind", flat=True))
    assert {"invitation_accepted", "role_granted", "sso_linked", "signed_in"} <= kinds


def test_an_address_nobody_invited_is_refused_and_no_account_is_made(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider
) -> None:
    answer = sign_in(browser, idp, "stranger@idaho.gov")

    assert answer.status_code == 403
    assert "There is no Joint Plan account or invitation for stranger@idaho.gov in Idaho" in answer.content.decode()
    assert signed_in_as(browser) is None
    assert not User.objects.filter(email="stranger@idaho.gov").exists()
    assert not SocialAccount.objects.exists()
    assert failed("no_account").email == "stranger@idaho.gov"


def test_an_address_outside_the_providers_domains_is_refused_even_when_it_is_a_member(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider
) -> None:
    """Idaho's provider vouches for idaho.gov only: asserting a Maine member's address, in an
    assertion it signed and with an email_verified attribute saying true, signs nobody in."""
    factories.make_member("ME", Membership.Role.CIO, email="cio@maine.gov")
    factories.make_member("ID", Membership.Role.CIO, email="cio@idaho.gov")

    request_id = start(browser, "cio@idaho.gov")
    answer = post_answer(
        browser,
        idp.answer(request_id, "cio@maine.gov", extra_attributes={"http://schemas.auth0.com/email_verified": "true"}),
    )

    assert answer.status_code == 403
    assert "Idaho&#x27;s identity provider signs in addresses at idaho.gov only" in answer.content.decode()
    assert signed_in_as(browser) is None
    assert not SocialAccount.objects.exists()
    assert failed("outside_domains").email == "cio@maine.gov"


def test_the_providers_own_word_that_an_address_is_not_verified_is_believed(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider
) -> None:
    factories.make_member("ID", Membership.Role.CIO, email="cio@idaho.gov")

    answer = sign_in(
        browser, idp, "cio@idaho.gov", extra_attributes={"http://schemas.auth0.com/email_verified": "false"}
    )

    assert answer.status_code == 403
    assert "has not verified your email address" in answer.content.decode()
    assert signed_in_as(browser) is None


def refused_as_invalid(answer: HttpResponse, browser: Client) -> str:
    """The answer could not be checked: the error page, nobody signed in, nothing linked, and
    the audit's reason (python3-saml's words)."""
    assert answer.status_code == 401
    assert "Your state's sign-in did not work" in answer.content.decode()
    assert signed_in_as(browser) is None
    assert not SocialAccount.objects.exists()
    event = failed("invalid_answer")
    assert event.detail["provider"] == ENTITY_ID
    return str(event.detail["error"])


@pytest.fixture
def cio() -> User:
    return factories.make_member("ID", Membership.Role.CIO, email="cio@idaho.gov")


def test_an_unsigned_assertion_is_refused(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider, cio: User
) -> None:
    answer = sign_in(browser, idp, "cio@idaho.gov", signed=False)

    assert "The Assertion of the Response is not signed" in refused_as_invalid(answer, browser)


def test_an_assertion_signed_with_another_key_is_refused(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider, cio: User
) -> None:
    key, certificate = key_and_certificate("Someone else")

    answer = sign_in(browser, idp, "cio@idaho.gov", signing_key=key, signing_certificate=certificate)

    assert "Signature validation failed" in refused_as_invalid(answer, browser)


def test_an_assertion_past_its_not_on_or_after_is_refused(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider, cio: User
) -> None:
    """Issued 20 minutes ago for 5 minutes: past python3-saml's 5 minutes allowed for clock drift."""
    issued = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=20)

    answer = sign_in(browser, idp, "cio@idaho.gov", issued=issued)

    assert "expired" in refused_as_invalid(answer, browser)


def test_an_assertion_for_another_site_is_refused(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider, cio: User
) -> None:
    answer = sign_in(browser, idp, "cio@idaho.gov", audience="https://another-site.example/saml/metadata/")

    assert "is not a valid audience" in refused_as_invalid(answer, browser)


def test_an_answer_meant_for_another_address_is_refused(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider, cio: User
) -> None:
    answer = sign_in(browser, idp, "cio@idaho.gov", site="https://another-site.example")

    assert "The response was received at" in refused_as_invalid(answer, browser)


def test_a_replayed_answer_is_refused(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider, cio: User
) -> None:
    """The same answer twice: the sign-in it answered was used up by the first."""
    request_id = start(browser, "cio@idaho.gov")
    captured = idp.answer(request_id, "cio@idaho.gov")
    assert post_answer(browser, captured)["Location"] == "/"
    browser.post("/sign-out/")

    again = post_answer(browser, captured)

    assert "no sign-in this browser is waiting for" in refused_as_invalid_after_a_link(again, browser)
    # Nor in another browser that has a sign-in of its own waiting (another request ID).
    other = Client(HTTP_HOST="localhost")
    start(other, "cio@idaho.gov")
    assert post_answer(other, captured).status_code == 401
    assert signed_in_as(other) is None


def refused_as_invalid_after_a_link(answer: HttpResponse, browser: Client) -> str:
    assert answer.status_code == 401
    assert signed_in_as(browser) is None
    return str(SignInEvent.objects.get(kind=SignInEvent.Kind.SIGN_IN_FAILED).detail["error"])


def test_an_answer_whose_request_id_was_changed_is_refused(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider, cio: User
) -> None:
    """A captured answer rewrapped for another browser's waiting sign-in: the Response's
    InResponseTo is not signed, but the signed assertion's own InResponseTo must agree with it."""
    victims = start(Client(HTTP_HOST="localhost"), "cio@idaho.gov")
    attackers = start(browser, "cio@idaho.gov")

    answer = post_answer(browser, idp.answer(victims, "cio@idaho.gov", response_in_response_to=attackers))

    assert "A valid SubjectConfirmation was not found" in refused_as_invalid(answer, browser)


def test_an_answer_nobody_asked_for_is_refused(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider, cio: User
) -> None:
    """IdP-initiated sign-in is refused: an unsolicited answer could be posted into any browser."""
    answer = post_answer(browser, idp.answer(None, "cio@idaho.gov"))

    assert answer.status_code == 401
    assert signed_in_as(browser) is None
    assert not SocialAccount.objects.exists()


def test_a_provider_whose_settings_were_loosened_signs_nobody_in(
    browser: Client, idp: TestIdentityProvider, idaho: IdentityProvider, cio: User
) -> None:
    """Someone edits the Social application directly, past the admin's checks, to accept unsigned
    or unsolicited answers: the provider is then not there at all, and the sign-in form says so.
    (Where its settings say nothing, SAML_SECURITY holds: the unsigned test above has no
    "advanced" settings, where allauth alone would not ask for a signed assertion.)"""
    request_id = start(browser, "cio@idaho.gov")
    idaho.app.settings = {**idaho.app.settings, "advanced": {"want_assertion_signed": False}}
    idaho.app.save()

    assert browser.post(ACS, {"SAMLResponse": idp.answer(request_id, "cio@idaho.gov", signed=False)}).status_code == 404
    assert browser.get("/sign-in/saml/idaho/metadata/").status_code == 404
    form = browser.post("/sign-in/provider/", {"email": "cio@idaho.gov"})
    assert form.status_code == 200
    assert "Idaho&#x27;s identity provider is not set up correctly here yet" in form.content.decode()
    assert signed_in_as(browser) is None


def test_our_metadata_names_our_entity_id_and_acs(client: Client, idaho: IdentityProvider) -> None:
    response = client.get("/sign-in/saml/idaho/metadata/", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    text = response.content.decode()
    assert 'entityID="http://localhost/sign-in/saml/idaho/metadata/"' in text
    assert 'Location="http://localhost/sign-in/saml/idaho/acs/"' in text
    assert 'WantAssertionsSigned="true"' in text


def test_the_acs_takes_posts_for_a_provider_staff_set_up_only(client: Client, idaho: IdentityProvider) -> None:
    assert client.get(ACS).status_code == 405
    assert client.post("/sign-in/saml/nosuchthing/acs/", {"SAMLResponse": "x"}).status_code == 404
    assert client.get("/sign-in/saml/idaho/sls/").status_code == 404  # no single logout


def test_garbage_posted_to_the_acs_is_refused_without_an_error(browser: Client, idaho: IdentityProvider) -> None:
    not_xml, not_a_response = base64.b64encode(b"<foo>").decode(), base64.b64encode(b"<foo/>").decode()
    entities = base64.b64encode(b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>').decode()
    for garbage in ["not base64 at all", not_xml, not_a_response, entities, ""]:
        answer = post_answer(browser, garbage)
        assert answer.status_code == 401, garbage
    assert signed_in_as(browser) is None


def saml_app(**fields: object) -> SocialApp:
    _, certificate = key_and_certificate()
    values: dict[str, object] = {
        "provider": "saml",
        "provider_id": ENTITY_ID,
        "name": "Idaho",
        "client_id": "idaho",
        "settings": {"idp": {"entity_id": ENTITY_ID, "sso_url": SSO_URL, "x509cert": certificate}},
    }
    return SocialApp.objects.create(**{**values, **fields})


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"client_id": "Idaho State"}, "use lower-case letters, digits and hyphens"),
        ({"provider_id": ""}, "Give it a provider ID of its own"),
        ({"settings": {}}, 'Its settings need an "idp" block'),
        (
            {"settings": {"idp": {"entity_id": ENTITY_ID, "metadata_url": "https://idp.idaho.example/md"}}},
            "instead of a metadata_url",
        ),
        ({"settings": {"idp": {"entity_id": ENTITY_ID, "sso_url": SSO_URL, "x509cert": "abc"}}}, "signing certificate"),
        (
            {
                "settings": {
                    "idp": {"entity_id": ENTITY_ID, "sso_url": SSO_URL, "x509cert": key_and_certificate()[1]},
                    "advanced": {"want_assertion_signed": False, "reject_idp_initiated_sso": False},
                }
            },
            "stay true: reject_idp_initiated_sso, want_assertion_signed",
        ),
    ],
    ids=["slug", "provider id", "no idp", "metadata url", "certificate", "loosened"],
)
def test_staff_are_told_what_a_saml_provider_lacks(fields: dict[str, object], says: str) -> None:
    provider = IdentityProvider(
        app=saml_app(**fields), jurisdiction=factories.jurisdiction("ID"), email_domains="idaho.gov"
    )

    with pytest.raises(ValidationError, match=says):
        provider.full_clean()


def test_a_well_formed_saml_provider_passes(idp: TestIdentityProvider) -> None:
    assert set_up_idaho(idp).app.provider == "saml"


def test_a_request_without_a_host_header_is_still_answered(idaho: IdentityProvider, settings: object) -> None:
    """An HTTP/1.0 client may send no Host header: the host Django answers as stands in for it."""
    settings.ALLOWED_HOSTS = ["localhost"]  # type: ignore[attr-defined]
    client = Client(SERVER_NAME="localhost")
    assert "HTTP_HOST" not in client.get("/sign-in/").wsgi_request.META

    sent = client.post("/sign-in/provider/", {"email": "cio@idaho.gov"})

    assert sent.status_code == 302
    assert sent["Location"].startswith(f"{SSO_URL}?SAMLRequest=")


def test_staff_see_the_addresses_to_give_the_provider(
    client: Client, idaho: IdentityProvider, settings: object
) -> None:
    settings.SITE_URL = "https://jointplan.example.org"  # type: ignore[attr-defined]
    settings.MFA_REQUIRED_FOR_STAFF = False  # type: ignore[attr-defined]
    client.force_login(factories.make_superuser())

    page = client.get(f"/admin/directory/identityprovider/{idaho.pk}/change/")

    assert page.status_code == 200, page.get("Location")
    text = page.content.decode()
    site = "https://jointplan.example.org/sign-in/saml/idaho"
    assert f"Service provider metadata and entity ID: {site}/metadata/" in text
    assert f"Assertion consumer service (HTTP-POST): {site}/acs/" in text
