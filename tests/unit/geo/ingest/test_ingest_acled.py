"""ACLED CSV export, on a hand-made 8-row fixture (see fixtures/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import FrontlineError
from geo.ingest import read_events

ACLED_HANDMADE = Path(__file__).parent / "fixtures" / "acled_handmade.csv"


@pytest.fixture(scope="module")
def result(regions):
    return read_events(ACLED_HANDMADE, regions=regions)


def test_four_rows_accepted_four_rejected_one_reason_each(result):
    assert result.format == "acled" and result.dataset == "acled"
    assert result.summary() == {
        "rows_read": 8,
        "accepted": 4,
        "rejected": 4,
        "rejected_by_reason": {
            "unparseable_date": 1,
            "bad_value": 1,
            "duplicate_id": 1,
            "missing_required": 1,
        },
    }
    assert result.rejects[["row", "reason", "column", "value"]].values.tolist() == [
        [5, "unparseable_date", "event_date", "10/05/2024"],
        [6, "bad_value", "fatalities", "-2"],
        [7, "duplicate_id", "event_id_cnty", "UKR900003"],
        [8, "missing_required", "latitude", ""],
    ]


def test_every_acled_date_spelling_is_read(result):
    dates = result.events.set_index("event_id")["date"].dt.strftime("%Y-%m-%d").to_dict()
    assert dates == {
        "acled:UKR900001": "2024-10-01",  # 01 October 2024
        "acled:UKR900002": "2024-10-02",  # 2-Oct-24
        "acled:UKR900003": "2024-10-03",  # ISO
        "acled:UKR900004": "2024-10-04",  # 04-October-2024
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-10-01", "2024-10-01"),
        ("01 October 2024", "2024-10-01"),
        ("1 October 2024", "2024-10-01"),
        ("01 Oct 2024", "2024-10-01"),
        ("1-Oct-24", "2024-10-01"),
        ("01-October-2024", "2024-10-01"),
        ("10/01/2024", None),  # day/month or month/day: never guessed
        ("2024-02-30", None),
    ],
)
def test_acled_date_formats(tmp_path, boxes, text, expected):
    path = tmp_path / "acled.csv"
    path.write_text(
        f'event_id_cnty,event_date,latitude,longitude,event_type\nX1,"{text}",47.5,32.5,Battles\n'
    )
    result = read_events(path, regions=boxes)
    if expected is None:
        assert list(result.rejects["reason"]) == ["unparseable_date"]
    else:
        assert result.events["date"].iloc[0] == pd.Timestamp(expected)


def test_admin1_comes_from_the_join_not_the_file(result):
    row = result.events.set_index("event_id").loc["acled:UKR900002"]
    assert row["admin1"] == "UA-23"  # the point is in Zaporizhzhia oblast
    assert row["country"] == "UKR"
    assert json.loads(row["raw"])["admin1"] == "Dnipropetrovsk"  # the file's text, kept


def test_fields_are_mapped(result):
    events = result.events.set_index("event_id")
    row = events.loc["acled:UKR900003"]
    assert row["event_type"] == "Violence against civilians"
    assert row["sub_event_type"] == "Attack"
    assert row["actor1"] == "Military Forces of Russia (2000-)"
    assert row["notes"] == 'TEST FIXTURE: "drone" strike, two sites;\nsecond line of notes.'
    assert (row["date_precision"], row["geo_precision"], row["fatalities"]) == (2, 2, 0)
    assert events.loc["acled:UKR900004", "date_precision"] == 3
    assert pd.isna(events.loc["acled:UKR900004", "actor2"])
    raw = json.loads(row["raw"])
    assert raw["timestamp"] == "1727800002" and "latitude" not in raw and "notes" not in raw


def test_rejects_keep_the_whole_original_row(result):
    raw = json.loads(result.rejects.set_index("row").loc[5, "raw"])
    assert len(raw) == 31
    assert raw["event_id_cnty"] == "UKR900005" and raw["event_date"] == "10/05/2024"


def test_missing_column_error_names_it_and_lists_what_was_found(tmp_path, regions):
    table = pd.read_csv(ACLED_HANDMADE, dtype=str, keep_default_na=False)
    path = tmp_path / "events.csv"
    table.drop(columns="latitude").to_csv(path, index=False)
    with pytest.raises(FrontlineError) as err:
        read_events(path, regions=regions)
    message = str(err.value)
    assert message.startswith(
        "events.csv: missing required column(s) 'latitude' for ACLED format; found columns: "
        "'event_id_cnty', 'event_date'"
    )
