"""The rules of single sign-on that need no provider: which addresses a provider covers, what staff
may type as its domains, password sign-in refused where staff require the provider, and the
sign-in page's way there. Against a real provider: tests/directory/test_sso_provider.py."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory

from directory import sso
from directory.models import IdentityProvider, Membership, SignInEvent
from tests import factories

pytestmark = pytest.mark.django_db


def make_provider(code: str = "ID", domains: str = "idaho.gov", *, require_sso: bool = False) -> IdentityProvider:
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id=code.lower(),
        name=f"{code} sign-in",
        client_id="joint-plan",
        settings={"server_url": f"https://login.{code.lower()}.example"},
    )
    return IdentityProvider.objects.create(
        app=app, jurisdiction=factories.jurisdiction(code), email_domains=domains, require_sso=require_sso
    )


def test_a_provider_covers_the_addresses_of_its_domains_only() -> None:
    idaho = make_provider("ID", "idaho.gov\nitd.idaho.gov")
    make_provider("ME", "maine.gov")

    assert sso.provider_for(" Someone@IDAHO.gov ") == idaho
    assert sso.provider_for("someone@itd.idaho.gov") == idaho
    assert sso.provider_for("someone@notidaho.gov") is None
    assert sso.provider_for("someone@sub.idaho.gov") is None
    assert sso.provider_for("not an address") is None


def test_staff_type_real_domains_each_covered_by_one_provider_only() -> None:
    make_provider("ID", "idaho.gov")
    maine = IdentityProvider(
        app=SocialApp.objects.create(provider="openid_connect", provider_id="me", name="Maine", client_id="c"),
        jurisdiction=factories.jurisdiction("ME"),
    )

    maine.email_domains = "maine.gov\nnot a domain"
    with pytest.raises(ValidationError, match="Not a domain: not a domain"):
        maine.full_clean()
    maine.email_domains = "maine.gov\n@IDAHO.gov"
    with pytest.raises(ValidationError, match="Another provider already covers idaho.gov"):
        maine.full_clean()
    maine.email_domains = " Maine.gov \n\n@state.me.us"
    maine.full_clean()
    assert maine.email_domains == "maine.gov\nstate.me.us"


def test_where_staff_require_the_provider_a_password_does_not_sign_in(client: Client) -> None:
    make_provider("ID", require_sso=True)
    cio = factories.make_member("ID", Membership.Role.CIO, email="cio@idaho.gov")

    response = client.post("/sign-in/", {"login": cio.email, "password": factories.PASSWORD})

    assert response.status_code == 200
    assert "Idaho signs its people in through its own identity provider" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same answer for an address in the domain that has no account: it says nothing about accounts.
    unknown = client.post("/sign-in/", {"login": "nobody@idaho.gov", "password": "whatever"})
    assert "Idaho signs its people in through its own identity provider" in unknown.content.decode()


def test_where_the_provider_is_not_required_a_password_still_signs_in(client: Client) -> None:
    make_provider("ID", require_sso=False)
    cio = factories.make_member("ID", Membership.Role.CIO, email="cio@idaho.gov")

    response = client.post("/sign-in/", {"login": cio.email, "password": factories.PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cio.pk)
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SIGNED_IN, user=cio).exists()


def test_the_sign_in_page_offers_a_provider_only_when_staff_set_one_up(client: Client) -> None:
    assert "identity provider" not in client.get("/sign-in/").content.decode()
    assert "form-action 'self';" in client.get("/sign-in/")["Content-Security-Policy"]

    make_provider("ID")
    page = client.get("/sign-in/")

    assert "Or sign in with your state's identity provider" in page.content.decode()
    assert "form-action 'self' https://login.id.example;" in page["Content-Security-Policy"]


def test_an_address_no_provider_covers_is_told_so_on_the_form(client: Client) -> None:
    make_provider("ID")

    response = client.post("/sign-in/provider/", {"email": "someone@maine.gov"})

    assert response.status_code == 200
    assert "No state&#x27;s identity provider signs in addresses at maine.gov" in response.content.decode()
    assert client.get("/sign-in/provider/").status_code == 200


def test_asking_for_a_provider_counts_as_a_sign_in_attempt(client: Client) -> None:
    """ACCOUNT_RATE_LIMITS["login"]: 30 a minute per client address, whatever the outcome."""
    answers = [client.post("/sign-in/provider/", {"email": f"n{n}@maine.gov"}).status_code for n in range(31)]

    assert answers == [200] * 30 + [429]


def test_nobody_is_signed_up_through_a_provider() -> None:
    assert sso.SocialAccountAdapter().is_open_for_signup(None, None) is False  # type: ignore[arg-type]


def provider_answer(provider_id: str, *addresses: tuple[str, bool]) -> SocialLogin:
    """What allauth makes of a provider's answer: its subject and the addresses it gave."""
    return SocialLogin(
        account=SocialAccount(provider=provider_id, uid="subject-1", extra_data={}),
        email_addresses=[EmailAddress(email=email, verified=verified) for email, verified in addresses],
    )


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (provider_answer("id"), "did not tell us your email address"),
        (provider_answer("id", ("cio@idaho.gov", False)), "has not verified your email address"),
        (provider_answer("id", ("cio@maine.gov", True)), "signs in addresses at idaho.gov only, so it cannot sign in"),
        (provider_answer("loose", ("cio@idaho.gov", True)), "not set up for any state here"),
    ],
    ids=["no address", "unverified", "another state's domain", "an application that is no state's provider"],
)
def test_a_provider_answer_that_names_no_member_is_refused_and_audited(answer: SocialLogin, says: str) -> None:
    make_provider("ID")
    factories.make_member("ID", Membership.Role.CIO, email="cio@idaho.gov")
    factories.make_member("ME", Membership.Role.CIO, email="cio@maine.gov")
    SocialApp.objects.create(provider="openid_connect", provider_id="loose", name="No state's", client_id="x")
    request = RequestFactory().get("/sign-in/oidc/id/callback/")

    with pytest.raises(ImmediateHttpResponse) as refused:
        sso.SocialAccountAdapter().pre_social_login(request, answer)

    assert refused.value.response.status_code == 403
    assert says in refused.value.response.content.decode()
    assert not SocialAccount.objects.exists()
    assert SignInEvent.objects.get().kind == SignInEvent.Kind.SIGN_IN_FAILED
