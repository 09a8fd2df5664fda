"""Caches for expensive results: per process in memory, or shared by all workers in Redis.

``make_cache("memory")`` is a least-recently-used dict in this process.
``make_cache("redis://host:6379/0")`` keeps pickled values in Redis, so what one gunicorn
worker (or one host) computed, the others reuse; a small in-process LRU sits in front of it
so the hottest values are not unpickled on every request. Keys are namespaced by the data
version, so new data never meets old results, and expire after a TTL.

A cache never decides whether a request succeeds: when Redis is down or slow the value is
computed here (and the failure logged once per outage), never answered with a 500.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["MemoryCache", "RedisCache", "attach", "cache_for", "make_cache"]

log = logging.getLogger(__name__)


class _InFlight:
    """A value being computed by one thread that others wait for."""

    def __init__(self):
        self.done = threading.Event()
        self.value = None
        self.error: BaseException | None = None


class MemoryCache:
    """A thread-safe LRU of at most ``size`` values, in this process.

    A value is computed once even when several requests ask for it at the same time: the
    browser sends the map's and the panels' requests together after a change, and both
    need the same view (on two cores, computing it twice had doubled the wait).
    """

    def __init__(self, size: int = 256):
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._pending: dict = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key, compute: Callable):
        """The cached value for ``key``, else ``compute()`` (stored); a caller that asks
        while another thread computes it waits for that result (or its exception)."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            flight = self._pending.get(key)
            owner = flight is None
            if owner:
                flight = self._pending[key] = _InFlight()
        if not owner:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value
        try:
            flight.value = compute()
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                if flight.error is None:
                    self._data[key] = flight.value
                    if len(self._data) > self.size:
                        self._data.popitem(last=False)
                del self._pending[key]
            flight.done.set()
        return flight.value


class RedisCache:
    """Values pickled in Redis under ``frontline:<namespace>:<hash of key>``.

    Parameters
    ----------
    url : ``redis://host:port/db``
    namespace : the data version; set by :func:`attach`.
    ttl : seconds a value lives in Redis.
    local_size : size of the in-process LRU in front of Redis (0 to switch it off).
    retry_after : seconds to skip Redis after it failed, so an outage does not add a
        connection timeout to every request.
    """

    def __init__(self, url: str, namespace: str = "", *, ttl: int = 3600, local_size: int = 64,
                 retry_after: float = 5.0):  # fmt: skip
        import redis

        self.url = url
        self.namespace = namespace
        self.ttl = ttl
        self.retry_after = retry_after
        self.local = MemoryCache(local_size) if local_size else None
        # Short timeouts: a slow cache must cost less than computing the value.
        self.client = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, health_check_interval=30
        )
        self._down_until = 0.0
        self._errors = redis.RedisError

    def redis_key(self, key) -> str:
        """The Redis key of ``key`` (a tuple of plain values with a stable ``repr``)."""
        digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
        return f"frontline:{self.namespace}:{digest}"

    def _failed(self, exc: Exception) -> None:
        if time.monotonic() >= self._down_until:
            log.warning("Redis cache unavailable (%s); computing locally for now", exc)
        self._down_until = time.monotonic() + self.retry_after

    def _get(self, rkey: str):
        if time.monotonic() < self._down_until:
            return None
        try:
            raw = self.client.get(rkey)
        except self._errors as exc:
            self._failed(exc)
            return None
        if raw is None:
            return None
        try:
            return pickle.loads(raw)
        except Exception:  # written by another version of the code: recompute and overwrite
            return None

    def _set(self, rkey: str, value) -> None:
        if time.monotonic() < self._down_until:
            return
        try:
            self.client.set(rkey, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
                            ex=self.ttl)  # fmt: skip
        except self._errors as exc:
            self._failed(exc)

    def _shared(self, key, compute: Callable):
        rkey = self.redis_key(key)
        value = self._get(rkey)
        if value is None:
            value = compute()
            self._set(rkey, value)
        return value

    def get_or_compute(self, key, compute: Callable):
        """The value for ``key`` from this process, else Redis, else ``compute()``."""
        if self.local is None:
            return self._shared(key, compute)
        return self.local.get_or_compute(key, lambda: self._shared(key, compute))


def make_cache(url: str | None, namespace: str = ""):
    """The cache named by ``url``: ``"memory"`` (default) or a ``redis://`` URL.

    Raises
    ------
    ValueError : for anything else, naming what was expected.
    """
    if url in (None, "", "memory"):
        return MemoryCache()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisCache(url, namespace)
    raise ValueError(f"cache: expected 'memory' or a redis:// URL, got {url!r}")


_attached: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def attach(store, cache) -> None:
    """Use ``cache`` for results computed over ``store`` (see ``dashboard.view.cached``).

    A Redis cache gets the store's data version as its namespace.
    """
    if isinstance(cache, RedisCache) and not cache.namespace:
        cache.namespace = store_version(store)
    _attached[store] = cache


def cache_for(store):
    """The cache attached to ``store``, or None."""
    return _attached.get(store)


def store_version(store) -> str:
    """A version string that changes whenever the store's data does."""
    from geo.export import data_version

    version = getattr(store, "version", None)
    files = data_version(store.data_dir)
    return f"{type(store).__name__}-{version}-{files}" if version else f"files-{files}"
