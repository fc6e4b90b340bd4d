"""Starting the real process: a bad environment stops it with one line; production settings are strict.

Each test runs `manage.py` or `python -c` in a subprocess, because settings are read once per
process and a refused start must be seen exactly as an operator sees it: exit status and stderr.
"""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/jointplan"
# Every variable config/settings.py reads, so the caller's shell cannot change the outcome.
SETTINGS_VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "PORT",
    "EMAIL_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "DEFAULT_USER_TZ",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "CSRF_TRUSTED_ORIGINS",
    "DEFAULT_FROM_EMAIL",
    "LOG_LEVEL",
    # Set by the browser tests for the rest of the run (Playwright keeps an event loop in the main
    # thread); a production process never has it, and `check --deploy` rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
]


def random_secret_key() -> str:
    """A production-grade SECRET_KEY: 60 random letters and digits."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(60))


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a correctly configured production process, with `overrides` applied."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": random_secret_key(),
        "ALLOWED_HOSTS": "jointplan.example.org",
        "EMAIL_URL": "smtp://mail.example.org",
        "SITE_URL": "https://jointplan.example.org",
        "DATABASE_URL": POSTGRES_URL,
        **overrides,
    }


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `args` from the repository root with only `env` as the app's configuration."""
    full_env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    full_env.update(env)
    return subprocess.run(args, cwd=REPO_ROOT, env=full_env, capture_output=True, text=True, timeout=60, check=False)


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "manage.py", *args], env)


def production_without(name: str) -> dict[str, str]:
    env = production_env()
    del env[name]
    return env


@pytest.mark.parametrize(
    ("variable", "env"),
    [
        pytest.param("SECRET_KEY", production_without("SECRET_KEY"), id="no-secret-key"),
        pytest.param("SECRET_KEY", production_env(SECRET_KEY="short-but-set"), id="short-secret-key"),
        pytest.param("ALLOWED_HOSTS", production_without("ALLOWED_HOSTS"), id="no-allowed-hosts"),
        pytest.param("ALLOWED_HOSTS", production_env(ALLOWED_HOSTS=" , "), id="allowed-hosts-only-commas"),
        pytest.param("SITE_URL", production_without("SITE_URL"), id="no-site-url"),
        pytest.param("EMAIL_URL", production_without("EMAIL_URL"), id="no-email-url"),
        pytest.param("DATABASE_URL", {"DEBUG": "1", "DATABASE_URL": "mysql://x"}, id="bad-database-url"),
        pytest.param(
            "REDIS_URL",
            {"DEBUG": "1", "DATABASE_URL": POSTGRES_URL, "REDIS_URL": "http://cache:6379"},
            id="bad-redis-url",
        ),
        pytest.param("DEBUG", {"DEBUG": "maybe", "DATABASE_URL": POSTGRES_URL}, id="bad-debug"),
    ],
)
def test_bad_configuration_stops_start_up_with_one_line_naming_the_variable(variable: str, env: dict[str, str]) -> None:
    result = manage(env, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {variable} ")


def test_complete_production_configuration_passes_the_deploy_checks() -> None:
    result = manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


PRODUCTION_PROBE = """
import json
import django
from django.conf import settings

django.setup()
from django.test import Client

client = Client(raise_request_exception=False)
health = client.get("/healthz", HTTP_HOST="10.0.0.5")
sign_in = client.get("/sign-in/", HTTP_HOST="jointplan.example.org")
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "MIDDLEWARE": settings.MIDDLEWARE,
    "health": [health.status_code, health.json()],
    "sign_in": [sign_in.status_code, sign_in.headers.get("Location")],
}))
"""


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """What a production process sees after django.setup(), plus two plain-HTTP requests to it."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    env = production_env(
        # A database that always exists, so the health check can report "ok".
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = run([sys.executable, "-c", PRODUCTION_PROBE], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_cookies_are_secure_and_hsts_is_on(production_settings: dict[str, object]) -> None:
    assert production_settings["DEBUG"] is False
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    hsts_seconds = production_settings["SECURE_HSTS_SECONDS"]
    assert isinstance(hsts_seconds, int)
    assert hsts_seconds > 0


def test_production_redirects_plain_http_and_serves_static_files(production_settings: dict[str, object]) -> None:
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production_settings["sign_in"] == [301, "https://jointplan.example.org/sign-in/"]
    middleware = production_settings["MIDDLEWARE"]
    assert isinstance(middleware, list)
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )


def test_production_health_check_answers_plain_http_for_an_unlisted_host(
    production_settings: dict[str, object],
) -> None:
    """Load balancers probe by IP over HTTP: no HTTPS redirect and no DisallowedHost for /healthz."""
    assert production_settings["health"] == [
        200,
        {"status": "ok", "checks": {"database": "ok", "redis": "not configured"}},
    ]
