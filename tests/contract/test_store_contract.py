"""One test suite for every ``Store``: the file store and a real PostGIS server.

Expected rows come from a deliberately naive row-by-row reading of the bundled files, not
from ``Query.mask`` or SQL, so both implementations are checked against something neither
of them shares.
"""

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest

from geo.paths import bundled_data_dir
from geo.query import Query
from geo.schema import EVENT_COLUMNS, EVENT_DTYPES

D = dt.date
QUERIES = {
    "all": (None, 2006),
    "october-2024": (Query(date_from=D(2024, 10, 1), date_to=D(2024, 11, 1)), None),
    "from-only": (Query(date_from=D(2024, 6, 1)), None),
    "types": (Query(types=("Explosions/Remote violence", "Violence against civilians")), None),
    "actors": (Query(actors=("Government of Ukraine",)), None),
    "regions": (Query(regions=("UA-14", "UA-23")), None),
    "exact-places": (Query(precision=1), None),
    "text": (Query(text="Pokrovsk"), None),
    "text-case": (Query(text="DONETSK OBLAST"), None),
    "text-like-wildcards": (Query(text="100%_"), 0),
    "bbox": (Query(bbox=(37.0, 47.5, 38.5, 48.5)), None),
    "datasets": (Query(datasets=("story",)), 6),
    "combined": (
        Query(
            date_from=D(2023, 1, 1),
            date_to=D(2024, 1, 1),
            regions=("UA-14",),
            types=("Battles",),
            precision=2,
            bbox=(36.0, 47.0, 39.0, 49.5),
        ),
        None,
    ),
    "nothing": (Query(date_from=D(1990, 1, 1), date_to=D(1990, 2, 1)), 0),
}


def _naive_matches(q: Query | None, row) -> bool:
    if q is None:
        return True
    day = row["date"].date()
    text = q.text.lower()
    checks = [
        q.date_from is None or day >= q.date_from,
        q.date_to is None or day < q.date_to,
        not q.datasets or row["dataset"] in q.datasets,
        not q.types or row["event_type"] in q.types,
        not q.actors or row["actor1"] in q.actors or row["actor2"] in q.actors,
        not q.regions or row["admin1"] in q.regions,
        q.precision is None or row["geo_precision"] <= q.precision,
        not q.bbox
        or (q.bbox[0] <= row.geometry.x <= q.bbox[2] and q.bbox[1] <= row.geometry.y <= q.bbox[3]),
        not text
        or text in (row["location"] if isinstance(row["location"], str) else "").lower()
        or text in (row["notes"] if isinstance(row["notes"], str) else "").lower(),
    ]
    return all(checks)


@pytest.fixture(scope="module")
def raw_events():
    frames = [gpd.read_parquet(p) for p in sorted(bundled_data_dir().glob("events_*.parquet"))]
    out = pd.concat(frames, ignore_index=True).astype({"dataset": str, "event_type": str})
    return out.astype(object).where(out.notna(), None).assign(geometry=out.geometry)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index(drop=True).copy()
    out["x"], out["y"] = out.geometry.x, out.geometry.y
    out = pd.DataFrame(out.drop(columns="geometry")).astype(object)
    return out.where(out.notna(), None)


@pytest.mark.parametrize("name", list(QUERIES))
def test_events(store, raw_events, name):
    query, expected_count = QUERIES[name]
    got = store.events(query)
    keep = [_naive_matches(query, row) for _, row in raw_events.iterrows()]
    expected = raw_events[keep].sort_values(["date", "event_id"])
    if expected_count is not None:
        assert len(expected) == expected_count  # the table itself is what it claims
    else:
        assert 0 < len(expected) < len(raw_events), f"{name} should select some, not all"
    assert list(got.columns) == list(EVENT_COLUMNS)
    assert got.crs.to_epsg() == 4326
    for column, dtype in EVENT_DTYPES.items():
        assert str(got[column].dtype) == dtype, column
    pd.testing.assert_frame_equal(_plain(got), _plain(gpd.GeoDataFrame(expected)))


def test_postgis_equals_file_store(postgis_store, file_store):
    for name, (query, _) in QUERIES.items():
        a = _plain(postgis_store.events(query))
        b = _plain(file_store.events(query))
        pd.testing.assert_frame_equal(a, b, obj=name)


def test_dataset_names(store):
    assert store.dataset_names() == ["ucdp", "story"]


def test_territory_changes_october_2024_donetsk(store):
    change = store.territory.changes(D(2024, 10, 1), D(2024, 11, 1), ("UA-14",))
    record = change.as_record()
    assert (record["from_snapshot"], record["to_snapshot"]) == ("2024-10-01", "2024-11-01")
    assert record["gained_km2"] == pytest.approx(398.7, abs=0.05)
    assert record["net_km2"] == pytest.approx(398.6, abs=0.05)


def test_precomputed_periods_serve_the_bundled_snapshots(store):
    # The database holds the bundled snapshots, so their fingerprint matches the bundled
    # period table, and weeks come from it with the same figures as computed live.
    terr = store.territory
    assert terr._period_table("russian_held") is not None
    fast = terr.series_records(D(2024, 9, 30), D(2024, 11, 4), "week", ("UA-14",))
    live = [c.as_record() for c in terr.series(D(2024, 9, 30), D(2024, 11, 4), "week", "UA-14")]
    assert [r["net_km2"] for r in fast] == pytest.approx([r["net_km2"] for r in live], abs=0.11)


def test_territory_geometry_identical(postgis_store, file_store):
    a = postgis_store.territory.changes(D(2024, 10, 1), D(2024, 11, 1), ("UA-14",))
    b = file_store.territory.changes(D(2024, 10, 1), D(2024, 11, 1), ("UA-14",))
    assert a.as_record() == b.as_record()
    assert a.gained.equals_exact(b.gained, 0)


def test_regions(store):
    assert "UA-14" in store.regions.codes
    admin1, country = store.regions.assign([37.8], [48.0])
    assert (admin1[0], country[0]) == ("UA-14", "UKR")


def _sample(name: str, raw_events) -> gpd.GeoDataFrame:
    from geo.store import _concat

    story = gpd.GeoDataFrame(raw_events[raw_events["dataset"] == "story"], crs=4326).head(3)
    story = _concat([story]).assign(dataset=name)
    story["event_id"] = [f"{name}:{i}" for i in range(len(story))]
    return _concat([story])


def test_session_dataset(store, raw_events):
    events = _sample("contract-session", raw_events)
    store.add_session_dataset("contract-session", events)
    got = store.events(Query(datasets=("contract-session",)))
    assert list(got["event_id"]) == list(events["event_id"])
    assert "contract-session" in store.dataset_names()
    assert len(store.events(Query(datasets=("contract-session",), text="zzz-none"))) == 0


def test_save_dataset(postgis_store, raw_events):
    from geo.store_postgis import PostgisStore

    name = "contract-saved"
    events = _sample(name, raw_events)
    postgis_store.save_dataset(name, events)
    try:
        other = PostgisStore(postgis_store.url)  # another worker sees it at once
        got = other.events(Query(datasets=(name,)))
        pd.testing.assert_frame_equal(_plain(got), _plain(events))
        other.close()
    finally:
        with postgis_store.connection() as conn:
            conn.execute("DELETE FROM frontline.events WHERE dataset = %s", (name,))


def test_database_down_is_store_unavailable():
    from geo.errors import StoreUnavailable
    from geo.store_postgis import PostgisStore

    store = PostgisStore("postgresql://nobody@127.0.0.1:9/none", timeout=0.5)
    with pytest.raises(StoreUnavailable, match="unavailable"):
        store.events(Query())
    store.close()
