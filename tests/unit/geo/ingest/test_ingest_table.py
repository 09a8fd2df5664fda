"""Plain CSV: column detection, mapping, delimiters, and Frontline's own CSV read back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import FrontlineError
from geo.ingest import read_events

FIXTURES = Path(__file__).parent / "fixtures"


def test_bom_semicolons_and_decimal_commas(regions):
    result = read_events(FIXTURES / "plain_semicolon_bom.csv", regions=regions)
    assert result.format == "csv" and result.dataset == "plain_semicolon_bom"
    assert result.summary()["accepted"] == 3
    events = result.events
    assert list(events["event_id"]) == [f"plain_semicolon_bom:{i}" for i in (1, 2, 3)]
    assert list(events["admin1"]) == ["UA-14", "UA-23", "UA-63"]
    # The file's value is the type; ACLED's spelling when it is one of the six.
    assert list(events["event_type"]) == ["Battles", "Beschuss", "Unknown"]
    assert events["fatalities"].tolist() == [3, pd.NA, 1]
    assert json.loads(events["raw"].iloc[2]) == {
        "Ort": "Charkiw",
        "Notiz": "TEST FIXTURE: mit; Semikolon",
    }


def test_mapping_names_columns_and_date_format(tmp_path, boxes):
    path = tmp_path / "My Events (2024).csv"
    path.write_text(
        "when,north,east,what,ref\n01.10.2024,47.5,32.5,Protests,a-1\n2024-10-02,47.5,32.5,,a-2\n"
    )
    mapping = {
        "date": "when",
        "lat": "north",
        "lon": "east",
        "id": "ref",
        "date_format": "%d.%m.%Y",
    }
    result = read_events(path, regions=boxes, mapping=mapping)
    assert result.dataset == "my-events-2024"
    assert list(result.events["event_id"]) == ["my-events-2024:a-1"]
    # An explicit date_format is the only one used: the ISO date is rejected.
    assert result.rejects[["row", "reason", "column"]].values.tolist() == [
        [2, "unparseable_date", "when"]
    ]


def test_columns_without_known_names_are_an_error_that_says_what_to_do(tmp_path, boxes):
    path = tmp_path / "odd.csv"
    path.write_text("when,north,east\n2024-10-01,47.5,32.5\n")
    with pytest.raises(FrontlineError) as err:
        read_events(path, regions=boxes)
    assert err.value.param == "mapping"
    message = str(err.value)
    assert "odd.csv: no date / lat / lon column found" in message
    assert "found columns: 'when', 'north', 'east'" in message
    assert "mapping={'date': ..., 'lat': ..., 'lon': ...}" in message


@pytest.mark.parametrize(
    ("mapping", "fragment"),
    [
        ({"date": "d", "lat": "y", "lon": "x", "colour": "c"}, "unknown mapping key(s) 'colour'"),
        ({"date": "d", "lat": "y"}, "mapping lacks key(s) 'lon'"),
        ({"date": "day", "lat": "y", "lon": "x"}, "mapping['date'] names column 'day'"),
        ({"date": "d", "lat": "y", "lon": "x", "date_format": "dd.mm"}, "strptime format"),
    ],
)
def test_bad_mappings_are_reported(tmp_path, boxes, mapping, fragment):
    path = tmp_path / "events.csv"
    path.write_text("d,y,x\n2024-10-01,47.5,32.5\n")
    with pytest.raises(FrontlineError, match=None) as err:
        read_events(path, regions=boxes, mapping=mapping)
    assert err.value.param == "mapping" and fragment in str(err.value)


def test_tab_delimiter_and_quoted_newlines(tmp_path, boxes):
    path = tmp_path / "tabs.tsv"
    path.write_text('Date\tLatitude\tLongitude\tNotes\n2024-10-01\t47.5\t32.5\t"two\nlines"\n')
    result = read_events(path, regions=boxes)
    assert result.events["notes"].iloc[0] == "two\nlines"


def test_a_row_with_too_many_fields_is_rejected_not_fatal(tmp_path, boxes):
    path = tmp_path / "ragged.csv"
    path.write_text(
        "date,lat,lon,notes\n2024-10-01,47.5,32.5,fine\n2024-10-02,47.5,32.5,a,b,c\n"
        "2024-10-03,47.5\n"
    )
    result = read_events(path, regions=boxes)
    assert result.rows_read == 3 and len(result.events) == 1
    assert result.rejects[["row", "reason", "column"]].values.tolist() == [
        [2, "bad_value", "(row)"],
        [3, "missing_required", "lon"],
    ]
    assert "the row has 6 fields but the header has 4" in result.rejects["detail"].iloc[0]
    assert json.loads(result.rejects["raw"].iloc[0])["notes"] == "a,b,c"


def test_frontline_csv_export_reads_back_unchanged(regions):
    first = read_events(FIXTURES / "acled_handmade.csv", regions=regions)
    exported = pd.DataFrame(first.events.drop(columns="geometry"))
    exported["longitude"] = first.events.geometry.x
    exported["latitude"] = first.events.geometry.y
    text = exported.to_csv(index=False, date_format="%Y-%m-%d")
    again = read_events(text.encode(), name="reloaded", regions=regions)
    assert again.format == "csv" and again.dataset == "reloaded"
    assert again.rejects.empty
    columns = ["event_id", "date", "date_precision", "event_type", "admin1", "fatalities", "raw"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(again.events[columns]), pd.DataFrame(first.events[columns])
    )
    assert set(again.events["dataset"]) == {"reloaded"}
