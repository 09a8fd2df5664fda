"""The front's length (geo.front): hand-placed polygons with known answers, and the bundled
DeepState snapshots against the lengths Ukraine's commander-in-chief has given."""

import datetime as dt
import logging
import math

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from geo.errors import FrontlineError, NoSnapshotError
from geo.front import (
    BORDER_TOLERANCE_M,
    FRONT_FILE,
    ContactLine,
    FrontTable,
    LiveFront,
    build_front_table,
    front_length_series,
    front_table_for,
    geodesic_length_km,
)
from geo.paths import bundled_data_dir
from geo.regions import Regions
from geo.territory import Territory

D = dt.date
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def data():
    path = bundled_data_dir()
    regions = Regions.from_data_dir(path)
    territory = Territory.from_data_dir(path, regions)
    contact = ContactLine(regions)
    return territory, contact, FrontTable.read(path / FRONT_FILE)


@pytest.fixture(scope="module")
def table(data):
    return data[2]


def _tiny_regions() -> Regions:
    """Generated outlines (not real places): one 'Ukrainian' region, the box 30-32°E,
    48-50°N, and one 'Russian' region east of it."""
    admin1 = gpd.GeoDataFrame(
        {
            "iso_3166_2": ["UA-99", "RU-99"],
            "name_en": ["Test A", "Test B"],
            "country_iso3": ["UKR", "RUS"],
        },
        geometry=[_box(30, 48, 32, 50), _box(32, 48, 34, 50)],
        crs=4326,
    )
    return Regions(admin1)


def _box(*bounds):
    """A box whose edges follow meridians and parallels (a vertex every 0.01°)."""
    return shapely.segmentize(shapely.box(*bounds), 0.01)


def _km(*points) -> float:
    line = shapely.segmentize(shapely.LineString(points), 0.01)
    return GEOD.geometry_length(line) / 1000


def test_border_and_coast_are_left_out_of_a_hand_placed_front():
    contact = ContactLine(_tiny_regions())
    # Held: the south-east corner. Its south edge is the "coast" (the region's edge), its
    # east edge the border with the "Russian" region; the line of contact is the west and
    # north edges, each cut where it comes within 3 km of the coast or the border.
    held = _box(31, 48, 32, 49)
    dlat = BORDER_TOLERANCE_M / 111_200
    dlon = BORDER_TOLERANCE_M / (111_320 * math.cos(math.radians(49)))
    expected = _km((31, 48 + dlat), (31, 49), (32 - dlon, 49))
    assert contact.length_km(held) == pytest.approx(expected, rel=0.002)
    assert 175 < expected < 182  # 111 km north-south + 73 km east-west, less 2 x 3 km


def test_held_ground_beyond_the_border_or_coast_changes_nothing():
    contact = ContactLine(_tiny_regions())
    inside = _box(31, 48, 32, 49)
    # DeepState's border and coast are not Natural Earth's: a polygon reaching 2 km past
    # them has the same line of contact.
    beyond = _box(31, 48 - 0.018, 32 + 0.027, 49)
    assert contact.length_km(beyond) == pytest.approx(contact.length_km(inside), rel=1e-3)


def test_slivers_between_touching_layers_are_not_front():
    contact = ContactLine(_tiny_regions())
    whole = _box(30.5, 48.5, 31.5, 49.5)
    # Two layers whose shared edge leaves a 1 m gap, closed at both ends: a hair-thin hole.
    split = shapely.difference(whole, shapely.box(31.0, 48.6, 31.0000135, 49.4))
    assert len(split.interiors) == 1
    assert contact.length_km(split) == pytest.approx(contact.length_km(whole), rel=1e-3)
    # A real pocket (a 10 km hole) is front all round.
    pocket = shapely.difference(whole, _box(30.9, 48.95, 31.05, 49.05))
    assert contact.length_km(pocket) - contact.length_km(whole) == pytest.approx(
        _km((30.9, 48.95), (31.05, 48.95), (31.05, 49.05), (30.9, 49.05), (30.9, 48.95)),
        rel=1e-3,
    )


def test_geodesic_length_ignores_points_and_counts_every_part():
    line = shapely.MultiLineString([[(30, 49), (31, 49)], [(30, 48), (30, 47)]])
    mixed = shapely.GeometryCollection([line, shapely.Point(1, 1)])
    assert geodesic_length_km(mixed) == pytest.approx(GEOD.geometry_length(line) / 1000, rel=1e-9)
    assert geodesic_length_km(shapely.MultiLineString()) == 0.0


def test_bundled_table_matches_the_bundled_snapshots(data):
    territory, contact, table = data
    assert table is not None, "run scripts/build_derived.py"
    assert table.matches(territory, contact), "data/front_length.parquet is out of date"


def test_front_on_2024_11_01_is_in_the_range_officials_gave(table):
    """Syrskyi (Ukraine's commander-in-chief) put the active front at ~1,040 km on 20
    August 2024 and at "over 1,170 km" on 17 December 2024 (Ukrinform); Ukrainian officials
    spoke of 1,000-1,200 km through late 2024. DeepState's line, without the Kursk salient:"""
    rec = table.lookup("russian_held", D(2024, 11, 1))
    assert rec["snapshot"] == D(2024, 11, 1) and rec["source"] == "deepstate-layers"
    assert 1000 <= rec["km"] <= 1200
    assert rec["km"] == pytest.approx(1100.6, abs=0.1)
    kursk = table.lookup("ua_held_in_russia", D(2024, 11, 1))
    assert 100 <= kursk["km"] <= 130


@pytest.mark.parametrize(
    ("day", "said_km"),
    [
        (D(2024, 8, 20), 1040),  # Syrskyi, 20 Aug 2024: "almost 1,040 km" (Ukrinform)
        (D(2024, 12, 17), 1170),  # Syrskyi, 17 Dec 2024: "over 1,170 km" (Ukrinform)
        (D(2025, 9, 26), 1250),  # Syrskyi, late Sep 2025: "almost 1,250 km" (LIGA.net)
        (D(2025, 11, 9), 1253),  # Syrskyi, 9 Dec 2025: 1,253 km a month earlier
        (D(2025, 12, 9), 1218),  # Syrskyi, 9 Dec 2025: 1,218 km
        (D(2026, 2, 1), 1200),  # Syrskyi, early Feb 2026: "about 1,200 km" active (Glavcom)
    ],
)
def test_front_length_is_within_ten_percent_of_what_syrskyi_said(table, day, said_km):
    km = table.lookup("russian_held", day)["km"]
    assert abs(km - said_km) / said_km < 0.10, (day, km, said_km)


def test_front_shortened_from_november_to_december_2025_as_syrskyi_said(table):
    drop = (
        table.lookup("russian_held", D(2025, 11, 9))["km"]
        - table.lookup("russian_held", D(2025, 12, 9))["km"]
    )
    assert 20 < drop < 60  # he gave 35 km (1,253 -> 1,218)


def test_kursk_line_exists_only_while_the_incursion_held_ground(table):
    assert table.lookup("ua_held_in_russia", D(2024, 7, 1))["km"] == 0.0
    peak = max(
        table.lookup("ua_held_in_russia", D(2024, 9, 1) + dt.timedelta(days=i))["km"]
        for i in range(60)
    )
    assert 120 < peak < 160
    assert table.lookup("ua_held_in_russia", D(2025, 6, 1))["km"] < 10
    with pytest.raises(NoSnapshotError) as err:
        table.lookup("ua_held_in_russia", D(2025, 9, 1), "to")
    assert err.value.param == "to"


def test_series_takes_the_snapshot_at_each_period_start(table):
    months = front_length_series(table, "2024-09-01", "2024-12-01", by="month")
    assert [m["period_start"] for m in months] == ["2024-09-01", "2024-10-01", "2024-11-01"]
    assert months[2]["km"] == round(table.lookup("russian_held", D(2024, 11, 1))["km"], 1)
    days = front_length_series(table, "2024-09-13", "2024-09-16", by="day")
    assert [d["source"] for d in days] == [
        "deepstate-layers",
        "deepstate-cyterat",
        "deepstate-layers",
    ]
    weeks = front_length_series(
        table, "2024-09-04", "2024-09-20", by="week", layer="ua_held_in_russia"
    )
    assert [w["period_start"] for w in weeks] == ["2024-09-04", "2024-09-09", "2024-09-16"]
    assert all(w["layer"] == "ua_held_in_russia" and w["km"] > 100 for w in weeks)


def test_live_lengths_equal_the_table(data):
    territory, contact, table = data
    live = LiveFront(territory, contact)
    for day in (D(2022, 6, 1), D(2024, 11, 1), D(2025, 8, 5), D(2026, 8, 22)):
        assert live.lookup("russian_held", day)["km"] == pytest.approx(
            table.lookup("russian_held", day)["km"], abs=1e-6
        )
    assert live.lookup("ua_held_in_russia", D(2024, 11, 1))["km"] == pytest.approx(
        table.lookup("ua_held_in_russia", D(2024, 11, 1))["km"], abs=1e-6
    )


def test_a_table_of_other_snapshots_is_replaced_by_live_lengths(data, caplog):
    territory, contact, table = data
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-11-01"]),
            "layer": ["russian_held"],
            "km": [1.0],
            "source": ["deepstate-layers"],
        }
    )
    stale = FrontTable(frame, {**table.fingerprints, "russian_held": "0" * 32})
    with caplog.at_level(logging.WARNING, logger="geo.front"):
        used = front_table_for(territory, contact, stale)
    assert isinstance(used, LiveFront) and "does not match" in caplog.text
    assert front_table_for(territory, contact, table) is table
    # Live, a long daily series is refused instead of taking minutes.
    with pytest.raises(FrontlineError, match="too many to measure live") as err:
        front_length_series(used, "2024-01-01", "2025-01-01", by="day")
    assert err.value.param == "by"
    # A table made with another tolerance is another method: not used either.
    assert not table.matches(territory, ContactLine(territory.regions, tolerance_m=2000))


def test_unknown_layer_is_refused(data, table):
    contact = data[1]
    with pytest.raises(FrontlineError) as err:
        front_length_series(table, "2024-01-01", "2024-02-01", layer="unknown_status")
    assert err.value.param == "layer"
    with pytest.raises(FrontlineError) as err:
        contact.line(shapely.box(0, 0, 1, 1), layer="occupied_pre2022")
    assert err.value.param == "layer"
    assert contact.length_km(shapely.Polygon()) == 0.0


def test_write_read_round_trip(tmp_path):
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-11-01", "2024-11-02"]),
            "layer": ["russian_held"] * 2,
            "km": [1.5, 2.5],
            "source": ["a", "b"],
        }
    )
    FrontTable.write(frame, {"x": "y"}, tmp_path / FRONT_FILE)
    again = FrontTable.read(tmp_path / FRONT_FILE)
    assert again.fingerprints == {"x": "y"}
    assert again.lookup("russian_held", D(2024, 11, 5))["km"] == 2.5
    assert FrontTable.read(tmp_path / "missing.parquet") is None


def test_build_on_a_few_snapshots(data):
    """build_front_table on a territory of three real snapshots gives the bundled values."""
    territory, contact, table = data
    days = [D(2024, 10, 31), D(2024, 11, 1), D(2024, 11, 2)]
    rows = []
    for layer in ("russian_held", "occupied", "ua_held_in_russia"):
        for day in days:
            snap = territory.snapshot(day, layer)
            rows.append(
                {
                    "date": pd.Timestamp(day),
                    "layer": layer,
                    "source": snap.source,
                    "geometry": snap.geometry,
                }
            )
    small = Territory(gpd.GeoDataFrame(rows, geometry="geometry", crs=4326), territory.regions)
    frame, prints = build_front_table(small, contact)
    assert len(frame) == 6 and set(prints) == {
        "russian_held",
        "ua_held_in_russia",
        "occupied",
        "method",
    }
    for rec in frame.itertuples():
        assert rec.km == pytest.approx(table.lookup(rec.layer, rec.date.date())["km"], abs=1e-6)
