"""Playback: step the front line and the events day by day or week by week through the
selected range. Each tick patches the map in place (``dash.Patch``): the control layers'
GeoJSON sources and the event traces change; basemap, borders and layout are not resent."""

from __future__ import annotations

import datetime as dt

from dash import Input, Output, Patch, State, ctx, no_update

from dashboard import ids
from dashboard.callbacks.map import base_figure, event_layer, slots_patch
from dashboard.callbacks.wire import plain
from dashboard.figures.map import DEFAULT_ZOOM, LAYER_ORDER, layer_sources
from dashboard.formatting import fmt_date
from dashboard.i18n import t
from dashboard.state import ViewState
from dashboard.view import MAP_TERRITORY_LAYERS
from geo.errors import FrontlineError

__all__ = ["KEYFRAME_EVERY", "PLAYBACK_MAX_POINTS", "playback_patch", "register", "step_date"]

_STEP_DAYS = {"day": 1, "week": 7}
#: Playback draws events as markers only while this few are in view (bins above).
PLAYBACK_MAX_POINTS = 250
KEYFRAME_EVERY = 8
_LINES = {i for i, name in enumerate(LAYER_ORDER) if name.endswith(".line")}


def step_date(state: ViewState, step: str, n: int) -> dt.date | None:
    """The date shown at tick ``n`` (1-based), or None once past the end of the range."""
    d = state.date_from + dt.timedelta(days=_STEP_DAYS[step] * n)
    if d > state.date_to + dt.timedelta(days=_STEP_DAYS[step] - 1):
        return None
    return min(d, state.date_to)


def _sources(scope, state: ViewState, until: dt.date, zoom) -> dict:
    terr = scope.data.territory

    def compute():
        territory = {}
        for layer in MAP_TERRITORY_LAYERS:
            try:
                territory[layer] = terr.snapshot(until, layer).geometry
            except FrontlineError:
                continue
        try:
            change = terr.changes(state.date_from, until, state.regions)
            gained, lost = change.gained, change.lost
        except FrontlineError:
            gained = lost = None
        return layer_sources(territory, gained, lost, zoom)

    key = ("play-sources", state.date_from, until, state.regions, zoom)
    return scope.cached(key, compute)


def playback_patch(scope, state: ViewState, viewport, until: dt.date, previous=None) -> Patch:
    """A Patch of the map as the view stood early on ``until``: that day's control
    polygons, the ground gained/lost since the start, and the events dated before it.

    Only the layers whose GeoJSON differs from the step shown before (``previous``, a
    date) are sent; without ``previous`` (a key frame) all are. Events are drawn as
    markers while at most :data:`PLAYBACK_MAX_POINTS` are in view, else as bins: a step
    is a frame of an animation, and sends kilobytes, not the thousands of markers the
    paused map may show.
    """
    base = base_figure(scope, state, viewport)
    # Frames of an animation: simplified for one zoom level out (a pixel, not half a
    # pixel, of tolerance), half the vertices of the paused map. Areas are not affected.
    zoom = (viewport or {}).get("z")
    zoom = (DEFAULT_ZOOM if zoom is None else float(zoom)) - 1
    patch = Patch()
    if "territory" in state.layers or "changes" in state.layers:
        shown = _sources(scope, state, previous, zoom) if previous else {}
        for index, geojson in _sources(scope, state, until, zoom).items():
            if index in _LINES:
                # The outline layers repeat their fill's GeoJSON: while playing, the fill's
                # own outline draws the front; the next full redraw brings them back.
                if previous is None:
                    patch["layout"]["map"]["layers"][index]["visible"] = False
            elif shown.get(index) != geojson:
                patch["layout"]["map"]["layers"][index]["source"] = geojson
    if "events" in state.layers:
        # Before the first day nothing has happened yet: no event traces at all.
        upto = state.replace(date_to=until)
        traces = []
        if until > state.date_from:
            traces = event_layer(scope, upto, viewport, max_points=PLAYBACK_MAX_POINTS)
        slots_patch(patch, base, traces)
    return patch


def register(app, rt) -> None:
    """Attach the play/pause and tick callbacks."""

    @app.callback(
        Output(ids.PLAY_INTERVAL, "disabled"),
        Output(ids.PLAY_INTERVAL, "n_intervals"),
        Output(ids.PLAY_INTERVAL, "interval"),
        Output(ids.PLAY, "children"),
        Input(ids.PLAY, "n_clicks"),
        Input(ids.PLAY_SPEED, "value"),
        State(ids.PLAY_INTERVAL, "disabled"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )
    def toggle(_clicks, speed, disabled, data):
        lang = ViewState.from_dict(data).lang
        if ctx.triggered_id == ids.PLAY_SPEED:
            return no_update, no_update, speed, no_update
        playing = bool(disabled)  # it was paused: start
        label = t("play.pause" if playing else "play.play", lang)
        return not playing, 0 if playing else no_update, speed, label

    @app.callback(
        Output(ids.MAP, "figure", allow_duplicate=True),
        Output(ids.PLAY_LABEL, "children"),
        Output(ids.PLAY_INTERVAL, "disabled", allow_duplicate=True),
        Output(ids.PLAY, "children", allow_duplicate=True),
        Output(ids.MAP_KEY, "data", allow_duplicate=True),
        Input(ids.PLAY_INTERVAL, "n_intervals"),
        State(ids.PLAY_STEP, "value"),
        State(ids.STATE, "data"),
        State(ids.VIEWPORT, "data"),
        State(ids.PAGE, "data"),
        prevent_initial_call=True,
    )
    def tick(n, step, data, viewport, page):
        from dashboard.callbacks.panels import scope_for

        scope = scope_for(rt, page)
        state = ViewState.from_dict(data)
        until = step_date(state, step or "day", n or 0)
        if until is None:
            # Past the end: stop; the map stays at the end of the period.
            return no_update, no_update, True, t("play.play", state.lang), no_update
        # Every KEYFRAME_EVERY steps all layers are sent again, so a step the browser
        # missed (a dropped tick) cannot leave a stale layer on the map for long.
        n = n or 0
        previous = None if n % KEYFRAME_EVERY in (0, 1) else step_date(state, step or "day", n - 1)
        patch = playback_patch(scope, state, viewport, until, previous)
        label = t("play.at", state.lang, date=fmt_date(until, state.lang))
        # The map now shows a day inside the period: the next filter change must redraw
        # it whole, not patch the events onto this day's layers.
        return plain(patch), label, no_update, no_update, None
