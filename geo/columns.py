"""The event table as plain numpy columns, for queries at a million rows and more.

Events are sorted by date, so a date range is two binary searches instead of a mask over
every row; type, dataset and region filters compare small integer codes instead of
strings. Only actor and text filters (rare, and applied after the cheap ones have
narrowed the rows) fall back to :meth:`geo.query.Query.mask`. The answer is the same as
``query.mask(events)``; ``tests/unit/geo/test_columns.py`` holds that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.aggregate import counts_of
from geo.query import Query

__all__ = ["EventColumns"]

_EPOCH = np.datetime64(0, "D")


def _codes(values: pd.Series) -> tuple[np.ndarray, dict]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        # Already codes (missing = -1): no need to hash a million strings again.
        lookup = {str(c): i for i, c in enumerate(values.cat.categories)}
        # In their own width (int8 for a few types): 3 bytes a row less than int32 at 10M.
        return values.cat.codes.to_numpy(), lookup
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    return codes.astype(np.int32), {str(u): i for i, u in enumerate(uniques)}


class EventColumns:
    """Columns of ``events`` (canonical schema, sorted by date) for fast selection.

    Parameters
    ----------
    events : the event table, sorted by ``date`` (canonical, or compact with ``lon``/``lat``
        instead of geometry); kept by reference, not copied.
    """

    def __init__(self, events: pd.DataFrame):
        self.events = events
        days = events["date"].to_numpy(dtype="datetime64[D]")
        self.days = (days - _EPOCH).astype(np.int32)
        if len(self.days) and (np.diff(self.days) < 0).any():
            raise ValueError("events must be sorted by date for EventColumns")
        self.dataset, self._datasets = _codes(events["dataset"])
        self.event_type, self._types = _codes(events["event_type"])
        self.admin1, self._admin1 = _codes(events["admin1"])
        self.types = np.asarray(list(self._types), dtype=object)
        self.datasets = np.asarray(list(self._datasets), dtype=object)
        self.precision = events["geo_precision"].to_numpy(dtype=np.int8)
        if "lon" in events.columns:  # the file store's compact table (geo.eventtable)
            self.x = events["lon"].to_numpy(dtype=float)
            self.y = events["lat"].to_numpy(dtype=float)
        else:
            self.x = events.geometry.x.to_numpy()
            self.y = events.geometry.y.to_numpy()
        self.fatalities = events["fatalities"].to_numpy(dtype=float, na_value=np.nan)

    def __len__(self) -> int:
        return len(self.days)

    def date_range(self, query: Query) -> tuple[int, int]:
        """Row positions ``[lo, hi)`` of the query's dates (binary search)."""
        lo, hi = 0, len(self.days)
        if query.date_from:
            day = (np.datetime64(query.date_from, "D") - _EPOCH).astype(np.int32)
            lo = int(np.searchsorted(self.days, day, side="left"))
        if query.date_to:
            day = (np.datetime64(query.date_to, "D") - _EPOCH).astype(np.int32)
            hi = int(np.searchsorted(self.days, day, side="left"))
        return lo, max(lo, hi)

    def positions(self, query: Query | None) -> np.ndarray:
        """Row positions (int64, ascending) of the events matching ``query``."""
        if query is None:
            return np.arange(len(self.days))
        lo, hi = self.date_range(query)
        keep = np.ones(hi - lo, dtype=bool)
        for codes, lookup, wanted in (
            (self.dataset, self._datasets, query.datasets),
            (self.event_type, self._types, query.types),
            (self.admin1, self._admin1, query.regions),
        ):
            if wanted:
                want = [lookup[w] for w in wanted if w in lookup]
                keep &= np.isin(codes[lo:hi], np.asarray(want, dtype=codes.dtype))
        if query.precision is not None:
            keep &= self.precision[lo:hi] <= query.precision
        if query.bbox:
            west, south, east, north = query.bbox
            x, y = self.x[lo:hi], self.y[lo:hi]
            keep &= (x >= west) & (x <= east) & (y >= south) & (y <= north)
        pos = lo + np.flatnonzero(keep)
        if query.actors or query.text:
            # Only the columns these filters read, at the rows left: taking whole rows of
            # a million-row frame cost more than the search itself.
            rest = Query(actors=query.actors, text=query.text)
            names = (("actor1", "actor2") if query.actors else ()) + (
                ("location", "notes") if query.text else ()
            )
            rows = pd.DataFrame({c: self.events[c].array.take(pos) for c in names}, copy=False)
            pos = pos[rest.mask(rows)]
        return pos

    def in_bbox(self, pos: np.ndarray, bbox) -> np.ndarray:
        """The positions of ``pos`` inside ``bbox`` (west, south, east, north)."""
        west, south, east, north = bbox
        x, y = self.x[pos], self.y[pos]
        return pos[(x >= west) & (x <= east) & (y >= south) & (y <= north)]

    def event_counts(self, pos: np.ndarray, by: str, date_from, date_to) -> pd.DataFrame:
        """:func:`geo.aggregate.event_counts` of the rows at ``pos``, from the columns."""
        days = self.days[pos].astype("int64").astype("datetime64[D]")
        return counts_of(days, self.event_type[pos], self.types, by, date_from, date_to)

    def totals(self, pos: np.ndarray) -> dict[str, int]:
        """Same as :func:`geo.aggregate.totals` of the rows at ``pos``."""
        fat = self.fatalities[pos]
        known = ~np.isnan(fat)
        return {
            "events": len(pos),
            "fatalities": int(fat[known].sum()),
            "fatalities_known": int(known.sum()),
        }
