"""Exports: exact CSV bytes, RFC 7946 GeoJSON read back by GDAL, provenance everywhere."""

import io
import json

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely import Point

from geo import export


@pytest.fixture
def two_events():
    return gpd.GeoDataFrame(
        {
            "event_id": ["t:1", "t:2"],
            "dataset": pd.Categorical(["t", "t"]),
            "date": pd.to_datetime(["2024-10-05", "2024-10-06"]).astype("datetime64[s]"),
            "date_precision": pd.array([1, 2], dtype="int8"),
            "event_type": pd.Categorical(["Battles", "Protests"]),
            "sub_event_type": ["", ""],
            "actor1": ['=HYPERLINK("http://x")', "A"],
            "actor2": ["", "@SUM(1)"],
            "country": ["UKR", "UKR"],
            "admin1": ["UA-14", "UA-14"],
            "location": ["Pokrovsk", "-Kramatorsk"],
            "geo_precision": pd.array([1, 3], dtype="int8"),
            "fatalities": pd.array([3, None], dtype="Int32"),
            "fatalities_low": pd.array([2, None], dtype="Int32"),
            "fatalities_high": pd.array([5, None], dtype="Int32"),
            "source": ["test", "test"],
            "source_url": ["", ""],
            "notes": ['a, "quoted" note\nwith a newline', "<img src=x onerror=alert(1)>"],
        },
        geometry=[Point(37.18, 48.28), Point(37.56, 48.72)],
        crs=4326,
    )


def test_csv_exact_bytes(two_events):
    text = export.events_csv(two_events)
    assert text.splitlines()[0] == ",".join(export.EXPORT_COLUMNS)
    # Arrow's writer quotes every text field and leaves numbers and missing values bare.
    assert text == (
        ",".join(export.EXPORT_COLUMNS) + "\n"
        '"t:1","t","2024-10-05",1,"Battles","","\'=HYPERLINK(""http://x"")","","UKR","UA-14",'
        '"Pokrovsk",1,3,2,5,"test","","a, ""quoted"" note\nwith a newline",37.18,48.28\n'
        '"t:2","t","2024-10-06",2,"Protests","","A","\'@SUM(1)","UKR","UA-14","\'-Kramatorsk",'
        '3,,,,"test","","<img src=x onerror=alert(1)>",37.56,48.72\n'
    )
    back = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert list(back["longitude"]) == [37.18, 37.56]


def test_neutralise_only_text():
    assert export.neutralise_formula("=1+1") == "'=1+1"
    assert export.neutralise_formula("+1") == "'+1"
    assert export.neutralise_formula(-3.5) == -3.5
    assert export.neutralise_formula("Kyiv") == "Kyiv"


def test_geojson_rfc7946_typed_and_readable_by_gdal(two_events, tmp_path):
    prov = export.provenance({"from": "2024-10-01"}, "abc", ["naturalearth", "ucdp"], ["t"])
    doc = export.events_geojson(two_events, prov)
    assert "crs" not in doc and doc["provenance"]["data_version"] == "abc"
    first = doc["features"][0]
    assert first["geometry"]["coordinates"] == [37.18, 48.28]  # longitude first
    assert (
        first["properties"]["fatalities"] == 3
        and doc["features"][1]["properties"]["fatalities"] is None
    )
    assert first["properties"]["date_precision"] == 1
    path = tmp_path / "e.geojson"
    path.write_text(json.dumps(doc))
    back = pyogrio.read_dataframe(path)
    assert len(back) == 2 and back.crs.to_epsg() == 4326
    assert back.loc[1, "notes"] == "<img src=x onerror=alert(1)>"


def test_provenance_names_sources_and_attribution():
    prov = export.provenance({}, "v1", ["deepstate", "naturalearth", "nope"], ["mine"])
    assert [s["id"] for s in prov["sources"]] == ["deepstate", "naturalearth"]
    assert "DeepStateMap" in prov["attribution"] and prov["user_datasets"] == ["mine"]
    assert prov["generated_at"].endswith("+00:00")


def test_changes_and_snapshot_geojson(data):
    change = data.territory.changes("2024-10-01", "2024-11-01", regions="UA-14")
    prov = export.provenance({}, "v", ["deepstate"])
    doc = export.changes_geojson([change], prov)
    kinds = [f["properties"]["kind"] for f in doc["features"]]
    assert kinds == ["gained", "lost"]
    assert doc["features"][0]["properties"]["from_snapshot"] == "2024-10-01"
    snap = export.snapshot_geojson(data.territory.snapshot("2024-10-03"), prov)
    assert snap["features"][0]["properties"]["snapshot_date"] == "2024-10-03"
    table = export.changes_table([change])
    assert table.loc[0, "region"] == "UA-14"


def test_csv_of_compact_chunks_equals_csv_of_events(data):
    # The API streams large exports as chunks of compact rows (lon/lat, categorical text);
    # the bytes must be those of the GeoDataFrame path.
    from geo.export import EXPORT_COLUMNS, events_csv, iter_chunks_csv
    from geo.query import Query
    from geo.schema import EVENT_DTYPES

    query = Query.from_params({"from": "2022-01-01", "to": "2025-01-01"})
    pos = data.positions(query)
    columns = [*(c for c in EXPORT_COLUMNS if c in EVENT_DTYPES), "lon", "lat"]
    chunks = (data.rows(pos[i : i + 333], columns) for i in range(0, len(pos), 333))
    streamed = "".join(iter_chunks_csv(chunks))
    assert len(pos) > 1000
    assert streamed == events_csv(data.events(query))
    assert "".join(iter_chunks_csv(iter(()))).startswith("event_id,dataset,")
