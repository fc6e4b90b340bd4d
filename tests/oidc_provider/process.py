"""Start and stop the test identity provider (see __init__) as a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Person:
    email: str
    password: str
    email_verified: bool = True


@dataclass
class OIDCProvider:
    """`with OIDCProvider(tmp, people, redirect_uri=...) as idp:` runs it; `idp.url` is its issuer
    (what a SocialApp's server_url names), `idp.client_id` and `idp.client_secret` the site's."""

    workdir: Path
    people: list[Person]
    redirect_uri: str
    client_id: str = "joint-plan"
    client_secret: str = "joint-plan-test-secret"  # noqa: S105 (a throwaway test client)
    url: str = ""
    _process: subprocess.Popen[str] | None = field(default=None, repr=False)

    def __enter__(self) -> OIDCProvider:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        setup = self.workdir / "idp.json"
        setup.write_text(
            json.dumps(
                {
                    "users": [{"email": p.email, "password": p.password} for p in self.people],
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "redirect_uri": self.redirect_uri,
                }
            )
        )
        env = {
            **os.environ,
            "IDP_DATABASE": str(self.workdir / "idp.sqlite3"),
            "IDP_RSA_PRIVATE_KEY": pem,
            "IDP_UNVERIFIED_EMAILS": ",".join(p.email for p in self.people if not p.email_verified),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self._process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "tests.oidc_provider.serve", "0", str(setup)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        port = self._process.stdout.readline().strip()  # printed once it listens
        if not port.isdigit():
            self.__exit__(None, None, None)
            raise RuntimeError("the test identity provider did not start (see its output above)")
        self.url = f"http://127.0.0.1:{port}/o"
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None
