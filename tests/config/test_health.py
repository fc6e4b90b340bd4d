"""GET /healthz: what load balancers see when the database and Redis are up, down or absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
LIVE_REDIS_URL = "redis://127.0.0.1:6379/15"
CLOSED_PORT_REDIS_URL = "redis://127.0.0.1:1/0"
UNLISTED_HOST = "10.0.0.5"


@pytest.mark.django_db
def test_healthz_is_ok_with_the_database_up_and_no_redis_configured(client: Client, settings: Settings) -> None:
    settings.REDIS_URL = None
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "not configured"}}


@pytest.mark.django_db
def test_healthz_is_never_cached(client: Client, settings: Settings) -> None:
    settings.REDIS_URL = None
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"]


# The security headers SecurityMiddleware, XFrameOptionsMiddleware and the CSP middleware put on every page.
SECURITY_HEADERS = [
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
    "Content-Security-Policy",
]


@pytest.mark.django_db
def test_healthz_carries_the_security_headers_of_every_other_page(client: Client, settings: Settings) -> None:
    """Answered before SecurityMiddleware runs, it still sends what the rest of the site sends
    (HSTS included, over HTTPS in production)."""
    settings.REDIS_URL = None
    settings.SECURE_HSTS_SECONDS = 3600
    page = client.get("/robots.txt", secure=True)
    health = client.get("/healthz", secure=True)
    assert health.status_code == 200
    for header in SECURITY_HEADERS:
        assert page.get(header), f"a normal page should carry {header}"
        assert health.get(header) == page[header], header
    assert health["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_healthz_reports_redis_ok_when_it_answers(client: Client, settings: Settings) -> None:
    settings.REDIS_URL = LIVE_REDIS_URL
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


@pytest.mark.django_db
def test_healthz_is_degraded_but_200_when_redis_is_unreachable(client: Client, settings: Settings) -> None:
    """Without Redis the site still serves (mail waits in the outbox), so the balancer keeps it in."""
    settings.REDIS_URL = CLOSED_PORT_REDIS_URL
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "redis": "unavailable"}}


@pytest.mark.django_db
def test_healthz_answers_a_host_that_is_not_in_allowed_hosts(client: Client, settings: Settings) -> None:
    settings.REDIS_URL = None
    # The same Host header on any other page is refused: the health check is answered before the host check.
    assert client.get("/sign-in/", HTTP_HOST=UNLISTED_HOST).status_code == 400
    response = client.get("/healthz", HTTP_HOST=UNLISTED_HOST)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_healthz_refuses_post(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


DATABASE_DOWN_PROBE = """
import json
import django

django.setup()
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
response = Client().get("/healthz")
print(json.dumps([response.status_code, response.json()]))
"""


def test_healthz_is_503_when_the_database_is_down() -> None:
    """Run in its own process against a closed PostgreSQL port: the test database stays untouched."""
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL", "DEBUG"}}
    env |= {
        "DEBUG": "1",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", DATABASE_DOWN_PROBE],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status_code, body = json.loads(result.stdout)
    assert status_code == 503
    assert body == {"status": "unavailable", "checks": {"database": "unavailable", "redis": "not configured"}}
