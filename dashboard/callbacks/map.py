"""The map: events, control at the end of the period, ground gained/lost, borders, alerts.

Panning does not redraw: the view state store holds no map position (that lives in the
viewport store, read as State), and ``uirevision`` keeps the reader's camera across redraws.
"""

from __future__ import annotations

import shapely
from dash import Input, Output, State, no_update

from dashboard import ids
from dashboard.figures.map import build_map
from dashboard.formatting import fmt_int
from dashboard.i18n import t
from dashboard.state import ViewState
from dashboard.view import cached, compute_view, hidden_count
from geo import gazetteer

__all__ = ["map_figure", "precision_note", "register"]

_EMPTY = shapely.Polygon()


def map_figure(store, state: ViewState, viewport: dict | None = None, version: int = 0):
    """The map figure for ``state`` (cached per data key, language, theme and layers)."""
    viewport = viewport or {}
    key = (
        "map",
        version,
        state.key(),
        state.lang,
        state.theme,
        state.basemap,
        state.layers,
        viewport.get("lat"),
        viewport.get("lon"),
        viewport.get("z"),
    )

    def compute():
        view = compute_view(store, state)
        layers = state.layers
        events = view["events"] if "events" in layers else view["events"].iloc[0:0]
        territory = (
            {k: s.geometry for k, s in view["snapshots"].items()} if "territory" in layers else {}
        )
        change = view["change"] if "changes" in layers else None
        admin1 = store.regions.admin1
        center = None
        if viewport.get("lat") is not None:
            center = (viewport["lat"], viewport["lon"])  # build_map takes (lat, lon)
        fig = build_map(
            events=events,
            territory=territory,
            gained=change.gained if change is not None else _EMPTY,
            lost=change.lost if change is not None else _EMPTY,
            admin1=admin1 if "borders" in layers else admin1.iloc[0:0],
            countries=store.regions.countries,
            labels=gazetteer.labels(store.places, limit=200),
            alert_hours=view["alerts"]["hours"] if view["alerts"] else None,
            lang=state.lang,
            theme=state.theme,
            basemap=state.basemap,
            center=center,
            zoom=viewport.get("z"),
            selected_regions=state.regions,
            t=lambda key: t(key, state.lang),
        )
        # Keep the reader's pan and zoom when filters change.
        fig.update_layout(uirevision="map")
        return fig

    return cached(store, key, compute)


def precision_note(store, state: ViewState) -> str:
    """ "hides 12 region-level events" / "would hide 12 …", in the reader's language."""
    hidden, region_level = hidden_count(store, state)
    if state.precision is not None:
        return t("filters.hidden", state.lang, n=fmt_int(hidden, state.lang))
    return t("filters.would_hide", state.lang, n=fmt_int(region_level, state.lang))


def register(app, store, settings) -> None:
    """Attach the map callback."""

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.MAP_KEY, "data"),
        Output(ids.PRECISION_NOTE, "children"),
        Input(ids.STATE, "data"),
        Input(ids.DATA_VERSION, "data"),
        State(ids.VIEWPORT, "data"),
        State(ids.MAP_KEY, "data"),
    )
    def update_map(data, version, viewport, previous_key):
        state = ViewState.from_dict(data)
        key = repr((version, state.key(), state.lang, state.theme, state.basemap, state.layers))
        if key == previous_key:
            return no_update, no_update, no_update
        fig = map_figure(store, state, viewport, version or 0)
        return fig, key, precision_note(store, state)
