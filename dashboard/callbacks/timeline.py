"""The timeline under the map: events per period stacked by type, km² gained/lost per
week or month, and air-raid alert hours when that layer is on."""

from __future__ import annotations

from dashboard.figures.timeline import build_timeline
from dashboard.i18n import t
from dashboard.state import ViewState
from dashboard.view import compute_view

__all__ = ["timeline_figure"]


def timeline_figure(scope, state: ViewState):
    """The timeline figure for ``state``: its x axis is exactly the view's dates."""
    view = compute_view(scope, state)
    return build_timeline(
        counts=view["counts"],
        changes=view["series"],
        alert_series=view["alerts"]["series"] if view["alerts"] else None,
        lang=state.lang,
        theme=state.theme,
        by=state.by,
        t=lambda key: t(key, state.lang),
        start=state.date_from,
        end=state.date_to,
    )
