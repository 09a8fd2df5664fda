"""Build data/basemap.parquet from the Natural Earth 1:10m copies in ../shared/data/basemap.

Run from the repository root:  python scripts/build_basemap.py --shared ../shared/data

One GeoParquet table (EPSG:4326) with a row per feature and zoom band:
``kind`` (coastline, lake, border, land), ``name`` / ``name_de`` (the lakes we can name),
``note``, ``min_zoom`` / ``max_zoom`` (the MapLibre zoom band the row is drawn at) and
``geometry``. Low zoom bands are simplified to half a screen pixel at the band's largest
zoom; the last band is the full 1:10m geometry. Drawing only: nothing is measured on it.
Re-running it gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.areas import area_km2  # noqa: E402  (needs the repo on sys.path first)

PARQUET = dict(compression="zstd", compression_level=22, use_dictionary=False)

#: The files (kind -> upstream name) in ``<shared>/basemap/``.
FILES = {
    "land": "ne_10m_land_ukraine_region.geojson",
    "lake": "ne_10m_lakes_ukraine_region.geojson",
    "coastline": "ne_10m_coastline_ukraine_region.geojson",
    "border": "ne_10m_admin_0_boundary_lines_land_ukraine_region.geojson",
}
KINDS = tuple(FILES)

#: (west, south, east, north): the app's region (about 20-50°E, 40-57°N) cut to what the
#: upstream copies cover (18-45°E, 41-57°N). East of 45°E and south of 41°N there is none.
BOX = (20.0, 41.0, 45.0, 57.0)

#: Zoom bands (MapLibre zoom, 512-px tiles) and their simplification tolerance in degrees:
#: half a pixel at the band's largest zoom; None keeps the full 1:10m geometry.
BANDS = ((0.0, 6.0), (6.0, 8.0), (8.0, 24.0))


def _tolerance(max_zoom: float) -> float | None:
    return None if max_zoom >= 24 else 360.0 / (512 * 2**max_zoom) / 2


#: Natural Earth's lakes here carry no attributes. A lake is named when one of these points
#: (lon, lat) lies inside it; each must hit exactly one polygon or the build stops.
#: German names as de.wikipedia titles them.
LAKES = (
    ((30.499, 50.908), "Kyiv Reservoir", "Kiewer Stausee", ""),
    # Natural Earth draws only the reservoir's southern part, 49.75-50.02°N.
    ((31.506, 49.898), "Kaniv Reservoir", "Kaniwer Stausee", "southern part only"),
    ((32.726, 49.288), "Kremenchuk Reservoir", "Krementschuker Stausee", ""),
    ((34.191, 48.763), "Kamianske Reservoir", "Kamjansker Stausee", ""),
    (
        (34.068, 47.343),
        "Kakhovka Reservoir",
        "Kachowkaer Stausee",
        "drained since the Kakhovka dam was destroyed on 6 June 2023; "
        "Natural Earth 1:10m still draws the full reservoir",
    ),
    ((30.330, 46.241), "Dniester Estuary", "Dnister-Liman", ""),
    ((34.847, 45.767), "Syvash", "Siwasch", ""),
    ((43.453, 48.521), "Tsimlyansk Reservoir", "Zimljansker Stausee", ""),
)


def read_kind(shared: Path, kind: str) -> gpd.GeoDataFrame:
    """One upstream file, clipped to :data:`BOX`, one row per part-collection as given."""
    path = shared / "basemap" / FILES[kind]
    frame = gpd.read_file(path)
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise SystemExit(f"{path}: expected EPSG:4326 (CRS84), got {frame.crs}")
    geoms = shapely.intersection(frame.geometry.values, shapely.box(*BOX))
    polygonal = kind in ("land", "lake")
    geoms = [_keep(g, polygonal) for g in geoms]
    frame = gpd.GeoDataFrame({"kind": kind}, geometry=geoms, crs=4326, index=range(len(geoms)))
    return frame[~frame.geometry.is_empty].reset_index(drop=True)


def _keep(geom: shapely.Geometry, polygonal: bool) -> shapely.Geometry:
    # A clip can leave points or stray lines on the box edge: keep the kind's own type only.
    want = ("Polygon", "MultiPolygon") if polygonal else ("LineString", "MultiLineString")
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in want and not p.is_empty]
    if polygonal:
        return shapely.union_all(parts) if parts else shapely.Polygon()
    return shapely.line_merge(shapely.MultiLineString(parts)) if parts else shapely.LineString()


def name_lakes(lakes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``name``, ``name_de`` and ``note`` to the lakes that :data:`LAKES` identifies."""
    lakes = lakes.copy()
    for column in ("name", "name_de", "note"):
        lakes[column] = ""
    for (lon, lat), name, name_de, note in LAKES:
        hits = np.flatnonzero(shapely.contains_xy(lakes.geometry.values, lon, lat))
        if len(hits) != 1:
            raise SystemExit(
                f"lakes: the point ({lon}, {lat}) for {name!r} lies in {len(hits)} lake "
                "polygons, expected exactly 1: has the upstream file changed?"
            )
        lakes.loc[hits[0], ["name", "name_de", "note"]] = [name, name_de, note]
    return lakes


def build_basemap(shared: Path) -> gpd.GeoDataFrame:
    """All kinds and zoom bands in one table, in a fixed row order."""
    frames = []
    for kind in KINDS:
        frame = read_kind(shared, kind)
        frame = name_lakes(frame) if kind == "lake" else frame
        frames.append(frame)
    base = pd.concat(frames, ignore_index=True)
    for column in ("name", "name_de", "note"):
        base[column] = base[column].fillna("").astype(str)
    # A fixed order that does not depend on the upstream feature order: kind, then position.
    point = base.geometry.representative_point()
    kinds = base["kind"].map(KINDS.index)
    base["_order"] = list(zip(kinds, point.x.round(5), point.y.round(5), strict=True))
    base = base.sort_values("_order", kind="stable").drop(columns="_order")

    banded = []
    for low, high in BANDS:
        band = base.copy()
        tolerance = _tolerance(high)
        if tolerance is not None:
            band["geometry"] = shapely.simplify(
                band.geometry.values, tolerance, preserve_topology=True
            )
        band["geometry"] = shapely.set_precision(band.geometry.values, 1e-5)
        band["min_zoom"] = np.float32(low)
        band["max_zoom"] = np.float32(high)
        banded.append(band[~band.geometry.is_empty])
    out = pd.concat(banded, ignore_index=True)
    columns = ["kind", "name", "name_de", "note", "min_zoom", "max_zoom", "geometry"]
    return gpd.GeoDataFrame(out[columns], geometry="geometry", crs=4326)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    basemap = build_basemap(args.shared)
    path = args.out / "basemap.parquet"
    basemap.to_parquet(path, **PARQUET)
    print(f"{path.name:28s} {path.stat().st_size:>10,d} bytes")
    for (low, high), band in basemap.groupby(["min_zoom", "max_zoom"], sort=True):
        counts = band.groupby("kind").size().to_dict()
        vertices = int(shapely.get_num_coordinates(band.geometry.values).sum())
        print(f"  zoom {low:>4.1f}-{high:<4.1f} {vertices:>7,d} vertices  {counts}")
    full = basemap[(basemap["kind"] == "lake") & (basemap["max_zoom"] == BANDS[-1][1])]
    for name, geom in zip(full["name"], full.geometry.values, strict=True):
        if name:
            print(f"  {name:24s} {area_km2(geom):>8,.0f} km² as drawn")


if __name__ == "__main__":
    main()
