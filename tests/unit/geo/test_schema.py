"""The canonical event table and validate_events, on hand-placed points in two boxes."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.regions import Regions
from geo.schema import (
    EVENT_COLUMNS,
    EVENT_DTYPES,
    EVENT_TYPES,
    ISO_DATE,
    REJECT_COLUMNS,
    REJECT_REASONS,
    RowCheck,
    empty_events,
    parse_dates,
    validate_events,
)

SPEC_COLUMNS = [
    "event_id", "dataset", "date", "date_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "country", "admin1", "location", "geo_precision", "fatalities",
    "fatalities_low", "fatalities_high", "source", "source_url", "notes", "raw", "geometry",
]  # fmt: skip


@pytest.fixture(scope="module")
def boxes() -> Regions:
    """Two admin-1 'regions' side by side: lon 30-35 and 35-40, lat 45-50, country XAA."""
    admin1 = gpd.GeoDataFrame(
        {"iso_3166_2": ["XA-01", "XA-02"], "name_en": ["W", "E"], "country_iso3": ["XAA"] * 2},
        geometry=[shapely.box(30, 45, 35, 50), shapely.box(35, 45, 40, 50)],
        crs=4326,
    )
    return Regions(admin1)


def rows(*overrides: dict) -> pd.DataFrame:
    """Valid text rows (one per override dict), changed where the dict says."""
    base = {
        "event_id": "",
        "date": "2024-10-01",
        "latitude": "47.5",
        "longitude": "32.5",
        "event_type": "Battles",
        "fatalities": "1",
    }
    return pd.DataFrame(
        [base | {"event_id": str(i + 1)} | o for i, o in enumerate(overrides)], dtype="str"
    )


def test_event_columns_are_the_documented_ones_in_order():
    assert list(EVENT_COLUMNS) == SPEC_COLUMNS
    assert len(EVENT_TYPES) == 6 and "Explosions/Remote violence" in EVENT_TYPES


def test_empty_events_has_every_column_and_dtype():
    events = empty_events()
    assert list(events.columns) == SPEC_COLUMNS
    assert events.crs.to_epsg() == 4326
    for column, dtype in EVENT_DTYPES.items():
        assert events[column].dtype == dtype, column


def test_parse_dates_tries_formats_in_order_and_ignores_time():
    text = pd.Series(["2024-10-01", "2024-10-02T13:45:00Z", "1 Oct 2024", "2024-02-30", ""])
    parsed = parse_dates(text, [ISO_DATE, "%d %b %Y"])
    assert parsed.dtype == "datetime64[s]"
    assert list(parsed[:3].dt.strftime("%Y-%m-%d")) == ["2024-10-01", "2024-10-02", "2024-10-01"]
    assert parsed[3:].isna().all()  # 30 February is no date; empty stays empty


def test_valid_rows_become_typed_events_with_region_from_the_join(boxes):
    df = rows(
        {"date": "2024-10-02", "latitude": "46", "longitude": "36", "fatalities": "2.0"},
        {"date": "2024-10-01", "event_type": "riots", "fatalities": ""},
    )
    df["admin1"] = ["XA-99", "nonsense"]  # ignored: the join decides
    events, rejects = validate_events(df, boxes, dataset="test")
    assert rejects.empty and list(rejects.columns) == list(REJECT_COLUMNS)
    assert list(events.columns) == SPEC_COLUMNS
    assert all(events[c].dtype == t for c, t in EVENT_DTYPES.items())
    # Sorted by date: row 2 first.
    assert list(events["event_id"]) == ["test:2", "test:1"]
    assert list(events["admin1"]) == ["XA-01", "XA-02"]
    assert list(events["country"]) == ["XAA", "XAA"]
    assert list(events["event_type"]) == ["Riots", "Battles"]
    assert events["fatalities"].tolist() == [pd.NA, 2]
    assert events["geometry"].iloc[1].equals(shapely.Point(36, 46))
    assert events.crs.to_epsg() == 4326
    assert list(events["raw"]) == ["{}", "{}"]


# One row per reason: what to change in a valid row, the reason and the column reported.
REJECT_CASES = [
    ({"date": ""}, "missing_required", "date"),
    ({"latitude": ""}, "missing_required", "latitude"),
    ({"event_id": ""}, "missing_required", "event_id"),
    ({"date": "2024-13-01"}, "unparseable_date", "date"),
    ({"date": "yesterday"}, "unparseable_date", "date"),
    ({"latitude": "95"}, "coordinates_out_of_range", "latitude"),
    ({"longitude": "east"}, "coordinates_out_of_range", "longitude"),
    ({"latitude": "nan"}, "coordinates_out_of_range", "latitude"),
    ({"latitude": "32.5", "longitude": "47.5"}, "swapped_lat_lon", "latitude,longitude"),
    ({"latitude": "10", "longitude": "60"}, "outside_known_regions", "latitude,longitude"),
    ({"fatalities": "-1"}, "bad_value", "fatalities"),
    ({"fatalities": "2.5"}, "bad_value", "fatalities"),
    ({"fatalities": "many"}, "bad_value", "fatalities"),
    ({"geo_precision": "7"}, "bad_value", "geo_precision"),
]


@pytest.mark.parametrize(("change", "reason", "column"), REJECT_CASES)
def test_each_problem_rejects_the_row_with_its_reason(boxes, change, reason, column):
    df = rows({}, change, {})
    events, rejects = validate_events(df, boxes, dataset="t")
    assert len(events) + len(rejects) == 3
    assert rejects[["row", "reason", "column"]].values.tolist() == [[2, reason, column]]
    assert reason in REJECT_REASONS
    assert json.loads(rejects["raw"].iloc[0])["date"] == df["date"].iloc[1]


def test_duplicate_ids_reject_the_second_and_later_occurrence(boxes):
    df = rows({"event_id": "a"}, {"event_id": "b"}, {"event_id": "a"}, {"event_id": "a"})
    events, rejects = validate_events(df, boxes, dataset="t")
    assert list(events["event_id"]) == ["t:a", "t:b"]
    assert list(rejects["row"]) == [3, 4]
    assert set(rejects["reason"]) == {"duplicate_id"}
    assert rejects["detail"].iloc[0] == "the id is already used in row 1"


def test_swapped_coordinates_are_reported_not_fixed(boxes):
    events, rejects = validate_events(
        rows({"latitude": "32", "longitude": "47"}), boxes, dataset="t"
    )
    assert events.empty
    assert "swapped" in rejects["detail"].iloc[0] and "XA-01" in rejects["detail"].iloc[0]
    assert rejects["value"].iloc[0] == "32, 47"


def test_first_problem_is_the_reason_and_the_others_are_in_the_detail(boxes):
    df = rows({"date": "soon", "fatalities": "-3"})
    _, rejects = validate_events(df, boxes, dataset="t", columns={"date": "event_date"})
    assert rejects["reason"].iloc[0] == "unparseable_date"
    assert rejects["column"].iloc[0] == "event_date"
    assert "also bad_value in 'fatalities'" in rejects["detail"].iloc[0]


def test_reader_checks_come_first(boxes):
    df = rows({}, {"date": ""})
    check = RowCheck("bad_value", "type_of_violence", np.array([False, True]), ["", "9"], "x")
    _, rejects = validate_events(df, boxes, dataset="t", checks=[check])
    assert rejects[["reason", "column", "value"]].values.tolist() == [
        ["bad_value", "type_of_violence", "9"]
    ]
    assert "also missing_required in 'date'" in rejects["detail"].iloc[0]


def test_points_just_off_a_region_snap_to_it_and_points_at_sea_are_kept(boxes):
    df = rows(
        {"latitude": "47", "longitude": "40.05"},  # about 4 km east of the east box
        {"latitude": "47", "longitude": "41"},  # about 76 km out (at sea): kept, no region
        {"latitude": "47", "longitude": "48"},  # about 600 km out: outside
    )
    events, rejects = validate_events(df, boxes, dataset="t")
    admin1 = events.set_index("event_id")["admin1"]
    assert admin1["t:1"] == "XA-02" and pd.isna(admin1["t:2"])
    assert rejects[["row", "reason"]].values.tolist() == [[3, "outside_known_regions"]]


def test_decimal_commas_and_spaces_in_coordinates_are_read(boxes):
    events, _ = validate_events(
        rows({"latitude": " 47,25 ", "longitude": "32,5"}), boxes, dataset="t"
    )
    assert events.geometry.iloc[0].equals(shapely.Point(32.5, 47.25))


def test_prefixed_ids_are_kept_only_when_asked(boxes):
    df = rows({"event_id": "ucdp:123"}, {"event_id": "77"})
    kept, _ = validate_events(df, boxes, dataset="mine", keep_prefixed_ids=True)
    assert sorted(kept["event_id"]) == ["mine:77", "ucdp:123"]
    prefixed, _ = validate_events(df, boxes, dataset="mine")
    assert sorted(prefixed["event_id"]) == ["mine:77", "mine:ucdp:123"]


def test_event_types_keep_other_values_and_empty_is_unknown(boxes):
    df = rows(
        {"event_type": "VIOLENCE AGAINST CIVILIANS"}, {"event_type": "Shelling"}, {"event_type": ""}
    )
    events, _ = validate_events(df, boxes, dataset="t")
    assert list(events["event_type"]) == ["Violence against civilians", "Shelling", "Unknown"]
    # The six come first in the categories, so datasets concatenate as categories.
    assert list(events["event_type"].cat.categories[:6]) == list(EVENT_TYPES)


def test_without_ids_the_row_number_is_the_id(boxes):
    df = rows({}, {}).drop(columns="event_id")
    events, _ = validate_events(df, boxes, dataset="plain")
    assert list(events["event_id"]) == ["plain:1", "plain:2"]


def test_empty_input_gives_empty_tables(boxes):
    events, rejects = validate_events(rows({}).iloc[:0], boxes, dataset="t")
    assert events.empty and rejects.empty
    assert list(events.columns) == SPEC_COLUMNS
