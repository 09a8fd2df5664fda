"""The shared cache against a real Redis, with the values the app really caches (a view,
a map figure, the claims, territory changes), and its fall-back when Redis is down."""

import logging
import threading
import time

import pytest

from dashboard.cache import MemoryCache, RedisCache, make_cache
from dashboard.scope import Scope
from dashboard.state import ViewState
from geo.errors import UnknownRegionError


class Counter:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def worker(redis_url) -> RedisCache:
    """One gunicorn worker's cache: no local values, so every read goes to Redis."""
    return RedisCache(redis_url, local=MemoryCache(size=0))


def test_two_workers_share_values(redis_url):
    a, b = worker(redis_url), worker(redis_url)
    compute = Counter({"km2": 398.6})
    assert a.get_or_compute(("v1", "change", "2024-10-01"), compute) == {"km2": 398.6}
    assert b.get_or_compute(("v1", "change", "2024-10-01"), compute) == {"km2": 398.6}
    assert compute.calls == 1


def test_a_new_data_version_is_a_new_key(redis_url):
    compute = Counter([1, 2, 3])
    worker(redis_url).get_or_compute(("old", "k"), compute)
    worker(redis_url).get_or_compute(("new", "k"), compute)
    assert compute.calls == 2


def test_two_workers_asking_at_once_compute_once(redis_url):
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return "view"

    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(worker(redis_url).get_or_compute(("v", "slow"), slow))
        )
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == ["view"] * 3 and len(calls) == 1


def test_a_failed_computation_releases_its_lock(redis_url):
    def busy():
        raise RuntimeError("queue full")

    with pytest.raises(RuntimeError):
        worker(redis_url).get_or_compute(("v", "fails"), busy)
    started = time.monotonic()
    assert worker(redis_url).get_or_compute(("v", "fails"), Counter("drawn")) == "drawn"
    assert time.monotonic() - started < 1, "the next worker waited for a dead lock"


def test_values_expire(redis_url):
    cache = worker(redis_url)
    cache.ttl = 120
    cache.get_or_compute(("v", "k"), Counter(1))
    assert 0 < cache.client.ttl(cache.redis_key(("v", "k"))) <= 120


def test_cached_errors_keep_their_parameter(redis_url):
    error = UnknownRegionError("regions: unknown region XX", param="regions")
    worker(redis_url).get_or_compute(("v", "e"), Counter(error))
    again = worker(redis_url).get_or_compute(("v", "e"), Counter(None))
    assert isinstance(again, UnknownRegionError)
    assert again.param == "regions"


@pytest.mark.parametrize("store_name", ["file", "postgis"])
def test_the_real_values_go_through_redis(redis_url, request, store_name):
    # What the explorer caches, through the real backend: a cache that only ever held a
    # string had missed a view that carried the store (and its lock).
    from dashboard.callbacks.claims import claim_records
    from dashboard.callbacks.map import map_figure
    from dashboard.view import compute_view, view_series

    data = request.getfixturevalue(f"{store_name}_store").current()
    first, second = Scope(data, worker(redis_url)), Scope(data, worker(redis_url))
    state = ViewState.from_params({"from": "2024-10-01", "to": "2024-11-01", "regions": "UA-14"})
    view = compute_view(first, state)
    figure = map_figure(first, state, {"lat": 48.0, "lon": 37.6, "z": 8})
    assert view["change"].net_km2 == pytest.approx(398.6, abs=0.05)
    # The second worker reads what the first computed (and what it shares pickles).
    again = view_series(second, state)
    assert again == view_series(first, state) and len(again) >= 4
    assert map_figure(second, state, {"lat": 47.0, "lon": 36.0, "z": 8})["layout"]["map"][
        "center"
    ] == {"lat": 47.0, "lon": 36.0}
    assert figure["layout"]["map"]["center"] == {"lat": 48.0, "lon": 37.6}
    assert claim_records(second)["claims"][0]["checked"] is True
    shared = [k for k in first.cache.client.scan_iter("frontline:*") if not k.endswith(b":lock")]
    assert len(shared) >= 4


def test_redis_down_computes_and_logs_once(caplog):
    cache = RedisCache("redis://127.0.0.1:9/0", local=MemoryCache(size=0))
    compute = Counter(42)
    with caplog.at_level(logging.WARNING, logger="dashboard.cache"):
        assert [cache.get_or_compute(("v", i), compute) for i in range(3)] == [42, 42, 42]
    assert compute.calls == 3
    assert len([r for r in caplog.records if "unavailable" in r.message]) == 1


def test_unknown_cache_url_is_refused():
    with pytest.raises(ValueError, match="expected 'memory' or a redis:// URL"):
        make_cache("memcached://x")
