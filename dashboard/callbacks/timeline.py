"""The timeline under the map: events per period stacked by type, km² gained/lost per
week or month, and air-raid alert hours when that layer is on."""

from __future__ import annotations

from dash import Input, Output

from dashboard import ids
from dashboard.figures.timeline import build_timeline
from dashboard.i18n import t
from dashboard.state import ViewState
from dashboard.view import compute_view

__all__ = ["register", "timeline_figure"]


def timeline_figure(store, state: ViewState):
    """The timeline figure for ``state``."""
    view = compute_view(store, state)
    return build_timeline(
        counts=view["counts"],
        changes=view["series"],
        alert_series=view["alerts"]["series"] if view["alerts"] else None,
        lang=state.lang,
        theme=state.theme,
        by=state.by,
        t=lambda key: t(key, state.lang),
    )


def register(app, store, settings) -> None:
    """Attach the timeline callback (the dragged range is read by the permalink module)."""

    @app.callback(
        Output(ids.TIMELINE, "figure"),
        Input(ids.STATE, "data"),
        Input(ids.DATA_VERSION, "data"),
    )
    def update_timeline(data, _version):
        return timeline_figure(store, ViewState.from_dict(data))
