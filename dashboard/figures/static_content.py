"""What a static map picture shows inside its frame: the view, the areas, events, place
labels and the scale bar (used by :mod:`dashboard.figures.static`).

Geometry comes in EPSG:4326 and is drawn in Web Mercator (EPSG:3857), like the interactive
map; Web Mercator serves the picture only. The scale bar is measured on the ellipsoid
(pyproj ``Geod``) at the map's centre latitude, because the kilometres per pixel of Web
Mercator shrink with the cosine of the latitude.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod, Transformer

from dashboard.figures.legend import CHANGE_HALO, rgba
from dashboard.figures.palette import EVENT_TYPE_COLOURS, LAYER_STYLE, OTHER_COLOUR
from geo.labels import POSITIONS, TILE_SIZE, choose_labels

__all__ = ["MapView", "draw_areas", "draw_events", "draw_labels", "draw_scale",
           "draw_settlements", "scale_bar"]  # fmt: skip

_R = 6378137.0  # Web Mercator's sphere: metres per radian of longitude
_GEOD = Geod(ellps="WGS84")
_TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


class MapView:
    """The Web Mercator extent drawn for ``bbox`` in a ``width_px`` x ``height_px`` map.

    The box is widened on one axis to the map's shape (never cropped), around its centre.
    ``zoom`` is the equivalent zoom of a 512-px-tile map (MapLibre, Plotly), so that place
    labels are chosen as on the interactive map at that zoom.
    """

    def __init__(self, bbox, width_px: int, height_px: int):
        west, south, east, north = check_bbox(bbox)
        (x0, x1), (y0, y1) = _TO_MERCATOR.transform([west, east], [south, north])
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        per_px = max((x1 - x0) / width_px, (y1 - y0) / height_px)
        self.width_px, self.height_px = width_px, height_px
        self.metres_per_px = per_px
        self.extent = (
            cx - per_px * width_px / 2,
            cy - per_px * height_px / 2,
            cx + per_px * width_px / 2,
            cy + per_px * height_px / 2,
        )
        lon, lat = _TO_MERCATOR.transform(
            [self.extent[0], self.extent[2]], [self.extent[1], self.extent[3]], direction="INVERSE"
        )
        self.bbox = (lon[0], lat[0], lon[1], lat[1])
        self.centre_lat = float(_TO_MERCATOR.transform(cx, cy, direction="INVERSE")[1])
        self.zoom = math.log2(2 * math.pi * _R / per_px / TILE_SIZE)
        #: Simplification tolerance of the geometry drawn, in pixels.
        self.detail_px = 0.5


def scale_bar(view: MapView) -> tuple[float, float]:
    """A scale bar for ``view``: (length in km, length in px).

    The length is a round number (1, 2 or 5 times a power of ten) of at most a fifth of
    the map's width, measured along the parallel at the centre latitude on the WGS84
    ellipsoid.
    """
    # Ground metres per Web Mercator metre along the centre parallel: a short geodesic
    # along it (0.01° of longitude), against the same step in Mercator x.
    step = 0.01
    ground = _GEOD.inv(0.0, view.centre_lat, step, view.centre_lat)[2]
    km_per_px = view.metres_per_px * ground / (_R * math.radians(step)) / 1000
    most = km_per_px * view.width_px / 5
    power = 10 ** math.floor(math.log10(most))
    km = max(m * power for m in (1, 2, 5) if m * power <= most)
    return km, km / km_per_px


def _prepare(geom, view: MapView, keep_small: bool = False):
    """``geom`` simplified to half a pixel, cut to the view (plus a margin) and projected
    to Web Mercator; None when nothing is left. Polygons smaller than half a pixel squared
    are dropped, as on the interactive map (:mod:`dashboard.figures.geometry`): the
    slivers a difference of two daily maps leaves where a border was redrawn. With
    ``keep_small`` (the period's changes) the rest keeps its topology, so that a thin
    strip is not simplified away."""
    if geom is None or geom.is_empty:
        return None
    west, south, east, north = view.bbox
    dx, dy = (east - west) * 0.05, (north - south) * 0.05
    # Degrees of latitude per pixel at the top of the view (the fewest there), times the
    # detail: half a pixel for PNG, a whole one for SVG (half the bytes, and a browser
    # smooths its edges anyway).
    per_px = (east - west) / view.width_px * math.cos(math.radians(max(abs(south), abs(north))))
    tolerance = per_px * view.detail_px
    geom = shapely.clip_by_rect(geom, west - dx, south - dy, east + dx, north + dy)
    if geom.is_empty:
        return None
    if shapely.get_dimensions(geom) == 1:
        # A border network arrives cut into one piece per shared edge; whole lines
        # simplify better.
        geom = shapely.line_merge(geom)
    parts = shapely.get_parts(geom)
    polygonal = np.isin(shapely.get_type_id(parts), [3, 6])
    parts = parts[~polygonal | (shapely.area(parts) >= tolerance**2)]
    parts = shapely.simplify(parts, tolerance, preserve_topology=keep_small)
    parts = parts[~shapely.is_empty(parts)]
    if len(parts) == 0:
        return None

    def project(xy):
        return np.column_stack(_TO_MERCATOR.transform(xy[:, 0], xy[:, 1]))

    return shapely.transform(parts, project)


def _plot(ax, geoms, **style):
    import geopandas as gpd

    if geoms is None or len(geoms) == 0:
        return
    gpd.GeoSeries(geoms, crs=3857).plot(
        ax=ax, aspect=None, autolim=False, add_labels=False, **style
    )


def draw_areas(ax, layers, basemap, view: MapView, colours) -> None:
    width = 72.0 / ax.figure.dpi  # one pixel in points
    if basemap is not None and len(basemap):
        band = basemap[(basemap["min_zoom"] <= view.zoom) & (view.zoom < basemap["max_zoom"])]
        if band.empty:
            band = basemap[basemap["max_zoom"] == basemap["max_zoom"].max()]
        for kind, face, edge, line in (
            ("land", colours["land"], "none", 0),
            ("lake", colours["background"], "none", 0),
        ):
            geoms = _prepare(shapely.union_all(band.geometry.values[band["kind"] == kind]), view)
            _plot(ax, geoms, facecolor=face, edgecolor=edge, linewidth=line, zorder=1)
    for name in ("russian_held", "unknown_status", "ua_held_in_russia", "unknown_in_russia"):
        style = LAYER_STYLE[name]
        _plot(
            ax,
            _prepare(layers.get(name), view),
            facecolor=rgba(style["fill"]),
            edgecolor="none",
            linewidth=0,
            zorder=2,
        )
    changes = {n: _prepare(layers.get(n), view, keep_small=True) for n in ("gained", "lost")}
    for name, geoms in changes.items():
        _plot(
            ax,
            geoms,
            facecolor=rgba(LAYER_STYLE[name]["fill"]),
            edgecolor="none",
            linewidth=0,
            zorder=3,
        )
    if basemap is not None and len(basemap):
        for kind, w in (("coastline", 0.7), ("border", 1.1)):
            lines = band.geometry.values[band["kind"] == kind]
            _plot(
                ax,
                _prepare(shapely.union_all(lines), view),
                color=colours["country_line"],
                linewidth=w * width,
                zorder=4,
            )
    admin1 = layers.get("admin1")
    if admin1 is not None and not admin1.is_empty:
        if shapely.get_dimensions(admin1) == 2:
            admin1 = shapely.boundary(admin1)
        _plot(
            ax,
            _prepare(admin1, view),
            color=colours["admin1_line"],
            linewidth=0.7 * width,
            zorder=4,
        )
    # The period's changes: a halo in a colour no event type uses, under a dark outline,
    # so that a strip a few pixels wide still shows at country scale.
    for name, geoms in changes.items():
        if geoms is not None:
            outline = shapely.boundary(geoms)
            # Above the event dots (9): the issue was a gain hidden under dots of its colour.
            _plot(
                ax,
                outline,
                color=CHANGE_HALO,
                linewidth=4.0 * width,
                zorder=9.5,
                capstyle="round",
                joinstyle="round",
            )
            _plot(
                ax,
                outline,
                color=rgba(LAYER_STYLE[name]["line"]),
                linewidth=1.1 * width,
                zorder=9.6,
            )
    for name in ("russian_held", "ua_held_in_russia"):
        geoms = _prepare(layers.get(name), view)
        if geoms is not None:
            _plot(
                ax,
                shapely.boundary(geoms),
                color=rgba(LAYER_STYLE[name]["line"]),
                linewidth=1.4 * width,
                zorder=7,
            )
    selected = _prepare(layers.get("selected"), view)
    if selected is not None:
        if (shapely.get_dimensions(selected) == 2).all():
            selected = shapely.boundary(selected)
        _plot(ax, selected, color=colours["selected_line"], linewidth=2.4 * width, zorder=8)


def draw_events(ax, events, view: MapView, colours, pt) -> None:
    if events is None or len(events) == 0:
        return
    lon = pd.to_numeric(events["lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(events["lat"], errors="coerce").to_numpy(dtype=float)
    west, south, east, north = view.bbox
    inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    if not inside.any():
        return
    x, y = _TO_MERCATOR.transform(lon[inside], lat[inside])
    types = events["event_type"].astype("string").fillna("").to_numpy(dtype=object)[inside]
    # Fixed order of the palette, so that the same data draws the same picture.
    for event_type in (*EVENT_TYPE_COLOURS, None):
        if event_type is None:
            mask = ~np.isin(types, list(EVENT_TYPE_COLOURS))
            colour = OTHER_COLOUR
        else:
            mask = types == event_type
            colour = EVENT_TYPE_COLOURS[event_type]
        if mask.any():
            ax.scatter(
                x[mask],
                y[mask],
                s=(5.0 * pt) ** 2,
                c=[rgba(colour)],
                edgecolors=colours["paper"],
                linewidths=0.5 * pt,
                zorder=9,
            )


def draw_settlements(ax, settlements, view: MapView, colours, pt) -> None:
    """The settlements that changed hands (``lon``, ``lat``, ``colour``, ``name``): a dot in
    the outcome's colour, named beside it, as the interactive map draws them."""
    if settlements is None or len(settlements) == 0:
        return
    lon = settlements["lon"].to_numpy(dtype=float)
    lat = settlements["lat"].to_numpy(dtype=float)
    west, south, east, north = view.bbox
    inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    if not inside.any():
        return
    x, y = _TO_MERCATOR.transform(lon[inside], lat[inside])
    shown = settlements[inside]
    # Ringed in the text colour: the outcome colours are dark, like the held ground.
    ax.scatter(x, y, s=(8.0 * pt) ** 2, c=[rgba(c) for c in shown["colour"]],
               edgecolors=colours["text"], linewidths=1.2 * pt, zorder=11)  # fmt: skip
    for xi, yi, name in zip(x, y, shown["name"], strict=True):
        ax.annotate(str(name), (xi, yi), xytext=(5 * pt * 1.4, 5 * pt * 1.4),
                    textcoords="offset points", fontsize=11 * pt, color=colours["text"],
                    fontweight="bold", zorder=12, annotation_clip=True)  # fmt: skip


_OFFSETS = {  # textposition -> (dx, dy) direction and alignment of the text
    "middle right": (1, 0, "left", "center"),
    "middle left": (-1, 0, "right", "center"),
    "top center": (0, 1, "center", "bottom"),
    "bottom center": (0, -1, "center", "top"),
    "top right": (1, 1, "left", "bottom"),
    "bottom right": (1, -1, "left", "top"),
    "top left": (-1, 1, "right", "bottom"),
    "bottom left": (-1, -1, "right", "top"),
}
assert set(_OFFSETS) == set(POSITIONS)


def draw_labels(ax, mpl, places, view: MapView, lang, colours, pt) -> None:
    # About one label per 9,000 px² (66 on a 1200 x 800 picture): enough to find one's
    # way, few enough to leave the front readable.
    most = int(np.clip(view.width_px * view.height_px / 9000, 15, 150))
    labels = choose_labels(
        places,
        view.bbox,
        view.zoom,
        lang,
        width_px=view.width_px,
        height_px=view.height_px,
        max_labels=most,
    )
    if labels.empty:
        return
    x, y = _TO_MERCATOR.transform(labels["lon"].to_numpy(), labels["lat"].to_numpy())
    ax.scatter(
        x,
        y,
        s=(4.0 * pt) ** 2,
        c=colours["text"],
        edgecolors=colours["land"],
        linewidths=0.6 * pt,
        zorder=10,
    )
    # A light box behind each name rather than a stroked halo: a path effect would turn
    # every name into outlines (15 kB each in an SVG instead of a line of text).
    for xi, yi, text, size, where in zip(
        x, y, labels["text"], labels["size"], labels["textposition"], strict=True
    ):
        sx, sy, ha, va = _OFFSETS[where]
        ax.annotate(
            text,
            (xi, yi),
            xytext=(sx * 6 * pt, sy * 5 * pt),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=size * pt,
            color=colours["text"],
            zorder=11,
            annotation_clip=False,
            bbox={
                "boxstyle": "round,pad=0.12,rounding_size=0.25",
                "facecolor": colours["land"],
                "edgecolor": "none",
                "alpha": 0.72,
            },
        )


def draw_scale(ax, mpl, view: MapView, colours, pt) -> None:
    km, px = scale_bar(view)
    w, h = view.width_px, view.height_px
    x0, y0 = 14 / w, 14 / h
    label = f"{km:g} km"
    ax.add_patch(
        mpl["Rectangle"](
            (x0 - 8 / w, y0 - 8 / h),
            (px + 16) / w,
            34 / h,
            transform=ax.transAxes,
            facecolor=colours["paper"],
            alpha=0.85,
            edgecolor="none",
            zorder=21,
        )
    )
    ax.plot(
        [x0, x0 + px / w],
        [y0, y0],
        transform=ax.transAxes,
        color=colours["text"],
        linewidth=2.2 * pt,
        solid_capstyle="butt",
        zorder=22,
    )
    for xt in (x0, x0 + px / w):
        ax.plot(
            [xt, xt],
            [y0, y0 + 6 / h],
            transform=ax.transAxes,
            color=colours["text"],
            linewidth=1.2 * pt,
            zorder=22,
        )
    ax.text(
        x0,
        y0 + 8 / h,
        label,
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=11 * pt,
        color=colours["text"],
        zorder=22,
    )


def check_bbox(bbox) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise ValueError(f"bbox: expected (west, south, east, north), got {bbox!r}") from None
    if not (-180 <= west < east <= 180 and -85 <= south < north <= 85):
        raise ValueError(
            f"bbox: expected west < east within ±180 and south < north within ±85, "
            f"got {(west, south, east, north)!r}"
        )
    return west, south, east, north
