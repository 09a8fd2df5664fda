"""How current the data is: the newest map, the last successful update, each source's
record, and whether it is older than readers should trust without a warning.

Pages, embeds, exports and API responses state :func:`as_of`; ``frontline status`` prints
:func:`data_status`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from geo.updates.state import read_states

__all__ = ["AsOf", "as_of", "data_status"]

#: How long a process reuses the updater's record before reading it again: pages ask on
#: every request, and the record changes a few times a day.
TTL_SECONDS = 5.0
_memo: dict = {}
_memo_lock = threading.Lock()


@dataclass(frozen=True)
class AsOf:
    """``newest_map``: the date of the newest control map (DeepState's series);
    ``newest_event``: the newest event date; ``updated``: the time (ISO 8601 UTC) of the
    last successful update of any source, or None when the data is as bundled;
    ``stale``: the newest map is older than the stale age."""

    newest_map: dt.date | None
    newest_event: dt.date | None
    updated: str | None
    age_days: int | None
    stale: bool

    def as_record(self) -> dict:
        """JSON-ready."""
        return {
            "newest_map": self.newest_map.isoformat() if self.newest_map else None,
            "newest_event": self.newest_event.isoformat() if self.newest_event else None,
            "last_update": self.updated,
            "age_days": self.age_days,
            "stale": self.stale,
        }

    def header_value(self) -> str:
        """For an HTTP header: ``map=2026-08-22; updated=...``."""
        rec = self.as_record()
        return f"map={rec['newest_map']}; updated={rec['last_update'] or 'never'}"


def _states(store) -> dict:
    key = id(store)
    now = time.monotonic()
    with _memo_lock:
        hit = _memo.get(key)
        if hit is not None and now - hit[0] < TTL_SECONDS:
            return hit[1]
    try:
        states = read_states(store)
    except Exception:  # a record that cannot be read never breaks a page
        states = {}
    with _memo_lock:
        _memo[key] = (now, states)
    return states


def as_of(store, data, stale_days: float = 3.0, today: dt.date | None = None) -> AsOf:
    """How current ``data`` (the store's current :class:`geo.stores.base.Data`) is."""
    today = today or dt.datetime.now(dt.UTC).date()
    try:
        newest_map = data.territory.coverage("russian_held")[1]
    except Exception:
        newest_map = None
    try:
        days = data.columns.days
        newest_event = (
            dt.date(1970, 1, 1) + dt.timedelta(days=int(days.max())) if len(days) else None
        )
    except Exception:
        newest_event = None
    successes = [s.last_success for s in _states(store).values() if s.last_success]
    age = (today - newest_map).days if newest_map else None
    stale = age is not None and age > stale_days
    return AsOf(newest_map, newest_event, max(successes) if successes else None, age, stale)


def data_status(store, stale_days: float = 3.0, today: dt.date | None = None) -> dict:
    """Everything ``frontline status`` prints: the data version, how current it is, and
    each source's range, last success, last error and next scheduled run."""
    store.refresh()
    data = store.current()
    current = as_of(store, data, stale_days, today)
    states = read_states(store)
    first, last = data.territory.coverage("russian_held")
    rows = [{"source": "deepstate (bundled)", "kind": "territory", "first": str(first),
             "last": str(last), "last_success": None, "last_error": None,
             "next_run": None}]  # fmt: skip
    for name in sorted(states):
        rec = states[name].as_record()
        rows.append({k: rec.get(k) for k in ("source", "kind", "first", "last", "last_success",
                                              "last_error", "next_run")})  # fmt: skip
    for name, territory in sorted(getattr(data, "sources", {}).items()):
        if f"territory:{name}" not in states:
            a, b = territory.coverage(territory.layers[0])
            rows.append({"source": f"territory:{name}", "kind": "territory", "first": str(a),
                         "last": str(b), "last_success": None, "last_error": None,
                         "next_run": None})  # fmt: skip
    return {
        "data_version": data.version,
        "newest_map": current.as_record()["newest_map"],
        "newest_event": current.as_record()["newest_event"],
        "last_update": current.updated,
        "age_days": current.age_days,
        "stale": current.stale,
        "stale_days": stale_days,
        "sources": rows,
    }
