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

import shapely
from dash import Patch, no_update

from dashboard.callbacks.wire import plain
from dashboard.figures.events import bins_trace
from dashboard.figures.geometry import tolerance_for_zoom
from dashboard.figures.map import (
    DEFAULT_CENTER,
    DEFAULT_ZOOM,
    TRACE_ORDER,
    build_map,
    event_slots,
    event_traces,
)
from dashboard.formatting import fmt_int
from dashboard.i18n import t
from dashboard.scope import Scope
from dashboard.state import ViewState
from dashboard.view import compute_view, view_alerts, view_change, view_snapshots
from geo import aggregate, gazetteer
from geo.errors import FrontlineError

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
_MARKER_COLUMNS = ("event_id", "date", "event_type", "location", "admin1", "geo_precision",
                   "fatalities", "lon", "lat")  # fmt: skip


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
    over all filtered events (their counts add up to the filtered total)."""
    key = render_key(scope, state, viewport, max_points)
    if key[0] == "none":
        return []
    pos = compute_view(scope, state)["positions"]
    cols, lang = scope.data.columns, state.lang
    if key[0] == "points":
        vis = cols.in_bbox(pos, key[1]) if key[1] else pos
        # The compact rows with what the markers and hovers show: no geometry is built.
        rows = scope.data.rows(vis, _MARKER_COLUMNS)
        return event_traces(rows, lang, lambda k: t(k, lang))
    return [bins_trace(cols.x[pos], cols.y[pos], key[1], lang, lambda k: t(k, lang))]


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


def base_layers(scope: Scope, state: ViewState) -> dict:
    """What the map draws besides the events, as build_map's arguments: control at the end
    of the period, the period's gains and losses, borders, labels, alert hours. Needs no
    event (so the server can prepare the default view while the events load)."""
    layers = state.layers
    snapshots = view_snapshots(scope, state)
    territory = {k: s.geometry for k, s in snapshots.items()} if "territory" in layers else {}
    change = view_change(scope, state, state.regions) if "changes" in layers else None
    if isinstance(change, FrontlineError):
        change = None
    regions = scope.data.regions
    admin1 = regions.admin1
    places = scope.data.places
    return {
        "territory": territory,
        "gained": change.gained if change is not None else _EMPTY,
        "lost": change.lost if change is not None else _EMPTY,
        "admin1": admin1 if "borders" in layers else admin1.iloc[0:0],
        "countries": regions.countries,
        "labels": scope.data.derived(("labels",), lambda: gazetteer.labels(places, limit=200)),
    }


def base_figure(scope: Scope, state: ViewState, viewport: dict | None = None) -> dict:
    """The map without events (empty event slots) and without a camera, cached per
    :func:`base_key`."""
    zoom = (viewport or {}).get("z")

    def compute():
        alerts = view_alerts(scope, state)
        return build_map(
            events=None,
            event_data=[],
            **base_layers(scope, state),
            alert_hours=alerts["hours"] if alerts else None,
            lang=state.lang,
            theme=state.theme,
            basemap=state.basemap,
            zoom=zoom,
            selected_regions=state.regions,
            t=lambda key: t(key, state.lang),
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
    """The map figure for ``state``: :func:`base_figure` with the event slots filled, at
    the request's camera."""
    base = base_figure(scope, state, viewport)
    events = event_layer(scope, state, viewport)
    keep = base["data"][: len(base["data"]) - len(TRACE_ORDER)]
    return with_camera({"data": [*keep, *event_slots(events)], "layout": base["layout"]},
                       viewport)  # fmt: skip


def precision_note(scope: Scope, state: ViewState) -> str:
    """ "hides 12 region-level events" / "would hide 12 …", in the reader's language."""
    view = compute_view(scope, state)
    hidden, region_level = view["hidden"], view["region_level"]
    if state.precision is not None:
        return t("filters.hidden", state.lang, n=fmt_int(hidden, state.lang))
    return t("filters.would_hide", state.lang, n=fmt_int(region_level, state.lang))


def map_update(scope: Scope, data: dict, viewport, previous_key) -> tuple:
    """The map's ``figure``, key and precision note for the view state ``data``: nothing
    when the key is the one drawn, a patch of the event slots when only the events
    changed, else the whole figure."""
    state = ViewState.from_dict(data)
    base = base_key(scope, state, viewport)
    key = base + "|" + repr((state.key(), render_key(scope, state, viewport)))
    if key == previous_key:
        return no_update, no_update, no_update
    note = precision_note(scope, state)
    if previous_key and previous_key.split("|")[0] == base:
        # Only the events changed (a filter, the zoom or the visible box): replace the
        # event slots in place; the layers, the basemap and the camera stay as they are.
        patch = events_patch(scope, state, viewport)
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
