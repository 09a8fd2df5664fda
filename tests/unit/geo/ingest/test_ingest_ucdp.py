"""UCDP GED: the real 2,000-event sample and a hand-made full 49-column file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import FrontlineError
from geo.ingest import read_events
from geo.schema import EVENT_COLUMNS, EVENT_DTYPES

UCDP_SAMPLE = (
    Path(__file__).parent
    / "fixtures"
    / "ucdp_ged251_russia_ukraine_random_sample2000_2022-2024.csv"
)
# The 49 columns of the full GED download, in GED's order.
# fmt: off
GED_COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob"
]
# fmt: on


@pytest.fixture(scope="module")
def sample(regions):
    return read_events(UCDP_SAMPLE, regions=regions)


def test_the_real_sample_is_accepted_whole(sample):
    assert sample.format == "ucdp" and sample.dataset == "ucdp"
    assert sample.summary() == {
        "rows_read": 2000,
        "accepted": 2000,
        "rejected": 0,
        "rejected_by_reason": {},
    }
    events = sample.events
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert all(events[c].dtype == t for c, t in EVENT_DTYPES.items())
    assert events["event_id"].is_unique and events["event_id"].str.startswith("ucdp:").all()
    assert events["date"].is_monotonic_increasing
    assert events["date"].min() == pd.Timestamp("2022-02-24")
    assert events["date"].max() <= pd.Timestamp("2024-12-31")


def test_sample_is_mapped_as_documented(sample):
    events = sample.events.set_index("event_id")
    first = events.loc["ucdp:537048"]  # the first row of the file
    assert first["date"] == pd.Timestamp("2023-10-13")
    assert (first["event_type"], first["sub_event_type"]) == ("Battles", "State-based conflict")
    assert first["actor1"] == "Government of Russia (Soviet Union)"
    assert first["actor2"] == "Government of Ukraine"
    assert (first["fatalities"], first["fatalities_low"], first["fatalities_high"]) == (4, 1, 8)
    assert first["location"] == "Novoprokopivka, Polohy raion"
    assert (first["country"], first["admin1"]) == ("UKR", "UA-23")  # Zaporizhzhia
    assert (first["date_precision"], first["geo_precision"]) == (1, 1)
    assert first["source"] == "UCDP GED"
    raw = json.loads(first["raw"])
    assert raw["adm_1"] == "Zaporizhzhya oblast" and raw["conflict_name"] == "Russia - Ukraine"
    assert "side_a" not in raw and "latitude" not in raw
    one_sided = events[events["sub_event_type"] == "One-sided violence"]
    assert len(one_sided) == 11
    assert set(one_sided["event_type"]) == {"Violence against civilians"}


def test_sample_geo_precision_is_inferred_from_the_description(sample):
    events = sample.events
    location = events["location"].fillna("").str.lower().str.strip()
    centroid = (events.geometry.x == 32.0) & (events.geometry.y == 49.0)
    assert (events.loc[centroid, "geo_precision"] == 3).all() and centroid.sum() == 94
    assert (events.loc[location == "donetsk oblast", "geo_precision"] == 3).all()
    assert (events.loc[location == "near avdiivka", "geo_precision"] == 2).all()
    assert (events.loc[location == "bakhmut direction", "geo_precision"] == 2).all()
    assert (events.loc[location == "city of vuhledar, donetsk region", "geo_precision"] == 1).all()
    assert (events.loc[location == "selydove, pokrovsk raion", "geo_precision"] == 1).all()


def test_sample_regions_come_from_the_join(sample):
    events = sample.events
    assert set(events["country"].dropna()) == {"UKR", "RUS"}  # five sit on the border
    # Three events are at sea in the Black Sea, tens of km off the coast: kept, no region.
    at_sea = events[events["admin1"].isna() & events["country"].isna()]
    assert len(at_sea) == 3
    # UCDP's "somewhere in Ukraine" point is not placed in the oblast that holds it.
    centroid = (events.geometry.x == 32.0) & (events.geometry.y == 49.0)
    assert events.loc[centroid, "admin1"].isna().all() and centroid.sum() == 94
    assert (events.loc[centroid, "country"] == "UKR").all()
    assert events["admin1"].isna().sum() == 94 + 3
    # Kherson city lies in the Natural Earth gap along the Dnipro: snapped to its oblast.
    kherson = events[events["location"].fillna("").str.fullmatch("Kherson")]
    assert set(kherson["admin1"]) == {"UA-65"}


def full_ged_row(**values) -> dict:
    row = dict.fromkeys(GED_COLUMNS, "")
    row |= {
        "id": "900001",
        "type_of_violence": "1",
        "side_a": "Government of Russia (Soviet Union)",
        "side_b": "Government of Ukraine",
        "where_prec": "1",
        "where_description": "TEST FIXTURE place",
        "latitude": "48.5",
        "longitude": "37.5",
        "country": "Ukraine",
        "date_prec": "1",
        "date_start": "2024-10-01 00:00:00.000",
        "date_end": "2024-10-01 00:00:00.000",
        "best": "2",
        "low": "1",
        "high": "3",
        "source_article": "Test Agency, 2024-10-02",
        "source_headline": "TEST FIXTURE headline",
    }
    return row | values


def write_ged(tmp_path, *rows) -> str:
    path = tmp_path / "ged_full.csv"
    pd.DataFrame(list(rows), columns=GED_COLUMNS).to_csv(path, index=False)
    return path


def test_full_49_column_file_maps_precision_and_sources(tmp_path, regions):
    path = write_ged(
        tmp_path,
        full_ged_row(),
        full_ged_row(id="900002", where_prec="4", date_prec="4", type_of_violence="3"),
        full_ged_row(id="900003", where_prec="5", date_prec="5", source_article=""),
        full_ged_row(id="900004", type_of_violence="9"),
        full_ged_row(id="900005", where_prec="8"),
    )
    result = read_events(path, regions=regions)
    assert result.format == "ucdp" and result.rows_read == 5
    events = result.events.set_index("event_id")
    assert events.loc["ucdp:900001", "source"] == "UCDP GED; Test Agency, 2024-10-02"
    assert events.loc["ucdp:900001", "notes"] == "TEST FIXTURE headline"
    assert events.loc["ucdp:900003", "source"] == "UCDP GED"
    assert events["geo_precision"].to_dict() == {
        "ucdp:900001": 1,
        "ucdp:900002": 3,
        "ucdp:900003": 2,
    }
    assert events["date_precision"].to_dict() == {
        "ucdp:900001": 1,
        "ucdp:900002": 3,
        "ucdp:900003": 4,
    }
    assert events.loc["ucdp:900002", "event_type"] == "Violence against civilians"
    assert json.loads(events.loc["ucdp:900001", "raw"])["date_end"] == "2024-10-01 00:00:00.000"
    rejects = result.rejects
    assert rejects[["row", "reason", "column"]].values.tolist() == [
        [4, "bad_value", "type_of_violence"],
        [5, "bad_value", "where_prec"],
    ]


def test_missing_required_columns_are_named(tmp_path, regions):
    path = tmp_path / "ged.csv"
    path.write_text("id,date_start,type_of_violence,longitude\n1,2024-10-01,1,37.5\n")
    with pytest.raises(FrontlineError) as err:
        read_events(path, format="ucdp", regions=regions)
    message = str(err.value)
    assert message.startswith("ged.csv: missing required column(s) 'latitude' for UCDP GED")
    assert "found columns: 'id', 'date_start', 'type_of_violence', 'longitude'" in message
