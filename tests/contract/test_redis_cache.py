"""The shared cache against a real Redis, and its fall-back when Redis is down."""

import logging

import pytest

from dashboard.cache import MemoryCache, RedisCache, attach, cache_for, make_cache
from dashboard.view import cached
from geo.errors import UnknownRegionError


class Counter:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_two_workers_share_values(redis_url):
    # Two caches = two gunicorn workers; no local LRU so every read goes to Redis.
    a = RedisCache(redis_url, "v1", local_size=0)
    b = RedisCache(redis_url, "v1", local_size=0)
    compute = Counter({"km2": 398.6})
    assert a.get_or_compute(("change", "2024-10-01"), compute) == {"km2": 398.6}
    assert b.get_or_compute(("change", "2024-10-01"), compute) == {"km2": 398.6}
    assert compute.calls == 1


def test_new_data_version_is_a_new_namespace(redis_url):
    compute = Counter([1, 2, 3])
    RedisCache(redis_url, "old", local_size=0).get_or_compute(("k",), compute)
    RedisCache(redis_url, "new", local_size=0).get_or_compute(("k",), compute)
    assert compute.calls == 2


def test_values_expire(redis_url):
    cache = RedisCache(redis_url, "ttl", local_size=0)
    cache.ttl = 120
    cache.get_or_compute(("k",), Counter(1))
    assert 0 < cache.client.ttl(cache.redis_key(("k",))) <= 120


def test_cached_errors_keep_their_parameter(redis_url):
    cache = RedisCache(redis_url, "err", local_size=0)
    error = UnknownRegionError("regions: unknown region XX", param="regions")
    cache.get_or_compute(("e",), Counter(error))
    again = RedisCache(redis_url, "err", local_size=0).get_or_compute(("e",), Counter(None))
    assert isinstance(again, UnknownRegionError)
    assert again.param == "regions"


def test_view_cached_uses_the_attached_cache(redis_url, file_store):
    cache = make_cache(redis_url)
    attach(file_store, cache)
    try:
        assert cache_for(file_store) is cache
        assert cache.namespace.startswith("files-")
        compute = Counter("x")
        assert cached(file_store, ("contract-test",), compute) == "x"
        assert cache.client.exists(cache.redis_key(("contract-test",)))
    finally:
        attach(file_store, MemoryCache())


def test_redis_down_computes_and_logs_once(caplog):
    cache = RedisCache("redis://127.0.0.1:9/0", "down", local_size=0)
    compute = Counter(42)
    with caplog.at_level(logging.WARNING, logger="dashboard.cache"):
        assert [cache.get_or_compute(("k", i), compute) for i in range(3)] == [42, 42, 42]
    assert compute.calls == 3
    assert len([r for r in caplog.records if "unavailable" in r.message]) == 1


def test_unknown_cache_url_is_refused():
    with pytest.raises(ValueError, match="expected 'memory' or a redis:// URL"):
        make_cache("memcached://x")
