"""A Redis cache that keeps the site up when Redis is not.

Nothing in the cache is the only copy of anything: sessions, lockouts and the
outbox live in the database. So when Redis refuses a connection or times out,
every call falls back to a per-process local-memory cache instead of raising,
and Redis is tried again after a short pause (no connect attempt per call while
it is down).

Rate limits (django-ratelimit) count in this cache, so during an outage they
count per process: a local limit, not fail-open (the public form would be open
to a flood exactly when the office is busiest) and not fail-closed (every voter
would be refused). With N web processes the effective limit is at most N times
the configured rate until Redis returns.

Some keys are only worth keeping where every process sees the same copy:
cached sessions, unread counts and the deputy home's panels. During an outage
they are not kept in local memory at all (a read misses, a write is dropped),
so the database answers: a session ended while Redis was down cannot live on
in one process's memory.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

_fallbacks: dict[str, LocMemCache] = {}
SHARED_ONLY_PREFIXES = ("django.contrib.sessions.cached_db", "liaison:unread:", "liaison:deputy_home:")


def _shared_only(key) -> bool:
    return isinstance(key, str) and key.startswith(SHARED_ONLY_PREFIXES)
_fallbacks_lock = threading.Lock()


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class ReusingRedisCacheClient(RedisCacheClient):
    """One redis.Redis per connection pool rather than one per call: redis-py builds some two
    hundred response callbacks in every client's __init__, and a signed-in page makes two or
    three cache calls (perf, issue 11). The client is thread-safe and the pool fork-safe."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache that degrades to local memory."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER_SECONDS", 5))
        # Fail fast: a page must not wait on a Redis host that does not answer.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        self._down_until = 0.0
        self._fallback_name = f"liaison-fallback:{server}"

    @property
    def fallback(self) -> LocMemCache:
        with _fallbacks_lock:
            cache = _fallbacks.get(self._fallback_name)
            if cache is None:
                cache = _fallbacks[self._fallback_name] = LocMemCache(
                    self._fallback_name, {"TIMEOUT": self.default_timeout, "KEY_PREFIX": self.key_prefix,
                                          "VERSION": self.version, "OPTIONS": {"MAX_ENTRIES": 10000}}
                )
            return cache

    @property
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args, **kwargs):
        if self.is_down:
            return self._local(name, *args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except _redis_errors() as error:
            self._down_until = time.monotonic() + self.retry_after
            logger.warning("Redis cache unavailable (%s); using local memory for %.0f s", error, self.retry_after)
            return self._local(name, *args, **kwargs)

    def _local(self, name: str, *args, **kwargs):
        """The fallback, except that shared-only keys are neither read from nor kept in local memory."""
        first = args[0] if args else kwargs.get("key", kwargs.get("keys", kwargs.get("data")))
        if name in ("get_many", "delete_many", "set_many"):
            shared = [k for k in first if _shared_only(k)]
            if shared:
                rest = {k: first[k] for k in first if not _shared_only(k)} if isinstance(first, dict) else [
                    k for k in first if not _shared_only(k)]
                args = (rest, *args[1:]) if args else args
                if not args:
                    kwargs = {**kwargs, "data" if name == "set_many" else "keys": rest}
        elif _shared_only(first):
            if name in ("get",):
                return args[1] if len(args) > 1 else kwargs.get("default")
            if name in ("add", "touch", "has_key", "delete"):
                return False
            if name == "incr":
                raise ValueError(f"Key '{first}' not found")
            return None  # set: dropped
        return getattr(self.fallback, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")
