"""The map: events, control at the end of the period, ground gained/lost, borders, alerts.

:func:`map_update` is one part of the view callback in :mod:`dashboard.callbacks.panels`,
which updates the map and the panels beside it in one request.

Panning does not redraw: the view state store holds no map position (that lives in the
viewport store, read as State), and ``uirevision`` keeps the reader's camera across redraws.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from dash import Patch, no_update

from dashboard.callbacks.wire import plain
from dashboard.figures.geometry import tolerance_for_zoom
from dashboard.figures.map import TRACE_ORDER, build_map, event_slots, event_traces
from dashboard.figures.palette import BINS_COLOURSCALE
from dashboard.formatting import fmt_int
from dashboard.i18n import t
from dashboard.state import ViewState
from dashboard.view import cached, compute_view, view_alerts, view_change, view_snapshots
from geo import aggregate, gazetteer
from geo.errors import FrontlineError

__all__ = [
    "MAX_DRAWN",
    "event_layer",
    "map_figure",
    "map_update",
    "points_box",
    "precision_note",
    "render_key",
    "visible_bbox",
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
_CELLS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0)
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


def _cell(zoom) -> float:
    # About 20 px per cell at this zoom, snapped to a round size so cells stay put.
    target = 360.0 / (256 * 2 ** float(5 if zoom is None else zoom)) * 20
    return next((c for c in _CELLS if c >= target), 5.0)


def render_key(
    store, state: ViewState, viewport: dict | None, max_points: int = MAX_DRAWN
) -> tuple:
    """What decides the event layer: points in the visible box (at most ``max_points``),
    or bins at a cell size."""
    view = compute_view(store, state)
    pos = view.get("positions")
    if pos is None or "events" not in state.layers:
        return ("all",)
    bbox = visible_bbox(viewport)
    vis = store.columns().in_bbox(pos, bbox) if bbox else pos
    if len(vis) <= max_points:
        return ("points", points_box(viewport))
    return ("bins", _cell((viewport or {}).get("z")))


def event_layer(
    store, state: ViewState, viewport: dict | None, max_points: int = MAX_DRAWN
) -> list:
    """The event traces for ``state`` at ``viewport``: markers for the events in the
    visible box when there are at most ``max_points``, else one trace of square bins
    over all filtered events (their counts add up to the filtered total)."""
    view = compute_view(store, state)
    pos = view.get("positions")
    lang = state.lang
    if pos is None:
        return event_traces(view["events"], lang, lambda k: t(k, lang), None)
    key = render_key(store, state, viewport, max_points)
    cols = store.columns()
    if key[0] == "points":
        vis = cols.in_bbox(pos, key[1]) if key[1] else pos
        # The compact rows with what the markers and hovers show: no geometry is built.
        rows = store.rows(vis, _MARKER_COLUMNS)
        return event_traces(rows, lang, lambda k: t(k, lang), None)
    cell = key[1]
    bins = aggregate.spatial_bins(cols.x[pos], cols.y[pos], cell_deg=cell)
    lon, lat, counts = bins["lon"].to_numpy(), bins["lat"].to_numpy(), bins["count"].to_numpy()
    # Only what the bins need leaves the server: rounded centres and counts, no ids.
    return [
        {
            "type": "scattermap",
            "lon": np.round(lon, 3),
            "lat": np.round(lat, 3),
            "mode": "markers",
            "name": t("events.bins", lang),
            "marker": {
                "size": np.round(6 + 22 * np.sqrt(counts / counts.max()), 1),
                "color": counts,
                "colorscale": BINS_COLOURSCALE,
                "opacity": 0.8,
                "showscale": False,
            },
            "customdata": counts,
            "hovertemplate": t("hover.count", lang) + ": %{customdata}<extra></extra>",
            "below": "",
            "meta": {"role": "events", "kind": "bins", "cell_deg": cell},
        }
    ]


def base_key(state: ViewState, viewport: dict | None, version: int = 0) -> str:
    """What decides everything on the map but the events: the control layers (end date,
    period and regions for gains and losses), alerts, language, theme, basemap, shown
    layers and the display simplification of the current zoom. Filters of events (type,
    actor, text, precision, dataset) do not change it, so they only patch the events."""
    zoom = (viewport or {}).get("z")
    return repr((version, state.date_from, state.date_to, state.regions, state.by,
                 state.alerts, state.lang, state.theme, state.basemap, state.layers,
                 tolerance_for_zoom(zoom)))  # fmt: skip


def base_layers(store, state: ViewState) -> dict:
    """What the map draws besides the events, as build_map's arguments: control at the end
    of the period, the period's gains and losses, borders, labels, alert hours. Needs no
    event (so the server can prepare the default view while the events load)."""
    layers = state.layers
    snapshots = view_snapshots(store, state)
    territory = {k: s.geometry for k, s in snapshots.items()} if "territory" in layers else {}
    change = view_change(store, state, state.regions) if "changes" in layers else None
    if isinstance(change, FrontlineError):
        change = None
    admin1 = store.regions.admin1
    return {
        "territory": territory,
        "gained": change.gained if change is not None else _EMPTY,
        "lost": change.lost if change is not None else _EMPTY,
        "admin1": admin1 if "borders" in layers else admin1.iloc[0:0],
        "countries": store.regions.countries,
        "labels": cached(store, ("labels",), lambda: gazetteer.labels(store.places, limit=200)),
    }


def base_figure(store, state: ViewState, viewport: dict | None = None, version: int = 0) -> dict:
    """The map without events (empty event slots), cached per :func:`base_key`."""
    viewport = viewport or {}

    def compute():
        center = None
        if viewport.get("lat") is not None:
            center = (viewport["lat"], viewport["lon"])  # build_map takes (lat, lon)
        alerts = view_alerts(store, state)
        return build_map(
            events=None,
            event_data=[],
            **base_layers(store, state),
            alert_hours=alerts["hours"] if alerts else None,
            lang=state.lang,
            theme=state.theme,
            basemap=state.basemap,
            center=center,
            zoom=viewport.get("z"),
            selected_regions=state.regions,
            t=lambda key: t(key, state.lang),
        )

    return cached(store, ("map-base", base_key(state, viewport, version)), compute)


def map_figure(store, state: ViewState, viewport: dict | None = None, version: int = 0) -> dict:
    """The map figure for ``state``: :func:`base_figure` with the event slots filled."""
    base = base_figure(store, state, viewport, version)
    events = event_layer(store, state, viewport) if "events" in state.layers else []
    keep = base["data"][: len(base["data"]) - len(TRACE_ORDER)]
    return {"data": [*keep, *event_slots(events)], "layout": base["layout"]}


def precision_note(store, state: ViewState) -> str:
    """ "hides 12 region-level events" / "would hide 12 …", in the reader's language."""
    view = compute_view(store, state)
    hidden, region_level = view["hidden"], view["region_level"]
    if state.precision is not None:
        return t("filters.hidden", state.lang, n=fmt_int(hidden, state.lang))
    return t("filters.would_hide", state.lang, n=fmt_int(region_level, state.lang))


def map_update(store, data: dict, version, viewport, previous_key) -> tuple:
    """The map's ``figure``, key and precision note for the view state ``data``: nothing
    when the key is the one drawn, a patch of the event slots when only the events
    changed, else the whole figure."""
    state = ViewState.from_dict(data)
    base = base_key(state, viewport, version or 0)
    key = base + "|" + repr((state.key(), render_key(store, state, viewport)))
    if key == previous_key:
        return no_update, no_update, no_update
    note = precision_note(store, state)
    if previous_key and previous_key.split("|")[0] == base:
        # Only the events changed (a filter, the zoom or the visible box): replace the
        # event slots in place; the layers and the basemap stay in the browser.
        patch = events_patch(store, state, viewport, version or 0)
        return plain(patch), key, note
    return map_figure(store, state, viewport, version or 0), key, note


def slots_patch(patch: Patch, figure: dict, events: list[dict]) -> Patch:
    """Set the event slots of ``figure`` (in the browser) to ``events`` in ``patch``."""
    offset = len(figure["data"]) - len(TRACE_ORDER)
    for i, trace in enumerate(event_slots(events)):
        patch["data"][offset + i] = trace
    return patch


def events_patch(store, state: ViewState, viewport, version: int) -> Patch:
    """A Patch replacing the map's event slots (basemap, layers and layout stay)."""
    events = event_layer(store, state, viewport) if "events" in state.layers else []
    return slots_patch(Patch(), base_figure(store, state, viewport, version), events)
