"""The shared cache (config/cache.py): the sign-in rate limits count there, across every web
process, when Redis is up; while Redis is away, signing in goes on (unthrottled) rather than fail."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests import factories

LIVE_REDIS_URL = "redis://127.0.0.1:6379/15"
CLOSED_PORT_REDIS_URL = "redis://127.0.0.1:1/0"


def redis_cache(url: str) -> dict[str, dict[str, object]]:
    """CACHES as config/settings.py writes it when REDIS_URL is set."""
    return {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "cache",
            "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
    }


@pytest.fixture
def live_redis_cache() -> Iterator[None]:
    with override_settings(CACHES=redis_cache(LIVE_REDIS_URL)):
        cache.clear()
        yield
        cache.clear()


@pytest.mark.django_db
def test_failed_sign_ins_are_counted_in_redis_and_lock_out_at_the_eleventh(live_redis_cache: None) -> None:
    cio = factories.make_member("ID", email="cio@id.example")
    for _ in range(10):
        Client().post("/sign-in/", {"login": cio.email, "password": "wrong-password"})

    response = Client().post("/sign-in/", {"login": cio.email, "password": factories.PASSWORD})  # a new process's view

    assert "Too many failed attempts to sign in." in response.content.decode()
    assert any(b"login_failed" in key for key in cache._cache.get_client().keys("*"))  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_with_redis_down_signing_in_still_works_and_gives_up_on_redis_quickly() -> None:
    cio = factories.make_member("ID", email="cio@id.example")
    with override_settings(CACHES=redis_cache(CLOSED_PORT_REDIS_URL)):
        started = time.monotonic()
        response = Client().post("/sign-in/", {"login": cio.email, "password": factories.PASSWORD})
        elapsed = time.monotonic() - started

        assert (response.status_code, response["Location"]) == (302, "/")
        assert elapsed < 2
        assert cache.get("anything", "missing") == "missing"
        assert cache.add("lock", True) is True


def test_with_redis_down_every_cache_call_answers_nothing_there() -> None:
    with override_settings(CACHES=redis_cache(CLOSED_PORT_REDIS_URL)):
        cache.set("a", 1)
        assert cache.get_or_set("version", 1) == 1
        assert cache.incr("version") == 1
        assert (cache.get_many(["a"]), cache.has_key("a"), cache.touch("a"), cache.delete("a")) == (
            {},
            False,
            False,
            False,
        )
        cache.set_many({"a": 1})
        cache.delete_many(["a"])
