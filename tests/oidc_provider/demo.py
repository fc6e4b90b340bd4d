"""Run the test identity provider as a service, for trying single sign-on by hand (docker-compose's
`idp` service, `docker compose --profile sso-demo up idp`, or straight from a checkout):

    .venv/bin/python -m tests.oidc_provider.demo

It serves on IDP_HOST:IDP_PORT (127.0.0.1:9000) an OpenID Connect provider whose issuer is
http://localhost:9000/o, with the demo's Idaho CIO and CPO (cio@id.example and cpo@id.example,
password jointplan-demo, both verified) and one client, the site at IDP_REDIRECT_URI
(http://localhost:8000/sign-in/oidc/idaho/callback/), client id `joint-plan` and secret
IDP_CLIENT_SECRET (`joint-plan-demo-secret`). README.md ("Single sign-on") says what to enter in
the admin. Its signing key is made anew at each start; its users live in IDP_DATABASE, a file
made anew too. Never for production: it is the tests' provider, with their throwaway settings.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

DEMO_PASSWORD = "jointplan-demo"  # noqa: S105 (the demo accounts' published password)
PEOPLE = ["cio@id.example", "cpo@id.example"]


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="jointplan-idp-"))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    os.environ.setdefault(
        "IDP_RSA_PRIVATE_KEY",
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
    )
    os.environ.setdefault("IDP_DATABASE", str(work / "idp.sqlite3"))
    setup = work / "idp.json"
    setup.write_text(
        json.dumps(
            {
                "users": [{"email": email, "password": DEMO_PASSWORD} for email in PEOPLE],
                "client_id": "joint-plan",
                "client_secret": os.environ.get("IDP_CLIENT_SECRET", "joint-plan-demo-secret"),
                "redirect_uri": os.environ.get(
                    "IDP_REDIRECT_URI", "http://localhost:8000/sign-in/oidc/idaho/callback/"
                ),
            }
        )
    )
    sys.argv = [sys.argv[0], os.environ.get("IDP_PORT", "9000"), str(setup)]
    from tests.oidc_provider import serve

    serve.main()


if __name__ == "__main__":
    main()
