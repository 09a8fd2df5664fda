"""Paths and the file store: where data is found and how datasets are written."""

import geopandas as gpd
import pytest
from shapely import Point

from geo.errors import FrontlineError
from geo.paths import bundled_data_dir, user_data_dir
from geo.query import Query
from geo.store import FileStore, check_dataset_name, open_store


def test_bundled_data_dir_env_override_and_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("FRONTLINE_BUNDLED_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"territory\.parquet"):
        bundled_data_dir()
    monkeypatch.delenv("FRONTLINE_BUNDLED_DATA")
    assert (bundled_data_dir() / "territory.parquet").exists()


def test_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "x"))
    assert user_data_dir() == tmp_path / "x"
    monkeypatch.delenv("FRONTLINE_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert user_data_dir() == tmp_path / "frontline"


@pytest.mark.parametrize(
    "name", ["../x", "/etc/passwd", "a/b", "", "A", "x" * 41, "a\x00b", ".hidden", "abc\n"]
)
def test_dataset_names_cannot_be_paths(name):
    with pytest.raises(FrontlineError) as err:
        check_dataset_name(name)
    assert err.value.param == "name"


def test_save_dataset_is_atomic_and_visible(tmp_path, store):
    user = FileStore(store.data_dir, tmp_path)
    events = store.events(
        Query.from_params({"datasets": "ucdp", "from": "2024-10-01", "to": "2024-10-08"})
    )
    mine = events.assign(dataset="mine", event_id="mine:" + events["event_id"].astype(str))
    path = user.save_dataset("mine", gpd.GeoDataFrame(mine, geometry="geometry", crs=4326))
    assert path == tmp_path / "datasets" / "mine.parquet"
    assert [p.name for p in (tmp_path / "datasets").iterdir()] == ["mine.parquet"]  # no temp left
    assert "mine" in user.dataset_names()
    assert len(user.events(Query(datasets=("mine",)))) == len(events)


def test_save_dataset_failure_leaves_nothing(tmp_path, store):
    user = FileStore(store.data_dir, tmp_path)
    not_a_frame = gpd.GeoDataFrame({"x": [object()]}, geometry=[Point(0, 0)], crs=4326)
    with pytest.raises(Exception):  # noqa: B017 - any failure of the writer will do
        user.save_dataset("broken", not_a_frame)
    assert list((tmp_path / "datasets").iterdir()) == []


def test_open_store_names_the_bad_url():
    assert isinstance(open_store("file"), FileStore)
    with pytest.raises(FrontlineError) as err:
        open_store("mysql://nope")
    assert err.value.param == "store"
