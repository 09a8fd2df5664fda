"""A user's own control polygons from GeoJSON, GeoPackage or GeoParquet.

Fixtures are hand-placed boxes near Donetsk with an explicit CRS, written by each test to
its own temporary folder (generated, not real control data).
"""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo.areas import area_km2
from geo.paths import bundled_data_dir
from geo.regions import Regions
from geo.sources.errors import SourceError
from geo.sources.polygons import read_polygons
from geo.territory import Territory

# Two boxes side by side (0.1° x 0.1°) and one overlapping the first.
WEST = shapely.box(37.0, 48.0, 37.1, 48.1)
EAST = shapely.box(37.1, 48.0, 37.2, 48.1)
OVERLAP = shapely.box(37.05, 48.05, 37.15, 48.15)


def frame(rows, crs="EPSG:4326", date="date", layer="layer") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {date: [r[0] for r in rows], layer: [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs=crs,
    )


SERIES = [
    ("2025-08-02", "occupied", WEST),
    ("2025-08-02", "occupied", OVERLAP),
    ("2025-08-02", "occupied_pre2022", EAST),
    ("2025-08-03", "occupied", WEST.union(OVERLAP)),
    ("2025-08-03", "unknown_status", EAST),
]


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet"])
def test_a_series_is_dissolved_per_date_and_layer_with_russian_held_derived(tmp_path, suffix):
    path = tmp_path / f"own{suffix}"
    gdf = frame(SERIES)
    gdf.to_parquet(path) if suffix == ".parquet" else gdf.to_file(path)
    series = read_polygons(path, source="newsroom")
    table = series.table
    assert table.crs.to_epsg() == 4326
    assert list(table.columns) == ["date", "layer", "source", "area_km2", "geometry"]
    got = {(d.date().isoformat(), layer): g for d, layer, g in
           zip(table["date"], table["layer"], table.geometry, strict=True)}  # fmt: skip
    assert sorted(got) == [
        ("2025-08-02", "occupied"), ("2025-08-02", "occupied_pre2022"),
        ("2025-08-02", "russian_held"), ("2025-08-03", "occupied"),
        ("2025-08-03", "russian_held"), ("2025-08-03", "unknown_status"),
    ]  # fmt: skip
    held = got[("2025-08-02", "russian_held")]
    assert held.is_valid and area_km2(held) == pytest.approx(
        area_km2(shapely.union_all([WEST, OVERLAP, EAST])), rel=1e-9
    )
    # 3 August has occupied only: russian_held is that layer alone.
    assert area_km2(got[("2025-08-03", "russian_held")]) == pytest.approx(
        area_km2(WEST.union(OVERLAP)), rel=1e-9
    )
    assert set(table["source"]) == {"newsroom"}
    assert series.report["features_read"] == 5 and series.report["features_used"] == 5
    assert series.report["derived_russian_held"] == 2 and series.report["rejects"] == []
    assert series.report["dates"] == {"first": "2025-08-02", "last": "2025-08-03", "count": 2}
    # The result is a territory table the rest of Frontline reads.
    terr = Territory(table, Regions.from_data_dir(bundled_data_dir()))
    snap = terr.snapshot("2025-08-05", "russian_held")
    assert snap.date.isoformat() == "2025-08-03" and snap.source == "newsroom"


def test_own_field_names_and_layer_values_are_mapped(tmp_path):
    path = tmp_path / "isw.gpkg"
    rows = [("2025-08-02T19:52:40", "Russian advances", WEST),
            ("2025-08-02", "Claimed", EAST), ("2025-08-02", "Ukrainian", OVERLAP)]  # fmt: skip
    frame(rows, date="day", layer="status").to_file(path)
    series = read_polygons(
        path, date_field="day", layer_field="status",
        layers={"Russian advances": "occupied", "Claimed": "unknown_status", "Ukrainian": None},
    )  # fmt: skip
    assert sorted(series.table["layer"]) == ["occupied", "russian_held", "unknown_status"]
    assert series.report["dropped_by_mapping"] == 1
    with pytest.raises(SourceError, match="layers maps 'Claimed' to 'grey'; expected one of"):
        read_polygons(path, date_field="day", layer_field="status", layers={"Claimed": "grey"})
    with pytest.raises(
        SourceError, match=r"no field 'date' \(date_field\); fields: 'day', 'status'"
    ):
        read_polygons(path)


def test_another_crs_is_reprojected_and_a_file_without_crs_only_if_in_degrees(tmp_path):
    path = tmp_path / "mercator.gpkg"
    frame(SERIES).to_crs(3857).to_file(path)
    series = read_polygons(path)
    assert series.report["crs"] == "reprojected from EPSG:3857 to EPSG:4326"
    occupied = series.table.set_index(["layer", "date"]).geometry
    first = occupied.loc[("occupied_pre2022", "2025-08-02")]
    assert shapely.equals_exact(first.normalize(), EAST.normalize(), tolerance=1e-9)

    degrees = tmp_path / "nocrs_degrees.parquet"
    frame(SERIES, crs=None).to_parquet(degrees)
    assert read_polygons(degrees).report["crs"].startswith("none given; coordinates are degrees")

    metres = tmp_path / "nocrs_metres.parquet"
    frame(SERIES).to_crs(3857).set_crs(None, allow_override=True).to_parquet(metres)
    with pytest.raises(SourceError, match=r"has no CRS and its coordinates .* are not longitude"):
        read_polygons(metres)


def test_bad_dates_unknown_layers_and_non_polygons_are_reported_by_feature_number(tmp_path):
    path = tmp_path / "bad.gpkg"
    point = shapely.Point(37, 48)
    rows = [("2025-08-02", "occupied", WEST), ("02/08/2025", "occupied", EAST),
            ("2025-08-02", "held", OVERLAP), ("2025-08-02", "occupied", point)]  # fmt: skip
    frame(rows).to_file(path)
    with pytest.raises(SourceError) as caught:
        read_polygons(path)
    assert str(caught.value) == (
        "polygons: bad.gpkg: 3 unusable feature(s): feature 2: date '02/08/2025': unparseable "
        "date (YYYY-MM-DD); feature 3: layer 'held': unknown layer (not in layers=); feature 4: "
        "geometry 'Point': expected a Polygon or MultiPolygon; fix them, or pass strict=False "
        "to leave them out"
    )
    lenient = read_polygons(path, strict=False)
    assert [r["feature"] for r in lenient.report["rejects"]] == [2, 3, 4]
    assert lenient.report["features_used"] == 1
    assert sorted(lenient.table["layer"]) == ["occupied", "russian_held"]


def test_an_invalid_polygon_is_made_valid_and_several_layers_need_a_choice(tmp_path):
    bowtie = shapely.Polygon([(37, 48), (37.1, 48.1), (37.1, 48), (37, 48.1), (37, 48)])
    path = tmp_path / "two.gpkg"
    frame([("2025-08-02", "occupied", bowtie)]).to_file(path, layer="a")
    frame([("2025-08-02", "occupied", WEST)]).to_file(path, layer="b")
    with pytest.raises(SourceError, match=r"has 2 layers \(a, b\); choose one with file_layer="):
        read_polygons(path)
    fixed = read_polygons(path, file_layer="a").table
    geom = fixed.loc[fixed["layer"] == "occupied"].geometry.iloc[0]
    assert not bowtie.is_valid and geom.is_valid
    assert area_km2(geom) == pytest.approx(area_km2(WEST) / 2, rel=1e-3)
    with pytest.raises(SourceError, match=r"missing\.gpkg: no such file"):
        read_polygons(tmp_path / "missing.gpkg")
