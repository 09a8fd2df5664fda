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
from threading import Lock

import numpy as np
import shapely

from dashboard.figures.basemap import LABEL_TIERS, band_for_zoom, tier_size
from dashboard.figures.palette import CHANGE_HALO, LAYER_STYLE, theme_colours

__all__ = [
    "ALERTS_ANCHOR",
    "DEFAULT_ZOOM",
    "LAND_ANCHOR",
    "LAYER_ORDER",
    "OVERLAY_ANCHOR",
    "TERRITORY_LAYERS",
    "display_geojson",
    "features_geojson",
    "layer_below",
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
CHANGE_LAYERS = ("gained", "lost")

#: ``layout.map.layers`` in drawing order; ``layers[i]`` is ``LAYER_ORDER[i]`` in every map.
#: The period's gained and lost ground is drawn three times: a wide halo in a colour no
#: event type uses, the fill, and a dark outline, so a thin strip of change stands out on
#: the held areas and among event dots at any zoom.
LAYER_ORDER = (
    "countries.fill",
    "land.fill",
    "lake.fill",
    "coast.line",
    *(f"{k}.fill" for k in TERRITORY_LAYERS),
    *(f"{k}.halo" for k in CHANGE_LAYERS),
    *(f"{k}.fill" for k in CHANGE_LAYERS),
    *(f"{k}.line" for k in CHANGE_LAYERS),
    "admin1.line",
    "countries.line",
    "border.line",
    "russian_held.line",
    "ua_held_in_russia.line",
    "selected.line",
    *(f"places.{i}" for i in range(len(LABEL_TIERS))),
    "change.label",
)

#: The finest zoom the basemap's context (land, lakes, coasts, borders) is drawn for.
BASEMAP_DETAIL_ZOOM = 7.0

# Invisible style layers that fix where layers and traces go: MapLibre inserts a layer
# "below" a named one, and these names exist only in the offline style.
LAND_ANCHOR, ALERTS_ANCHOR, OVERLAY_ANCHOR = "fl-land", "fl-alerts", "fl-overlays"
#: Layers drawn under the air-raid shading (the land), the rest above it.
_UNDER_ALERTS = ("countries.fill", "land.fill", "lake.fill", "coast.line")


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
    for key, geom in (("gained", gained), ("lost", lost)):
        geojson = display_geojson(geom, zoom)
        for part in ("halo", "fill", "line"):
            out[layer_index(f"{key}.{part}")] = geojson
    return out


def map_layers(
    territory,
    gained,
    lost,
    base,
    *,
    labels=None,
    selected=None,
    change_label: dict | None = None,
    theme: str = "light",
    zoom: float | None = None,
    attribution: dict | None = None,
) -> list[dict]:
    """The ``layout.map.layers`` list, one dict per entry of :data:`LAYER_ORDER`.

    Parameters
    ----------
    territory : ``{layer: geometry}`` at the end of the period.
    gained, lost : the period's gained and lost ground.
    base : :class:`dashboard.figures.basemap.BaseGeometry` of the data version.
    labels : :func:`dashboard.figures.basemap.label_sources` output, or None.
    selected : the selected regions' geometry, or None.
    change_label : ``{"lon", "lat", "text"}`` of the period's km² label, or None.
    attribution : ``{"front": ..., "boundaries": ...}`` credit lines in the page's language.

    Missing or empty inputs give a layer with an empty source, never a missing layer, so
    indices stay fixed. Sources are simplified for display (:func:`display_geojson`).
    """
    colours = theme_colours(theme)
    credits = attribution or {}
    front, boundaries = credits.get("front"), credits.get("boundaries")
    sources = layer_sources(territory, gained, lost, zoom)
    band = band_for_zoom(base.zooms, zoom) if base is not None else 0
    # Context lines and land no finer than at zoom 7 (two pixels at 8, four at 9): the
    # 1:10m data is about a kilometre coarse anyway, and at full detail the borders of
    # the whole region were most of a zoomed-in map's bytes.
    context_zoom = None if zoom is None else min(float(zoom), BASEMAP_DETAIL_ZOOM)

    def banded(kind):
        if base is None or not base.bands.get(kind):
            return _EMPTY
        return display_geojson(base.bands[kind][band], context_zoom)

    def fill(name, source, colour, outline, credit=None):
        layer = {
            "name": name,
            "sourcetype": "geojson",
            "source": source,
            "type": "fill",
            "color": colour,
            "fill": {"outlinecolor": outline},
        }
        if credit:
            layer["sourceattribution"] = credit
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

    def text(name, source, colour, size, minzoom=None, template="{name}", position="middle center"):
        layer = {
            "name": name,
            "sourcetype": "geojson",
            "source": source,
            "type": "symbol",
            "color": colour,
            # "{name}": MapLibre's token for each feature's own name; with no sprite in the
            # offline style, no icon.
            "symbol": {
                "text": template,
                "icon": "",
                # The layer's "color" is the icon's: the text takes the font's colour.
                "textfont": {"size": size, "color": colour},
                "textposition": position,
                "placement": "point",
            },
        }
        if minzoom is not None:
            layer["minzoom"] = minzoom
        return layer

    by_name = {
        "countries.fill": fill(
            "countries.fill",
            display_geojson(base.countries, context_zoom) if base else _EMPTY,
            colours["land"],
            colours["land"],
            boundaries,
        ),
        "land.fill": fill("land.fill", banded("land"), colours["land"], colours["land"]),
        "lake.fill": fill(
            "lake.fill", banded("lake"), colours["background"], colours["background"]
        ),
        "coast.line": line("coast.line", banded("coastline"), colours["coast_line"], 0.8),
        "admin1.line": line(
            "admin1.line",
            display_geojson(base.admin1, context_zoom) if base else _EMPTY,
            colours["admin1_line"],
            0.7,
        ),
        "countries.line": line(
            "countries.line",
            display_geojson(base.country_lines, context_zoom) if base else _EMPTY,
            colours["country_line"],
            1.0,
        ),
        "border.line": line("border.line", banded("border"), colours["country_line"], 1.2),
        "selected.line": line(
            "selected.line", display_geojson(selected, zoom), colours["selected_line"], 3.0
        ),
    }
    for key in TERRITORY_LAYERS:
        style = LAYER_STYLE[key]
        name = f"{key}.fill"
        by_name[name] = fill(name, sources[layer_index(name)], style["fill"], style["line"], front)
        if f"{key}.line" in LAYER_ORDER:
            by_name[f"{key}.line"] = line(
                f"{key}.line", sources[layer_index(f"{key}.line")], style["line"], 1.6
            )
    for key in CHANGE_LAYERS:
        style = LAYER_STYLE[key]
        source = sources[layer_index(f"{key}.fill")]
        by_name[f"{key}.halo"] = line(f"{key}.halo", source, CHANGE_HALO, 5.0)
        by_name[f"{key}.fill"] = fill(f"{key}.fill", source, style["fill"], style["line"], front)
        by_name[f"{key}.line"] = line(f"{key}.line", source, style["line"], 1.4)
    for i, minzoom in enumerate(LABEL_TIERS):
        source = labels[i] if labels else _EMPTY
        # The bullet marks the place; the name runs to its right. MapLibre leaves out a
        # label that would overlap one already drawn (higher tiers are drawn on top, so
        # the larger place wins).
        by_name[f"places.{i}"] = text(f"places.{i}", source, colours["text"], tier_size(i),
                                      minzoom, "• {name}", "middle right")  # fmt: skip
    label_source = _EMPTY
    if change_label:
        label_source = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [change_label["lon"], change_label["lat"]],
                    },
                    "properties": {"name": change_label["text"]},
                }
            ],
        }
    by_name["change.label"] = text("change.label", label_source, colours["text"], 14)
    return [by_name[name] for name in LAYER_ORDER]


def layer_below(name: str) -> str:
    """The offline style's anchor a layer is drawn below (the land under the alerts)."""
    return LAND_ANCHOR if name in _UNDER_ALERTS else OVERLAY_ANCHOR
