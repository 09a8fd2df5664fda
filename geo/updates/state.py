"""What the updater knows about each source: when it last ran, succeeded and failed, and
what it has. Kept by the store (``updates.json`` in the user data folder, or a row of
``frontline.meta`` in PostGIS), so every worker and ``frontline status`` read the same.

Writing it never changes the data version: a run that found nothing new changes no figure.

Each source has a :class:`SourceState`; :func:`record_success` and :func:`record_failure`
are the only writers, under the store's update lock (:mod:`geo.updates.lock`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace

__all__ = [
    "SourceState",
    "now_utc",
    "read_states",
    "record_failure",
    "record_schedule",
    "record_success",
]


def now_utc() -> dt.datetime:
    """The current time, UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class SourceState:
    """One source's record.

    Attributes
    ----------
    source : "deepstate", "ucdp-ged", "ucdp-candidate", "acled", or a user series
        ("territory:<name>") or file
    kind : "territory" or "events"
    last_attempt, last_success : ISO 8601 UTC times, or None
    last_error : the message of the last failure (None after a success)
    first, last : the date range the store holds from this source (ISO dates), or None
    detail : what the source's updater keeps between runs (counts, an ETag, versions)
    next_run : when the scheduler (``serve --update-every``) runs it next, or None
    """

    source: str
    kind: str
    last_attempt: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    first: str | None = None
    last: str | None = None
    detail: dict = field(default_factory=dict)
    next_run: str | None = None

    def as_record(self) -> dict:
        """JSON-ready."""
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict) -> SourceState:
        """From :meth:`as_record`'s output; unknown keys are ignored."""
        known = {k: record[k] for k in cls.__dataclass_fields__ if k in record}
        return cls(**known)


def read_states(store) -> dict[str, SourceState]:
    """Every source's state, by source name (empty before the first update)."""
    raw = store.read_update_state() or {}
    return {name: SourceState.from_record(rec) for name, rec in raw.get("sources", {}).items()}


def _write(store, state: SourceState) -> SourceState:
    raw = store.read_update_state() or {}
    sources = dict(raw.get("sources", {}))
    sources[state.source] = state.as_record()
    store.write_update_state({**raw, "sources": sources})
    return state


def _current(store, source: str, kind: str) -> SourceState:
    return read_states(store).get(source) or SourceState(source, kind)


def record_success(
    store,
    source: str,
    kind: str,
    *,
    first: str | None = None,
    last: str | None = None,
    detail: dict | None = None,
    when: dt.datetime | None = None,
) -> SourceState:
    """Note a run of ``source`` that succeeded (whether or not it found anything new)."""
    at = (when or now_utc()).isoformat()
    state = _current(store, source, kind)
    state = replace(
        state,
        kind=kind,
        last_attempt=at,
        last_success=at,
        last_error=None,
        first=first if first is not None else state.first,
        last=last if last is not None else state.last,
        detail={**state.detail, **(detail or {})},
    )
    return _write(store, state)


def record_failure(
    store, source: str, kind: str, error: str, *, when: dt.datetime | None = None
) -> SourceState:
    """Note a run of ``source`` that failed with ``error`` (what it holds is unchanged)."""
    at = (when or now_utc()).isoformat()
    state = replace(_current(store, source, kind), kind=kind, last_attempt=at, last_error=error)
    return _write(store, state)


def record_schedule(store, source: str, kind: str, next_run: dt.datetime | None) -> SourceState:
    """Note when the scheduler runs ``source`` next."""
    when = next_run.isoformat() if next_run is not None else None
    return _write(store, replace(_current(store, source, kind), next_run=when))
