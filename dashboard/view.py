"""``compute_view(store, state)``: everything one explorer view shows, as plain data.

The callbacks only unpack inputs, call this and hand the result to the figure builders, so
every number on screen can be tested here without a server or a browser.

Expensive results (territory changes and series, snapshots, air-raid hours) are cached per
store, keyed on the normalised filter; event filtering is a column mask and is not cached.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable

import geopandas as gpd

from dashboard.state import ViewState
from geo import aggregate, alerts
from geo.errors import FrontlineError

__all__ = ["MAP_TERRITORY_LAYERS", "cached", "compute_view", "event_by_id", "hidden_count"]

#: Control layers drawn on the map, as they stood at the end of the period.
MAP_TERRITORY_LAYERS = ("russian_held", "unknown_status", "ua_held_in_russia")
#: The layer of every km² figure (DeepState's occupied ∪ occupied before 2022).
FIGURE_LAYER = "russian_held"
_CACHE_SIZE = 256
_caches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def cached(store, key: tuple, compute: Callable):
    """``compute()`` once per ``store`` and ``key`` (least recently used dropped first)."""
    with _lock:
        cache = _caches.setdefault(store, OrderedDict())
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = compute()
    with _lock:
        cache[key] = value
        if len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return value


def hidden_count(store, state: ViewState) -> tuple[int, int]:
    """How many events the precision filter hides now, and how many region-level events
    (geo_precision 3) "exact locations only" would hide from the other filters."""
    query = state.query()
    without = store.events(query.replace(precision=None))
    shown = int(query.mask(without).sum()) if state.precision is not None else len(without)
    region_level = int((without["geo_precision"] > 1).sum()) if len(without) else 0
    return len(without) - shown, region_level


def _change(store, state: ViewState, regions: tuple[str, ...]):
    """Territory change over the period (or the error that says why there is none)."""

    def compute():
        try:
            return store.territory.changes(state.date_from, state.date_to, regions, FIGURE_LAYER)
        except FrontlineError as exc:
            return exc

    return cached(store, ("change", state.date_from, state.date_to, regions), compute)


def _series(store, state: ViewState) -> list[dict] | FrontlineError:
    # km² per day would be noise on DeepState's daily maps: a day view still shows weeks.
    by = state.by if state.by in ("week", "month") else "week"

    def compute():
        try:
            changes = store.territory.series(
                state.date_from, state.date_to, by, state.regions, FIGURE_LAYER
            )
        except FrontlineError as exc:
            return exc
        return [c.as_record() for c in changes]

    key = ("series", state.date_from, state.date_to, by, state.regions)
    return cached(store, key, compute)


def _snapshots(store, state: ViewState) -> dict:
    """Control geometry per layer early on ``date_to``: the front as the period ended."""

    def compute():
        out = {}
        for layer in MAP_TERRITORY_LAYERS:
            try:
                out[layer] = store.territory.snapshot(state.date_to, layer)
            except FrontlineError:
                continue  # the layer has no map for this date (before/after its record)
        return out

    return cached(store, ("snapshots", state.date_to), compute)


def _alerts(store, state: ViewState) -> dict:
    def compute():
        try:
            hours = alerts.alert_hours(
                store.airraid, state.date_from, state.date_to, regions=state.regions
            )
            series = alerts.alert_hours_series(
                store.airraid, state.date_from, state.date_to, state.by, regions=state.regions
            )
        except FrontlineError as exc:
            return {"error": str(exc), "hours": None, "series": None}
        return {"error": None, "hours": hours, "series": series}

    return cached(
        store, ("alerts", state.date_from, state.date_to, state.by, state.regions), compute
    )


def compute_view(store, state: ViewState) -> dict:
    """What the explorer shows for ``state``.

    Returns
    -------
    dict with
    ``events`` (GeoDataFrame of the events in view), ``totals`` (events, fatalities,
    fatalities_known), ``counts`` (events per period and type), ``hidden`` (events the
    precision filter hides), ``region_level`` (region-level events among the others),
    ``change`` (:class:`geo.territory.Change` for the selected regions, or None),
    ``change_error`` (why there is no change, or None), ``series`` (list of change
    records per week/month), ``snapshots`` (layer -> Snapshot at the end of the period),
    ``alerts`` (dict with ``hours`` and ``series`` DataFrames, only when switched on).
    """
    query = state.query()
    events = store.events(query)
    hidden, region_level = hidden_count(store, state)
    change = _change(store, state, state.regions)
    series = _series(store, state)
    return {
        "events": events,
        "totals": aggregate.totals(events),
        "counts": aggregate.event_counts(events, state.by, state.date_from, state.date_to),
        "hidden": hidden,
        "region_level": region_level,
        "change": None if isinstance(change, FrontlineError) else change,
        "change_error": str(change) if isinstance(change, FrontlineError) else None,
        "series": [] if isinstance(series, FrontlineError) else series,
        "snapshots": _snapshots(store, state),
        "alerts": _alerts(store, state) if state.alerts else None,
        "datasets": sorted(set(events["dataset"].astype(str))) if len(events) else [],
    }


def event_by_id(store, event_id: str | None) -> gpd.GeoDataFrame | None:
    """The event row with ``event_id`` (any date, any dataset), or None."""
    if not event_id:
        return None
    events = store.events()
    row = events[events["event_id"] == event_id]
    return row.iloc[0] if len(row) else None
