"""Aggregates: period counts with zeros, totals, spatial bins, region counts."""

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import Point

from geo.aggregate import choose_cell_size, event_counts, region_counts, spatial_bins, totals
from geo.errors import FrontlineError

D = dt.date


@pytest.fixture
def events():
    """Five hand-made events in the canonical schema, two of them region-level."""
    rows = [
        # date, type, admin1, geo_precision, fatalities, lon, lat
        ("2024-10-01", "Battles", "UA-14", 1, 3, 37.55, 48.72),
        ("2024-10-01", "Battles", "UA-14", 3, None, 37.80, 48.02),
        ("2024-10-03", "Explosions/Remote violence", "UA-63", 2, 0, 36.25, 49.98),
        ("2024-10-09", "Battles", "UA-14", 3, 5, 37.60, 48.50),
        ("2024-10-20", "Explosions/Remote violence", None, 1, None, 36.19, 51.73),
    ]
    n = len(rows)
    return gpd.GeoDataFrame(
        {
            "event_id": [f"test:{i}" for i in range(n)],
            "dataset": pd.Categorical(["test"] * n),
            "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[s]"),
            "date_precision": np.ones(n, dtype="int8"),
            "event_type": pd.Categorical([r[1] for r in rows]),
            "sub_event_type": pd.Categorical([None] * n),
            "actor1": pd.array(["a"] * n, dtype="string"),
            "actor2": pd.array([None] * n, dtype="string"),
            "country": pd.array(["UKR"] * n, dtype="string"),
            "admin1": pd.array([r[2] for r in rows], dtype="string"),
            "location": pd.array(["x"] * n, dtype="string"),
            "geo_precision": np.array([r[3] for r in rows], dtype="int8"),
            "fatalities": pd.array([r[4] for r in rows], dtype="Int32"),
            "fatalities_low": pd.array([None] * n, dtype="Int32"),
            "fatalities_high": pd.array([None] * n, dtype="Int32"),
            "source": pd.array(["s"] * n, dtype="string"),
            "source_url": pd.array([None] * n, dtype="string"),
            "notes": pd.array([""] * n, dtype="string"),
            "raw": pd.array(["{}"] * n, dtype="string"),
        },
        geometry=[Point(r[5], r[6]) for r in rows],
        crs=4326,
    )


def test_daily_counts_fill_every_day_and_type(events):
    out = event_counts(events, "day", "2024-10-01", "2024-10-05")
    assert list(out.columns) == ["period_start", "event_type", "count"]
    assert out["period_start"].unique().tolist() == [D(2024, 10, d) for d in range(1, 5)]
    assert len(out) == 4 * 2  # two types present in the range, every day
    battles = out[out["event_type"] == "Battles"]["count"].tolist()
    assert battles == [2, 0, 0, 0]
    assert out["count"].sum() == 3


def test_weekly_counts_start_on_monday(events):
    out = event_counts(events, "week", "2024-10-01", "2024-11-01")
    weeks = out["period_start"].unique().tolist()
    assert weeks[0] == D(2024, 9, 30) and all(w.weekday() == 0 for w in weeks)
    assert len(weeks) == 5 and out["count"].sum() == 5
    week2 = out[out["period_start"] == D(2024, 10, 7)].set_index("event_type")["count"]
    assert week2["Battles"] == 1 and week2["Explosions/Remote violence"] == 0


def test_counts_default_range_and_month(events):
    out = event_counts(events, "month")
    assert out["period_start"].unique().tolist() == [D(2024, 10, 1)]
    assert out["count"].sum() == len(events)
    assert event_counts(events.iloc[:0], "day").empty


def test_counts_bad_parameters(events):
    with pytest.raises(FrontlineError) as err:
        event_counts(events, "year")
    assert err.value.param == "by"
    with pytest.raises(FrontlineError) as err:
        event_counts(events, "day", "2024-10-05", "2024-10-01")
    assert err.value.param == "to"


def test_totals_ignore_missing_fatalities(events):
    assert totals(events) == {"events": 5, "fatalities": 8, "fatalities_known": 3}
    assert totals(events.iloc[:0]) == {"events": 0, "fatalities": 0, "fatalities_known": 0}


def test_spatial_bins_cell_centres_and_exact_total():
    out = spatial_bins([30.1, 30.2, 31.7, -0.5], [50.1, 50.3, 50.4, -0.5], cell_deg=1.0)
    assert out.to_dict("records") == [
        {"lon": -0.5, "lat": -0.5, "count": 1},
        {"lon": 30.5, "lat": 50.5, "count": 2},
        {"lon": 31.5, "lat": 50.5, "count": 1},
    ]


def test_spatial_bins_many_points_add_up():
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(22, 41, 100_000), rng.uniform(44, 53, 100_000)
    out = spatial_bins(lon, lat, bbox=(22, 44, 41, 53))
    assert out["count"].sum() == 100_000
    assert len(out) <= 2000
    # Cells are anchored at 0°, so centres sit on half-cells of a round size.
    size = choose_cell_size((22, 44, 41, 53))
    assert np.allclose((out["lon"] / size - 0.5) % 1, 0, atol=1e-6)
    assert spatial_bins([], []).empty


def test_choose_cell_size_is_round_and_bounded():
    assert choose_cell_size((22.0, 44.0, 41.0, 53.0)) == 0.5
    assert choose_cell_size((30.0, 50.0, 30.1, 50.1), target_cells=100) == 0.01
    assert choose_cell_size((-180, -90, 180, 90)) == 10.0
    with pytest.raises(FrontlineError) as err:
        choose_cell_size((10, 0, 5, 1))
    assert err.value.param == "bbox"


def test_region_counts_region_level_only(events):
    out = region_counts(events)
    assert out.to_dict("records") == [{"admin1": "UA-14", "count": 2}]
    everything = region_counts(events, geo_precision=None)
    assert everything.to_dict("records") == [
        {"admin1": "UA-14", "count": 3},
        {"admin1": "UA-63", "count": 1},
    ]


def test_real_events_counts_add_up(data):
    events = data.events()
    if events.empty:
        pytest.skip("no bundled events (data/events_*.parquet) in this checkout")
    out = event_counts(events, "week")
    assert out["count"].sum() == len(events)
    t = totals(events)
    assert t["events"] == len(events) and t["fatalities"] > 0
    bins = spatial_bins(events.geometry.x, events.geometry.y)
    assert bins["count"].sum() == len(events)
