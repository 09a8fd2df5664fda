"""Hostile and careless input found by the red-team pass (issue 11): each case is either
read correctly, rejected row by row with a reason, or refused with a FrontlineError that
names the file. The files are hand-written here, next to the assertions that need them.
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from geo import ingest
from geo.errors import FrontlineError
from geo.ingest import read_events
from geo.schema import REJECT_COLUMNS, REJECT_REASONS

HEADER = "date,latitude,longitude,location"
ROWS = [
    "2024-10-01,48.2823,37.1757,Pokrovsk",
    "2024-10-02,49.9935,36.2304,Kharkiv",
    "2024-10-03,46.6354,32.6169,Kherson",
]


def csv_bytes(*lines: str, newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode()


def feature(lon, lat, fid=None, **properties) -> dict:
    out = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}}
    out["properties"] = {"date": "2024-10-01", **properties}
    if fid is not None:
        out["id"] = fid
    return out


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


# 1. Line endings -------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_every_line_ending_reads_the_same_events(regions, newline):
    result = read_events(csv_bytes(HEADER, *ROWS, newline=newline), regions=regions)
    assert result.rows_read == 3 and result.rejects.empty
    assert list(result.events["location"]) == ["Pokrovsk", "Kharkiv", "Kherson"]
    assert list(result.events["admin1"]) == ["UA-14", "UA-63", "UA-65"]


def test_the_issue_repro_of_a_cr_only_file(regions):
    result = read_events(b"date,latitude,longitude\r2024-10-01,49.99,36.23\r", regions=regions)
    assert result.rows_read == 1 and len(result.events) == 1


def test_mixed_line_endings_and_a_quoted_cr_in_a_note(regions):
    data = (
        b"date,latitude,longitude,notes\r\n2024-10-01,48.28,37.17,plain\r"
        b'2024-10-02,48.28,37.17,"two\rlines"\n2024-10-03,48.28,37.17,last'
    )
    result = read_events(data, regions=regions)
    assert result.rows_read == 3 and result.rejects.empty
    assert list(result.events["notes"]) == ["plain", "two\nlines", "last"]


# 2. Rejected rows as CSV -----------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x.example","click")', "+cmd|'/c calc'!A1", "@SUM(1+1)", "-2+3"]


def test_rejects_csv_neutralises_formulas_in_every_text_column(regions):
    good = ["2024-10-01", "48.28", "37.17", "1"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "latitude", "longitude", "fatalities"])
    for column, formula in enumerate([*FORMULAS, "\t=1+1"]):
        writer.writerow([formula if i == column % 4 else v for i, v in enumerate(good)])
    result = read_events(out.getvalue().encode(), regions=regions)
    assert len(result.events) == 0 and len(result.rejects) == 5
    text = ingest.rejects_csv(result.rejects)
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == list(REJECT_COLUMNS)
    assert len(table) == 6
    for row in table[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (cell, row)
    # Values are stripped of spaces and tabs when read, so the tab is gone, not the "=".
    assert [row[2] for row in table[1:]] == ["'" + f for f in [*FORMULAS, "=1+1"]]
    # The raw row is JSON, and the formula inside it is kept as written.
    assert json.loads(table[1][5])["date"] == FORMULAS[0]


def test_rejects_csv_covers_detail_raw_and_column_too():
    rejects = pd.DataFrame(
        {
            "row": pd.array([7], dtype="int64"),
            "column": pd.array(["=col"], dtype="string"),
            "value": pd.array([None], dtype="string"),
            "reason": pd.array(["bad_value"], dtype="string"),
            "detail": pd.array(["+detail"], dtype="string"),
            "raw": pd.array(["@raw"], dtype="string"),
        }
    )
    assert ingest.rejects_csv(rejects) == (
        "row,column,value,reason,detail,raw\n7,'=col,,bad_value,'+detail,'@raw\n"
    )


def test_rejects_csv_of_no_rejects_is_the_header():
    from geo.schema import empty_rejects

    assert ingest.rejects_csv(empty_rejects()) == "row,column,value,reason,detail,raw\n"


# 3. Unbalanced quotes --------------------------------------------------------------------


def test_an_unbalanced_quote_that_swallows_rows_is_rejected_with_its_lines(regions):
    data = csv_bytes(
        HEADER,
        '2024-10-01,48.2823,37.1757,"Pokrovsk',
        "2024-10-02,49.9935,36.2304,Kharkiv",
        "2024-10-03,46.6354,32.6169,Kherson",
        '2024-10-04,48.2823,37.1757,Pokrovsk"',
        "2024-10-05,49.9935,36.2304,Kharkiv",
        "2024-10-06,46.6354,32.6169,Kherson",
    )
    result = read_events(data, regions=regions)
    assert result.rows_read == 3 == len(result.events) + len(result.rejects)
    assert len(result.events) == 2
    reject = result.rejects.iloc[0]
    assert (reject["row"], reject["reason"], reject["column"]) == (
        1,
        "unbalanced_quote",
        "location",
    )
    assert reject["detail"].startswith(
        "unbalanced quote: this record spans lines 2–5 and swallows what look like 3 more "
        "records (lines 3, 4, 5)"
    )
    assert "opened in 'location' on line 2 closes on line 5" in reject["detail"]


def test_a_quote_never_closed_is_named(regions):
    data = csv_bytes(
        HEADER, "2024-10-01,48.2823,37.1757,Pokrovsk", '2024-10-02,49.9935,36.2304,"Kharkiv'
    ) + csv_bytes(*ROWS)
    result = read_events(data, regions=regions)
    assert result.rows_read == 2 and len(result.events) == 1
    assert result.rejects[["row", "reason"]].values.tolist() == [[2, "unbalanced_quote"]]
    detail = result.rejects["detail"].iloc[0]
    assert "spans lines 3–6 and swallows what look like 3 more records" in detail
    assert "is never closed" in detail


def test_multi_line_notes_that_do_not_look_like_records_are_kept(regions):
    data = csv_bytes(
        "date,latitude,longitude,notes",
        '2024-10-01,48.2823,37.1757,"Shelling reported.',
        "Sources: Reuters, AP; local media",
        '3,5 km from the centre"',
        "2024-10-02,49.9935,36.2304,plain",
    )
    result = read_events(data, regions=regions)
    assert result.rows_read == 2 and result.rejects.empty
    assert result.events["notes"].iloc[0].count("\n") == 2


def test_a_lone_quote_line_merged_into_the_next_record_is_rejected(regions):
    # Found by the property test: the lone quote opens a value, the next line's first
    # quote closes it, and '0"' followed: the record read as notes '0"', silently.
    data = csv_bytes(
        '"notes","latitude","longitude","date"',
        '"","48.2823","37.1757","2022-02-24"',
        '"',
        '"0","48.2823","37.1757","2022-02-24"',
    )
    result = read_events(data, regions=regions)
    assert result.rows_read == 2 and len(result.events) == 1
    assert result.rejects[["row", "reason", "column"]].values.tolist() == [
        [2, "unbalanced_quote", "notes"]
    ]
    assert (
        "spans lines 3–4, and on line 4 a quote closes with more text right after it"
        in result.rejects["detail"].iloc[0]
    )


def test_a_lone_quote_line_before_a_multi_line_value_is_reported(regions):
    # Also found by the property test: the lone quote closes at the next record's opening
    # quote, making a record of one field that spans two lines.
    data = csv_bytes(
        "notes,latitude,longitude,event_id,date",
        '"',
        '"',
        '0",48.2823,37.1757,ev-1,2022-02-24',
    )
    result = read_events(data, regions=regions)
    assert result.rows_read == 2
    reject = result.rejects.iloc[0]
    assert (reject["row"], reject["reason"]) == (1, "unbalanced_quote")
    assert "spans lines 2–3" in reject["detail"]
    assert "the record has only 1 of the header's 5 fields" in reject["detail"]


def test_line_numbers_count_blank_lines_and_row_numbers_do_not(regions):
    data = csv_bytes(
        HEADER,
        "",
        "2024-10-01,48.2823,37.1757,Pokrovsk",
        "",
        '2024-10-02,49.9935,36.2304,"Kharkiv',
        "2024-10-03,46.6354,32.6169,Kherson",
        '2024-10-04,46.6354,32.6169,Kherson"',
    )
    result = read_events(data, regions=regions)
    assert result.rejects[["row", "reason"]].values.tolist() == [[2, "unbalanced_quote"]]
    assert (
        "spans lines 5–7 and swallows what look like 2 more records (lines 6, 7)"
        in (result.rejects["detail"].iloc[0])
    )


def test_a_header_cell_with_a_line_break_is_a_name_and_an_open_one_is_refused(regions):
    data = csv_bytes('date,latitude,longitude,"Total', 'deaths"', "2024-10-01,48.28,37.17,3")
    result = read_events(data, regions=regions, mapping={"date": "date", "lat": "latitude",
                         "lon": "longitude", "fatalities": "Total\ndeaths"})  # fmt: skip
    assert result.events["fatalities"].tolist() == [3]
    with pytest.raises(FrontlineError, match="the header has an unbalanced quote"):
        read_events(csv_bytes('date,"latitude,longitude', *ROWS), regions=regions)


def test_line_numbers_count_the_sep_line_and_row_numbers_do_not(regions):
    data = csv_bytes(
        "sep=,",
        HEADER,
        "2024-10-01,48.2823,37.1757,Pokrovsk",
        '2024-10-02,49.9935,36.2304,"Kharkiv',
        '2024-10-03,46.6354,32.6169,Kherson"',
        "2024-10-04,46.6354,32.6169,Kherson",
    )
    result = read_events(data, regions=regions)
    assert result.rejects[["row", "reason"]].values.tolist() == [[2, "unbalanced_quote"]]
    assert "spans lines 4–5" in result.rejects["detail"].iloc[0]


# 4. GeoJSON ids --------------------------------------------------------------------------


def test_geojson_feature_ids_are_optional_per_feature(regions):
    data = collection(
        feature(37.1757, 48.2823, "a"),
        feature(37.1757, 48.2823),
        feature(37.1757, 48.2823, fid=""),
        feature(37.1757, 48.2823, "b"),
    )
    data = data.replace(b'"id": ""', b'"id": null')
    result = read_events(data, name="mine", regions=regions)
    assert result.rejects.empty
    assert sorted(result.events["event_id"]) == [
        "mine:a", "mine:b", "mine:feature-2", "mine:feature-3",
    ]  # fmt: skip


def test_geojson_id_properties_are_optional_per_feature_and_duplicates_rejected(regions):
    data = collection(
        feature(37.1757, 48.2823, id="a"),
        feature(37.1757, 48.2823),
        feature(37.1757, 48.2823, id=""),
        feature(37.1757, 48.2823, id="a"),
    )
    result = read_events(data, name="mine", regions=regions)
    assert sorted(result.events["event_id"]) == ["mine:a", "mine:feature-2", "mine:feature-3"]
    assert result.rejects[["row", "reason"]].values.tolist() == [[4, "duplicate_id"]]


def test_geojson_without_any_id_keeps_the_row_numbers(regions):
    data = collection(feature(37.1757, 48.2823), feature(36.2304, 49.9935))
    result = read_events(data, name="mine", regions=regions)
    assert sorted(result.events["event_id"]) == ["mine:1", "mine:2"]


# 5. Duplicate column names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("date,latitude,longitude,latitude", "'latitude' appears 2 times (columns 2 and 4"),
        ("Date,latitude,longitude,date", "'date' appears 2 times (columns 1 and 4"),
        ("date,latitude, date ,longitude,date", "'date' appears 3 times (columns 1, 3 and 5"),
    ],
)
def test_a_duplicated_column_that_ingest_reads_refuses_the_file(regions, header, fragment):
    width = header.count(",") + 1
    row = ",".join(["2024-10-01", "48.28", "37.17", "48.28", "2024-10-01"][:width])
    with pytest.raises(FrontlineError) as err:
        read_events(csv_bytes(header, row), regions=regions)
    message = str(err.value)
    assert message.startswith("uploaded file: ") and fragment in message
    assert "rename" in message


def test_duplicated_columns_in_acled_and_ucdp_files_are_refused(regions):
    acled = "event_id_cnty,event_date,latitude,longitude,event_type,latitude"
    with pytest.raises(FrontlineError, match="'latitude' appears 2 times"):
        read_events(csv_bytes(acled, "UKR1,2024-10-01,48.28,37.17,Battles,0"), regions=regions)
    ucdp = "id,date_start,latitude,longitude,type_of_violence,best,best"
    with pytest.raises(FrontlineError, match="'best' appears 2 times"):
        read_events(csv_bytes(ucdp, "1,2024-10-01,48.28,37.17,1,2,3"), regions=regions)


def test_a_duplicated_column_that_ingest_does_not_read_is_kept_in_raw(regions):
    data = csv_bytes("date,latitude,longitude,tag,tag", "2024-10-01,48.28,37.17,first,second")
    result = read_events(data, regions=regions)
    assert len(result.events) == 1
    assert json.loads(result.events["raw"].iloc[0]) == {"tag": "first", "tag.1": "second"}


# 6. JSON that is not a FeatureCollection -------------------------------------------------


def test_a_bare_array_of_features_is_a_feature_collection(regions):
    data = json.dumps([feature(37.1757, 48.2823, "a"), feature(36.2304, 49.9935, "b")]).encode()
    result = read_events(b"\n  " + data, name="arr", regions=regions)
    assert result.format == "geojson" and result.rejects.empty
    assert sorted(result.events["event_id"]) == ["arr:a", "arr:b"]


def test_an_array_with_some_non_features_rejects_those(regions):
    data = json.dumps([feature(37.1757, 48.2823), 5, {"type": "Point"}]).encode()
    result = read_events(data, regions=regions)
    assert len(result.events) == 1
    assert result.rejects[["row", "reason", "column"]].values.tolist() == [
        [2, "bad_value", "geometry"],
        [3, "bad_value", "geometry"],
    ]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"[1, 2, 3]", "a JSON array of numbers"),
        (b'[{"date": "2024-10-01", "lat": 48}]', "a JSON array of objects that are not"),
        (b'["a"]', "a JSON array of text"),
        (b'{"date": "2024-10-01"}', "a JSON object without a 'type' member"),
    ],
)
def test_other_json_says_what_was_expected(regions, data, fragment):
    with pytest.raises(FrontlineError) as err:
        read_events(data, regions=regions)
    message = str(err.value)
    assert message.startswith("uploaded file: ") and fragment in message
    assert "FeatureCollection" in message


def test_json_given_as_csv_is_named(regions):
    data = json.dumps([feature(37.1757, 48.2823)]).encode()
    with pytest.raises(FrontlineError, match="looks like GeoJSON, not CSV"):
        read_events(data, format="csv", regions=regions)


# 7. Excel's sep= line --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "sep"),
    [("sep=;", ";"), ("sep=,", ","), ("sep=\t", "\t"), ("sep=|", "|"), ('"sep=;"', ";"),
     ("SEP=;;;;", ";")],
)  # fmt: skip
def test_an_excel_sep_line_sets_the_delimiter(regions, first, sep):
    lines = [
        first,
        sep.join(["date", "latitude", "longitude", "notes"]),
        sep.join(["2024-10-01", "48.2823", "37.1757", "a, b; c"]).replace("a, b; c", '"a, b; c"'),
        sep.join(["2024-13-01", "48.2823", "37.1757", "x"]),
    ]
    result = read_events(csv_bytes(*lines), regions=regions)
    assert result.rows_read == 2 and result.format == "csv"
    assert list(result.events["notes"]) == ["a, b; c"]
    # Row numbers count data records: the sep= line and the header are not rows.
    assert result.rejects[["row", "reason"]].values.tolist() == [[2, "unparseable_date"]]


def test_a_sep_line_with_decimal_commas(regions):
    data = csv_bytes("sep=;", "date;latitude;longitude", "2024-10-01;48,2823;37,1757")
    result = read_events(data, regions=regions)
    assert result.events.geometry.iloc[0].coords[0] == (37.1757, 48.2823)


def test_an_acled_file_with_a_sep_line_is_still_acled(regions):
    lines = [
        "sep=;",
        "event_id_cnty;event_date;latitude;longitude;event_type",
        "UKR1;2024-10-01;48.2823;37.1757;Battles",
    ]
    result = read_events(csv_bytes(*lines), regions=regions)
    assert result.format == "acled" and list(result.events["event_id"]) == ["acled:UKR1"]


# 8. Numbers too long for Python ----------------------------------------------------------


def test_a_5000_digit_number_rejects_only_its_feature(regions):
    huge = "9" * 5000
    data = collection(
        feature(37.1757, 48.2823, "a", note="fine"),
        feature(37.1757, 48.2823, "b", count=0),
        feature(37.1757, 48.2823, "c"),
    ).replace(b'"count": 0', b'"count": ' + huge.encode())
    result = read_events(data, regions=regions)
    assert result.rows_read == 3 and len(result.events) == 2
    reject = result.rejects.iloc[0]
    assert (reject["row"], reject["reason"], reject["column"]) == (2, "bad_value", "count")
    assert "feature 2: property 'count' is a number of 5,000 digits" in reject["detail"]
    assert len(reject["value"]) < 100
    assert json.loads(reject["raw"])["id"] == "b"


def test_a_5000_digit_coordinate_or_id_rejects_only_its_feature(regions):
    data = collection(feature(37.1757, 48.2823, 1), feature(37.1757, 48.2823, 2))
    data = data.replace(b'"id": 2', b'"id": ' + b"7" * 5000)
    data = data.replace(b"[37.1757, 48.2823]}", b"[37.1757, " + b"4" * 5000 + b"]}", 1)
    result = read_events(data, regions=regions)
    assert result.rows_read == 2 and result.events.empty
    assert result.rejects[["row", "column"]].values.tolist() == [[1, "geometry"], [2, "id"]]


# 9. The coverage area --------------------------------------------------------------------


def test_points_far_outside_the_coverage_area_are_rejected(regions):
    data = csv_bytes(
        "date,latitude,longitude,location",
        "2024-10-01,-33.8688,151.2093,Sydney",
        "2024-10-01,38.9072,-77.0369,Washington",
        "2024-10-01,-89.5,0,South Pole",
        "2024-10-01,49.9935,36.2304,Kharkiv",
        "2024-10-01,52.2297,21.0122,Warsaw",
        "2024-10-01,55.7558,37.6173,Moscow",
        "2024-10-01,57.1522,65.5272,Tyumen",
        "2024-10-01,41.0082,28.9784,Istanbul",
        "2024-10-01,36.2304,49.9935,swapped Kharkiv",
        "2024-10-01,95,36.2,out of range",
        "2024-10-01,30.0,-40.0,mid-Atlantic",
        "2024-10-01,33.5138,36.2765,Damascus",
    )
    result = read_events(data, regions=regions)
    assert result.rows_read == 12
    accepted = set(result.events["location"])
    assert accepted == {"Kharkiv", "Warsaw", "Moscow", "Tyumen", "Istanbul"}
    assert result.rejects[["row", "reason", "column"]].values.tolist() == [
        [1, "outside_coverage", "latitude,longitude"],
        [2, "outside_coverage", "latitude,longitude"],
        [3, "outside_coverage", "latitude,longitude"],
        [9, "swapped_lat_lon", "latitude,longitude"],
        [10, "coordinates_out_of_range", "latitude"],
        [11, "outside_known_regions", "latitude,longitude"],
        [12, "outside_coverage", "latitude,longitude"],
    ]
    details = result.rejects.set_index("row")["detail"]
    assert details[1] == (
        "-33.8688, 151.2093 lies in Australia, outside the coverage area: Ukraine, Russia, "
        "their neighbours and the Black Sea"
    )
    assert "lies in the United States of America" in details[2] or "lies in United" in details[2]
    assert "lies in Syria" in details[12]


def test_points_at_sea_near_the_coverage_area_are_kept_and_far_off_it_rejected(regions):
    data = csv_bytes(
        "date,latitude,longitude,location",
        "2024-10-01,45.25,30.25,Black Sea off Odesa oblast",
        "2024-10-01,46.3,36.3,Sea of Azov",
        "2024-10-01,34.2,25.0,south of Crete",
    )
    result = read_events(data, regions=regions)
    assert set(result.events["location"]) == {"Black Sea off Odesa oblast", "Sea of Azov"}
    assert result.rejects[["row", "reason"]].values.tolist() == [[3, "outside_coverage"]]
    assert "lies at sea" in result.rejects["detail"].iloc[0]


def test_coverage_countries_are_bundled_countries(regions):
    from geo.ingest.coverage import COVERAGE_COUNTRIES

    bundled = set(regions.countries["iso_a3"])
    assert set(COVERAGE_COUNTRIES) <= bundled
    assert {"UKR", "RUS", "BLR", "MDA", "ROU", "POL", "SVK", "HUN", "GEO", "TUR"} <= set(
        COVERAGE_COUNTRIES
    )


def test_reject_reasons_only_grow():
    old = (
        "missing_required", "duplicate_id", "unparseable_date", "coordinates_out_of_range",
        "swapped_lat_lon", "outside_known_regions", "bad_value",
    )  # fmt: skip
    assert set(old) <= set(REJECT_REASONS)
    assert {"outside_coverage", "unbalanced_quote"} <= set(REJECT_REASONS)


# 10. UTF-16 and UTF-32 -------------------------------------------------------------------

TEXT = "date,latitude,longitude,location\n2024-10-01,48.2823,37.1757,Покровськ\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_utf16_and_utf32_are_read_with_or_without_a_bom(regions, encoding):
    result = read_events(TEXT.encode(encoding), regions=regions)
    assert list(result.events["location"]) == ["Покровськ"]


def test_broken_utf16_without_a_bom_says_so(regions):
    data = TEXT.encode("utf-16-le") + b"\x00\xd8"  # a lone high surrogate at the end
    with pytest.raises(FrontlineError) as err:
        read_events(data, regions=regions)
    message = str(err.value)
    assert "looks like UTF-16 (little-endian) without a byte-order mark" in message
    assert "save it as UTF-8" in message


def test_a_few_nul_bytes_are_still_not_text(regions):
    data = csv_bytes(HEADER, *ROWS).replace(b"Kharkiv", b"Khar\x00kiv")
    with pytest.raises(FrontlineError, match="NUL byte at offset"):
        read_events(data, regions=regions)
