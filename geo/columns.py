"""The events of one data version as columns: the one read interface for events.

Events are sorted by date, so a date range is two binary searches instead of a mask over
every row; type, dataset and region filters compare small integer codes instead of
strings. Only actor and text filters (rare, and applied after the cheap ones have
narrowed the rows) fall back to :meth:`geo.query.Query.mask`. The answer is the same as
``query.mask(events)``; ``tests/unit/geo/test_columns.py`` holds that.

Rows are kept in the compact form of :mod:`geo.eventtable` (``lon``/``lat`` instead of
geometry, repetitive text as categories) and become the canonical GeoDataFrame only when
:meth:`EventColumns.take` is asked for them. A browser session's own uploads are a second
part (:meth:`EventColumns.combine`): the shared table is not copied, only its numeric
columns are concatenated with the session's, so every filter, bin and count runs on one
position space.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.aggregate import counts_of
from geo.query import Query

__all__ = ["EventColumns"]

_EPOCH = np.datetime64(0, "D")
_CODED = ("dataset", "event_type", "admin1")


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes (missing = -1) and the names they stand for."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        # Already codes: no need to hash a million strings again. In their own width
        # (int8 for a few types): 3 bytes a row less than int32 at 10M.
        return values.cat.codes.to_numpy(), [str(c) for c in values.cat.categories]
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    return codes.astype(np.int32), [str(u) for u in uniques]


class EventColumns:
    """The events (compact table, sorted by date) with fast selection and row access.

    Parameters
    ----------
    events : a compact event table (:func:`geo.eventtable.read_compact`): the canonical
        columns with ``lon``/``lat`` instead of geometry, sorted by date; kept by reference.

    Examples
    --------
    >>> cols = EventColumns(read_compact(paths))                     # doctest: +SKIP
    >>> pos = cols.positions(Query(regions=("UA-14",)))              # doctest: +SKIP
    >>> cols.rows(pos[:20], ["event_id", "date", "lon", "lat"])      # doctest: +SKIP
    """

    def __init__(self, events: pd.DataFrame):
        self._parts = [events]
        self._offsets = np.array([0, len(events)], dtype=np.int64)
        days = events["date"].to_numpy(dtype="datetime64[D]")
        self.days = (days - _EPOCH).astype(np.int32)
        if len(self.days) and (np.diff(self.days) < 0).any():
            raise ValueError("events must be sorted by date for EventColumns")
        lookups = {}
        for name in _CODED:
            codes, names = _codes(events[name])
            setattr(self, name, codes)
            lookups[name] = names
        self._set_lookups(lookups)
        self.precision = events["geo_precision"].to_numpy(dtype=np.int8)
        self.x = events["lon"].to_numpy(dtype=float)
        self.y = events["lat"].to_numpy(dtype=float)
        self.fatalities = events["fatalities"].to_numpy(dtype=float, na_value=np.nan)
        self._memo: dict = {}
        self._lock = threading.Lock()

    def _set_lookups(self, lookups: dict[str, list[str]]) -> None:
        self._names = lookups
        self._lookup = {k: {n: i for i, n in enumerate(v)} for k, v in lookups.items()}
        self.types = np.asarray(lookups["event_type"], dtype=object)
        self.datasets = np.asarray(lookups["dataset"], dtype=object)

    # -- combining parts ---------------------------------------------------------------

    @classmethod
    def combine(cls, parts: Sequence[EventColumns]) -> EventColumns:
        """One position space over several tables (the shared events, then a session's).

        Positions ``[0, len(parts[0]))`` are the first table's rows, the next ones the
        second's, and so on; each part stays sorted by date and is not copied."""
        if len(parts) == 1:
            return parts[0]
        out = cls.__new__(cls)
        out._parts = [f for p in parts for f in p._parts]
        out._offsets = np.cumsum([0, *(len(f) for f in out._parts)])
        out.days = np.concatenate([p.days for p in parts])
        lookups = {}
        for name in _CODED:
            union = list(dict.fromkeys(n for p in parts for n in p._names[name]))
            index = {n: i for i, n in enumerate(union)}
            recoded = []
            for p in parts:
                # Each part's own codes mapped into the union; -1 (missing) stays -1.
                remap = np.array([index[n] for n in p._names[name]] + [-1], dtype=np.int32)
                recoded.append(remap[getattr(p, name)])
            setattr(out, name, np.concatenate(recoded))
            lookups[name] = union
        out._set_lookups(lookups)
        for name in ("precision", "x", "y", "fatalities"):
            setattr(out, name, np.concatenate([getattr(p, name) for p in parts]))
        out._memo = {}
        out._lock = threading.Lock()
        return out

    def __len__(self) -> int:
        return len(self.days)

    # -- selection ----------------------------------------------------------------------

    def _date_range(self, lo_off: int, hi_off: int, query: Query) -> tuple[int, int]:
        days = self.days[lo_off:hi_off]
        lo, hi = 0, len(days)
        if query.date_from:
            day = (np.datetime64(query.date_from, "D") - _EPOCH).astype(np.int32)
            lo = int(np.searchsorted(days, day, side="left"))
        if query.date_to:
            day = (np.datetime64(query.date_to, "D") - _EPOCH).astype(np.int32)
            hi = int(np.searchsorted(days, day, side="left"))
        return lo_off + lo, lo_off + max(lo, hi)

    def positions(self, query: Query | None) -> np.ndarray:
        """Row positions (int64) of the events matching ``query``, in date order."""
        if query is None:
            if len(self._parts) == 1:
                return np.arange(len(self.days))
            query = Query()
        parts = [
            self._part_positions(*self._date_range(a, b, query), query)
            for a, b in zip(self._offsets[:-1], self._offsets[1:], strict=True)
        ]
        pos = parts[0] if len(parts) == 1 else np.concatenate(parts)
        if len(parts) > 1:
            pos = pos[np.argsort(self.days[pos], kind="stable")]
        if query.actors or query.text:
            # Only the columns these filters read, at the rows left: taking whole rows of
            # a million-row frame cost more than the search itself.
            rest = Query(actors=query.actors, text=query.text)
            names = (("actor1", "actor2") if query.actors else ()) + (
                ("location", "notes") if query.text else ()
            )
            pos = pos[rest.mask(self.rows(pos, names))]
        return pos

    def _part_positions(self, lo: int, hi: int, query: Query) -> np.ndarray:
        keep = np.ones(hi - lo, dtype=bool)
        for name, wanted in (
            ("dataset", query.datasets),
            ("event_type", query.types),
            ("admin1", query.regions),
        ):
            if wanted:
                codes, lookup = getattr(self, name), self._lookup[name]
                want = [lookup[w] for w in wanted if w in lookup]
                keep &= np.isin(codes[lo:hi], np.asarray(want, dtype=codes.dtype))
        if query.precision is not None:
            keep &= self.precision[lo:hi] <= query.precision
        if query.bbox:
            west, south, east, north = query.bbox
            x, y = self.x[lo:hi], self.y[lo:hi]
            keep &= (x >= west) & (x <= east) & (y >= south) & (y <= north)
        return lo + np.flatnonzero(keep)

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

    def datasets_at(self, pos: np.ndarray) -> list[str]:
        """Names of the datasets the rows at ``pos`` come from, in order of first row."""
        return [str(self.datasets[c]) for c in pd.unique(self.dataset[pos]) if c >= 0]

    # -- rows -----------------------------------------------------------------------------

    @property
    def column_names(self) -> list[str]:
        """The compact columns every part has (canonical columns, ``lon``, ``lat``)."""
        return list(self._parts[0].columns)

    def rows(self, positions, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Some columns (default: all) of the events at ``positions``, in that order,
        without geometry (``lon``/``lat`` give the coordinates)."""
        take = np.asarray(positions, dtype=np.int64)
        columns = list(self.column_names if columns is None else columns)
        if len(self._parts) == 1:
            # Column by column from the arrays: selecting the columns first builds a frame
            # of every row (~2 ms at a million) just to take a page of 20 from it.
            frame = self._parts[0]
            return pd.DataFrame({c: frame[c].array.take(take) for c in columns}, copy=False)
        part = np.searchsorted(self._offsets, take, side="right") - 1
        order = np.argsort(part, kind="stable")
        pieces = []
        for i in np.unique(part):
            local = take[part == i] - self._offsets[i]
            frame = self._parts[i]
            pieces.append(pd.DataFrame({c: frame[c].array.take(local) for c in columns}))
        if not pieces:
            return self._parts[0].iloc[0:0][columns].reset_index(drop=True)
        joined = pd.concat(pieces, ignore_index=True)
        # Back from part order to the order asked for.
        return joined.take(np.argsort(order, kind="stable")).reset_index(drop=True)

    def take(self, positions) -> gpd.GeoDataFrame:
        """The events at ``positions`` as the canonical GeoDataFrame (EPSG:4326)."""
        from geo.eventtable import materialise

        return materialise(self.rows(positions))

    def column(self, name: str) -> pd.Series:
        """One compact column over every row (positions as :meth:`positions` gives)."""
        if len(self._parts) == 1:
            return self._parts[0][name]
        return self.rows(np.arange(len(self)), [name])[name]

    def event(self, event_id: str):
        """The canonical row (a Series with ``geometry``) of ``event_id``, or None."""
        for offset, frame in zip(self._offsets, self._parts, strict=False):
            ids = frame["event_id"]
            hits = np.flatnonzero((ids == event_id).to_numpy(dtype=bool, na_value=False))
            if len(hits):
                return self.take(hits[:1] + offset).iloc[0]
        return None

    def _memoised(self, key, compute):
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
        return value

    def _first_seen(self, column: str) -> list[str]:
        """Distinct values of a column in order of first appearance (every page layout
        asks for them: ~80 ms a column at 10M, so computed once per table)."""

        def compute():
            found: list[str] = []
            for frame in self._parts:
                values = frame[column]
                if isinstance(values.dtype, pd.CategoricalDtype):
                    # Unique codes in order of first appearance: C speed, where iterating
                    # the strings of a million rows takes over a second.
                    codes = pd.unique(values.cat.codes.to_numpy())
                    found += [str(values.cat.categories[c]) for c in codes if c >= 0]
                else:
                    found += [str(v) for v in values.dropna().unique()]
            return list(dict.fromkeys(found))

        return self._memoised(("first_seen", column), compute)

    def distinct(self, column: str) -> list[str]:
        """Distinct non-empty values of a text column over every event, sorted."""
        return sorted(v for v in self._first_seen(column) if v)

    def dataset_names(self) -> list[str]:
        """Names of the event datasets, in order of their first row."""
        return self._first_seen("dataset")
