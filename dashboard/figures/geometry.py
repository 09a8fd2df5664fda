"""Shapely geometry -> GeoJSON for display, and the map's GeoJSON layers.

Geometry is simplified to about half a screen pixel at the requested zoom and coordinates are
rounded to 5 decimals (about 1 m), which makes snapshots a fraction of their stored size on
the wire. The result is for drawing only: areas are always computed on the full geometry
(:mod:`geo.areas`), never from these.

The map's areas (territory, changes, borders) are ``layout.map.layers`` in the fixed order
of :data:`LAYER_ORDER`, so the app can patch one layer's ``source`` in place during playback
(:func:`layer_sources`). The offline basemap style lives here too because its invisible
anchor layers decide where those layers are drawn.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import OrderedDict
from collections.abc import Iterable
from threading import Lock

import numpy as np
import shapely

from dashboard.figures.palette import LAYER_STYLE, theme_colours

__all__ = [
    "ALERTS_ANCHOR",
    "DEFAULT_ZOOM",
    "LAND_ANCHOR",
    "LAYER_ORDER",
    "OVERLAY_ANCHOR",
    "TERRITORY_LAYERS",
    "display_geojson",
    "features_geojson",
    "layer_index",
    "layer_sources",
    "map_layers",
    "offline_style",
    "tolerance_for_zoom",
    "vertex_count",
]

DEFAULT_ZOOM = 5.0
_CACHE_SIZE = 256
_EMPTY = {"type": "FeatureCollection", "features": []}
_KEEP = {"Polygon", "MultiPolygon", "LineString", "MultiLineString"}

# Keyed by a digest of the WKB (not id(): ids are reused after garbage collection, and the
# same snapshot arrives as different objects from different callers) and the tolerance.
_cache: OrderedDict[tuple[bytes, float], dict] = OrderedDict()
_lock = Lock()


def tolerance_for_zoom(zoom: float | None) -> float:
    """Simplification tolerance in degrees: half a 256-px tile pixel at ``zoom``.

    Zoom is floored to a whole level so that nearby zooms share one cache entry.
    """
    z = DEFAULT_ZOOM if zoom is None else max(0.0, min(float(zoom), 20.0))
    return 360.0 / (256 * 2 ** math.floor(z)) / 2


def display_geojson(geom, zoom: float | None = None) -> dict:
    """A GeoJSON FeatureCollection of ``geom`` simplified for display at ``zoom``.

    Parameters
    ----------
    geom : shapely geometry (Polygon, MultiPolygon, lines or a collection of them) in
        EPSG:4326, or None. Points are dropped: this is for area and line layers.
    zoom : map zoom level; None means :data:`DEFAULT_ZOOM`.

    Returns
    -------
    dict, a FeatureCollection with one feature (or none for an empty geometry). The result
    is cached and shared between callers: do not mutate it.

    Examples
    --------
    >>> from shapely import box
    >>> display_geojson(box(30, 48, 31, 49))["features"][0]["geometry"]["type"]
    'Polygon'
    """
    if geom is None:
        return _EMPTY
    if not isinstance(geom, shapely.Geometry):
        raise TypeError(f"'geom' should be a shapely geometry, got {type(geom).__name__}")
    if geom.is_empty:
        return _EMPTY
    tolerance = tolerance_for_zoom(zoom)
    key = (hashlib.blake2b(shapely.to_wkb(geom), digest_size=16).digest(), tolerance)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result = _convert(geom, tolerance)
    with _lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


#: Area in (tolerance-sized) pixels from which :func:`_convert` simplifies the fast way.
_LARGE_PX = 10_000


def _convert(geom: shapely.Geometry, tolerance: float) -> dict:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _KEEP and not p.is_empty]
    # Polygons smaller than a pixel cannot be seen: the slivers a difference of two daily
    # maps leaves where a border was redrawn (hundreds per day, a few hundredths of a km²
    # in all) would otherwise be most of the bytes. Figures use the full geometry.
    parts = [p for p in parts if "Polygon" not in p.geom_type or p.area >= tolerance**2]
    if not parts:
        return _EMPTY
    merged = shapely.GeometryCollection(parts) if len(parts) > 1 else parts[0]
    # Douglas-Peucker is ~6x faster than the topology-preserving simplifier (1 ms instead
    # of 6 ms for the whole front), but it drops strips thinner than the tolerance. Large
    # areas (the territory) lose nothing visible that way; small ones (a week's gains
    # along the front) can be nothing but such strips, so they keep the careful one.
    careful = shapely.area(merged) < _LARGE_PX * tolerance**2
    simple = shapely.simplify(merged, tolerance, preserve_topology=careful)
    # Round to a tenth of the tolerance (3 decimals, ~100 m, at country zoom; more when
    # zoomed in): the error stays far below a pixel and every coordinate is shorter text.
    digits = int(min(6, max(3, math.ceil(-math.log10(tolerance / 10)))))
    rounded = shapely.transform(simple, lambda xy: np.round(xy, digits))
    if rounded.is_empty:
        return _EMPTY
    # GEOS writes the GeoJSON (in C) and the json module parses it (in C): ten times
    # faster than walking shapely's mapping() in Python on a front line's 50,000 vertices.
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": json.loads(shapely.to_geojson(rounded)),
    }
    return {"type": "FeatureCollection", "features": [feature]}


def vertex_count(geojson: dict) -> int:
    """Number of coordinate pairs in a FeatureCollection from :func:`display_geojson`."""

    def count(coords) -> int:
        if coords and isinstance(coords[0], (int, float)):
            return 1
        return sum(count(c) for c in coords)

    total = 0
    for feature in geojson["features"]:
        g = feature["geometry"]
        geoms = g["geometries"] if g["type"] == "GeometryCollection" else [g]
        total += sum(count(x["coordinates"]) for x in geoms)
    return total


def features_geojson(frame, id_column: str, zoom: float | None = None) -> dict:
    """A FeatureCollection with one simplified feature per row of a GeoDataFrame.

    Each feature carries ``properties.id`` = the row's ``id_column`` (for a choropleth's
    ``featureidkey="properties.id"``). Cached like :func:`display_geojson`.
    """
    tolerance = tolerance_for_zoom(zoom)
    ids = [str(v) for v in frame[id_column]]
    digest = hashlib.blake2b(digest_size=16)
    for code, geom in zip(ids, frame.geometry.values, strict=True):
        digest.update(code.encode())
        digest.update(shapely.to_wkb(geom) if geom is not None else b"")
    key = (digest.digest(), -tolerance)  # negative: never collides with display_geojson keys
    with _lock:
        if key in _cache:
            return _cache[key]
    features = []
    for code, geom in zip(ids, frame.geometry.values, strict=True):
        if geom is None or geom.is_empty:
            continue
        for feature in _convert(geom, tolerance)["features"]:
            features.append({**feature, "properties": {"id": code}})
    result = {"type": "FeatureCollection", "features": features}
    with _lock:
        _cache[key] = result
    return result


TERRITORY_LAYERS = ("russian_held", "unknown_status", "ua_held_in_russia", "unknown_in_russia")

#: ``layout.map.layers`` in drawing order; ``layers[i]`` is ``LAYER_ORDER[i]`` in every map.
LAYER_ORDER = (
    "countries.fill",
    "russian_held.fill",
    "unknown_status.fill",
    "ua_held_in_russia.fill",
    "unknown_in_russia.fill",
    "gained.fill",
    "lost.fill",
    "admin1.line",
    "countries.line",
    "russian_held.line",
    "ua_held_in_russia.line",
    "selected.line",
)

# Invisible style layers that fix where layers and traces go: MapLibre inserts a layer
# "below" a named one, and these names exist only in the offline style.
LAND_ANCHOR, ALERTS_ANCHOR, OVERLAY_ANCHOR = "fl-land", "fl-alerts", "fl-overlays"


def layer_index(name: str) -> int:
    """Position of ``name`` (e.g. ``"russian_held.fill"``) in ``layout.map.layers``."""
    return LAYER_ORDER.index(name)


def offline_style(theme: str = "light") -> dict:
    """A MapLibre style with a plain background and nothing to fetch (no sources, glyphs or
    sprite), plus the invisible anchor layers used to order our layers."""
    colours = theme_colours(theme)
    hidden = {"type": "background", "layout": {"visibility": "none"}}
    return {
        "version": 8,
        "name": f"frontline-offline-{theme}",
        # Never empty: Plotly drops empty objects when it diffs a figure update, and
        # MapLibre then refuses the style ("missing required property sources").
        "sources": {
            "fl-empty": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}
        },
        "layers": [
            {
                "id": "fl-background",
                "type": "background",
                "paint": {"background-color": colours["background"]},
            },
            {"id": LAND_ANCHOR, **hidden},
            {"id": ALERTS_ANCHOR, **hidden},
            {"id": OVERLAY_ANCHOR, **hidden},
        ],
    }


def layer_sources(territory, gained, lost, zoom: float | None = None) -> dict[int, dict]:
    """``{layer index: GeoJSON}`` for the layers that change during playback (territory,
    gained, lost), for patching ``figure.layout.map.layers[i].source`` in place."""
    territory = territory or {}
    out = {}
    for key in TERRITORY_LAYERS:
        geojson = display_geojson(territory.get(key), zoom)
        for part in ("fill", "line"):
            if f"{key}.{part}" in LAYER_ORDER:
                out[layer_index(f"{key}.{part}")] = geojson
    out[layer_index("gained.fill")] = display_geojson(gained, zoom)
    out[layer_index("lost.fill")] = display_geojson(lost, zoom)
    return out


def map_layers(
    territory,
    gained,
    lost,
    admin1,
    countries,
    selected_regions: Iterable[str] = (),
    theme: str = "light",
    zoom: float | None = None,
) -> list[dict]:
    """The ``layout.map.layers`` list, one dict per entry of :data:`LAYER_ORDER`.

    Missing or empty inputs give a layer with an empty source, never a missing layer, so
    indices stay fixed. Sources are simplified for display (:func:`display_geojson`).
    """
    colours = theme_colours(theme)
    sources = layer_sources(territory, gained, lost, zoom)
    admin_geoms = _boundary_network(admin1)
    country_geoms = _clipped(countries)
    selected = set(selected_regions or ())
    sel = []
    if selected and admin1 is not None and len(admin1):
        sel = list(admin1.geometry.values[admin1["iso_3166_2"].isin(selected).to_numpy()])
    front = "Front line: DeepStateMap"
    boundaries = "Boundaries: Natural Earth"

    def fill(name, source, colour, outline, attribution=None):
        layer = {
            "name": name,
            "sourcetype": "geojson",
            "source": source,
            "type": "fill",
            "color": colour,
            "fill": {"outlinecolor": outline},
        }
        if attribution:
            layer["sourceattribution"] = attribution
        return layer

    def line(name, source, colour, width):
        return {
            "name": name,
            "sourcetype": "geojson",
            "source": source,
            "type": "line",
            "color": colour,
            "line": {"width": width},
        }

    by_name = {
        "countries.fill": fill(
            "countries.fill",
            display_geojson(country_geoms, zoom),
            colours["land"],
            colours["land"],
            boundaries,
        ),
        "admin1.line": line(
            "admin1.line", display_geojson(admin_geoms, zoom), colours["admin1_line"], 0.7
        ),
        "countries.line": line(
            "countries.line", display_geojson(country_geoms, zoom), colours["country_line"], 1.0
        ),
        "selected.line": line(
            "selected.line",
            display_geojson(shapely.GeometryCollection(sel) if sel else None, zoom),
            colours["selected_line"],
            3.0,
        ),
    }
    for key in (*TERRITORY_LAYERS, "gained", "lost"):
        style = LAYER_STYLE[key]
        name = f"{key}.fill"
        by_name[name] = fill(name, sources[layer_index(name)], style["fill"], style["line"], front)
        if f"{key}.line" in LAYER_ORDER:
            by_name[f"{key}.line"] = line(
                f"{key}.line", sources[layer_index(f"{key}.line")], style["line"], 1.6
            )
    return [by_name[name] for name in LAYER_ORDER]


#: The part of the world the offline basemap draws (Europe, the Middle East, Russia, Korea):
#: the whole 1:110m world would be ten times the bytes for land no view of this war needs.
BASEMAP_BOX = (-30.0, 20.0, 150.0, 80.0)
_basemap_cache: dict[tuple, tuple] = {}


def _once(frame, kind: str, make):
    # The same region tables come in on every map build: derive their display form once.
    key = (kind, id(frame), len(frame) if frame is not None else 0)
    hit = _basemap_cache.get(key)
    if hit is None or hit[0] is not frame:
        hit = (frame, make(frame))
        _basemap_cache[key] = hit
    return hit[1]


def _boundary_network(admin1) -> shapely.Geometry | None:
    """Admin-1 borders as one line network: a border shared by two regions is sent once,
    not once per polygon ring (half the bytes)."""

    def make(frame):
        geoms = _geoms(frame)
        return None if geoms is None else shapely.line_merge(shapely.union_all(shapely.boundary(
            np.asarray(list(frame.geometry.values)))))  # fmt: skip

    return _once(admin1, "admin1", make) if admin1 is not None and len(admin1) else None


def _clipped(countries) -> shapely.Geometry | None:
    """Country polygons cut to :data:`BASEMAP_BOX`."""

    def make(frame):
        geoms = _geoms(frame)
        return None if geoms is None else shapely.intersection(geoms, shapely.box(*BASEMAP_BOX))

    return _once(countries, "countries", make) if countries is not None and len(countries) else None


def _geoms(frame) -> shapely.Geometry | None:
    if frame is None or len(frame) == 0:
        return None
    return shapely.GeometryCollection([g for g in frame.geometry.values if g is not None])
