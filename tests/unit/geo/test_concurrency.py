"""What a server's threads share: a generation's derived tables are computed once however
many threads ask at once, and a shared geometry is prepared once (two threads preparing the
same geometry had freed its prepared form twice and aborted a worker)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import shapely

from geo.areas import prepared
from geo.paths import bundled_data_dir
from geo.stores import FileStore


def test_threads_asking_for_a_derived_table_at_once_compute_it_once(tmp_path):
    data = FileStore(bundled_data_dir(), tmp_path).current()
    calls = []
    start = threading.Barrier(8)

    def slow():
        calls.append(threading.get_ident())
        time.sleep(0.2)
        return object()

    def ask(_):
        start.wait()
        return data.derived(("test", "slow"), slow)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(ask, range(8)))
    assert len(calls) == 1 and len({id(r) for r in results}) == 1


def test_threads_preparing_the_same_geometries_at_once_prepare_each_once():
    # Without the lock this aborted the process ("double free or corruption") within a few
    # hundred geometries: each thread freed the other's prepared form.
    geoms = [shapely.buffer(shapely.Point(i, 0), 1.0, quad_segs=256) for i in range(400)]
    start = threading.Barrier(8)

    def work(_):
        start.wait()
        return sum(shapely.is_prepared(prepared(g)) for g in geoms)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(work, range(8))) == [400] * 8
    centres = [(g.centroid.x, g.centroid.y) for g in geoms]
    assert all(shapely.contains_xy(g, x, y) for g, (x, y) in zip(geoms, centres, strict=True))
