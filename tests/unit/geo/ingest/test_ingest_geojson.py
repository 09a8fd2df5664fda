"""GeoJSON: Point features, rejected geometries, Frontline's own export read back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import FrontlineError
from geo.ingest import read_events

UCDP_SAMPLE = (
    Path(__file__).parent
    / "fixtures"
    / "ucdp_ged251_russia_ukraine_random_sample2000_2022-2024.csv"
)


def feature(geometry, **properties) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def point(lon, lat) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def write(tmp_path, features, **extra) -> Path:
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, **extra}))
    return path


def test_points_are_read_and_bad_geometries_rejected_by_feature_index(tmp_path, boxes):
    path = write(
        tmp_path,
        [
            feature(point(32.5, 47.5), date="2024-10-01", type="Battles", deaths=2, id="a"),
            feature(None, date="2024-10-01", id="b"),
            feature({"type": "LineString", "coordinates": [[30, 46], [31, 47]]}, date="x"),
            feature(point(32.5, 47.5), date="2024-10-02", id="d", extra={"k": [1, 2]}),
        ],
    )
    result = read_events(path, regions=boxes)
    assert result.format == "geojson" and result.dataset == "events"
    assert list(result.events["event_id"]) == ["events:a", "events:d"]
    assert result.events["fatalities"].tolist() == [2, pd.NA]
    assert json.loads(result.events["raw"].iloc[1]) == {"extra": {"k": [1, 2]}}
    rejects = result.rejects
    assert rejects[["row", "reason", "column"]].values.tolist() == [
        [2, "missing_required", "geometry"],
        [3, "bad_value", "geometry"],
    ]
    assert "LineString" in rejects["detail"].iloc[1]
    # The detail does not repeat the geometry problem as a missing coordinate.
    assert "geometry'" not in rejects["detail"].iloc[1]
    assert json.loads(rejects["raw"].iloc[0])["properties"]["id"] == "b"


def test_frontline_geojson_export_reads_back_with_ids_unchanged(regions):
    first = read_events(UCDP_SAMPLE, regions=regions)
    subset = first.events.iloc[:50]
    # What an export writes: ISO dates, every canonical column as a property.
    text = subset.assign(date=subset["date"].dt.strftime("%Y-%m-%d")).to_json(drop_id=True)
    again = read_events(text.encode(), format="auto", name="reloaded", regions=regions)
    assert again.format == "geojson" and again.rejects.empty
    events = again.events
    assert list(events["event_id"]) == list(subset["event_id"])  # "ucdp:…", not re-prefixed
    for column in ("date", "date_precision", "geo_precision", "admin1", "fatalities", "raw"):
        assert events[column].tolist() == subset[column].tolist(), column
    assert events.geometry.geom_equals(subset.geometry.reset_index(drop=True)).all()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"type": "FeatureCollection", "features": [', "not valid GeoJSON"),
        ('{"type": "Topology"}', "expected a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection"}', "no 'features' list"),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
                    "features": [],
                }
            ),
            "must be WGS84",
        ),
    ],
)
def test_unreadable_geojson_is_an_error(tmp_path, boxes, text, fragment):
    path = tmp_path / "bad.geojson"
    path.write_text(text)
    with pytest.raises(FrontlineError) as err:
        read_events(path, regions=boxes)
    assert str(err.value).startswith("bad.geojson: ") and fragment in str(err.value)


def test_an_empty_feature_collection_has_no_events(tmp_path, boxes):
    result = read_events(write(tmp_path, []), regions=boxes)
    assert result.rows_read == 0 and result.events.empty and result.rejects.empty
