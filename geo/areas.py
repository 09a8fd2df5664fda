"""Areas in km², computed on the ellipsoid or in an equal-area projection.

Web Mercator (EPSG:3857) and plain degrees distort area by a factor that grows with
latitude (about 2.3x at 49°N), so they are never used for a figure here.
"""

from __future__ import annotations

import threading

import numpy as np
import shapely
from pyproj import Geod, Transformer

__all__ = ["EQUAL_AREA_CRS", "area_km2", "geodesic_area_km2", "to_equal_area"]

#: NSIDC EASE-Grid 2.0 global, a cylindrical equal-area projection on WGS84.
EQUAL_AREA_CRS = "EPSG:6933"

_TO_EQUAL_AREA = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
_GEOD = Geod(ellps="WGS84")


def to_equal_area(geoms):
    """Project WGS84 geometries (lon/lat) to :data:`EQUAL_AREA_CRS`.

    Parameters
    ----------
    geoms : shapely geometry or array-like of geometries in EPSG:4326

    Returns
    -------
    The same shape of input, projected (metres).
    """

    def _project(coords: np.ndarray) -> np.ndarray:
        x, y = _TO_EQUAL_AREA.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, _project)


def area_km2(geoms) -> np.ndarray | float:
    """Area in km² of WGS84 geometries, measured in an equal-area projection.

    Vectorised and fast enough for daily series; agrees with :func:`geodesic_area_km2`
    to well under 0.1 % for regions the size of an oblast or a country (tested).

    Parameters
    ----------
    geoms : shapely geometry or array-like of geometries in EPSG:4326 (lon, lat)

    Returns
    -------
    float for a single geometry, otherwise a float ndarray. Empty or missing
    geometries have area 0.

    Examples
    --------
    >>> from shapely import box
    >>> round(area_km2(box(30, 48, 31, 49)))
    8218
    """
    single = isinstance(geoms, shapely.Geometry)
    arr = np.asarray([geoms] if single else geoms, dtype=object)
    if arr.size == 0:
        return np.zeros(0)
    missing = shapely.is_missing(arr)
    out = np.zeros(arr.shape, dtype=float)
    if (~missing).any():
        out[~missing] = shapely.area(to_equal_area(arr[~missing])) / 1e6
    return float(out[0]) if single else out


def geodesic_area_km2(geom) -> float:
    """Area in km² of one WGS84 geometry on the WGS84 ellipsoid (pyproj ``Geod``).

    Slower than :func:`area_km2`; the reference it is tested against.
    """
    if geom is None or geom.is_empty:
        return 0.0
    area, _ = _GEOD.geometry_area_perimeter(shapely.geometry.shape(geom))
    return abs(area) / 1e6


_PREPARING = threading.Lock()


def prepared(geom: shapely.Geometry) -> shapely.Geometry:
    """``geom``, prepared for repeated predicates (in place, once).

    Snapshot and region geometries are shared by a server's threads. Two threads preparing
    the same geometry at once freed its prepared form twice and aborted the process
    ("double free or corruption"); preparing under one lock, only when not yet prepared,
    cannot.
    """
    if not shapely.is_prepared(geom):
        with _PREPARING:
            if not shapely.is_prepared(geom):
                shapely.prepare(geom)
    return geom
