"""Speed of the front (km² a day), the largest monthly gain since a month, and the split by
oblast (geo.speed), on the bundled snapshots and the precomputed period table."""

import datetime as dt

import pandas as pd
import pytest
import shapely

from geo.areas import area_km2
from geo.calendar import period_bounds
from geo.errors import FrontlineError, NoSnapshotError
from geo.paths import bundled_data_dir
from geo.regions import Regions
from geo.speed import (
    OUTSIDE,
    RegionPeriods,
    largest_since,
    per_region_series,
    rolling_speed,
)
from geo.territory import Territory

D = dt.date


@pytest.fixture(scope="module")
def territory():
    path = bundled_data_dir()
    return Territory.from_data_dir(path, Regions.from_data_dir(path))


@pytest.fixture(scope="module")
def periods(territory):
    return RegionPeriods.from_data_dir(territory, bundled_data_dir())


@pytest.mark.parametrize("window", [7, 30])
@pytest.mark.parametrize("regions", [None, "UA-14"])
def test_rolling_windows_equal_the_direct_change(territory, window, regions):
    speed = rolling_speed(territory, "2024-10-01", "2024-10-08", window, regions=regions)
    assert [r["date"] for r in speed] == [f"2024-10-0{d}" for d in range(1, 8)]
    for rec in speed:
        day = D.fromisoformat(rec["date"])
        direct = territory.changes(day - dt.timedelta(days=window), day, regions)
        assert rec["from_snapshot"] == direct.from_snapshot.isoformat()
        assert rec["to_snapshot"] == direct.to_snapshot.isoformat()
        # A sum of pieces each rounded to 0.1 km².
        assert rec["net_km2"] == pytest.approx(direct.net_km2, abs=0.05 * 6 + 0.05)
        days = (direct.to_snapshot - direct.from_snapshot).days
        assert rec["km2_per_day"] == pytest.approx(rec["net_km2"] / days, abs=0.006)
        assert rec["region"] == (regions or None)


def test_rolling_speed_divides_by_the_days_between_snapshots(territory):
    # 2024-09-13 has no snapshot: the window ending on 2024-09-20 starts on 2024-09-12's.
    (rec,) = rolling_speed(territory, "2024-09-20", "2024-09-21", 8)
    assert (rec["from_snapshot"], rec["to_snapshot"]) == ("2024-09-12", "2024-09-20")
    assert rec["km2_per_day"] == pytest.approx(rec["net_km2"] / 8, abs=0.006)


def test_rolling_speed_errors(territory):
    for bad in (0, 2.5, "7", True):
        with pytest.raises(FrontlineError) as err:
            rolling_speed(territory, "2024-10-01", "2024-10-02", bad)
        assert err.value.param == "window"
    with pytest.raises(NoSnapshotError):
        rolling_speed(territory, "2022-04-05", "2022-04-06", 7)


def _months(values: dict[str, float]) -> list[dict]:
    out = []
    for month, value in values.items():
        start = D.fromisoformat(month + "-01")
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        out.append(
            {
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "net_km2": value,
                "gained_km2": value + 1,
            }
        )
    return out


def test_largest_since_on_hand_made_months():
    recs = _months(
        {
            "2024-01": 100.0,
            "2024-02": 500.0,
            "2024-03": 300.0,
            "2024-04": 400.0,
            "2024-05": 450.0,
            "2024-06": 600.0,
        }
    )
    may = largest_since(recs, "2024-05")
    assert may["last_exceeded"] == {"month": "2024-02", "value": 500.0}
    assert may["largest"] == {"month": "2024-02", "value": 500.0}
    assert largest_since(recs, "2024-06")["last_exceeded"] is None  # a record
    assert largest_since(recs, dt.date(2024, 4, 17))["last_exceeded"]["month"] == "2024-02"
    assert largest_since(recs, "2024-03", "gained_km2")["value"] == 301.0
    # A cut piece of a month is not a month.
    cut = [*recs, {"period_start": "2024-07-01", "period_end": "2024-07-15", "net_km2": 9e9}]
    assert largest_since(cut, "2024-06")["last_exceeded"] is None
    for bad, param in (("2024-07", "month"), ("July", "month")):
        with pytest.raises(FrontlineError) as err:
            largest_since(cut, bad)
        assert err.value.param == param
    with pytest.raises(FrontlineError) as err:
        largest_since(recs, "2024-05", measure="lost_km2")
    assert err.value.param == "measure"


def test_largest_monthly_gain_since(territory):
    recs = territory.series_records("2022-04-04", "2026-08-01", "month")
    nov = largest_since(recs, "2024-11")
    # November 2024 (+725.9 km²): the largest monthly gain since June 2022.
    assert nov["value"] == pytest.approx(725.9, abs=0.05)
    assert nov["last_exceeded"]["month"] == "2022-06"
    assert nov["first_month"] == "2022-05"  # April 2022 is cut: the record starts on the 4th
    aug = largest_since(recs, "2024-08")
    assert aug["value"] == pytest.approx(363.5, abs=0.05)  # DeepState reported 363 km²
    assert aug["last_exceeded"]["month"] == "2022-07"


def test_oblast_rows_add_up_to_the_total_every_month_of_2024_and_2025(territory, periods):
    rows = pd.DataFrame(
        per_region_series(territory, "2024-01-01", "2026-01-01", "month", periods=periods)
    )
    totals = territory.series_records("2024-01-01", "2026-01-01", "month")
    assert len(totals) == 24
    for total in totals:
        mine = rows[rows["period_start"] == total["period_start"]]
        assert not mine.empty
        for col in ("gained_km2", "lost_km2", "net_km2"):
            # Exactly, after rounding by largest remainders (well within the 0.1 km² asked).
            assert round(mine[col].sum(), 1) == total[col], (total, mine)
        assert (mine["from_snapshot"] == total["from_snapshot"]).all()
        assert (mine["source"] == total["source"]).all()
    # Before rounding, the admin-1 regions alone hold the whole change but in April 2024.
    outside = {}
    for a, b in period_bounds(D(2024, 1, 1), D(2026, 1, 1), "month"):
        parts, *_ = periods.figures(a, b)
        total = parts[""][2]
        outside[a] = total - sum(v[2] for k, v in parts.items() if k)
    assert all(abs(v) < 0.1 for k, v in outside.items() if k != D(2024, 4, 1)), outside
    assert outside[D(2024, 4, 1)] == pytest.approx(16.1, abs=0.05)
    april = rows[(rows["period_start"] == "2024-04-01") & (rows["region"] == OUTSIDE)]
    assert april["gained_km2"].tolist() == [16.1]


def test_outside_row_is_real_ground_outside_every_region(territory):
    """The April 2024 remainder is ground DeepState added at sea by the Kinburn spit."""
    before, after = territory.snapshot("2024-04-01"), territory.snapshot("2024-05-01")
    land = shapely.union_all(territory.regions.admin1.geometry.values)
    gained = shapely.difference(shapely.difference(after.geometry, before.geometry), land)
    assert float(area_km2(gained)) == pytest.approx(16.1, abs=0.05)
    assert 31.4 < gained.centroid.x < 31.9 and 46.1 < gained.centroid.y < 46.5


def test_live_split_equals_the_table(territory, periods):
    table = per_region_series(territory, "2024-04-01", "2024-07-01", "month", periods=periods)
    live = per_region_series(territory, "2024-04-01", "2024-07-01", "month")
    assert table == live
    may = {r["region"]: r for r in table if r["period_start"] == "2024-05-01"}
    assert may["UA-63"]["net_km2"] == pytest.approx(150.6, abs=0.05)  # the Kharkiv offensive
    # Ground the 1:10m outlines put across the border shows under the Russian region.
    assert may["RU-BEL"]["gained_km2"] == pytest.approx(44.2, abs=0.05)


def test_region_filter_and_weeks(territory, periods):
    weeks = per_region_series(
        territory, "2024-10-07", "2024-10-21", "week", periods=periods, regions="ua-14"
    )
    assert [w["region"] for w in weeks] == ["UA-14", "UA-14"]
    for w in weeks:
        (direct,) = territory.series_records(w["period_start"], w["period_end"], "week", "UA-14")
        assert w["net_km2"] == pytest.approx(direct["net_km2"], abs=0.1)
    with pytest.raises(FrontlineError) as err:
        per_region_series(territory, "2024-10-01", "2024-10-03", "day")
    assert err.value.param == "by"
    with pytest.raises(FrontlineError) as err:
        per_region_series(territory, "2024-10-01", "2024-11-01", regions="UA-99")
    assert err.value.param == "regions"


def test_a_period_table_of_other_snapshots_is_ignored(territory, tmp_path):
    import pyarrow.parquet as pq

    source = pq.read_table(bundled_data_dir() / "territory_periods.parquet")
    meta = {**source.schema.metadata, b"frontline_fingerprints": b'{"russian_held": "0"}'}
    pq.write_table(source.replace_schema_metadata(meta), tmp_path / "periods.parquet")
    stale = RegionPeriods(territory, tmp_path / "periods.parquet")
    assert not stale._usable("russian_held")
    live = per_region_series(territory, "2024-05-01", "2024-06-01", periods=stale)
    assert live == per_region_series(territory, "2024-05-01", "2024-06-01")
