"""Settlements that changed hands (geo.settlements), checked against the bundled DeepState
snapshots: well-documented captures must come out on the dates DeepState's map gives."""

import datetime as dt
import logging

import geopandas as gpd
import pandas as pd
import pytest

from geo.errors import FrontlineError, NoSnapshotError
from geo.paths import bundled_data_dir
from geo.regions import Regions
from geo.settlements import (
    CONTESTED_DAYS,
    SETTLEMENTS_FILE,
    SettlementTable,
    build_settlement_table,
    settlement_changes,
    settlement_places,
    table_for,
)
from geo.territory import Territory

D = dt.date


@pytest.fixture(scope="module")
def data():
    path = bundled_data_dir()
    regions = Regions.from_data_dir(path)
    territory = Territory.from_data_dir(path, regions)
    places = pd.read_parquet(path / "places.parquet")
    return territory, regions, places, SettlementTable.read(path / SETTLEMENTS_FILE)


@pytest.fixture(scope="module")
def table(data):
    return data[3]


def _row(result, name, admin1):
    rows = result.frame[(result.frame["name_en"] == name) & (result.frame["admin1"] == admin1)]
    assert len(rows) == 1, (name, result.frame[["name_en", "admin1", "outcome"]])
    return rows.iloc[0]


def test_bundled_table_matches_the_bundled_snapshots(data):
    territory, _, places, table = data
    assert table is not None, "run scripts/build_derived.py"
    assert table.matches(territory, places), "data/settlements.parquet is out of date"


# Town, region, a period around its fall, the first snapshot of DeepState's map that shows
# its GeoNames point Russian-held, and the week (Monday) in which its fall was reported.
KNOWN_CAPTURES = [
    ("Avdiivka", "UA-14", "2024-02-01", "2024-03-01", D(2024, 2, 18), D(2024, 2, 12)),
    ("Ocheretyne", "UA-14", "2024-04-01", "2024-05-15", D(2024, 4, 23), D(2024, 4, 22)),
    ("Vuhledar", "UA-14", "2024-09-15", "2024-10-15", D(2024, 10, 2), D(2024, 9, 30)),
    ("Selydove", "UA-14", "2024-10-15", "2024-11-15", D(2024, 10, 28), D(2024, 10, 28)),
    # The point (the town centre) was Russian-held on DeepState's map from 17 December;
    # Ukrainian troops held the power-plant district in the west until early January.
    ("Kurakhove", "UA-14", "2024-12-01", "2025-01-15", D(2024, 12, 17), D(2024, 12, 16)),
    ("Velyka Novosilka", "UA-14", "2025-01-10", "2025-02-10", D(2025, 1, 24), D(2025, 1, 20)),
    ("Chasiv Yar", "UA-14", "2025-05-01", "2025-06-01", D(2025, 5, 15), D(2025, 5, 12)),
    ("Pokrovsk", "UA-14", "2025-10-15", "2025-11-15", D(2025, 11, 3), D(2025, 11, 3)),
    ("Myrnohrad", "UA-14", "2026-02-01", "2026-03-01", D(2026, 2, 17), D(2026, 2, 16)),
    ("Lysychansk", "UA-09", "2022-06-20", "2022-07-20", D(2022, 7, 4), D(2022, 7, 4)),
]
KNOWN_LIBERATIONS = [
    ("Izium", "UA-63", "2022-09-01", "2022-10-01", D(2022, 9, 11)),
    ("Kupiansk", "UA-63", "2022-09-01", "2022-10-01", D(2022, 9, 11)),
    ("Lyman", "UA-14", "2022-09-15", "2022-10-15", D(2022, 10, 2)),
    ("Kherson", "UA-65", "2022-11-01", "2022-12-01", D(2022, 11, 12)),
]


@pytest.mark.parametrize(("name", "admin1", "start", "end", "first", "week"), KNOWN_CAPTURES)
def test_known_captures_on_deepstates_dates(table, name, admin1, start, end, first, week):
    row = _row(settlement_changes(table, start, end), name, admin1)
    assert row["outcome"] == "to_ru" and not row["contested"]
    assert (row["from_side"], row["to_side"]) == ("ua", "ru")
    assert row["first_held"] == first
    assert row["last_before"] < first
    assert week <= row["first_held"] < week + dt.timedelta(days=7)


@pytest.mark.parametrize(("name", "admin1", "start", "end", "first"), KNOWN_LIBERATIONS)
def test_known_liberations(table, name, admin1, start, end, first):
    row = _row(settlement_changes(table, start, end, side="ua"), name, admin1)
    assert row["outcome"] == "to_ua" and row["first_held"] == first


def test_toretsk_is_contested_in_october_2024_then_taken(table):
    october = _row(settlement_changes(table, "2024-10-01", "2024-11-01"), "Toretsk", "UA-14")
    # Russian-held on the map of 16 October, Ukrainian again on 23 October: one row.
    assert october["outcome"] == "contested" and october["changes"] == 2
    assert (october["first_held"], october["last_change"]) == (D(2024, 10, 16), D(2024, 10, 23))
    november = _row(settlement_changes(table, "2024-11-01", "2024-12-01"), "Toretsk", "UA-14")
    # 7 November is 15 days after the last change: taken, not contested.
    assert november["outcome"] == "to_ru" and november["first_held"] == D(2024, 11, 7)


def test_sudzha_changes_hands_twice_in_the_kursk_incursion(table):
    taken = _row(
        settlement_changes(table, "2024-08-01", "2024-09-01", "RU-KRS"), "Sudzha", "RU-KRS"
    )
    assert (taken["outcome"], taken["first_held"]) == ("to_ua", D(2024, 8, 15))
    assert taken["layer"] == "ua_held_in_russia"
    lost = _row(settlement_changes(table, "2025-03-01", "2025-04-01", "RU-KRS"), "Sudzha", "RU-KRS")
    assert (lost["outcome"], lost["first_held"]) == ("to_ru", D(2025, 3, 13))


def test_donetsk_in_october_2024(table):
    result = settlement_changes(table, "2024-10-01", "2024-11-01", regions=("UA-14",))
    frame = result.frame
    assert list(frame["name_en"]) == ["Vuhledar", "Tsukuryne", "Toretsk", "Hirnyk", "Selydove"]
    assert list(frame["first_held"]) == [
        D(2024, 10, 2),
        D(2024, 10, 7),
        D(2024, 10, 16),
        D(2024, 10, 28),
        D(2024, 10, 28),
    ]
    assert result.summary == {"to_ru": 4, "to_ua": 0, "contested": 1, "reverted": 0, "total": 5}
    assert result.snapshots["russian_held"] == (D(2024, 10, 1), D(2024, 11, 1), "deepstate-layers")
    assert set(frame["admin1"]) == {"UA-14"}
    assert frame["via_grey"].tolist() == [True] * 5
    selydove = frame[frame["name_en"] == "Selydove"].iloc[0]
    assert (selydove["name_de"], selydove["name_uk"]) == ("Selydowe", "Селидове")
    assert result.as_record()["snapshots"]["russian_held"]["to_snapshot"] == "2024-11-01"


def test_grey_zone_is_unknown_after_the_layered_series_ends(table):
    result = settlement_changes(table, "2025-10-15", "2025-11-15")
    pokrovsk = _row(result, "Pokrovsk", "UA-14")
    assert pokrovsk["via_grey"] is None
    assert result.snapshots["ua_held_in_russia"] is None  # no Kursk layers after 2025-08-04
    assert result.snapshots["russian_held"][2] == "deepstate-cyterat"


def test_side_and_region_filters(table):
    both = settlement_changes(table, "2022-09-01", "2022-12-01")
    ua = settlement_changes(table, "2022-09-01", "2022-12-01", side="ua")
    ru = settlement_changes(table, "2022-09-01", "2022-12-01", side="ru")
    assert len(ua.frame) + len(ru.frame) == len(both.frame)
    assert set(ua.frame["new_side"]) == {"ua"} and ua.summary["to_ua"] >= 20
    kharkiv = settlement_changes(table, "2022-09-01", "2022-12-01", regions="ua-63")
    assert set(kharkiv.frame["admin1"]) == {"UA-63"}
    assert sum(v for k, v in kharkiv.summary.items() if k != "total") == len(kharkiv.frame)


def _tiny_table(moves: list[tuple[str, str, str]]) -> SettlementTable:
    """A hand-made table: one place, a daily series 2024-01-01..2024-03-31, the given
    changes of side as (last old snapshot, first new snapshot, new side)."""
    days = list(pd.date_range("2024-01-01", "2024-03-31").date)
    rows = [
        {
            "kind": "side",
            "geonameid": 1,
            "prev_date": None,
            "date": days[0],
            "from_status": None,
            "to_status": "ua",
        }
    ]
    side = "ua"
    for before, after, new in moves:
        rows.append(
            {
                "kind": "side",
                "geonameid": 1,
                "prev_date": D.fromisoformat(before),
                "date": D.fromisoformat(after),
                "from_status": side,
                "to_status": new,
            }
        )
        side = new
    place = pd.DataFrame(
        [
            {
                "geonameid": 1,
                "name_en": "Testivka",
                "name_de": "Testiwka",
                "name_uk": "Тестівка",
                "country": "UA",
                "admin1": "UA-14",
                "lon": 37.0,
                "lat": 48.0,
                "population": 1000,
            }
        ]
    )
    dates = {"russian_held": days, "layered": days}
    sources = {k: ["test"] * len(days) for k in dates}
    return SettlementTable(pd.DataFrame(rows), place, dates, {}, sources)


@pytest.mark.parametrize(
    ("moves", "outcome", "changes"),
    [
        ([("2024-02-04", "2024-02-05", "ru")], "to_ru", 1),
        # Back and forth within CONTESTED_DAYS: reported once, as contested.
        ([("2024-02-04", "2024-02-05", "ru"), ("2024-02-18", "2024-02-19", "ua")], "contested", 2),
        # The same, one day further apart: taken and lost again.
        ([("2024-02-04", "2024-02-05", "ru"), ("2024-02-19", "2024-02-20", "ua")], "reverted", 2),
        # A flip-back 10 days before the period makes its one change contested too.
        (
            [
                ("2024-01-21", "2024-01-22", "ru"),
                ("2024-01-24", "2024-01-25", "ua"),
                ("2024-02-03", "2024-02-04", "ru"),
            ],
            "contested",
            1,
        ),
        ([("2024-01-05", "2024-01-06", "ru"), ("2024-02-09", "2024-02-10", "ua")], "to_ua", 1),
    ],
)
def test_contested_rule(moves, outcome, changes):
    assert CONTESTED_DAYS == 14
    result = settlement_changes(_tiny_table(moves), "2024-02-01", "2024-03-01")
    assert list(result.frame["outcome"]) == [outcome]
    assert result.frame["changes"].iloc[0] == changes
    assert result.summary[outcome] == 1 and result.summary["total"] == 1


def test_no_change_no_row():
    result = settlement_changes(
        _tiny_table([("2024-03-09", "2024-03-10", "ru")]), "2024-02-01", "2024-03-01"
    )
    assert result.frame.empty and result.summary["total"] == 0


def test_live_table_gives_the_same_rows(data):
    territory, regions, places, table = data
    live = table_for(territory, places, regions, "2024-10-01", "2024-11-01", precomputed=None)
    assert live.window is not None
    a = settlement_changes(table, "2024-10-01", "2024-11-01").frame
    b = settlement_changes(live, "2024-10-01", "2024-11-01").frame
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(FrontlineError) as err:
        settlement_changes(live, "2024-06-01", "2024-07-01")
    assert err.value.param == "from"


def test_live_table_at_the_end_of_the_record(data):
    territory, regions, places, table = data
    live = table_for(territory, places, regions, "2026-06-15", "2026-08-22")
    a = settlement_changes(table, "2026-06-15", "2026-08-22").frame
    b = settlement_changes(live, "2026-06-15", "2026-08-22").frame
    pd.testing.assert_frame_equal(a, b)


def test_a_store_with_russian_held_ground_only(data):
    territory, regions, places, table = data
    days = [d for d in territory.dates() if D(2024, 9, 1) <= d <= D(2024, 11, 30)]
    rows = [
        {
            "date": pd.Timestamp(d),
            "layer": "russian_held",
            "source": s.source,
            "geometry": s.geometry,
        }
        for d in days
        for s in [territory.snapshot(d)]
    ]
    small = Territory(gpd.GeoDataFrame(rows, geometry="geometry", crs=4326), regions)
    built = build_settlement_table(small, places, regions)
    assert len(built.dates["layered"]) == 0 and set(built.fingerprints) == {
        "russian_held",
        "places",
    }
    mine = settlement_changes(built, "2024-10-01", "2024-11-01", "UA-14")
    full = settlement_changes(table, "2024-10-01", "2024-11-01", "UA-14")
    assert mine.frame["name_en"].tolist() == full.frame["name_en"].tolist()
    assert mine.frame["via_grey"].isna().all() and mine.snapshots["ua_held_in_russia"] is None
    assert not built.matches(territory, places) and not table.matches(small, places)


def test_a_table_of_other_snapshots_is_not_used(data, caplog):
    territory, regions, places, table = data
    stale = SettlementTable(
        table.changes,
        table.places.reset_index(drop=True),
        table.dates,
        {**table.fingerprints, "russian_held": "0" * 32},
        table.sources,
    )
    assert not stale.matches(territory, places)
    with caplog.at_level(logging.WARNING, logger="geo.settlements"):
        used = table_for(territory, places, regions, "2024-10-01", "2024-11-01", stale)
    assert used is not stale and used.window is not None
    assert "does not match" in caplog.text
    with pytest.raises(FrontlineError, match=r"rebuild it with scripts/build_derived\.py") as err:
        table_for(territory, places, regions, "2024-01-01", "2024-07-01", stale)
    assert err.value.param == "to"
    assert table_for(territory, places, regions, "2024-01-01", "2025-01-01", table) is table


def test_errors_name_the_parameter(table):
    with pytest.raises(FrontlineError) as err:
        settlement_changes(table, "2024-10-01", "2024-10-01")
    assert err.value.param == "to"
    with pytest.raises(FrontlineError) as err:
        settlement_changes(table, "2024-10-01", "2024-11-01", side="russia")
    assert err.value.param == "side" and "'russia'" in str(err.value)
    with pytest.raises(NoSnapshotError) as err:
        settlement_changes(table, "2022-01-01", "2022-05-01")
    assert err.value.param == "from"
    with pytest.raises(FrontlineError) as err:
        settlement_changes(table, "1 October", "2024-11-01")
    assert err.value.param == "from"


def test_write_read_round_trip(table, tmp_path):
    path = tmp_path / SETTLEMENTS_FILE
    table.write(path)
    again = SettlementTable.read(path)
    pd.testing.assert_frame_equal(again.changes, table.changes)
    assert {k: list(v) for k, v in again.dates.items()} == {
        k: list(v) for k, v in table.dates.items()
    }
    assert again.sources == table.sources and again.fingerprints == table.fingerprints
    assert SettlementTable.read(tmp_path / "missing.parquet") is None


def test_places_names_and_regions(data):
    _, regions, places, _ = data
    pts = settlement_places(places, regions).set_index("geonameid")
    assert set(pts["country"]) == {"UA", "RU"}
    # GeoNames lists the old names first: "Krasnoarmejsk", "Красноармійськ".
    pokrovsk = pts.loc[704422, ["name_en", "name_de", "name_uk"]].tolist()
    assert pokrovsk == ["Pokrovsk", "Pokrowsk", "Покровськ"]
    assert pts.loc[709354, "name_uk"] == "Торецьк"
    assert pts.loc[713122, "name_en"] == "Avdiivka"  # GeoNames' own name is "Avdiyivka"
    # Kherson city lies outside the 1:10m Kherson polygon (on the Dnipro's water): nearest one.
    assert pts.loc[706448, "admin1"] == "UA-65"
    assert pts["admin1"].notna().all()
    assert not places.loc[places["feature_code"] == "PPLX", "geonameid"].isin(pts.index).any()
