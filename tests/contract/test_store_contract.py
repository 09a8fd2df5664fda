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
    "all": (None, 2005),
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
    "datasets": (Query(datasets=("story",)), 5),
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
    got = store.current().events(query)
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
        a = _plain(postgis_store.current().events(query))
        b = _plain(file_store.current().events(query))
        pd.testing.assert_frame_equal(a, b, obj=name)
    # The compact columns too: every view, bin and export reads those. (A file declares
    # every event type as a category, the database only those it holds: same values.)
    a, b = postgis_store.current().columns, file_store.current().columns
    pd.testing.assert_frame_equal(a.rows(range(len(a))), b.rows(range(len(b))),
                                  check_categorical=False)  # fmt: skip


def test_dataset_names(store):
    assert store.current().dataset_names() == ["ucdp", "story"]


def test_territory_changes_october_2024_donetsk(store):
    change = store.current().territory.changes(D(2024, 10, 1), D(2024, 11, 1), ("UA-14",))
    record = change.as_record()
    assert (record["from_snapshot"], record["to_snapshot"]) == ("2024-10-01", "2024-11-01")
    assert record["gained_km2"] == pytest.approx(398.7, abs=0.05)
    assert record["net_km2"] == pytest.approx(398.6, abs=0.05)


def test_precomputed_periods_serve_the_bundled_snapshots(store):
    # The database holds the bundled snapshots, so their fingerprint matches the bundled
    # period table, and weeks come from it with the same figures as computed live.
    terr = store.current().territory
    assert terr._period_table("russian_held") is not None
    fast = terr.series_records(D(2024, 9, 30), D(2024, 11, 4), "week", ("UA-14",))
    live = [c.as_record() for c in terr.series(D(2024, 9, 30), D(2024, 11, 4), "week", "UA-14")]
    assert [r["net_km2"] for r in fast] == pytest.approx([r["net_km2"] for r in live], abs=0.11)


def test_territory_geometry_identical(postgis_store, file_store):
    a = postgis_store.current().territory.changes(D(2024, 10, 1), D(2024, 11, 1), ("UA-14",))
    b = file_store.current().territory.changes(D(2024, 10, 1), D(2024, 11, 1), ("UA-14",))
    assert a.as_record() == b.as_record()
    assert a.gained.equals_exact(b.gained, 0)


def test_regions(store):
    regions = store.current().regions
    assert "UA-14" in regions.codes
    admin1, country = regions.assign([37.8], [48.0])
    assert (admin1[0], country[0]) == ("UA-14", "UKR")


def _sample(name: str, raw_events, n=3) -> gpd.GeoDataFrame:
    story = gpd.GeoDataFrame(raw_events[raw_events["dataset"] == "story"], crs=4326).head(n)
    story = story.assign(dataset=name).reset_index(drop=True)
    story["event_id"] = [f"{name}:{i}" for i in range(len(story))]
    story = story.astype({k: v for k, v in EVENT_DTYPES.items() if k in story.columns})
    return story.sort_values(["date", "event_id"], ignore_index=True)


def test_session_uploads_are_the_sessions_own(store, raw_events):
    sessions = store.sessions
    alice, bob = "contract-alice-0000000", "contract-bob-00000000000"
    sessions.save(alice, "contract-session", _sample("contract-session", raw_events))
    try:
        assert sessions.names(alice) == ["contract-session"] and sessions.names(bob) == []
        tag, cols = sessions.columns(alice)
        data = store.current().with_session(alice, tag, cols)
        got = data.events(Query(datasets=("contract-session",)))
        assert sorted(got["event_id"]) == [f"contract-session:{i}" for i in range(3)]
        assert "contract-session" not in store.current().dataset_names()
    finally:
        sessions.configure(ttl_s=0)
        sessions.expire()
        sessions.configure(ttl_s=24 * 3600)


def test_save_dataset_reaches_another_worker(store, raw_events):
    # Two store objects over one database or folder stand for two workers.
    name = "contract-saved"
    other = (
        type(store)(store.url)
        if store.kind == "postgis"
        else type(store)(store.data_dir, store.user_dir)
    )
    before = other.data_version()
    events = _sample(name, raw_events)
    try:
        change = store.save_dataset(name, events, mode="replace")
        assert change.after == 3
        assert other.refresh() is True and other.data_version() != before
        got = other.current().events(Query(datasets=(name,)))
        pd.testing.assert_frame_equal(_plain(got), _plain(events))
        appended = store.save_dataset(name, _sample(name, raw_events, 4), mode="append")
        assert (appended.after, appended.added, appended.replaced) == (4, 1, 3)
        assert store.remove_dataset(name) == 4
        assert other.refresh() is True and name not in other.current().dataset_names()
    finally:
        store.remove_dataset(name)
        if store.kind == "postgis":
            other.close()


def test_database_down_is_store_unavailable():
    from geo.errors import StoreUnavailable
    from geo.stores.postgis import PostgisStore

    store = PostgisStore("postgresql://nobody@127.0.0.1:9/none", timeout=0.5)
    with pytest.raises(StoreUnavailable, match="unavailable"):
        store.current()
    store.close()
