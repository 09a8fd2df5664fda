"""Paths and the file store: where data is found, how datasets are written, and how a
running store notices new data and switches to it whole."""

import logging
import os

import geopandas as gpd
import pytest
from shapely import Point

from geo.errors import FrontlineError
from geo.paths import bundled_data_dir, user_data_dir
from geo.query import Query
from geo.stores import FileStore, check_dataset_name, open_store
from geo.stores.sessions import FolderSessions


def test_bundled_data_dir_env_override_and_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("FRONTLINE_BUNDLED_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"territory\.parquet"):
        bundled_data_dir()
    monkeypatch.delenv("FRONTLINE_BUNDLED_DATA")
    assert (bundled_data_dir() / "territory.parquet").exists()


def test_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert user_data_dir() == tmp_path / "frontline"


@pytest.mark.parametrize(
    "name", ["../x", "/etc/passwd", "a/b", "", "A", "x" * 41, "a\x00b", ".hidden", "abc\n"]
)
def test_dataset_names_cannot_be_paths(name):
    with pytest.raises(FrontlineError) as err:
        check_dataset_name(name)
    assert err.value.param == "name"


def _mine(data, n=None, name="mine"):
    events = data.events(
        Query.from_params({"datasets": "ucdp", "from": "2024-10-01", "to": "2024-10-08"})
    )
    events = events.head(n) if n else events
    mine = events.assign(dataset=name, event_id=f"{name}:" + events["event_id"].astype(str))
    return gpd.GeoDataFrame(mine, geometry="geometry", crs=4326)


def test_save_dataset_is_atomic_visible_and_a_new_version(tmp_path, data):
    user = FileStore(data.data_dir, tmp_path)
    before = user.data_version()
    mine = _mine(data)
    change = user.save_dataset("mine", mine)
    assert change.where == str(tmp_path / "datasets" / "mine.parquet")
    assert (change.before, change.after, change.added) == (0, len(mine), len(mine))
    assert [p.name for p in (tmp_path / "datasets").iterdir()] == ["mine.parquet"]  # no temp
    now = user.current()
    assert now.version != before
    assert "mine" in now.dataset_names()
    assert len(now.events(Query(datasets=("mine",)))) == len(mine)


def test_an_existing_dataset_is_kept_unless_replace_or_append(tmp_path, data):
    user = FileStore(data.data_dir, tmp_path)
    three = _mine(data, 3)
    user.save_dataset("mine", three)
    with pytest.raises(FrontlineError, match=r"exists already \(3 events\).*--replace.*--append"):
        user.save_dataset("mine", three.head(1))
    assert user.dataset_rows("mine") == 3
    replaced = user.save_dataset("mine", three.head(1), mode="replace")
    assert (replaced.before, replaced.after) == (3, 1)
    assert "replaced 3 events with 1" in replaced.describe()
    # Appending: ids already there are revisions of them, the rest are added.
    appended = user.save_dataset("mine", three, mode="append")
    assert (appended.before, appended.after, appended.added, appended.replaced) == (1, 3, 2, 1)
    assert "2 events added, 1 replaced by id" in appended.describe()
    assert len(user.current().events(Query(datasets=("mine",)))) == 3


def test_save_dataset_failure_leaves_nothing(tmp_path, data):
    user = FileStore(data.data_dir, tmp_path)
    not_a_frame = gpd.GeoDataFrame({"x": [object()]}, geometry=[Point(0, 0)], crs=4326)
    with pytest.raises(Exception):  # noqa: B017 - any failure of the writer will do
        user.save_dataset("broken", not_a_frame)
    assert list((tmp_path / "datasets").iterdir()) == []


def test_another_process_writing_is_noticed_by_refresh(tmp_path, data):
    # Two stores over one folder stand for two workers: one ingests, the other refreshes.
    writer, reader = FileStore(data.data_dir, tmp_path), FileStore(data.data_dir, tmp_path)
    old = reader.current()
    assert reader.refresh() is False  # nothing changed: no new generation
    writer.save_dataset("mine", _mine(data))
    assert reader.current() is old  # not switched until it looks
    assert reader.refresh() is True
    new = reader.current()
    assert new.version == writer.data_version() != old.version
    assert "mine" in new.dataset_names() and "mine" not in old.dataset_names()
    # The parts no file of which changed are reused, not read again.
    assert new.territory is old.territory and new.regions is old.regions


def test_version_is_by_content_not_by_time(tmp_path, data):
    user = FileStore(data.data_dir, tmp_path)
    user.save_dataset("mine", _mine(data))
    version = user.data_version()
    path = tmp_path / "datasets" / "mine.parquet"
    os.utime(path, ns=(10**18, 10**18))  # touched, same bytes
    user.refresh()
    assert user.data_version() == version
    assert FileStore(data.data_dir, tmp_path).data_version() == version  # another machine


def test_a_broken_dataset_file_is_left_out_and_named(tmp_path, data, caplog):
    user = FileStore(data.data_dir, tmp_path)
    user.save_dataset("good", _mine(data, name="good"))
    (tmp_path / "datasets" / "broken.parquet").write_bytes(b"PAR1 half a file")
    with caplog.at_level(logging.WARNING):
        fresh = FileStore(data.data_dir, tmp_path)
        current = fresh.current()
    assert "good" in current.dataset_names()
    assert any("broken.parquet" in p for p in current.problems)
    assert "broken.parquet" in caplog.text
    # Ingesting into that folder works too.
    change = fresh.save_dataset("more", _mine(data, 2, name="more"))
    assert change.after == 2 and "more" in fresh.current().dataset_names()


def test_sessions_are_private_expire_and_have_a_quota(tmp_path, data):
    sessions = FolderSessions(tmp_path, ttl_s=3600, quota=10**6)
    alice, bob = "a" * 22, "b" * 22
    sessions.save(alice, "secret", _mine(data, 5, name="secret"))
    assert sessions.names(alice) == ["secret"] and sessions.names(bob) == []
    assert sessions.columns(bob) is None
    tag, cols = sessions.columns(alice)
    assert len(cols) == 5
    combined = data.with_session(alice, tag, cols)
    assert "secret" in combined.dataset_names() and "secret" not in data.dataset_names()
    assert combined.version.startswith(data.version) and combined.version != data.version
    assert len(combined.events(Query(datasets=("secret",)))) == 5
    assert len(combined.events()) == len(data.events()) + 5
    # Date order holds across the shared events and the session's.
    dates = combined.events(Query(date_from=data.events()["date"].min().date()))["date"]
    assert dates.is_monotonic_increasing
    with pytest.raises(FrontlineError, match="session id"):
        sessions.save("../../etc", "x", _mine(data, 1))
    small = FolderSessions(tmp_path / "small", quota=1000)
    with pytest.raises(FrontlineError, match="over the limit"):
        small.save(alice, "big", _mine(data))
    old = tmp_path / alice / "secret.parquet"
    os.utime(old, (1, 1))  # uploaded long ago
    assert sessions.names(alice) == [] and not old.exists()
    assert sessions.expire() == 1 and not (tmp_path / alice).exists()


def test_open_store_names_the_bad_url():
    assert isinstance(open_store("file"), FileStore)
    with pytest.raises(FrontlineError) as err:
        open_store("mysql://nope")
    assert err.value.param == "store"
