"""The measures beyond km² (geo.measures) on the bundled data: the records the CLI and the
API print, checked against the geo functions they come from and against known figures."""

import dataclasses
import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest

from geo import measures
from geo.errors import FrontlineError
from geo.measure_params import check_windows
from geo.paths import bundled_data_dir
from geo.settlements import SETTLEMENTS_FILE, SettlementTable, settlement_changes
from geo.speed import largest_since, rolling_speed
from geo.territory import Territory

D = dt.date


def test_settlements_in_donetsk_in_october_2024(data):
    rec = measures.settlements(data, "2024-10-01", "2024-11-01", ["ua-14"])
    names = [p["name"] for p in rec["places"]]
    assert names == ["Vuhledar", "Tsukuryne", "Toretsk", "Hirnyk", "Selydove"]
    assert rec["summary"] == {"to_ru": 4, "to_ua": 0, "contested": 1, "reverted": 0, "total": 5}
    assert rec["regions"] == ["UA-14"] and rec["source"] == "deepstate-layers"
    assert rec["snapshots"]["russian_held"] == {
        "from_snapshot": "2024-10-01",
        "to_snapshot": "2024-11-01",
        "source": "deepstate-layers",
    }
    selydove = rec["places"][-1]
    assert list(selydove) == list(measures.PLACE_FIELDS)
    assert selydove["first_held"] == "2024-10-28" and selydove["last_before"] == "2024-10-27"
    assert (selydove["name_de"], selydove["name_uk"]) == ("Selydowe", "Селидове")
    assert (selydove["admin1"], selydove["region_name"]) == ("UA-14", "Donetsk Oblast")
    assert selydove["via_grey"] is True and selydove["outcome"] == "to_ru"
    assert (selydove["from_snapshot"], selydove["source"]) == ("2024-10-01", "deepstate-layers")
    assert 37.2 < selydove["lon"] < 37.4 and 48.1 < selydove["lat"] < 48.2
    toretsk = rec["places"][2]
    assert toretsk["outcome"] == "contested" and toretsk["contested"] is True
    german = measures.settlements(data, "2024-10-01", "2024-11-01", "UA-14", lang="de")
    assert german["places"][-1]["name"] == "Selydowe"
    assert german["places"][-1]["region_name"] != "Donetsk Oblast"  # the German name


def test_settlements_are_those_of_geo_settlements(data):
    table = SettlementTable.read(bundled_data_dir() / SETTLEMENTS_FILE)
    for start, end in (("2022-09-01", "2022-10-01"), ("2025-03-01", "2025-04-01")):
        direct = settlement_changes(table, start, end)
        rec = measures.settlements(data, start, end)
        assert [p["geonameid"] for p in rec["places"]] == direct.frame["geonameid"].tolist()
        assert rec["summary"] == direct.summary
    # The Kursk incursion: places in Russia, read from the layered series.
    kursk = measures.settlements(data, "2024-08-01", "2024-09-01", "RU-KRS")
    sudzha = next(p for p in kursk["places"] if p["name_en"] == "Sudzha")
    assert (sudzha["outcome"], sudzha["first_held"]) == ("to_ua", "2024-08-15")
    assert sudzha["layer"] == "ua_held_in_russia" and sudzha["country"] == "RU"


def test_via_grey_is_none_where_the_layered_series_has_ended(data):
    rec = measures.settlements(data, "2025-10-15", "2025-11-15", "UA-14")
    pokrovsk = next(p for p in rec["places"] if p["name_en"] == "Pokrovsk")
    assert pokrovsk["via_grey"] is None and pokrovsk["first_held"] == "2025-11-03"
    assert rec["snapshots"]["ua_held_in_russia"] is None
    assert rec["source"] == "deepstate-cyterat"


@pytest.mark.parametrize(
    ("args", "param"),
    [
        (("1 October", "2024-11-01"), "from"),
        (("2024-10-01", "2024-13-01"), "to"),
        (("2024-11-01", "2024-10-01"), "to"),
        (("2024-10-01", "2024-10-01"), "to"),
        (("2021-01-01", "2021-02-01"), "from"),
        (("2024-10-01", "2031-01-01"), "to"),
        (("0001-01-01", "9999-12-31"), "from"),
    ],
)
def test_bad_periods_name_the_parameter(data, args, param):
    for call in (
        lambda: measures.settlements(data, *args),
        lambda: measures.front_length(data, *args),
        lambda: measures.speed(data, *args),
        lambda: measures.distance(data, "Kramatorsk", *args),
        lambda: measures.per_region(data, *args),
    ):
        with pytest.raises(FrontlineError) as err:
            call()
        assert err.value.param == param and param in str(err.value)


def test_other_bad_parameters_name_themselves(data):
    month = ("2024-10-01", "2024-11-01")
    cases = [
        (lambda: measures.settlements(data, *month, "UA-99"), "regions"),
        (lambda: measures.settlements(data, *month, lang="fr"), "lang"),
        (lambda: measures.front_length(data, *month, by="year"), "by"),
        (lambda: measures.front_length(data, "2022-05-01", "2024-11-01", by="day"), "by"),
        (lambda: measures.speed(data, *month, windows=(7, 0)), "windows"),
        (lambda: measures.speed(data, *month, windows="7,x"), "windows"),
        (lambda: measures.speed(data, *month, windows=(1, 2, 3, 4)), "windows"),
        (lambda: measures.speed(data, "2022-04-20", "2022-05-01"), "from"),
        (lambda: measures.speed(data, *month, source="nobody"), "source"),
        (lambda: measures.per_region(data, *month, by="day"), "by"),
        (lambda: measures.per_region(data, *month, layer="occupied"), "layer"),
        (lambda: measures.per_region(data, *month, regions="UA-14,XX"), "regions"),
        (lambda: measures.per_region(data, *month, lang="uk"), "lang"),
        (lambda: measures.distance(data, "", *month), "place"),
        (lambda: measures.distance(data, "Kramatorsk", *month, admin1="UA-99"), "admin1"),
        (lambda: measures.distance(data, "Kramatorsk", *month, admin1="UA-14,UA-23"), "admin1"),
        (lambda: measures.distance(data, "Kramatorsk", *month, country="Ukraine"), "country"),
    ]
    for call, param in cases:
        with pytest.raises(FrontlineError) as err:
            call()
        assert err.value.param == param, (param, err.value)
        assert param in str(err.value)


def test_front_length_on_2024_11_01(data):
    (rec,) = measures.front_length(data, "2024-11-01", "2024-11-02")
    # Syrskyi put the active front at ~1,040 km (20 Aug 2024) and over 1,170 km (17 Dec
    # 2024); DeepState's line of contact, without the Kursk salient, lies between.
    assert rec["km"] == pytest.approx(1100.6, abs=0.05) and 1000 < rec["km"] < 1200
    assert (rec["snapshot"], rec["by"], rec["source"]) == ("2024-11-01", "day", "deepstate-layers")
    assert rec["kursk_snapshot"] == "2024-11-01" and 50 < rec["kursk_km"] < 200


def test_front_length_series_and_the_kursk_salient(data):
    months = measures.front_length(data, "2024-07-01", "2025-10-01", "month")
    assert [m["period_start"][:7] for m in months][:3] == ["2024-07", "2024-08", "2024-09"]
    kursk = {m["period_start"][:7]: m["kursk_km"] for m in months}
    assert kursk["2024-07"] is None and kursk["2024-08"] is None  # began on 6 August
    assert kursk["2024-09"] > 100
    assert kursk["2025-09"] is None  # the layered series ends on 2025-08-04
    assert all(900 < m["km"] < 1300 for m in months)
    # None: days, or weeks beyond MAX_PERIODS days.
    assert measures.front_length(data, "2024-10-01", "2024-10-08")[0]["by"] == "day"
    weeks = measures.front_length(data, "2023-01-01", "2025-01-01")
    assert weeks[0]["by"] == "week" and len(weeks) == 106  # cut at both ends


def test_speed_is_rolling_speed_and_ranks_the_month(data):
    rec = measures.speed(data, "2024-12-01", "2024-12-08", "UA-14")
    assert rec["windows"] == [7, 30] and len(rec["series"]) == 14
    direct = rolling_speed(data.territory, "2024-12-01", "2024-12-08", 30, regions="UA-14")
    assert [r for r in rec["series"] if r["window_days"] == 30] == direct
    assert rec["first_snapshot"] == "2024-11-01" and rec["last_snapshot"] == "2024-12-07"
    whole = measures.speed(data, "2024-12-01", "2024-12-03", windows="7")
    big = whole["largest_monthly_gain"]
    # November 2024, +725.9 km²: the largest monthly gain since June 2022.
    assert big["month"] == "2024-11" and big["value"] == pytest.approx(725.9, abs=0.05)
    assert big["last_exceeded"]["month"] == "2022-06"
    assert (big["from_snapshot"], big["to_snapshot"]) == ("2024-11-01", "2024-12-01")
    recs = data.territory.series_records("2022-04-04", "2024-12-01", "month")
    assert big["largest"] == largest_since(recs, "2024-11")["largest"]
    assert check_windows(" 30 , 7,30") == (30, 7)


def test_distance_to_kramatorsk(data):
    rec = measures.distance(data, "Краматорськ", "2025-01-01", "2025-10-01", by="month")
    place = rec["place"]
    assert (place["name_en"], place["name_uk"], place["admin1"]) == (
        "Kramatorsk",
        "Краматорськ",
        "UA-14",
    )
    fig = rec["figure"]
    assert (fig["km_start"], fig["start_snapshot"]) == (22.4, "2025-01-01")
    assert (fig["km_now"], fig["now_snapshot"]) == (19.8, "2025-10-01")
    assert fig["nearest_km"] <= fig["km_now"] and fig["nearest_snapshot"] >= "2025-01-01"
    assert len(rec["series"]) == 9 and rec["series"][0]["km"] == pytest.approx(22.37, abs=0.01)
    assert rec["source"] == "deepstate-layers+deepstate-cyterat"


def test_place_names_ambiguity_and_distance_limit(data):
    with pytest.raises(FrontlineError) as err:
        measures.distance(data, "Donetsk", "2024-10-01", "2024-11-01")
    assert err.value.param == "place" and "UA-14" in str(err.value) and "RU-ROS" in str(err)
    russian = measures.distance(data, "Donetsk", "2024-10-01", "2024-10-03", admin1="RU-ROS")
    # Donetsk in Rostov oblast lies on the border, across from occupied Luhansk oblast.
    assert russian["place"]["country"] == "RU" and 0 < russian["figure"]["km_now"] < 10
    ukrainian = measures.distance(data, "Donezk", "2024-10-01", "2024-10-03", country="ua")
    assert ukrainian["place"]["admin1"] == "UA-14" and ukrainian["figure"]["km_now"] == 0.0
    with pytest.raises(FrontlineError) as err:
        measures.distance(data, "Pyongyang", "2024-10-01", "2024-11-01")
    assert err.value.param == "place" and "1,000 km" in str(err.value)


def test_oblast_rows_add_up_to_the_total_for_every_month_of_2024_and_2025(data):
    rows = pd.DataFrame(measures.per_region(data, "2024-01-01", "2026-01-01"))
    totals = data.territory.series_records("2024-01-01", "2026-01-01", "month")
    assert len(totals) == 24
    for total in totals:
        mine = rows[rows["period_start"] == total["period_start"]]
        assert (mine["source"] == total["source"]).all()
        assert (mine["to_snapshot"] == total["to_snapshot"]).all()
        for col in ("gained_km2", "lost_km2", "net_km2"):
            assert abs(mine[col].sum() - total[col]) < 0.1, (total, col)
    assert list(rows.columns) == list(measures.PER_REGION_FIELDS)
    donetsk = rows[(rows["period_start"] == "2024-10-01") & (rows["region"] == "UA-14")]
    assert donetsk["region_name"].tolist() == ["Donetsk Oblast"]
    assert donetsk["net_km2"].iloc[0] == pytest.approx(398.6, abs=0.05)
    outside = rows[rows["region"] == "outside"]
    assert outside["region_name"].isna().all()
    (german,) = measures.per_region(data, "2024-10-01", "2024-11-01", regions="UA-14", lang="de")
    assert german["region_name"] == data.regions.name("UA-14", "de") != "Donetsk Oblast"


def test_tables_are_looked_up_once_per_generation(data):
    measures.settlements(data, "2024-10-01", "2024-11-01")
    measures.front_length(data, "2024-10-01", "2024-10-02")
    measures.per_region(data, "2024-10-01", "2024-11-01")
    keys = [k for k in data._derived if k[0] == "measures"]
    assert {k[1] for k in keys} >= {"settlement-table", "front-table", "region-periods"}
    table, ok = data.derived(("measures", "settlement-table"), lambda: pytest.fail("recomputed"))
    assert ok and table is not None


def test_snapshots_the_tables_do_not_match_are_computed_again(data):
    """A generation whose snapshots differ from those the bundled tables were computed
    from (three months of Russian-held ground only, as after an update) gets the same
    figures: the settlement table is rebuilt for it once, so any period of it can be asked
    for; the front of so small a record is measured live."""
    territory = data.territory
    days = [d for d in territory.dates() if D(2024, 9, 1) <= d <= D(2024, 11, 30)]
    rows = [
        {"date": pd.Timestamp(d), "layer": "russian_held", "source": s.source,
         "geometry": s.geometry}
        for d in days
        for s in [territory.snapshot(d)]
    ]  # fmt: skip
    small = Territory(gpd.GeoDataFrame(rows, geometry="geometry", crs=4326), data.regions)
    other = dataclasses.replace(data, territory=small, _derived={})
    mine = measures.settlements(other, "2024-10-01", "2024-11-01", "UA-14")
    full = measures.settlements(data, "2024-10-01", "2024-11-01", "UA-14")
    assert [p["name"] for p in mine["places"]] == [p["name"] for p in full["places"]]
    assert all(p["via_grey"] is None for p in mine["places"])  # no grey-zone layer here
    table, ok = other.derived(("measures", "settlement-table"), lambda: None)
    assert ok and table.matches(small, data.files.places)
    (front,) = measures.front_length(other, "2024-11-01", "2024-11-02")
    assert front["km"] == pytest.approx(1100.6, abs=0.05) and front["kursk_km"] is None
    assert getattr(other.derived(("measures", "front-table"), lambda: None), "live", False)
    # Longer than a live table would allow (92 days): the rebuilt table answers it.
    whole = measures.settlements(other, "2024-09-01", "2024-12-01", "UA-14")
    assert whole["summary"]["to_ru"] >= full["summary"]["to_ru"]
