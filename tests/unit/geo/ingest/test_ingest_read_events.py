"""read_events as a whole: format detection, unreadable files, arguments, the invariant."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import FrontlineError
from geo.ingest import FORMATS, IngestResult, read_events
from geo.ingest.detect import detect_format

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('  {"type": "FeatureCollection", "features": []}', "geojson"),
        ("event_id_cnty,event_date,latitude\n", "acled"),
        ("id;date_start;type_of_violence;latitude\n", "ucdp"),
        ("event_id,dataset,date,longitude,latitude\n", "csv"),
        ("date,lat,lon\n", "csv"),
    ],
)
def test_format_is_detected_from_content(text, expected):
    assert detect_format(text) == expected


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.csv")), ids=lambda p: p.name)
def test_every_row_is_accounted_for(path, regions):
    result = read_events(path, regions=regions)
    assert isinstance(result, IngestResult)
    assert len(result.events) + len(result.rejects) == result.rows_read
    assert result.summary()["rejected"] == len(result.rejects)
    assert result.rejects["row"].is_unique


def test_bytes_are_read_like_a_file(regions):
    data = (FIXTURES / "acled_handmade.csv").read_bytes()
    result = read_events(data, regions=regions)
    assert result.format == "acled" and result.rows_read == 8


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "the file is empty"),
        (b" \n\n", "the file is empty"),
        (b"date,lat,lon\n2024-10-01,47.5,32.5\n\x00\x00", "NUL byte at offset 34"),
        (b"PK\x03\x04rest-of-a-zip", "Excel"),
        (b"\xff\xfed\x00a\x00\x00\xd8", "not valid UTF-16"),  # a lone surrogate
        ("date,lat,lon,place\n2024-10-01,47.5,32.5,Kyïv\n".encode("latin-1"), "offset 42"),
        (b"2024-10-01,47.5,32.5\n", "no column names"),
    ],
)
def test_unreadable_files_raise_with_the_file_name(tmp_path, boxes, content, fragment):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    with pytest.raises(FrontlineError) as err:
        read_events(path, regions=boxes)
    assert str(err.value).startswith("upload.csv: ") and fragment in str(err.value)


def test_not_utf8_error_says_so_and_where(tmp_path, boxes):
    path = tmp_path / "latin.csv"
    path.write_bytes("date,lat,lon,place\n2024-10-01,47.5,32.5,Kyïv\n".encode("latin-1"))
    with pytest.raises(FrontlineError, match=r"not valid UTF-8 text: byte 0xef at offset 42"):
        read_events(path, regions=boxes)


def test_missing_file(tmp_path, boxes):
    with pytest.raises(FrontlineError, match=r"nothing\.csv: does not exist"):
        read_events(tmp_path / "nothing.csv", regions=boxes)


def test_header_only_file_has_no_events(tmp_path, boxes):
    path = tmp_path / "empty_table.csv"
    path.write_text("event_id_cnty,event_date,latitude,longitude,event_type\n")
    result = read_events(path, regions=boxes)
    assert result.rows_read == 0 and result.events.empty and result.rejects.empty


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"format": "xlsx"}, "format"),
        ({"name": "Has Spaces"}, "name"),
        ({"name": "-leading"}, "name"),
        ({"name": "x" * 41}, "name"),
        ({"format": "acled", "mapping": {"date": "d"}}, "mapping"),
        ({"format": "geojson"}, None),  # a CSV is not JSON
    ],
)
def test_bad_arguments(boxes, kwargs, param):
    with pytest.raises(FrontlineError) as err:
        read_events(FIXTURES / "acled_handmade.csv", regions=boxes, **kwargs)
    assert err.value.param == param


def test_geojson_given_as_csv_is_named(tmp_path, boxes):
    path = tmp_path / "data.csv"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(FrontlineError, match="looks like GeoJSON, not ACLED CSV"):
        read_events(path, format="acled", regions=boxes)


def test_formats_constant():
    assert FORMATS == ("auto", "acled", "ucdp", "csv", "geojson")


def test_default_regions_are_the_bundled_ones():
    result = read_events(FIXTURES / "plain_semicolon_bom.csv")
    assert list(result.events["admin1"]) == ["UA-14", "UA-23", "UA-63"]
