"""Precomputed weeks and months (geo.periods) give the figures computed live, and are
ignored when they were computed from other snapshots."""

import datetime as dt
import logging

import geopandas as gpd
import pandas as pd
import pytest
from shapely import box

from geo.periods import (
    PERIODS_FILE,
    PeriodTable,
    aligned_bounds,
    build_period_table,
    extend_period_table,
    period_pairs,
)
from geo.regions import Regions
from geo.territory import Territory

D = dt.date


def _live(terr: Territory, start, end, by, regions=()):
    return [c.as_record() for c in terr.series(start, end, by, regions)]


def _close(a: list[dict], b: list[dict]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        for key in ("period_start", "period_end", "from_snapshot", "to_snapshot", "source"):
            assert x[key] == y[key], (key, x, y)
        for key in ("gained_km2", "lost_km2", "net_km2"):
            # Both round to 0.1 km²; the two sums differ only in the last floating digits.
            assert abs(x[key] - y[key]) <= 0.10001, (key, x, y)


def test_aligned_bounds_are_whole_weeks_and_months():
    weeks = aligned_bounds(D(2024, 1, 3), D(2024, 1, 31), "week")
    assert weeks[0] == (D(2024, 1, 8), D(2024, 1, 15)) and weeks[-1][1] == D(2024, 1, 29)
    assert all(a.weekday() == 0 and (b - a).days == 7 for a, b in weeks)
    months = aligned_bounds(D(2024, 1, 1), D(2024, 4, 15), "month")
    assert months == [(D(2024, 1, 1), D(2024, 2, 1)), (D(2024, 2, 1), D(2024, 3, 1)),
                      (D(2024, 3, 1), D(2024, 4, 1))]  # fmt: skip


def test_period_pairs_cover_whole_and_cut_periods():
    pairs = set(period_pairs(D(2024, 1, 3), D(2024, 2, 10)))
    assert (D(2024, 1, 8), D(2024, 1, 15)) in pairs  # a whole ISO week
    assert (D(2024, 1, 1), D(2024, 2, 1)) not in pairs  # starts before the record
    assert (D(2024, 1, 3), D(2024, 1, 8)) in pairs  # from a Wednesday to the next Monday
    assert (D(2024, 2, 5), D(2024, 2, 7)) in pairs  # from a Monday to a Wednesday
    assert (D(2024, 1, 10), D(2024, 2, 1)) in pairs  # to the 1st of the next month
    assert all(a < b for a, b in pairs)


def test_bundled_table_matches_the_bundled_snapshots(data):
    terr = data.territory
    assert terr._period_table("russian_held") is not None, (
        f"data/{PERIODS_FILE} is out of date: rebuild with scripts/build_data.py --only periods"
    )


@pytest.mark.parametrize(
    ("start", "end", "by", "regions"),
    [
        ("2024-08-01", "2024-11-01", "month", ()),  # August: DeepState's own 363 km²
        ("2024-09-30", "2024-11-04", "week", ("UA-14",)),  # whole weeks, Donetsk
        ("2024-10-03", "2024-11-20", "week", ("UA-14", "UA-63")),  # cut at both ends
        ("2024-08-12", "2024-10-01", "month", ("RU-KRS",)),  # the Kursk border region
        ("2022-04-11", "2022-06-01", "week", ()),  # the start of the record
    ],
)
def test_table_gives_the_live_figures(data, start, end, by, regions):
    terr = data.territory
    _close(terr.series_records(start, end, by, regions), _live(terr, start, end, by, regions))


def test_august_2024_from_the_table_is_deepstates_figure(data):
    (aug,) = data.territory.series_records("2024-08-01", "2024-09-01", "month")
    assert aug["net_km2"] == pytest.approx(363, rel=0.03)


def _tiny(shift: float = 0.0) -> Territory:
    rows = [
        ("2024-01-01", box(0.0, 0.0, 1.0, 1.0)),
        ("2024-01-08", box(0.0, 0.0, 1.1 + shift, 1.0)),
        ("2024-01-15", box(0.0, 0.1, 1.1, 1.0)),
        ("2024-01-22", box(0.0, 0.1, 1.3, 1.0)),
    ]
    table = gpd.GeoDataFrame(
        {"date": pd.to_datetime([r[0] for r in rows]), "layer": "russian_held", "source": "t"},
        geometry=[r[1] for r in rows],
        crs=4326,
    )
    admin1 = gpd.GeoDataFrame(
        {"iso_3166_2": ["XA-01", "XA-02"], "name_en": ["West", "East"], "country_iso3": "XAA"},
        geometry=[box(-1, -1, 1.05, 2), box(1.05, -1, 3, 2)],
        crs=4326,
    )
    return Territory(table, Regions(admin1))


def test_region_rows_add_up_and_match_live(tmp_path):
    terr = _tiny()
    frame, prints = build_period_table(terr, terr.regions.admin1)
    PeriodTable.write(frame, prints, tmp_path / PERIODS_FILE)
    table = PeriodTable.read(tmp_path / PERIODS_FILE)
    fast = Territory(terr._layers["russian_held"], terr.regions, table)
    assert fast._period_table("russian_held") is table
    for regions in [(), ("XA-01",), ("XA-02",), ("XA-01", "XA-02")]:
        _close(fast.series_records("2024-01-01", "2024-01-22", "week", regions),
               _live(terr, "2024-01-01", "2024-01-22", "week", regions))  # fmt: skip
    both = fast.series_records("2024-01-08", "2024-01-15", "week", ("XA-01", "XA-02"))[0]
    west = fast.series_records("2024-01-08", "2024-01-15", "week", ("XA-01",))[0]
    east = fast.series_records("2024-01-08", "2024-01-15", "week", ("XA-02",))[0]
    assert both["lost_km2"] == pytest.approx(west["lost_km2"] + east["lost_km2"], abs=0.11)
    assert west["lost_km2"] > 0 and east["lost_km2"] > 0


def test_periods_of_other_snapshots_are_not_used(tmp_path):
    built = _tiny()
    frame, prints = build_period_table(built, built.regions.admin1)
    # Doctor the table so that using it would show: a made-up 999 km² in every period.
    frame["gained_km2"] = 999.0
    table = PeriodTable(frame, prints)
    other = _tiny(shift=0.05)  # the map of 8 January differs from the table's
    terr = Territory(other._layers["russian_held"], other.regions, table)
    records = terr.series_records("2024-01-01", "2024-01-22", "week")
    # The two weeks with 8 January at an end are computed live; the third is the table's.
    assert [r["gained_km2"] == 999.0 for r in records] == [False, False, True]
    _close(records[:2], _live(other, "2024-01-01", "2024-01-15", "week"))
    same = Territory(built._layers["russian_held"], built.regions, table)
    assert same.series_records("2024-01-08", "2024-01-15", "week")[0]["gained_km2"] == 999.0
    # Periods cut by the chosen dates come from the table too.
    cut = same.series_records("2024-01-10", "2024-01-17", "week")
    assert [r["gained_km2"] for r in cut] == [999.0, 999.0]


def _touches(a, b) -> bool:
    # The changed map of 8 January is in force from the 8th to the 14th.
    first, after = D(2024, 1, 8), D(2024, 1, 15)
    return first <= a < after or first <= b < after


def test_an_extension_holds_exactly_the_periods_whose_snapshots_changed():
    built = _tiny()
    frame, _ = build_period_table(built, built.regions.admin1)
    table = PeriodTable(frame)
    other = _tiny(shift=0.05)
    terr = Territory(other._layers["russian_held"], other.regions, table)
    rows = extend_period_table(terr, other.regions.admin1, table)
    periods = set(zip(rows["period_start"].dt.date, rows["period_end"].dt.date, strict=True))
    pairs = period_pairs(D(2024, 1, 1), D(2024, 1, 22))
    assert periods == {(a, b) for a, b in pairs if _touches(a, b)}
    combined = PeriodTable.combine([table, PeriodTable(rows)])
    fast = Territory(other._layers["russian_held"], other.regions, combined)
    for start, end, by in [("2024-01-01", "2024-01-22", "week"),
                           ("2024-01-03", "2024-01-20", "day")]:  # fmt: skip
        _close(fast.series_records(start, end, by), _live(other, start, end, by))
    assert extend_period_table(fast, other.regions.admin1, combined).empty


def test_an_older_table_without_digests_is_used_whole_or_not_at_all(caplog):
    built = _tiny()
    frame, prints = build_period_table(built, built.regions.admin1)
    frame = frame.drop(columns=["from_digest", "to_digest"]).assign(gained_km2=999.0)
    other = _tiny(shift=0.05)
    terr = Territory(other._layers["russian_held"], other.regions, PeriodTable(frame, prints))
    with caplog.at_level(logging.WARNING):
        records = terr.series_records("2024-01-01", "2024-01-22", "week")
    assert "do not match these snapshots" in caplog.text
    assert all(r["gained_km2"] != 999.0 for r in records)
