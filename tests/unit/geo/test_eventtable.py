"""The compact in-memory event table gives back exactly the events of the files."""

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely
from pandas.testing import assert_frame_equal

from geo.eventtable import _xy, empty_compact, materialise, read_compact
from geo.paths import bundled_data_dir
from geo.query import Query
from geo.schema import EVENT_DTYPES, empty_events


def _reference(paths) -> gpd.GeoDataFrame:
    # What the data did before: geopandas reads, canonical dtypes, pandas sort.
    frames = [gpd.read_parquet(p) for p in paths]
    for f in frames:
        for col in ("dataset", "event_type", "sub_event_type"):
            f[col] = f[col].astype(str)
    out = pd.concat(frames, ignore_index=True)
    out = out.astype({k: ("string" if v == "category" else v) for k, v in EVENT_DTYPES.items()})
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326).sort_values(
        ["date", "event_id"], ignore_index=True
    )


def _plain(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    out = pd.DataFrame(frame.drop(columns="geometry"))
    for col in ("dataset", "event_type", "sub_event_type"):
        out[col] = out[col].astype("string")
    out["wkt"] = shapely.to_wkt(frame.geometry.values, rounding_precision=9)
    return out


def test_bundled_events_round_trip_exactly():
    paths = sorted(bundled_data_dir().glob("events_*.parquet"))
    compact = read_compact(paths)
    events = materialise(compact)
    assert list(events.columns) == [*EVENT_DTYPES, "geometry"]
    assert events.crs.to_epsg() == 4326
    for col, dtype in EVENT_DTYPES.items():
        assert str(events[col].dtype) == str(pd.Series(dtype=dtype).dtype), col
    assert_frame_equal(_plain(events), _plain(_reference(paths)))


def test_slices_keep_their_rows():
    compact = read_compact(sorted(bundled_data_dir().glob("events_*.parquet")))
    pos = np.array([5, 0, len(compact) - 1])
    part = materialise(compact.take(pos))
    whole = materialise(compact)
    assert list(part["event_id"]) == list(whole["event_id"].take(pos))
    assert part.geometry.equals(whole.geometry.take(pos).reset_index(drop=True))


def test_points_read_from_bytes_equal_shapely():
    pts = shapely.points(np.array([[30.5, 50.45], [-0.1, 51.5], [37.8, 48.0]]))
    fast = pa.chunked_array([pa.array(shapely.to_wkb(pts).tolist(), pa.binary())])
    x, y = _xy(fast)
    assert x.tolist() == [30.5, -0.1, 37.8] and y.tolist() == [50.45, 51.5, 48.0]
    # Big-endian and 3D points are not the 21-byte little-endian form: decoded by shapely.
    odd = [*shapely.to_wkb(pts, byte_order=0).tolist(), shapely.to_wkb(shapely.Point(1, 2, 3))]
    x, y = _xy(pa.chunked_array([pa.array(odd, pa.large_binary())]))
    assert x.tolist() == [30.5, -0.1, 37.8, 1.0] and y.tolist() == [50.45, 51.5, 48.0, 2.0]
    # A sliced chunk starts at its offset.
    x, _ = _xy(pa.chunked_array([pa.array(shapely.to_wkb(pts).tolist(), pa.binary()).slice(1)]))
    assert x.tolist() == [-0.1, 37.8]


def test_no_files_give_an_empty_table():
    assert len(read_compact([])) == 0
    empty = materialise(empty_compact())
    assert len(empty) == 0 and list(empty.columns) == [*EVENT_DTYPES, "geometry"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "kharkiv"},
        {"q": "zzz-no-such-text"},
        {"actors": "Military Forces of Ukraine"},
        {"bbox": "35,47,39,50", "from": "2023-01-01", "to": "2024-01-01"},
        {"regions": "UA-14,UA-63", "precision": "1"},
    ],
)
def test_query_selects_the_same_on_the_compact_table(params):
    from geo.columns import EventColumns

    compact = read_compact(sorted(bundled_data_dir().glob("events_*.parquet")))
    events = materialise(compact)
    query = Query.from_params(params)
    expected = np.flatnonzero(query.mask(events))
    assert np.array_equal(EventColumns(compact).positions(query), expected)


def test_dates_sort_before_ids_in_byte_order(tmp_path):
    rows = [("b", "2024-01-02"), ("B", "2024-01-02"), ("a", "2024-01-03"), ("Z", "2024-01-01")]
    frame = empty_events().reindex(range(len(rows)))
    frame["event_id"] = pd.array([r[0] for r in rows], dtype="string")
    frame["date"] = pd.to_datetime([r[1] for r in rows]).astype("datetime64[s]")
    frame["dataset"] = pd.Categorical(["t"] * 4)
    frame["date_precision"] = np.int8(1)
    frame["geo_precision"] = np.int8(1)
    frame = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy([1, 2, 3, 4], [5, 6, 7, 8]),
                             crs=4326)  # fmt: skip
    frame.to_parquet(tmp_path / "e.parquet")
    out = materialise(read_compact([tmp_path / "e.parquet"]))
    assert list(out["event_id"]) == ["Z", "B", "b", "a"]  # "B" < "b" in byte order
    assert list(out["date"].dt.date) == [dt.date(2024, 1, d) for d in (1, 2, 2, 3)]
    assert out.geometry.x.tolist() == [4.0, 2.0, 1.0, 3.0]


def test_files_with_and_without_dictionary_encoding_merge(tmp_path):
    real = materialise(read_compact(sorted(bundled_data_dir().glob("events_*.parquet"))))
    a, b = real.iloc[:50], real.iloc[50:120]
    a.to_parquet(tmp_path / "a.parquet")  # categoricals as Arrow dictionaries
    plain = b.copy()
    for col in ("dataset", "event_type", "sub_event_type"):
        plain[col] = plain[col].astype("string")  # the same columns as plain strings
    plain.to_parquet(tmp_path / "b.parquet")
    merged = materialise(read_compact([tmp_path / "b.parquet", tmp_path / "a.parquet"]))
    assert_frame_equal(_plain(merged), _plain(real.iloc[:120].reset_index(drop=True)))
