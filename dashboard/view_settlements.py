"""The settlements that changed hands in a view's period and regions, as plain data for
the map layer, the figures panel and the key (:mod:`geo.measures` computes them, the same
as ``frontline settlements`` and ``/api/v1/territory/settlements.*``)."""

from __future__ import annotations

from dashboard.scope import Scope
from dashboard.state import ViewState
from geo.errors import FrontlineError

__all__ = ["view_settlements"]


def view_settlements(scope: Scope, state: ViewState) -> dict:
    """``{"places": [...], "summary": {...}, "snapshots": {...}}`` for the view's period
    and regions, or ``{"error": message}`` when the period has none (cached per data
    version, period and regions)."""

    def compute():
        from geo.measures import settlements

        try:
            return settlements(scope.data, state.date_from, state.date_to, state.regions,
                               lang=state.lang)  # fmt: skip
        except FrontlineError as exc:
            return {"error": str(exc)}

    key = ("settlements", state.date_from, state.date_to, state.regions, state.lang)
    return scope.cached(key, compute)
