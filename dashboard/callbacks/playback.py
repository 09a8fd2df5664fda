"""Playback: the front line and the events stepping through the selected period.

Pressing Play asks the server once for every frame of the period (:func:`playback_frames`),
into a ``dcc.Store``; ``assets/playback.js`` then steps through the frames on the browser's
clock and draws each on the map graph itself, so no step waits for the server and none is
skipped: the next step starts once the one before has been drawn. At the end the map is
redrawn exactly as the server drew it (the map graph's ``figure``).

A frame carries only what differs from the frame before: the GeoJSON of the control and
change layers that moved, and the event slots whose traces changed. The first frame is a
key frame with all of them, so it can be drawn over any map of the same view.
"""

from __future__ import annotations

import datetime as dt
import math

import orjson
from dash import ClientsideFunction, Input, Output, State

from dashboard import ids
from dashboard.callbacks.map import change_label, event_layer, points_box
from dashboard.figures.events import TRACE_ORDER, event_slots
from dashboard.figures.geometry import (
    DEFAULT_ZOOM,
    LAYER_ORDER,
    TERRITORY_LAYERS,
    layer_sources,
    tolerance_for_zoom,
)
from dashboard.formatting import fmt_date
from dashboard.i18n import t
from dashboard.state import ViewState
from dashboard.view import view_change, view_snapshots
from geo.aggregate import cell_for_zoom
from geo.calendar import period_bounds
from geo.errors import FrontlineError

__all__ = [
    "MAX_STEPS",
    "PLAYBACK_MAX_POINTS",
    "cached_frames",
    "frame_dates",
    "layer_groups",
    "playback_frames",
    "register",
]

#: Playback draws events as markers only while this few are in view (bins above): a step
#: is a frame of an animation and every marker of every step travels with the frames.
PLAYBACK_MAX_POINTS = 250
#: Most steps one playback sends; a longer period steps by week (then by month). A step
#: is 1.5-2.5 kB of gzipped frames at the country's zoom and about 12 kB at zoom 8 (the
#: whole front, simplified for one zoom level out), so a playback stays under ~1.5 MB.
MAX_STEPS = 120
_COARSER = {"day": "week", "week": "month"}
_KM2_LABEL = "change.label"


def frame_dates(
    date_from: dt.date, date_to: dt.date, step: str, limit: int = MAX_STEPS
) -> tuple[str, int, list[dt.date]]:
    """The dates playback shows for the period ``[date_from, date_to)``.

    The first frame is ``date_from`` (nothing has happened yet), then the end of each day,
    ISO week or calendar month of the period (:func:`geo.calendar.period_bounds`); the last
    is ``date_to``, the map of the whole period. When ``step`` would take more than
    ``limit`` steps, the next coarser step is used (day, week, month), and beyond that
    every ``k``-th month.

    Returns ``(step used, k, dates)``; ``k`` is 1 unless months had to be thinned out.
    """
    if step not in _COARSER and step != "month":
        raise FrontlineError(f"step: expected day, week or month, got {step!r}", param="step")
    by = step
    bounds = period_bounds(date_from, date_to, by)
    while len(bounds) > limit and by in _COARSER:
        by = _COARSER[by]
        bounds = period_bounds(date_from, date_to, by)
    ends = [end for _, end in bounds]
    every = max(1, math.ceil(len(ends) / limit))
    if every > 1:
        ends = ends[every - 1 :: every] + ([] if (len(ends) % every) == 0 else [ends[-1]])
    return by, every, [date_from, *ends]


def layer_groups(state: ViewState) -> dict[str, list[str]]:
    """The map layers playback moves, by the geometry they draw: ``{"russian_held":
    ["russian_held.fill", "russian_held.line"], "gained": [...], ...}``; one GeoJSON per
    group and frame serves all its layers. Only the layers the view shows: control areas
    with ``territory``, gained and lost ground with ``changes``."""
    groups: dict[str, list[str]] = {}
    for index in sorted(layer_sources({}, None, None)):
        name = LAYER_ORDER[index]
        group = name.split(".")[0]
        wanted = "territory" if group in TERRITORY_LAYERS else "changes"
        if wanted in state.layers:
            groups.setdefault(group, []).append(name)
    if _KM2_LABEL in LAYER_ORDER and "changes" in state.layers:
        groups["change"] = [_KM2_LABEL]  # the km² gained so far, not the period's
    return groups


def _km2_label(change, lang: str) -> dict:
    """The GeoJSON of the km² label layer for ``change`` (as the map draws it)."""
    spot = change_label(change, lang) if change is not None else None
    if not spot:
        return {"type": "FeatureCollection", "features": []}
    point = {"type": "Point", "coordinates": [spot["lon"], spot["lat"]]}
    feature = {"type": "Feature", "geometry": point, "properties": {"name": spot["text"]}}
    return {"type": "FeatureCollection", "features": [feature]}


def _group_sources(scope, state: ViewState, until: dt.date, zoom: float, groups) -> dict:
    """``{group: GeoJSON}`` of the map early on ``until``: control on that day, and the
    ground gained and lost from the start of the period to it."""
    territory, change = {}, None
    if any(g in TERRITORY_LAYERS for g in groups):
        snapshots = view_snapshots(scope, state.replace(date_to=until))
        territory = {k: s.geometry for k, s in snapshots.items()}
    if until > state.date_from and any(g not in TERRITORY_LAYERS for g in groups):
        # The same figure the period's map uses (and its cache): the change layer.
        change = view_change(scope, state.replace(date_to=until), state.regions)
        if isinstance(change, FrontlineError):
            change = None
    gained, lost = (change.gained, change.lost) if change is not None else (None, None)
    sources = layer_sources(territory, gained, lost, zoom)
    if "change" in groups:
        sources[LAYER_ORDER.index(_KM2_LABEL)] = _km2_label(change, state.lang)
    index = {name: i for i, name in enumerate(LAYER_ORDER)}
    return {group: sources[index[names[0]]] for group, names in groups.items()}


def _event_slots(scope, state: ViewState, until: dt.date, viewport) -> list[dict]:
    """The event slots of the map early on ``until``: the events dated before it."""
    traces = []
    if "events" in state.layers and until > state.date_from:
        upto = state.replace(date_to=until)
        traces = event_layer(scope, upto, viewport, max_points=PLAYBACK_MAX_POINTS)
    return event_slots(traces)


def _label(state: ViewState, until: dt.date, note: str | None) -> str:
    label = t("play.at", state.lang, date=fmt_date(until, state.lang))
    return f"{label} · {note}" if note else label


def _note(state: ViewState, asked: str, by: str, every: int, limit: int) -> str | None:
    """Why playback steps by more than the reader asked for (None when it does not)."""
    if every > 1:
        return t("play.coarse.months", state.lang, k=every, n=limit)
    if by != asked:
        return t(f"play.coarse.{by}", state.lang, n=limit)
    return None


def playback_frames(
    scope, state: ViewState, viewport: dict | None, step: str = "day", limit: int = MAX_STEPS
) -> dict:
    """Every frame of a playback of ``state``'s period, for the browser to step through.

    Parameters
    ----------
    scope : the request's :class:`dashboard.scope.Scope`.
    state : the view; its filters decide the events, its layers which layers move.
    viewport : the map's ``{"lat", "lon", "z"}`` (or None): which events are in view, and
        the display simplification (one zoom level out of the map's: a frame of an
        animation needs half the vertices of the still map, and areas are not affected).
    step : ``"day"``, ``"week"`` or ``"month"``; coarser when it would take more than
        ``limit`` steps (:func:`frame_dates`), and the labels say so.

    Returns
    -------
    dict, plain data for a ``dcc.Store``::

        {"step": "day", "layers": {group: [layer names]}, "slots": [kinds],
         "frames": [{"date": "2024-10-01", "label": "Showing up to 1 October 2024",
                     "layers": {group: GeoJSON}, "events": {kind: trace}}, ...]}

    The first frame has every group and slot (a key frame); each later one only those
    that differ from the frame before. Event slots are :data:`TRACE_ORDER`, drawn as
    markers while at most :data:`PLAYBACK_MAX_POINTS` events are in view, else as bins.
    """
    by, every, dates = frame_dates(state.date_from, state.date_to, step, limit)
    note = _note(state, step, by, every, limit)
    zoom = (viewport or {}).get("z")
    zoom = (DEFAULT_ZOOM if zoom is None else float(zoom)) - 1
    groups = layer_groups(state)
    frames, shown_layers, shown_slots = [], {}, {}
    for until in dates:
        sources = _group_sources(scope, state, until, zoom, groups)
        layers = {g: s for g, s in sources.items() if shown_layers.get(g) is not s
                  and _bytes(shown_layers.get(g)) != _bytes(s)}  # fmt: skip
        shown_layers.update(layers)
        events = {}
        for kind, trace in zip(TRACE_ORDER, _event_slots(scope, state, until, viewport),
                               strict=True):  # fmt: skip
            encoded = _bytes(trace)
            if shown_slots.get(kind) != encoded:
                events[kind] = trace
                shown_slots[kind] = encoded
        frames.append({"date": until.isoformat(), "label": _label(state, until, note),
                       "layers": layers, "events": events})  # fmt: skip
    return {"step": by, "layers": groups, "slots": list(TRACE_ORDER), "frames": frames}


def _bytes(value) -> bytes | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)


def cached_frames(
    scope, state: ViewState, viewport: dict | None, step: str = "day", limit: int = MAX_STEPS
) -> dict:
    """:func:`playback_frames`, cached for every reader of the same view (the default
    view's playback is the one most readers start)."""
    zoom = (viewport or {}).get("z")
    zoom = DEFAULT_ZOOM if zoom is None else float(zoom)
    # What decides the frames: the filters, the shown layers, the language of the labels,
    # the step, the display simplification and which events are in view (the visible box
    # rounded as the map rounds it, and the bin size of the zoom).
    key = ("play-frames", state.key(), state.layers, state.lang, step, limit,
           tolerance_for_zoom(zoom - 1), points_box(viewport), cell_for_zoom(zoom))  # fmt: skip
    # Kept as JSON bytes: the cache bounds its memory by size, and nested dicts of
    # GeoJSON would be counted only a few levels deep.
    raw = scope.cached(key, lambda: _bytes(playback_frames(scope, state, viewport, step, limit)))
    return orjson.loads(raw)


def register(app, rt) -> None:
    """Attach the frames request (server) and the player (browser, ``assets/playback.js``)."""

    @app.callback(
        Output(ids.PLAY_FRAMES, "data"),
        Output(ids.MAP_KEY, "data", allow_duplicate=True),
        Input(ids.PLAY_REQUEST, "data"),
        State(ids.STATE, "data"),
        State(ids.VIEWPORT, "data"),
        State(ids.PAGE, "data"),
        prevent_initial_call=True,
    )
    def frames(request, data, viewport, page):
        from dashboard.callbacks.panels import scope_for

        request = request or {}
        step = request.get("step") if request.get("step") in ("day", "week") else "day"
        state = ViewState.from_dict(data)
        out = cached_frames(scope_for(rt, page), state, viewport, step)
        # The browser drops the answer to a request it has since replaced.
        out["request"] = request.get("n")
        # The map will show days inside the period: the next filter change must redraw it
        # whole, not patch the events onto a day's layers.
        return out, None

    # Two functions, not one: the one that sends the request must not also take the
    # answer as an input, or Dash sees a cycle (request -> frames -> request) and runs
    # neither.
    app.clientside_callback(
        ClientsideFunction(namespace="frontlinePlayback", function_name="control"),
        Output(ids.PLAY_REQUEST, "data"),
        Output(ids.PLAY, "children"),
        Output(ids.PLAY_LABEL, "children"),
        Input(ids.PLAY, "n_clicks"),
        Input(ids.PLAY_SPEED, "value"),
        Input(ids.PLAY_STEP, "value"),
        Input(ids.STATE, "data"),
        Input(ids.MAP, "figure"),
        State(ids.PLAY_CONFIG, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="frontlinePlayback", function_name="arrive"),
        Output(ids.PLAY, "children", allow_duplicate=True),
        Output(ids.PLAY_LABEL, "children", allow_duplicate=True),
        Input(ids.PLAY_FRAMES, "data"),
        prevent_initial_call=True,
    )
