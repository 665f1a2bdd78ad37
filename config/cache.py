"""A Redis cache that never takes a page down with it.

The cache only ever holds things we can rebuild (aggregates, counters, heartbeats), so when Redis is
unreachable every read becomes a miss and every write a no-op, and the request carries on against
PostgreSQL. After a connection error the backend stops trying for ``retry_after`` seconds, so a page
that touches the cache ten times does not wait for ten connect timeouts while Redis is down.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache call, and building one copies its table of
    response callbacks: a measurable share of a request that only reads its session. A ``redis.Redis`` is
    safe to share between threads (each command takes a connection from the pool).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache where an unreachable server means "miss" instead of an exception.

    Extra OPTIONS (taken out before the rest go to the connection pool):
    ``retry_after`` seconds to skip Redis after a failure (default 5).
    Short socket timeouts are the default here (0.5 s) unless OPTIONS set others.
    """

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("retry_after", 5))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._paused_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_paused(self) -> bool:
        return time.monotonic() < self._paused_until

    def _failed(self, operation: str, exc: Exception) -> None:
        with self._lock:
            # Log once per outage window, not once per call.
            if not self.is_paused:
                logger.warning(
                    "Cache unreachable during %s (%s: %s); serving without it for %.0f s.",
                    operation,
                    type(exc).__name__,
                    exc,
                    self.retry_after,
                )
            self._paused_until = time.monotonic() + self.retry_after

    def _attempt(self, operation: str, call, fallback):
        if self.is_paused:
            return fallback
        try:
            return call()
        except UNREACHABLE as exc:
            self._failed(operation, exc)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt("add", lambda: super(FailSoftRedisCache, self).add(key, value, timeout, version), False)

    def get(self, key, default=None, version=None):
        return self._attempt("get", lambda: super(FailSoftRedisCache, self).get(key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt("set", lambda: super(FailSoftRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt("touch", lambda: super(FailSoftRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._attempt("delete", lambda: super(FailSoftRedisCache, self).delete(key, version), False)

    def get_many(self, keys, version=None):
        return self._attempt("get_many", lambda: super(FailSoftRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._attempt("has_key", lambda: super(FailSoftRedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._attempt("incr", lambda: super(FailSoftRedisCache, self).incr(key, delta, version), missing)
        if result is missing:
            # Django's contract for a key that is not there; callers already handle it.
            raise ValueError(f"Key '{key}' not found (cache unreachable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = self._attempt(
            "set_many", lambda: super(FailSoftRedisCache, self).set_many(data, timeout, version), None
        )
        return list(data) if failed is None else failed

    def delete_many(self, keys, version=None):
        return self._attempt("delete_many", lambda: super(FailSoftRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._attempt("clear", lambda: super(FailSoftRedisCache, self).clear(), False)


class VersionCounter:
    """A number in the cache that rises whenever the data behind some cached entries changes.

    Entries are stored with the number (in their key, or beside their value), so raising it makes them
    all stale at once and they simply expire. It starts from the clock, so a lost key never brings an old number (and old entries) back.
    """

    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        from django.core.cache import cache

        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, time.time_ns(), None)
            version = cache.get(self.key)
        # With the cache unreachable every request gets a new number, i.e. no caching at all.
        return version if version is not None else time.time_ns()

    def bump(self) -> None:
        from django.core.cache import cache

        try:
            cache.incr(self.key)
        except ValueError:
            cache.set(self.key, time.time_ns(), None)
