"""The map: events, control at the end of the period, ground gained/lost, borders, alerts.

:func:`map_update` is one part of the view callback in :mod:`dashboard.callbacks.panels`,
which updates the map and the panels beside it in one request.

The map's base (layers, basemap, labels) is cached without a camera: the centre and zoom of
the request are set on a copy (:func:`with_camera`), so a cached base never carries one
reader's map position into another reader's permalink. Panning does not redraw: the view
state store holds no map position (that lives in the viewport store), and ``uirevision``
keeps the reader's camera across redraws.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import shapely
from dash import Patch, no_update

from dashboard.callbacks.table import region_names
from dashboard.callbacks.wire import plain
from dashboard.figures.basemap import base_geometry, label_level, label_sources
from dashboard.figures.events import bins_trace, selected_trace
from dashboard.figures.geometry import layer_index, tolerance_for_zoom
from dashboard.figures.map import (
    DEFAULT_CENTER,
    DEFAULT_ZOOM,
    TRACE_ORDER,
    build_map,
    event_slots,
    event_traces,
)
from dashboard.figures.palette import EVENT_TYPE_COLOURS
from dashboard.formatting import fmt_int, fmt_km2
from dashboard.i18n import t
from dashboard.scope import Scope
from dashboard.state import ViewState
from dashboard.view import compute_view, view_alerts, view_change, view_snapshots
from dashboard.view_settlements import view_settlements
from geo import aggregate
from geo.errors import FrontlineError
from geo.labels import label_tiers

__all__ = [
    "MAX_DRAWN",
    "base_figure",
    "base_key",
    "base_layers",
    "event_layer",
    "events_patch",
    "map_figure",
    "map_update",
    "points_box",
    "precision_note",
    "render_key",
    "slots_patch",
    "visible_bbox",
    "with_camera",
]

_EMPTY = shapely.Polygon()
#: Above this many events in the visible area the map draws square bins, not markers. At a
#: country's zoom a few thousand markers already cover each other, and a marker with its
#: hover values is ~90 bytes of JSON: 5,000 keep any view near 200 kB compressed for a
#: phone (20,000 had meant 1.2 MB of JSON and ~40 ms of server time per view). Zooming in
#: turns bins back into markers.
MAX_DRAWN = 5_000
# The largest map the layouts show, in CSS pixels: the visible box is taken this big so a
# wide screen never misses events at its edges.
_VIEW_PX = (1600, 1000)
_MARKER_COLUMNS = ("event_id", "date", "event_type", "location", "admin1", "country",
                   "geo_precision", "fatalities", "lon", "lat")  # fmt: skip


def visible_bbox(viewport: dict | None):
    """(west, south, east, north) the map shows at ``viewport`` (None: unknown)."""
    if not viewport or viewport.get("z") is None or viewport.get("lat") is None:
        return None
    deg = 360.0 / (256 * 2 ** float(viewport["z"]))  # degrees of longitude per pixel
    half_w = deg * _VIEW_PX[0] / 2
    half_h = deg * _VIEW_PX[1] / 2 * math.cos(math.radians(float(viewport["lat"])))
    lon, lat = float(viewport["lon"]), float(viewport["lat"])
    return (max(lon - half_w, -180), max(lat - half_h, -90),
            min(lon + half_w, 180), min(lat + half_h, 90))  # fmt: skip


def points_box(viewport: dict | None):
    """The box whose events are drawn as points: the visible box rounded outward to 0.1°,
    so small pans inside it reuse the same points (None: everything)."""
    bbox = visible_bbox(viewport)
    if bbox is None:
        return None
    west, south, east, north = bbox
    return (
        max(math.floor(west * 10) / 10, -180.0),
        max(math.floor(south * 10) / 10, -90.0),
        min(math.ceil(east * 10) / 10, 180.0),
        min(math.ceil(north * 10) / 10, 90.0),
    )


def render_key(
    scope: Scope, state: ViewState, viewport: dict | None, max_points: int = MAX_DRAWN
) -> tuple:
    """What decides the event layer: points in the visible box (at most ``max_points``),
    or bins at a cell size."""
    if "events" not in state.layers:
        return ("none",)
    pos = compute_view(scope, state)["positions"]
    bbox = visible_bbox(viewport)
    vis = scope.data.columns.in_bbox(pos, bbox) if bbox else pos
    if len(vis) <= max_points:
        return ("points", points_box(viewport))
    zoom = (viewport or {}).get("z")
    return ("bins", aggregate.cell_for_zoom(DEFAULT_ZOOM if zoom is None else zoom))


def event_layer(
    scope: Scope, state: ViewState, viewport: dict | None, max_points: int = MAX_DRAWN
) -> list:
    """The event traces for ``state`` at ``viewport``: markers for the events in the
    visible box when there are at most ``max_points``, else one trace of square bins
    over all filtered events (their counts add up to the filtered total); and a ring
    under the open event (``state.event``)."""
    key = render_key(scope, state, viewport, max_points)
    ring = _selected(scope, state.event)
    if key[0] == "none":
        return ring
    pos = compute_view(scope, state)["positions"]
    cols, lang = scope.data.columns, state.lang
    if key[0] == "points":
        vis = cols.in_bbox(pos, key[1]) if key[1] else pos
        # The compact rows with what the markers and hovers show: no geometry is built.
        rows = scope.data.rows(vis, _MARKER_COLUMNS)
        names = scope.data.derived(
            ("region-names", lang), lambda: region_names(scope.data.regions, lang)
        )
        return [*ring, *event_traces(rows, lang, lambda k: t(k, lang), region_names=names)]
    return [*ring, bins_trace(cols.x[pos], cols.y[pos], key[1], lang, lambda k: t(k, lang))]


def _selected(scope: Scope, event_id: str | None) -> list[dict]:
    row = scope.data.event(event_id) if event_id else None
    if row is None:
        return []
    return [selected_trace(row.geometry.x, row.geometry.y, str(row["event_id"]))]


def drawn_kinds(scope: Scope, state: ViewState, viewport: dict | None) -> set[str]:
    """The kinds of event marks the map draws for ``state`` (for its key): the event types
    of the markers in view and ``region_level``, or ``bins``."""
    key = render_key(scope, state, viewport)
    if key[0] == "none":
        return set()
    if key[0] == "bins":
        return {"bins"}
    cols = scope.data.columns
    pos = compute_view(scope, state)["positions"]
    vis = cols.in_bbox(pos, key[1]) if key[1] else pos
    exact = vis[cols.precision[vis] < 3]
    kinds = {str(cols.types[c]) for c in np.unique(cols.event_type[exact]) if c >= 0}
    kinds = {k if k in EVENT_TYPE_COLOURS else "other" for k in kinds}
    if (cols.precision[vis] >= 3).any():
        kinds.add("region_level")
    return kinds


def base_key(scope: Scope, state: ViewState, viewport: dict | None) -> str:
    """What decides everything on the map but the events and the camera: the data version,
    the control layers (end date, period and regions for gains and losses), alerts,
    language, theme, basemap, shown layers and the display simplification of the current
    zoom. Filters of events (type, actor, text, precision, dataset) do not change it, so
    they only patch the events."""
    zoom = (viewport or {}).get("z")
    return repr((scope.version, state.date_from, state.date_to, state.regions, state.by,
                 state.alerts, state.lang, state.theme, state.basemap, state.layers,
                 tolerance_for_zoom(zoom)))  # fmt: skip


def base_layers(scope: Scope, state: ViewState, zoom: float | None = None) -> dict:
    """What the map draws besides the events, as build_map's arguments: control at the end
    of the period, the period's gains and losses with their km² label, the basemap and the
    place labels of this zoom, the selected regions, alert hours."""
    layers = state.layers
    snapshots = view_snapshots(scope, state)
    territory = {k: s.geometry for k, s in snapshots.items()} if "territory" in layers else {}
    change = view_change(scope, state, state.regions) if "changes" in layers else None
    if isinstance(change, FrontlineError):
        change = None
    data = scope.data
    regions = data.regions
    selected = None
    if state.regions and set(state.regions) <= set(regions.codes):
        selected = regions.geometry(state.regions)
    return {
        "territory": territory,
        "gained": change.gained if change is not None else _EMPTY,
        "lost": change.lost if change is not None else _EMPTY,
        "base": basemap_of(data, "borders" in layers),
        "admin1": regions.admin1,
        "selected": selected,
        "change_label": change_label(change, state.lang),
        "settlements": view_settlements(scope, state) if "settlements" in layers else None,
    }


def basemap_of(data, borders: bool = True):
    """The basemap geometry of a data version (derived once per version)."""
    base = data.derived(("basemap",), lambda: base_geometry(data.regions, data.basemap))
    return base if borders else replace(base, admin1=None)


#: Labels are sent for the visible box and this much around it (a share of its size), on a
#: grid of whole degrees, so pans within it need nothing new; never beyond the region the
#: map is about (a country-wide view does not need Beijing's name).
_LABEL_MARGIN = 0.25
_LABEL_REGION = (14.0, 38.0, 60.0, 62.0)


def labels_box(viewport: dict | None) -> tuple[float, float, float, float]:
    """The box whose places are labelled for ``viewport``."""
    bbox = visible_bbox(viewport) or visible_bbox(
        {"lat": DEFAULT_CENTER[0], "lon": DEFAULT_CENTER[1], "z": DEFAULT_ZOOM}
    )
    west, south, east, north = bbox
    dx, dy = (east - west) * _LABEL_MARGIN, (north - south) * _LABEL_MARGIN
    w, s, e, n = _LABEL_REGION
    return (
        max(math.floor(west - dx), w),
        max(math.floor(south - dy), s),
        min(math.ceil(east + dx), e),
        min(math.ceil(north + dy), n),
    )


def labels_key(state: ViewState, viewport: dict | None) -> tuple:
    """What decides the place labels: language, the zoom level and the labelled box."""
    zoom = (viewport or {}).get("z")
    return (state.lang, label_level(DEFAULT_ZOOM if zoom is None else float(zoom)),
            labels_box(viewport))  # fmt: skip


def label_layer_sources(scope: Scope, state: ViewState, viewport) -> dict[int, dict]:
    """``{layer index: GeoJSON}`` of the place labels for ``viewport``, cached per
    :func:`labels_key` (every date and region change redraws the map with the same labels)."""
    data = scope.data
    zoom = (viewport or {}).get("z")

    def compute():
        tiers = data.derived(("label-tiers", state.lang),
                             lambda: label_tiers(data.places, state.lang))  # fmt: skip
        sources = label_sources(tiers, zoom, labels_box(viewport))
        return {layer_index(f"places.{i}"): src for i, src in enumerate(sources)}

    return scope.cached(("map-labels", *labels_key(state, viewport)), compute)


def change_label(change, lang: str) -> dict | None:
    """Where and what the map writes about the period's gain: "+398.6 km²" beside the
    largest piece of gained ground (None when nothing was gained)."""
    if change is None or change.gained is None or change.gained.is_empty:
        return None
    parts = list(shapely.get_parts(change.gained))
    largest = max(parts, key=lambda g: g.area)
    point = largest.representative_point()
    return {"lon": round(point.x, 4), "lat": round(point.y, 4),
            "text": fmt_km2(change.gained_km2, lang, sign=True)}  # fmt: skip


def base_figure(scope: Scope, state: ViewState, viewport: dict | None = None) -> dict:
    """The map without events (empty event slots) and without a camera, cached per
    :func:`base_key`."""
    zoom = (viewport or {}).get("z")

    def compute():
        alerts = view_alerts(scope, state)
        return build_map(
            events=None,
            event_data=[],
            **base_layers(scope, state, zoom),
            alert_hours=alerts["hours"] if alerts else None,
            lang=state.lang,
            theme=state.theme,
            basemap=state.basemap,
            zoom=zoom,
            t=lambda key: t(key, state.lang),
            # The reader's camera is kept until the regions change: then the map moves to
            # them (the permalink callback sets the viewport that fits them).
            uirevision="frontline-map|" + ",".join(state.regions),
        )

    return scope.cached(("map-base", base_key(scope, state, viewport)), compute)


def with_camera(figure: dict, viewport: dict | None) -> dict:
    """``figure`` looking at ``viewport`` (its centre and zoom, exactly as given), or at
    the default view; the figure itself is not changed."""
    layout = dict(figure["layout"])
    layout["map"] = dict(layout["map"])
    if viewport and viewport.get("z") is not None and viewport.get("lat") is not None:
        lat, lon, zoom = float(viewport["lat"]), float(viewport["lon"]), float(viewport["z"])
    else:
        (lat, lon), zoom = DEFAULT_CENTER, DEFAULT_ZOOM
    layout["map"]["center"] = {"lat": lat, "lon": lon}
    layout["map"]["zoom"] = zoom
    return {"data": figure["data"], "layout": layout}


def map_figure(scope: Scope, state: ViewState, viewport: dict | None = None) -> dict:
    """The map figure for ``state``: :func:`base_figure` with the event slots and the
    place labels filled, at the request's camera."""
    base = base_figure(scope, state, viewport)
    events = event_layer(scope, state, viewport)
    keep = base["data"][: len(base["data"]) - len(TRACE_ORDER)]
    figure = with_camera(
        {"data": [*keep, *event_slots(events)], "layout": base["layout"]}, viewport
    )
    layers = list(figure["layout"]["map"]["layers"])
    for i, source in label_layer_sources(scope, state, viewport).items():
        layers[i] = {**layers[i], "source": source}
    figure["layout"]["map"]["layers"] = layers
    return figure


def precision_note(scope: Scope, state: ViewState) -> str:
    """ "hides 12 region-level events" / "would hide 12 …", in the reader's language."""
    view = compute_view(scope, state)
    hidden, region_level = view["hidden"], view["region_level"]
    if state.precision is not None:
        return t("filters.hidden", state.lang, n=fmt_int(hidden, state.lang))
    return t("filters.would_hide", state.lang, n=fmt_int(region_level, state.lang))


def map_update(scope: Scope, data: dict, viewport, previous_key, event=None) -> tuple:
    """The map's ``figure``, key and precision note for the view state ``data`` (and the
    open ``event``): nothing when the key is the one drawn, a patch of the event slots when
    only the events changed, else the whole figure."""
    state = ViewState.from_dict(data).replace(event=event)
    base = base_key(scope, state, viewport)
    labels = repr(labels_key(state, viewport))
    events = repr((state.key(), render_key(scope, state, viewport), state.event))
    key = "|".join([base, events, labels])
    if key == previous_key:
        return no_update, no_update, no_update
    note = precision_note(scope, state)
    parts = (previous_key or "").split("|")
    if previous_key and parts[0] == base:
        # Only the events (a filter, the zoom or the visible box) or the labelled box
        # changed: replace those in place; the layers, the basemap and the camera stay.
        patch = events_patch(scope, state, viewport)
        if parts[-1] != labels:
            for i, source in label_layer_sources(scope, state, viewport).items():
                patch["layout"]["map"]["layers"][i]["source"] = source
        return plain(patch), key, note
    return map_figure(scope, state, viewport), key, note


def slots_patch(patch: Patch, figure: dict, events: list[dict]) -> Patch:
    """Set the event slots of ``figure`` (in the browser) to ``events`` in ``patch``."""
    offset = len(figure["data"]) - len(TRACE_ORDER)
    for i, trace in enumerate(event_slots(events)):
        patch["data"][offset + i] = trace
    return patch


def events_patch(scope: Scope, state: ViewState, viewport) -> Patch:
    """A Patch replacing the map's event slots (basemap, layers and layout stay)."""
    events = event_layer(scope, state, viewport)
    return slots_patch(Patch(), base_figure(scope, state, viewport), events)
