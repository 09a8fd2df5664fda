"""``compute_view(store, state)``: everything one explorer view shows, as plain data.

The callbacks only unpack inputs, call this and hand the result to the figure builders, so
every number on screen can be tested here without a server or a browser.

Expensive results (territory changes and series, snapshots, air-raid hours, and the view
itself) are cached per store, keyed on the normalised filter. A cached view holds the row
positions of its events and small aggregates, not the rows: at a million events a month's
view is tens of thousands of rows, and only the few the screen needs are ever materialised
(``view["events"]`` takes them on demand).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

import geopandas as gpd
import numpy as np

from dashboard.state import ViewState
from geo import aggregate, alerts
from geo.errors import FrontlineError

__all__ = [
    "MAP_TERRITORY_LAYERS",
    "View",
    "cached",
    "compute_view",
    "event_by_id",
    "hidden_count",
    "view_alerts",
    "view_change",
    "view_series",
    "view_snapshots",
]

#: Control layers drawn on the map, as they stood at the end of the period.
MAP_TERRITORY_LAYERS = ("russian_held", "unknown_status", "ua_held_in_russia")
#: The layer of every km² figure (DeepState's occupied ∪ occupied before 2022).
FIGURE_LAYER = "russian_held"
_CACHE_SIZE = 256
_caches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def cached(store, key: tuple, compute: Callable):
    """``compute()`` once per ``store`` and ``key`` (least recently used dropped first).

    A store with a cache attached by ``create_app`` (``dashboard.cache``: in memory or shared
    in Redis) uses that; otherwise a per-process LRU here.
    """
    from dashboard.cache import MemoryCache, cache_for

    backend = cache_for(store)
    if backend is None:
        with _lock:
            backend = _caches.setdefault(store, MemoryCache(_CACHE_SIZE))
    return backend.get_or_compute(key, compute)


def hidden_count(store, state: ViewState) -> tuple[int, int]:
    """How many events the precision filter hides now, and how many region-level events
    (geo_precision 3) "exact locations only" would hide from the other filters."""
    query = state.query()
    cols = store.columns() if hasattr(store, "columns") else None
    if cols is not None:
        pos = cols.positions(query.replace(precision=None))
        prec = cols.precision[pos]
        shown = int((prec <= state.precision).sum()) if state.precision is not None else len(pos)
        return len(pos) - shown, int((prec > 1).sum())
    without = store.events(query.replace(precision=None))
    shown = int(query.mask(without).sum()) if state.precision is not None else len(without)
    region_level = int((without["geo_precision"] > 1).sum()) if len(without) else 0
    return len(without) - shown, region_level


def view_change(store, state: ViewState, regions: tuple[str, ...]):
    """Territory change over the period (or the error that says why there is none)."""

    def compute():
        try:
            return store.territory.changes(state.date_from, state.date_to, regions, FIGURE_LAYER)
        except FrontlineError as exc:
            return exc

    return cached(store, ("change", state.date_from, state.date_to, regions), compute)


def view_series(store, state: ViewState) -> list[dict] | FrontlineError:
    # km² per day would be noise on DeepState's daily maps: a day view still shows weeks.
    by = state.by if state.by in ("week", "month") else "week"

    def compute():
        try:
            return store.territory.series_records(
                state.date_from, state.date_to, by, state.regions, FIGURE_LAYER
            )
        except FrontlineError as exc:
            return exc

    key = ("series", state.date_from, state.date_to, by, state.regions)
    return cached(store, key, compute)


def view_snapshots(store, state: ViewState) -> dict:
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


def view_alerts(store, state: ViewState) -> dict | None:
    """Air-raid alert hours for the period (None when the layer is off)."""
    if not state.alerts:
        return None

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


class View(dict):
    """The dict :func:`compute_view` returns; ``view["events"]`` materialises the rows at
    ``view["positions"]`` when asked, and is not kept (the cache holds positions only)."""

    def __init__(self, store, **items):
        super().__init__(**items)
        self._store = store

    def __missing__(self, key):
        if key != "events":
            raise KeyError(key)
        return self._store.take(self["positions"])


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
    On the file store also ``positions`` (row positions of the events in view).
    """
    cols = store.columns() if hasattr(store, "columns") else None
    if cols is None:
        return _compute_view(store, state, store.events(state.query()))

    def compute():
        # The rows of every precision first: what "exact only" hides is the difference.
        query = state.query()
        every = cols.positions(query.replace(precision=None))
        pos = every
        if query.precision is not None:
            pos = every[cols.precision[every] <= query.precision]
        view = _compute_view(store, state, None, cols, pos, every)
        return View(store, positions=pos, **view)

    return cached(store, ("view", state.key()), compute)


def _compute_view(store, state: ViewState, events, cols=None, pos=None, every=None) -> dict:
    by, start, end = state.by, state.date_from, state.date_to
    if cols is not None:
        counts = cols.event_counts(pos, by, start, end)
        totals = cols.totals(pos)
        datasets = sorted({str(d) for d in cols.datasets[np.unique(cols.dataset[pos])]})
        hidden, region_level = len(every) - len(pos), int((cols.precision[every] > 1).sum())
    else:
        counts = aggregate.event_counts(events, by, start, end)
        totals = aggregate.totals(events)
        datasets = sorted(set(events["dataset"].astype(str))) if len(events) else []
        hidden, region_level = hidden_count(store, state)
    change = view_change(store, state, state.regions)
    series = view_series(store, state)
    out = {
        "totals": totals,
        "counts": counts,
        "hidden": hidden,
        "region_level": region_level,
        "change": None if isinstance(change, FrontlineError) else change,
        "change_error": str(change) if isinstance(change, FrontlineError) else None,
        "series": [] if isinstance(series, FrontlineError) else series,
        "snapshots": view_snapshots(store, state),
        "alerts": view_alerts(store, state),
        "datasets": datasets,
    }
    if events is not None:
        out["events"] = events
    return out


def event_by_id(store, event_id: str | None) -> gpd.GeoDataFrame | None:
    """The event row with ``event_id`` (any date, any dataset), or None."""
    if not event_id:
        return None
    if hasattr(store, "event"):
        return store.event(event_id)
    events = store.events()
    row = events[events["event_id"] == event_id]
    return row.iloc[0] if len(row) else None
