"""The serving cache of the compact event table: used only when built from the very
files present, rebuilt when any changes, never required."""

import logging
import os

from pandas.testing import assert_frame_equal

from geo.eventcache import CACHE_NAME
from geo.paths import bundled_data_dir
from geo.stores import FileStore


def _saved(user, store):
    # A user dataset: the bundled UCDP sample saved under another name.
    events = store.current().events()
    mine = events[events["dataset"] == "ucdp"].head(300).copy()
    mine["dataset"] = mine["dataset"].cat.rename_categories({"ucdp": "mine"})
    store.save_dataset("mine", mine)
    return user / "datasets" / "mine.parquet"


def _table(store):
    cols = store.current().columns
    return cols.rows(range(len(cols)))


def test_cache_is_written_used_and_equal(tmp_path):
    user = tmp_path / "user"
    store = FileStore(bundled_data_dir(), user)
    _saved(user, store)  # save_dataset builds the cache
    cache = user / CACHE_NAME
    assert cache.exists()
    fresh = FileStore(bundled_data_dir(), user)
    before = cache.stat().st_mtime_ns
    assert_frame_equal(_table(fresh), _table(store))
    assert cache.stat().st_mtime_ns == before  # read, not rebuilt
    assert "mine" in fresh.current().dataset_names()


def test_changed_dataset_is_not_served_from_the_cache(tmp_path):
    user = tmp_path / "user"
    store = FileStore(bundled_data_dir(), user)
    path = _saved(user, store)
    # Another process replaces the dataset behind the cache's back (no save_dataset).
    other = FileStore(bundled_data_dir(), tmp_path / "elsewhere").current().events()
    other[other["dataset"] == "ucdp"].head(10).assign(dataset="mine").to_parquet(path)
    os.utime(path, ns=(1, 1))  # even with an old modification time: the size differs
    fresh = FileStore(bundled_data_dir(), user)
    assert int((fresh.current().column("dataset") == "mine").sum()) == 10


def test_broken_cache_falls_back_to_the_files(tmp_path, caplog):
    user = tmp_path / "user"
    store = FileStore(bundled_data_dir(), user)
    _saved(user, store)
    (user / CACHE_NAME).write_bytes(b"ARROW1 not really")
    with caplog.at_level(logging.WARNING):
        fresh = FileStore(bundled_data_dir(), user)
        n = len(fresh.current().columns)
    assert n == len(store.current().columns)
    assert "unreadable" in caplog.text


def test_unwritable_folder_is_no_error(tmp_path, caplog):
    user = tmp_path / "user"
    user.mkdir()
    (user / "cache").write_text("a file where the cache folder would go")
    with caplog.at_level(logging.WARNING):
        store = FileStore(bundled_data_dir(), user)
        store.build_cache()
    assert len(store.current().columns) > 0
    assert "not written" in caplog.text


def test_writing_removes_what_a_killed_writer_left_but_not_a_fresh_temp(tmp_path):
    user = tmp_path / "user"
    folder = (user / CACHE_NAME).parent
    folder.mkdir(parents=True)
    stale, fresh = folder / ".events.old.tmp", folder / ".events.new.tmp"
    stale.write_bytes(b"half a cache")
    fresh.write_bytes(b"another worker writing")
    hours_ago = stale.stat().st_mtime - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    _saved(user, FileStore(bundled_data_dir(), user))  # writes the cache
    assert not stale.exists()
    assert fresh.exists()
    assert (user / CACHE_NAME).exists()
