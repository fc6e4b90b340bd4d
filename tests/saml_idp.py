"""A SAML identity provider for the tests, as small as one can be: a key and self-signed
certificate made at test time, and answers (SAML Responses) signed with that key by python3-saml's
own signer, for whatever address and AuthnRequest the test names. It speaks only through what a
browser carries (the AuthnRequest in the redirect, the Response posted back), so the site's side
runs as it would against a state's real provider."""

from __future__ import annotations

import base64
import datetime
import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from allauth.socialaccount.models import SocialApp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from directory.models import IdentityProvider
from tests import factories

ENTITY_ID = "https://idp.idaho.example/saml"
SSO_URL = "https://idp.idaho.example/saml/sso"
SLUG = "idaho"
EMAIL_ATTRIBUTE = "urn:oid:0.9.2342.19200300.100.1.3"  # mail, one of allauth's default names for it


def key_and_certificate(name: str = "Idaho test identity provider") -> tuple[str, str]:
    """A fresh RSA key and a self-signed certificate for it, both PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class TestIdentityProvider:
    """Idaho's provider: its signing key and certificate, and the answers it gives."""

    __test__ = False  # not a pytest test class

    key: str = ""
    certificate: str = ""
    entity_id: str = ENTITY_ID
    sso_url: str = SSO_URL
    attributes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.key:
            self.key, self.certificate = key_and_certificate()

    def settings(self) -> dict[str, object]:
        """The Social application's settings as staff type them (README, "SAML")."""
        return {"idp": {"entity_id": self.entity_id, "sso_url": self.sso_url, "x509cert": self.certificate}}

    def answer(
        self,
        request_id: str | None,
        email: str,
        *,
        site: str = "http://localhost",
        slug: str = SLUG,
        signed: bool = True,
        signing_key: str = "",
        signing_certificate: str = "",
        issued: datetime.datetime | None = None,
        lifetime: datetime.timedelta = datetime.timedelta(minutes=5),
        audience: str = "",
        response_in_response_to: str | None = "",
        extra_attributes: dict[str, str] | None = None,
    ) -> str:
        """A SAML Response, base64 as the HTTP-POST binding carries it, saying `email` signed in,
        in answer to the AuthnRequest `request_id` (None: unsolicited). Its assertion is signed
        with this provider's key unless the test says otherwise."""
        issued = issued or datetime.datetime.now(datetime.UTC)
        acs = f"{site}/sign-in/saml/{slug}/acs/"
        audience = audience or f"{site}/sign-in/saml/{slug}/metadata/"
        in_response_to = f' InResponseTo="{request_id}"' if request_id else ""
        if response_in_response_to is None:
            outer_in_response_to = ""
        elif response_in_response_to:
            outer_in_response_to = f' InResponseTo="{response_in_response_to}"'
        else:
            outer_in_response_to = in_response_to
        attributes = {EMAIL_ATTRIBUTE: email, **self.attributes, **(extra_attributes or {})}
        statements = "".join(
            f'<saml:Attribute Name="{name}"><saml:AttributeValue xsi:type="xs:string">{value}</saml:AttributeValue>'
            "</saml:Attribute>"
            for name, value in attributes.items()
        )
        times = {
            "now": stamp(issued),
            "before": stamp(issued - datetime.timedelta(minutes=1)),
            "after": stamp(issued + lifetime),
        }
        assertion = (
            '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{times["now"]}">'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            "<saml:Subject>"
            f'<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{email}</saml:NameID>'
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{times["after"]}" Recipient="{acs}"{in_response_to}/>'
            "</saml:SubjectConfirmation>"
            "</saml:Subject>"
            f'<saml:Conditions NotBefore="{times["before"]}" NotOnOrAfter="{times["after"]}">'
            f"<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>"
            "</saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{times["now"]}" SessionIndex="_{uuid.uuid4().hex}">'
            "<saml:AuthnContext><saml:AuthnContextClassRef>"
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            "</saml:AuthnContextClassRef></saml:AuthnContext>"
            "</saml:AuthnStatement>"
            f"<saml:AttributeStatement>{statements}</saml:AttributeStatement>"
            "</saml:Assertion>"
        )
        if signed:
            signed_xml = OneLogin_Saml2_Utils.add_sign(
                assertion, signing_key or self.key, signing_certificate or self.certificate
            )
            assertion = re.sub(
                r"^<\?xml[^>]*\?>\s*", "", signed_xml.decode() if isinstance(signed_xml, bytes) else signed_xml
            )
        response = (
            '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            f'ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{times["now"]}" Destination="{acs}"'
            f"{outer_in_response_to}>"
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            f"{assertion}"
            "</samlp:Response>"
        )
        return base64.b64encode(response.encode()).decode()


def stamp(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def request_id_in(redirect: str) -> str:
    """The ID of the AuthnRequest the site sent the browser to the provider with (HTTP-Redirect
    binding: deflated, base64, in the SAMLRequest parameter)."""
    saml_request = parse_qs(urlsplit(redirect).query)["SAMLRequest"][0]
    xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(saml_request)
    found = re.search(r'\sID="([^"]+)"', xml.decode() if isinstance(xml, bytes) else xml)
    assert found, xml
    return found.group(1)


def set_up_idaho(idp: TestIdentityProvider, *, require_sso: bool = False) -> IdentityProvider:
    """Idaho's SAML provider as staff set it up: a Social application, then whose it is."""
    app = SocialApp.objects.create(
        provider="saml",
        provider_id=idp.entity_id,
        name="Idaho state sign-in",
        client_id=SLUG,
        settings=idp.settings(),
    )
    provider = IdentityProvider(
        app=app, jurisdiction=factories.jurisdiction("ID"), email_domains="idaho.gov", require_sso=require_sso
    )
    provider.full_clean()  # as the admin's form would
    provider.save()
    return provider
