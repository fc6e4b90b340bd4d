"""The demo identity provider (tests/oidc_provider/demo.py, docker-compose's `idp` service) starts
on its own, with no setup handed to it, and publishes its OpenID Connect configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# It reads no table, but the session's autouse fixtures (tests/conftest.py) set the test database up.
pytestmark = pytest.mark.django_db


def test_the_demo_provider_starts_alone_and_publishes_its_configuration() -> None:
    env = {**os.environ, "IDP_PORT": "0"}
    for name in ("DJANGO_SETTINGS_MODULE", "IDP_RSA_PRIVATE_KEY", "IDP_DATABASE"):
        env.pop(name, None)
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.oidc_provider.demo"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        assert port.isdigit(), port
        url = f"http://127.0.0.1:{port}/o/.well-known/openid-configuration"
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            configuration = json.load(response)
        with urllib.request.urlopen(configuration["jwks_uri"], timeout=10) as response:  # noqa: S310
            keys = json.load(response)["keys"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()

    assert configuration["issuer"] == f"http://127.0.0.1:{port}/o"
    assert "code" in configuration["response_types_supported"]
    assert [key["kty"] for key in keys] == ["RSA"]
