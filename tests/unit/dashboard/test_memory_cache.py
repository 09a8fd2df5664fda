"""The in-process cache computes a value once, even for requests that ask at once."""

import threading
import time

import pytest

from dashboard.cache import MemoryCache


def test_concurrent_askers_share_one_computation():
    cache, calls, started = MemoryCache(), [], threading.Event()

    def slow():
        calls.append(1)
        started.set()
        time.sleep(0.2)  # long enough for the other threads to arrive meanwhile
        return {"km2": 398.6}

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_compute("k", slow)))
               for _ in range(4)]  # fmt: skip
    threads[0].start()
    started.wait(5)
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join(5)
    assert len(calls) == 1
    assert results == [{"km2": 398.6}] * 4


def test_an_error_reaches_every_waiter_and_is_not_cached():
    cache, started, release = MemoryCache(), threading.Event(), threading.Event()

    def failing():
        started.set()
        release.wait(5)
        raise ValueError("regions: unknown region 'UA-99'")

    errors = []

    def ask():
        try:
            cache.get_or_compute("k", failing)
        except ValueError as exc:
            errors.append(str(exc))

    first = threading.Thread(target=ask)
    first.start()
    started.wait(5)
    second = threading.Thread(target=ask)
    second.start()
    time.sleep(0.05)
    release.set()
    first.join(5)
    second.join(5)
    assert errors == ["regions: unknown region 'UA-99'"] * 2
    assert cache.get_or_compute("k", lambda: "computed again") == "computed again"


def test_least_recently_used_goes_first():
    cache = MemoryCache(size=2)
    cache.get_or_compute("a", lambda: 1)
    cache.get_or_compute("b", lambda: 2)
    cache.get_or_compute("a", lambda: pytest.fail("a is cached"))
    cache.get_or_compute("c", lambda: 3)  # drops b, the least recently used
    assert cache.get_or_compute("b", lambda: "again") == "again"


def test_bounded_by_bytes_and_old_versions_dropped():
    import numpy as np

    cache = MemoryCache(size=100, max_bytes=3_000_000)
    for i in range(10):
        cache.get_or_compute(("v1", i), lambda: np.zeros(100_000))  # 800 kB each
    assert len(cache) <= 3
    cache.get_or_compute(("v2", "a"), lambda: 1)
    cache.get_or_compute(("v2-sabc", "b"), lambda: 2)  # a session's data of v2
    cache.retain("v2")
    assert len(cache) == 2


def test_checking_cache_refuses_values_that_would_not_pickle():
    cache = MemoryCache(check=True)
    with pytest.raises(TypeError, match="not plain data"):
        cache.get_or_compute(("v", "lock"), lambda: {"lock": threading.Lock()})
    assert cache.get_or_compute(("v", "ok"), lambda: {"km2": 1.0}) == {"km2": 1.0}
