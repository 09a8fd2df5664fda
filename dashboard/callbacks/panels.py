"""The map and the panels beside it (the timeline, the figures and the events table),
updated by one callback.

They all show the same view (:func:`dashboard.view.compute_view`, computed once and
cached), so one request serves them. Each request costs the server a few ms of Flask and
Dash work whatever it computes, and on a 2-core machine parallel requests are not faster
than one: separate callbacks had added ~10 ms to every filter change at a million events.
A change of the map's viewport updates the map only; paging or sorting the table updates
the table only.
"""

from __future__ import annotations

from dash import Input, Output, State, ctx, no_update

from dashboard import ids
from dashboard.callbacks.figures import figures_panel
from dashboard.callbacks.map import drawn_kinds, map_update
from dashboard.callbacks.table import table_update
from dashboard.callbacks.timeline import timeline_figure
from dashboard.callbacks.wire import plain
from dashboard.pages.key import map_key
from dashboard.state import ViewState
from dashboard.view import compute_view
from dashboard.view_settlements import view_settlements

__all__ = ["register", "scope_for"]

_TABLE_INPUTS = {f"{ids.TABLE}.page_current", f"{ids.TABLE}.sort_by"}


def scope_for(rt, page: dict | None):
    """The scope of a callback on a page: embeds never show a browser session's uploads."""
    return rt.scope(session=(page or {}).get("mode") != "embed")


def register(app, rt) -> None:
    """Attach the view callback."""

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.MAP_KEY, "data"),
        Output(ids.PRECISION_NOTE, "children"),
        Output(ids.MAP_LEGEND, "children"),
        Output(ids.TIMELINE, "figure"),
        Output(ids.FIGURES, "children"),
        Output(ids.TABLE, "data"),
        Output(ids.TABLE, "page_count"),
        Output(ids.TABLE, "page_current"),
        Output(ids.TABLE_NOTE, "children"),
        Input(ids.STATE, "data"),
        Input(ids.DATA_VERSION, "data"),
        Input(ids.VIEWPORT, "data"),
        Input(ids.OPEN_EVENT, "data"),
        Input(ids.TABLE, "page_current"),
        Input(ids.TABLE, "sort_by"),
        State(ids.MAP_KEY, "data"),
        State(ids.TABLE, "page_size"),
        State(ids.PAGE, "data"),
    )
    def update_view(data, _version, viewport, event, page, sort_by, previous_key, size, kind):
        scope = scope_for(rt, kind)
        triggered = set(ctx.triggered_prop_ids)
        # Until the first full draw (no map key yet) everything is drawn, whatever fired:
        # at load Dash reports only the stores the URL callback changed.
        drawn = previous_key is not None
        table_only = drawn and bool(triggered) and triggered <= _TABLE_INPUTS
        # The camera or the open event: the map alone changes.
        viewport_only = drawn and bool(triggered) and triggered <= {
            f"{ids.VIEWPORT}.data", f"{ids.OPEN_EVENT}.data"}  # fmt: skip
        unchanged = (no_update,) * 3
        state = ViewState.from_dict(data)
        figure = unchanged if table_only else map_update(scope, data, viewport, previous_key, event)
        legend = no_update
        if figure[0] is not no_update:
            view = compute_view(scope, state)
            kinds = drawn_kinds(scope, state, viewport)
            if "settlements" in state.layers:
                places = view_settlements(scope, state).get("places") or []
                kinds |= {f"settlement.{p['outcome']}" for p in places}
            legend = plain(map_key(state, view, kinds, state.lang, state.theme))
        figure = (*figure, legend)
        if viewport_only:
            return *figure, *(no_update,) * 6
        # A new view or a new order starts on the table's first page.
        table = table_update(scope, state, page, sort_by, size,
                             new_view=f"{ids.TABLE}.page_current" not in triggered)  # fmt: skip
        if table_only:
            return *figure, no_update, no_update, *table
        panels = timeline_figure(scope, state), plain(figures_panel(scope, state))
        return *figure, *panels, *table
