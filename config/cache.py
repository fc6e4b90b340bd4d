"""The cache every web process shares in production: Redis, through Django's own backend, which
shrugs off a Redis outage instead of failing the request.

What the cache holds can be lost: the sign-in rate limits (ACCOUNT_RATE_LIMITS) and pools of
figures that are computed again when missing. So while Redis is away, reads miss, writes are
dropped, and signing in goes on without throttling (one warning in the log each time the breaker
opens) rather than nobody being able to sign in: the design's rule that a Redis outage delays
work but never stops it. After one failure the process leaves Redis alone for BREAK_SECONDS,
so that a Redis that hangs costs one socket timeout, not one for each cache call of every request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BREAK_SECONDS = 30.0
T = TypeVar("T")


class ForgivingRedisCache(RedisCache):
    """Django's RedisCache whose calls answer "nothing there" while Redis cannot be reached."""

    _down_until = 0.0  # time.monotonic() before which this process does not try Redis

    def _try(self, call: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except RedisError as error:
            self._down_until = time.monotonic() + BREAK_SECONDS
            logger.warning("cache: Redis unavailable (%s); going on without it for %d s", error, BREAK_SECONDS)
            return fallback

    def add(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        # True, as if added: a lock taken through the cache (allauth's) must not wait for Redis.
        return self._try(lambda: super(ForgivingRedisCache, self).add(key, value, timeout, version), True)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._try(lambda: super(ForgivingRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._try(lambda: super(ForgivingRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._try(lambda: super(ForgivingRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._try(lambda: super(ForgivingRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._try(lambda: super(ForgivingRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._try(lambda: super(ForgivingRedisCache, self).has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # As if the count had been `delta` before: what counts here (a generation number of kept
        # pages) starts again when Redis is back.
        return self._try(lambda: super(ForgivingRedisCache, self).incr(key, delta, version), delta)

    def set_many(self, data: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._try(lambda: super(ForgivingRedisCache, self).set_many(data, timeout, version), [])

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._try(lambda: super(ForgivingRedisCache, self).delete_many(keys, version), None)
