"""What a picture of a view shows (for :mod:`dashboard.picture`): the part of the map, the
layers, the events, and the title, km² line and attribution in the view's language.

The layers are those the explorer's map draws for the view
(:func:`dashboard.callbacks.map.base_layers`), plus the selected regions; the events are
the view's (:func:`dashboard.view.compute_view`). Everything is drawn by
:func:`dashboard.figures.static.render_map` (GeoPandas on matplotlib).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely

from dashboard.callbacks.map import MAX_DRAWN
from dashboard.formatting import fmt_date, fmt_date_range, fmt_int, fmt_km2, fmt_number
from dashboard.i18n import t
from dashboard.state import ViewState
from dashboard.view import FIGURE_LAYER, compute_view, view_change, view_snapshots
from geo.errors import FrontlineError

__all__ = ["MAX_DRAWN", "UKRAINE", "draw_picture", "picture_texts", "view_box"]

#: Ukraine (22.1-40.2° E, 44.4-52.4° N) with the Kursk incursion and a margin.
UKRAINE = (22.0, 44.0, 40.5, 52.5)
# Web Mercator's latitude limit (the renderer draws in it).
_MAX_LAT = 85.0
_MIN_SPAN = 0.01  # degrees: about a kilometre, zoom ~16 at 1200 px


def view_box(data, state: ViewState, bbox, size: tuple[int, int]) -> tuple:
    """The part of the map a picture of ``size`` shows for ``state``: ``bbox``; else
    what a map of ``size`` shows at the state's ``lat``/``lon``/``z``; else the bounds
    of its regions (with a margin); else :data:`UKRAINE`.

    Raises FrontlineError for a ``bbox`` outside Web Mercator's ±85° or smaller than
    about a kilometre, and for a view whose picture would reach over the edge of the
    map (the antimeridian or ±85°), naming ``bbox`` or ``z``."""
    param = "bbox"
    if bbox is not None:
        west, south, east, north = bbox
        if south < -_MAX_LAT or north > _MAX_LAT:
            raise FrontlineError(
                f"bbox: a picture reaches from -85 to 85° latitude, got {south:g} to {north:g}",
                param="bbox",
            )
        if max(east - west, north - south) < _MIN_SPAN:
            raise FrontlineError(
                f"bbox: at least {_MIN_SPAN}° wide or tall, got {east - west:g} x "
                f"{north - south:g}°",
                param="bbox",
            )
        box = tuple(bbox)
    elif state.z is not None:
        box, param = _box_at(state.lat, state.lon, state.z, *size), "z"
    elif state.regions:
        west, south, east, north = shapely.bounds(data.regions.geometry(state.regions))
        dx, dy = (east - west) * 0.04, (north - south) * 0.04
        box = (west - dx, south - dy, east + dx, north + dy)
    else:
        box = UKRAINE
    # The renderer widens the box to its map's shape, which may be far wider than the
    # picture (a low picture with the key beside the map): twice the picture's shape is
    # beyond what it can ask for.
    west, south, east, north = _widened(box, size, 2.0)
    if west < -180 or east > 180 or south < -_MAX_LAT or north > _MAX_LAT:
        raise FrontlineError(
            f"{param}: a picture of this view at {size[0]} x {size[1]} px would reach over "
            "the edge of the map (±180° longitude, ±85° latitude); zoom in or move the "
            "view away from the edge",
            param=param,
        )
    return box


def _box_at(lat: float, lon: float, zoom: float, width: int, height: int) -> tuple:
    """What a ``width`` x ``height`` map centred on lat/lon shows at ``zoom`` (512-px
    tiles, Web Mercator)."""
    world = 512 * 2.0**zoom
    lat = min(max(lat, -_MAX_LAT), _MAX_LAT)
    x = (lon + 180) / 360 * world
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * world

    def lat_at(py):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / world))))

    return (
        (x - width / 2) / world * 360 - 180,
        lat_at(y + height / 2),
        (x + width / 2) / world * 360 - 180,
        lat_at(y - height / 2),
    )


def _widened(box, size, factor: float) -> tuple:
    """``box`` widened in Web Mercator to the shape of ``size``, then ``factor`` times
    over, about its centre (in degrees, not cut to the world)."""
    west, south, east, north = box
    width, height = size
    y0, y1 = (math.asinh(math.tan(math.radians(v))) for v in (south, north))
    x0, x1 = math.radians(west), math.radians(east)
    per_px = max((x1 - x0) / width, (y1 - y0) / height) * factor
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hw, hh = per_px * width / 2, per_px * height / 2
    return (
        math.degrees(cx - hw),
        math.degrees(math.atan(math.sinh(cy - hh))),
        math.degrees(cx + hw),
        math.degrees(math.atan(math.sinh(cy + hh))),
    )


def _around(box, size) -> tuple:
    """``box`` widened to the picture's shape and then by a sixth on each side: about
    what the renderer shows around it (it fits the box into the map area, whose shape
    differs from the picture's by the key and the texts). Events are taken from it, and
    the key names what reaches into it: a key may name an area just outside the frame,
    but nothing drawn goes without an entry."""
    west, south, east, north = _widened(box, size, 4 / 3)
    return (max(-180.0, west), max(-_MAX_LAT, south), min(180.0, east), min(_MAX_LAT, north))


# -- what is drawn ----------------------------------------------------------------------------


def _layers(scope, state: ViewState) -> dict:
    """The renderer's layers for ``state``: as :func:`dashboard.callbacks.map.base_layers`
    chooses them for the explorer's map, plus the selected regions."""
    out = {}
    if "territory" in state.layers:
        out.update({k: s.geometry for k, s in view_snapshots(scope, state).items()})
    change = view_change(scope, state, state.regions)
    if "changes" in state.layers and not isinstance(change, FrontlineError):
        out["gained"], out["lost"] = change.gained, change.lost
    if "borders" in state.layers:
        admin1 = scope.data.regions.admin1.geometry.values
        # Each shared border once, as a line (a union of polygons would lose them).
        out["admin1"] = scope.data.derived(
            ("picture", "admin1-lines"), lambda: shapely.union_all(shapely.boundary(admin1))
        )
    if state.regions:
        out["selected"] = scope.data.regions.geometry(state.regions)
    return out


def _events(scope, state: ViewState, box, size) -> tuple[pd.DataFrame | None, list, dict | None]:
    """The events to draw (lon, lat, event_type) near ``box``, the datasets they come
    from, and, when there are too many for markers, how they were grouped (else None)."""
    if "events" not in state.layers:
        return None, [], None
    cols = scope.data.columns
    pos = cols.in_bbox(compute_view(scope, state)["positions"], _around(box, size))
    rows = scope.data.rows(pos, ("lon", "lat", "event_type"))
    datasets = cols.datasets_at(pos)
    if len(rows) <= MAX_DRAWN:
        return rows, datasets, None
    from geo.labels import zoom_for_bbox

    # Far more dots than a picture can show apart. As the map bins them, this draws at
    # most MAX_DRAWN: one dot per occupied square cell (the smallest cell of 4 px times a
    # power of two that gets there), at the mean place of its events and in the colour of
    # its most frequent type. The subtitle says so.
    lon = rows["lon"].to_numpy(float)
    lat = rows["lat"].to_numpy(float)
    cell = 4 * 360 / (512 * 2 ** zoom_for_bbox(box, *size))
    while True:
        ix, iy = np.floor(lon / cell).astype(np.int64), np.floor(lat / cell).astype(np.int64)
        if len(np.unique(ix * 1_000_003 + iy)) <= MAX_DRAWN:
            break
        cell *= 2
    frame = pd.DataFrame({"ix": ix, "iy": iy, "lon": lon, "lat": lat,
                          "event_type": rows["event_type"].astype(str).to_numpy()})  # fmt: skip
    where = frame.groupby(["ix", "iy"], sort=True)[["lon", "lat"]].mean()
    counts = frame.value_counts(["ix", "iy", "event_type"]).reset_index(name="n")
    top = counts.sort_values(["n", "event_type"], ascending=[False, True])
    top = top.drop_duplicates(["ix", "iy"]).set_index(["ix", "iy"])["event_type"]
    dots = where.join(top).reset_index(drop=True)
    return dots, datasets, {"n": len(rows), "cell": cell}


def picture_texts(scope, state: ViewState, datasets=(), grouped=None) -> dict[str, str]:
    """The title, the km² line (with its source and snapshots) and the attribution of a
    picture of ``state`` in its language; ``datasets`` are those of the events drawn,
    ``grouped`` says how they were grouped (or None)."""
    from dashboard.callbacks.figures import dataset_label
    from geo.export import SOURCES

    lang = state.lang
    period = fmt_date_range(state.date_from, state.date_to, lang)
    snapshots = view_snapshots(scope, state)
    held = snapshots.get(FIGURE_LAYER)
    if held is not None and {"territory", "changes"} & set(state.layers):
        title = t("picture.title", lang, date=fmt_date(held.date, lang))
    else:
        title = t("picture.title_events", lang, range=period)
    where = (
        ", ".join(scope.data.regions.name(c, lang) for c in state.regions)
        if state.regions
        else t("figures.all_regions", lang)
    )
    change = view_change(scope, state, state.regions)
    if isinstance(change, FrontlineError):
        lines = [t("figures.no_territory", lang, reason=str(change))]
    else:
        # "lost 0.0 km²" reads as a measured loss; "lost nothing" says what it is.
        gained, lost = (
            fmt_km2(v, lang) if round(v, 1) else t("picture.nothing", lang)
            for v in (change.gained_km2, change.lost_km2)
        )
        lines = [
            t(
                "picture.change",
                lang,
                range=period,
                where=where,
                gained=gained,
                lost=lost,
                net=fmt_km2(change.net_km2, lang, sign=True),
            ),
            t(
                "figures.territory_source",
                lang,
                sources=", ".join(change.sources),
                start=fmt_date(change.from_snapshot, lang),
                end=fmt_date(change.to_snapshot, lang),
            ),
        ]
    if grouped:
        decimals = max(0, 1 - math.floor(math.log10(grouped["cell"])))
        lines.append(
            t(
                "picture.grouped",
                lang,
                n=fmt_int(grouped["n"], lang),
                cell=fmt_number(grouped["cell"], lang, decimals),
            )
        )
    credits = [t("picture.attribution", lang)]
    if datasets:
        names = [
            dataset_label(d, lang) + (f" ({SOURCES[d]['licence']})" if d in SOURCES else "")
            for d in datasets
        ]
        credits.append(t("picture.events_credit", lang, datasets=", ".join(names)))
    credits.append(t("picture.made_with", lang))
    return {"title": title, "subtitle": " · ".join(lines), "attribution": " · ".join(credits)}


def draw_picture(scope, state: ViewState, box, fmt: str, size: tuple[int, int]) -> bytes:
    """The PNG or SVG bytes of ``state`` showing ``box`` at ``size`` (width, height)."""
    from dashboard.figures.legend import key_items, words_needed
    from dashboard.figures.static import render_map

    layers = _layers(scope, state)
    events, datasets, grouped = _events(scope, state, box, size)
    types = events["event_type"].astype(str).unique() if events is not None else []
    texts = picture_texts(scope, state, datasets, grouped)
    lang = state.lang
    settlements = _settlements(scope, state)
    outcomes = settlements["outcome"].unique() if settlements is not None else []
    words = {k: t(k, lang) for k in words_needed(layers, types, outcomes)}
    try:
        return render_map(
            layers,
            events,
            bbox=box,
            lang=lang,
            theme=state.theme,
            key_items=key_items(
                layers, types, words, theme=state.theme, bbox=_around(box, size), outcomes=outcomes
            ),
            settlements=settlements,
            basemap=scope.data.derived(("picture", "basemap"), lambda: _basemap(scope.data)),
            places=_places_without(scope.data.places, settlements),
            fmt=fmt,
            width_px=size[0],
            height_px=size[1],
            # 96 dots an inch: an SVG of 1200 px is 900 pt, which browsers show 1200 CSS px
            # wide (at matplotlib's 100 it would be 1152).
            dpi=96,
            **texts,
        )
    except ValueError as exc:
        if str(exc).startswith("size:"):  # the texts and the key leave no room for the map
            raise FrontlineError(
                f"height: at {size[0]} px wide the title, key and attribution leave no "
                f"room for the map in {size[1]} px; ask for a taller picture (pictures "
                "720 px or wider keep the key beside the map and need less height)",
                param="height",
            ) from None
        raise


def _settlements(scope, state: ViewState) -> pd.DataFrame | None:
    """The settlements that changed hands in the view, as the map's settlements layer
    draws them (``lon``, ``lat``, ``outcome``, ``colour``, ``name`` in the view's
    language), or None when the layer is off or none did."""
    if "settlements" not in state.layers:
        return None
    from dashboard.figures.settlements import settlement_colour, settlement_name
    from dashboard.view_settlements import view_settlements

    places = view_settlements(scope, state).get("places") or []
    if not places:
        return None
    lang = state.lang
    return pd.DataFrame(
        {
            "lon": [float(p["lon"]) for p in places],
            "lat": [float(p["lat"]) for p in places],
            "outcome": [p["outcome"] for p in places],
            "colour": [settlement_colour(p["outcome"]) for p in places],
            "name": [settlement_name(p, lang) for p in places],
            "geonameid": [p.get("geonameid") for p in places],
        }
    )


def _places_without(places: pd.DataFrame, settlements: pd.DataFrame | None) -> pd.DataFrame:
    """The gazetteer without the settlements drawn (they are named beside their dot)."""
    if settlements is None or "geonameid" not in places.columns:
        return places
    return places[~places["geonameid"].isin(settlements["geonameid"])]


def _basemap(data):
    """The bundled basemap, and beyond its box (20-45° E, 41-57° N) the Natural Earth
    country outlines of the regions table: a wide view (a story's og:image reaches the
    Volga) would otherwise show land beyond the box as sea."""
    import geopandas as gpd

    base = gpd.read_parquet(data.data_dir / "basemap.parquet")
    countries = data.regions.countries
    if countries is None or base.empty:
        return base
    cover = shapely.box(*base.total_bounds)
    parts = shapely.get_parts(countries.geometry.values)
    parts = parts[shapely.get_type_id(parts) == 3]  # polygons (one country is a collection)
    land = shapely.union_all(parts)
    coast = shapely.boundary(land)
    # Land borders: every outline but the coast.
    borders = shapely.difference(
        shapely.union_all(shapely.boundary(parts)), shapely.buffer(coast, 1e-6)
    )
    extra = gpd.GeoDataFrame(
        {"kind": ["land", "coastline", "border"], "min_zoom": 0.0, "max_zoom": 24.0},
        geometry=[shapely.difference(g, cover) for g in (land, coast, borders)],
        crs=base.crs,
    )
    return pd.concat([base, extra[~extra.is_empty]], ignore_index=True)
