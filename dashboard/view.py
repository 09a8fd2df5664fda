"""``compute_view(scope, state)``: everything one explorer view shows, as plain data.

The callbacks only unpack inputs, call this and hand the result to the figure builders, so
every number on screen can be tested here without a server or a browser.

Expensive results (territory changes and series, snapshots, air-raid hours, and the view
itself) are cached through the request's :class:`~dashboard.scope.Scope`, keyed by the data
version and the normalised filter. A view holds the row positions of its events and small
aggregates, not the rows: at a million events a month's view is tens of thousands of rows,
and only the few the screen needs are ever materialised (:func:`view_events`).
"""

from __future__ import annotations

import numpy as np

from dashboard.scope import Scope
from dashboard.state import ViewState
from geo import alerts
from geo.errors import FrontlineError

__all__ = [
    "FIGURE_LAYER",
    "MAP_TERRITORY_LAYERS",
    "compute_view",
    "view_alerts",
    "view_change",
    "view_events",
    "view_series",
    "view_snapshots",
]

#: Control layers drawn on the map, as they stood at the end of the period.
MAP_TERRITORY_LAYERS = ("russian_held", "unknown_status", "ua_held_in_russia", "unknown_in_russia")
#: The layer of every km² figure (DeepState's occupied ∪ occupied before 2022).
FIGURE_LAYER = "russian_held"


def view_change(scope: Scope, state: ViewState, regions: tuple[str, ...]):
    """Territory change over the period (or the error that says why there is none)."""

    def compute():
        try:
            return scope.data.territory.changes(
                state.date_from, state.date_to, regions, FIGURE_LAYER
            )
        except FrontlineError as exc:
            return exc

    return scope.cached(("change", state.date_from, state.date_to, regions), compute)


def view_series(scope: Scope, state: ViewState) -> list[dict] | FrontlineError:
    """km² per week or month of the period for the selected regions (records).

    Only the part of the period that has a map of control is computed (the record starts
    on 4 April 2022). Each stretch left out becomes one record with ``"no_map": True``, its
    ``period_start`` and ``period_end``, ``"record"`` (the first and last map date) and
    None for every km² figure and snapshot, so a range from February 2022 still shows the
    km² from April on and the timeline can say why the rest is empty.
    """
    import datetime as dt

    from geo.territory import MAX_GAP_DAYS

    # km² per day would be noise on DeepState's daily maps: a day view still shows weeks.
    by = state.by if state.by in ("week", "month") else "week"

    def compute():
        territory = scope.data.territory
        try:
            first, last = territory.coverage(FIGURE_LAYER)
            # A map stands for the days after it until the next one, up to MAX_GAP_DAYS
            # (Territory.snapshot refuses a staler one).
            start = max(state.date_from, first)
            end = min(state.date_to, last + dt.timedelta(days=MAX_GAP_DAYS))
            records = []
            if end > start:
                records = territory.series_records(start, end, by, state.regions, FIGURE_LAYER)
        except FrontlineError as exc:
            return exc
        gap = {"from_snapshot": None, "to_snapshot": None, "layer": FIGURE_LAYER,
               "region": ",".join(state.regions) or None, "gained_km2": None,
               "lost_km2": None, "net_km2": None, "source": None, "no_map": True,
               "record": [first.isoformat(), last.isoformat()]}  # fmt: skip
        if state.date_from < start:
            cut = min(start, state.date_to)
            records.insert(0, {**gap, "period_start": state.date_from.isoformat(),
                               "period_end": cut.isoformat()})  # fmt: skip
        if end < state.date_to:
            cut = max(end, state.date_from)
            records.append({**gap, "period_start": cut.isoformat(),
                            "period_end": state.date_to.isoformat()})  # fmt: skip
        return records

    # "series-cut": before the records said what they left out, a range from before the
    # map record was cached as an error; a shared cache must not serve that old answer.
    key = ("series-cut", state.date_from, state.date_to, by, state.regions)
    return scope.cached(key, compute)


def view_snapshots(scope: Scope, state: ViewState) -> dict:
    """Control geometry per layer early on ``date_to``: the front as the period ended."""

    def compute():
        out = {}
        for layer in MAP_TERRITORY_LAYERS:
            try:
                out[layer] = scope.data.territory.snapshot(state.date_to, layer)
            except FrontlineError:
                continue  # the layer has no map for this date (before/after its record)
        return out

    return scope.cached(("snapshots", state.date_to), compute)


def view_alerts(scope: Scope, state: ViewState) -> dict | None:
    """Air-raid alert hours for the period (None when the layer is off)."""
    if not state.alerts:
        return None
    airraid = scope.data.airraid

    def compute():
        try:
            hours = alerts.alert_hours(
                airraid, state.date_from, state.date_to, regions=state.regions
            )
            series = alerts.alert_hours_series(
                airraid, state.date_from, state.date_to, state.by, regions=state.regions
            )
        except FrontlineError as exc:
            return {"error": str(exc), "hours": None, "series": None}
        return {"error": None, "hours": hours, "series": series}

    key = ("alerts", state.date_from, state.date_to, state.by, state.regions)
    return scope.cached(key, compute)


def compute_view(scope: Scope, state: ViewState) -> dict:
    """What the explorer shows for ``state``.

    Returns
    -------
    dict with ``positions`` (row positions of the events in view, in date order),
    ``totals`` (events, fatalities, fatalities_known), ``counts`` (events per period and
    type), ``hidden`` (events the precision filter hides), ``region_level`` (region-level
    events among the others), ``change`` (:class:`geo.territory.Change` for the selected
    regions, or None), ``change_error`` (why there is no change, or None), ``series`` (list
    of change records per week/month), ``snapshots`` (layer -> Snapshot at the end of the
    period), ``alerts`` (dict with ``hours`` and ``series``, only when switched on),
    ``datasets`` (the datasets of the events in view). Plain data only: it is cached, and
    in Redis shared by every worker.
    """

    def compute():
        cols = scope.data.columns
        query = state.query()
        # The rows of every precision first: what "exact only" hides is the difference.
        every = cols.positions(query.replace(precision=None))
        pos = every
        if query.precision is not None:
            pos = every[cols.precision[every] <= query.precision]
        change = view_change(scope, state, state.regions)
        series = view_series(scope, state)
        return {
            "positions": pos,
            "totals": cols.totals(pos),
            "counts": cols.event_counts(pos, state.by, state.date_from, state.date_to),
            "hidden": len(every) - len(pos),
            "region_level": int((cols.precision[every] > 1).sum()),
            "change": None if isinstance(change, FrontlineError) else change,
            "change_error": str(change) if isinstance(change, FrontlineError) else None,
            "series": [] if isinstance(series, FrontlineError) else series,
            "snapshots": view_snapshots(scope, state),
            "alerts": view_alerts(scope, state),
            "datasets": sorted(cols.datasets_at(pos)),
        }

    # Positions are cheap to recompute and large to ship (8 bytes an event): the view
    # stays in this process; what it rests on (changes, series) is shared.
    return scope.cached(("view", state.key()), compute, shared=False)


def view_events(scope: Scope, view: dict, positions: np.ndarray | None = None):
    """The events of ``view`` (or those at ``positions``) as the canonical GeoDataFrame."""
    return scope.data.take(view["positions"] if positions is None else positions)
