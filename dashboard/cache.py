"""The one cache of the web app: in this process, or shared by all workers in Redis.

Keys are tuples of plain values whose first element is the data version
(:meth:`dashboard.scope.Scope.cached` puts it there), followed by everything the value
depends on: the full view state, map position included, so new data never meets old
results and one reader's view is never handed to another. Values are plain data (numbers,
strings, dicts, lists, numpy arrays, pandas frames, shapely geometries, the domain's frozen
dataclasses): never a store, a connection or a lock, so the same values work in memory and
pickled in Redis. ``FRONTLINE_CACHE_CHECK=1`` makes the memory cache pickle every value it
stores, so the default deploy shape fails the tests the way Redis would.

Both caches are bounded and single-flight: a value several requests ask for at once is
computed once (the browser sends a page's first callbacks together, and many readers open
the same embed at once). A cache never decides whether a request succeeds: when Redis is
down or slow the value is computed here (and the outage logged once), never a 500.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["MemoryCache", "RedisCache", "make_cache", "sizeof"]

log = logging.getLogger(__name__)


class _InFlight:
    """A value being computed by one thread that others wait for."""

    def __init__(self):
        self.done = threading.Event()
        self.value = None
        self.error: BaseException | None = None


def sizeof(value, depth: int = 0) -> int:
    """About how many bytes ``value`` holds (what bounds the memory cache)."""
    import numpy as np
    import pandas as pd
    import shapely

    if isinstance(value, np.ndarray):
        return value.nbytes + 100
    if isinstance(value, bytes | str):
        return len(value) + 50
    if isinstance(value, pd.DataFrame | pd.Series):
        return int(value.memory_usage(deep=False, index=False).sum()) + 500
    if isinstance(value, shapely.Geometry):
        return int(shapely.get_num_coordinates(value)) * 16 + 100
    if depth > 4:
        return 100
    if isinstance(value, dict):
        return 100 + sum(sizeof(v, depth + 1) for v in value.values())
    if isinstance(value, list | tuple):
        return 60 + sum(sizeof(v, depth + 1) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 100 + sum(sizeof(getattr(value, f.name), depth + 1)
                         for f in dataclasses.fields(value))  # fmt: skip
    return 100


class MemoryCache:
    """A thread-safe LRU of at most ``size`` values and about ``max_bytes`` bytes.

    A value is computed once even when several requests ask for it at the same time.
    """

    def __init__(self, size: int = 512, max_bytes: int = 512 * 2**20, *, check: bool | None = None):
        self.size = size
        self.max_bytes = max_bytes
        self.check = os.environ.get("FRONTLINE_CACHE_CHECK") == "1" if check is None else check
        self._data: OrderedDict = OrderedDict()
        self._bytes: dict = {}
        self._total = 0
        self._pending: dict = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def get_or_compute(self, key, compute: Callable, *, shared: bool = True):
        """The cached value for ``key``, else ``compute()`` (stored); a caller that asks
        while another thread computes it waits for that result (or its exception).
        ``shared`` is for the Redis cache; here every value stays in this process."""
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
            if self.check:
                _check_plain(key, flight.value)
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                if flight.error is None:
                    self._put(key, flight.value)
                del self._pending[key]
            flight.done.set()
        return flight.value

    def _put(self, key, value) -> None:
        size = sizeof(value)
        if key in self._data:
            self._total -= self._bytes.pop(key, 0)
        self._data[key] = value
        self._bytes[key] = size
        self._total += size
        while self._data and (len(self._data) > self.size or self._total > self.max_bytes):
            old, _ = self._data.popitem(last=False)
            self._total -= self._bytes.pop(old, 0)

    def retain(self, version: str) -> None:
        """Drop every value of another data version (after a switch to ``version``)."""
        with self._lock:
            for key in [k for k in self._data if not _of_version(k, version)]:
                del self._data[key]
                self._total -= self._bytes.pop(key, 0)


def _of_version(key, version: str) -> bool:
    # A session's data version extends the shared one ("<version>-s<tag>").
    return isinstance(key, tuple) and bool(key) and str(key[0]).startswith(version)


def _check_plain(key, value) -> None:
    try:
        pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        raise TypeError(
            f"cache: the value for {key[:2]!r}... is not plain data ({exc}); cache values "
            "must pickle (no stores, connections or locks)"
        ) from exc


class RedisCache:
    """Values pickled in Redis under ``frontline:<hash of key>``, with an in-process LRU in
    front so the hottest values are not unpickled on every request.

    Parameters
    ----------
    url : ``redis://host:port/db``
    ttl : seconds a value lives in Redis (old data versions age out on their own).
    local : the in-process cache in front of Redis.
    retry_after : seconds to skip Redis after it failed, so an outage does not add a
        connection timeout to every request.
    wait : seconds to wait for another worker computing the same value before computing
        it here too.
    """

    def __init__(self, url: str, *, ttl: int = 3600, local: MemoryCache | None = None,
                 retry_after: float = 5.0, wait: float = 10.0):  # fmt: skip
        import redis

        self.url = url
        self.ttl = ttl
        self.retry_after = retry_after
        self.wait = wait
        self.local = local or MemoryCache(256, 256 * 2**20, check=False)
        # Short timeouts: a slow cache must cost less than computing the value.
        self.client = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, health_check_interval=30
        )
        self._down_until = 0.0
        self._errors = redis.RedisError

    def redis_key(self, key) -> str:
        """The Redis key of ``key`` (a tuple of plain values with a stable ``repr``)."""
        return "frontline:" + hashlib.sha256(repr(key).encode()).hexdigest()[:40]

    def _failed(self, exc: Exception) -> None:
        if time.monotonic() >= self._down_until:
            log.warning("Redis cache unavailable (%s); computing locally for now", exc)
        self._down_until = time.monotonic() + self.retry_after

    def _up(self) -> bool:
        return time.monotonic() >= self._down_until

    def _get(self, rkey: str):
        if not self._up():
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
        if not self._up():
            return
        try:
            self.client.set(rkey, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
                            ex=self.ttl)  # fmt: skip
        except self._errors as exc:
            self._failed(exc)

    def _claim(self, rkey: str) -> bool:
        """Whether this worker computes the value (False: another one does right now)."""
        if not self._up():
            return True
        try:
            return bool(self.client.set(rkey + ":lock", b"1", nx=True, px=int(self.wait * 1000)))
        except self._errors as exc:
            self._failed(exc)
            return True

    def _shared(self, key, compute: Callable):
        rkey = self.redis_key(key)
        value = self._get(rkey)
        if value is not None:
            return value
        claimed = self._claim(rkey)
        if not claimed:
            # Another worker computes it: wait for its result rather than doing it twice.
            deadline = time.monotonic() + self.wait
            while time.monotonic() < deadline and self._up():
                time.sleep(0.05)
                value = self._get(rkey)
                if value is not None:
                    return value
        try:
            value = compute()
            self._set(rkey, value)
        finally:
            # Released even when compute raises: others must not wait out the lock's TTL.
            try:
                if claimed and self._up():
                    self.client.delete(rkey + ":lock")
            except self._errors as exc:
                self._failed(exc)
        return value

    def get_or_compute(self, key, compute: Callable, *, shared: bool = True):
        """The value for ``key`` from this process, else Redis, else ``compute()``.
        ``shared=False`` keeps a value in this process only (cheap to recompute, large
        to ship)."""
        if not shared:
            return self.local.get_or_compute(key, compute)
        return self.local.get_or_compute(key, lambda: self._shared(key, compute))

    def retain(self, version: str) -> None:
        """Drop this process's values of other data versions (Redis ages them out)."""
        self.local.retain(version)


def make_cache(url: str | None):
    """The cache named by ``url``: ``"memory"`` (default) or a ``redis://`` URL.

    Raises
    ------
    ValueError : for anything else, naming what was expected.
    """
    if url in (None, "", "memory"):
        return MemoryCache()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisCache(url)
    raise ValueError(f"cache: expected 'memory' or a redis:// URL, got {url!r}")
