"""One description of "which events": the same filters for the UI, the API and the CLI.

Dates are half-open, ``[from, to)``: October 2024 is ``from=2024-10-01&to=2024-11-01``,
which is also what the territory figures use (the map early on 1 October to the map early
on 1 November), so event counts and km² always describe the same days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from geo.actors import expand
from geo.errors import FrontlineError
from geo.regions import normalise_region_codes
from geo.territory import as_date

__all__ = ["Query", "split_list"]

MAX_TEXT = 200


def split_list(value) -> tuple[str, ...]:
    """``"a,b"`` or ``["a", "b"]`` → ``("a", "b")``; blanks dropped, order and case kept."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(dict.fromkeys(s.strip() for s in items if s and str(s).strip()))


@dataclass(frozen=True)
class Query:
    """Filters over the event table. Empty tuples and ``None`` mean "no filter".

    Attributes
    ----------
    date_from, date_to : half-open date range ``[date_from, date_to)``.
    datasets, types, actors : exact matches (actors match ``actor1`` or ``actor2``; a
        canonical actor of :mod:`geo.actors` matches any of its aliases).
    regions : ISO 3166-2 codes, matched against the spatially joined ``admin1``.
    precision : keep events with ``geo_precision`` at most this (1 = exact places only).
    text : case-insensitive substring of ``location`` or ``notes``.
    bbox : (west, south, east, north) in degrees.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    datasets: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    precision: int | None = None
    text: str = ""
    bbox: tuple[float, float, float, float] | None = field(default=None)

    def __post_init__(self):
        if self.date_from and self.date_to and self.date_to <= self.date_from:
            raise FrontlineError(
                f"to ({self.date_to}) must be after from ({self.date_from})", param="to"
            )
        if self.precision is not None and self.precision not in (1, 2, 3):
            raise FrontlineError(
                f"precision: expected 1, 2 or 3, got {self.precision!r}", param="precision"
            )
        if len(self.text) > MAX_TEXT:
            raise FrontlineError(f"q: at most {MAX_TEXT} characters", param="q")

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Query:
        """Build a query from URL parameters (``from``, ``to``, ``datasets``, ``types``,
        ``actors``, ``regions``, ``precision``, ``q``, ``bbox``). Unknown keys are ignored
        here; every error names the parameter at fault."""
        get = params.get

        def date(name):
            value = get(name)
            return as_date(value, name) if value not in (None, "") else None

        precision = get("precision")
        if precision not in (None, ""):
            try:
                precision = int(precision)
            except (TypeError, ValueError):
                raise FrontlineError(
                    f"precision: expected 1, 2 or 3, got {precision!r}", param="precision"
                ) from None
        else:
            precision = None
        bbox = get("bbox")
        if bbox not in (None, ""):
            parts = split_list(bbox)
            try:
                west, south, east, north = (float(p) for p in parts)
            except ValueError:
                raise FrontlineError(
                    f"bbox: expected west,south,east,north in degrees, got {bbox!r}", param="bbox"
                ) from None
            if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
                raise FrontlineError(f"bbox: not a valid box: {bbox!r}", param="bbox")
            bbox = (west, south, east, north)
        else:
            bbox = None
        return cls(
            date_from=date("from"),
            date_to=date("to"),
            datasets=split_list(get("datasets")),
            types=split_list(get("types")),
            actors=split_list(get("actors")),
            regions=normalise_region_codes(get("regions")),
            precision=precision,
            text=(get("q") or "").strip(),
            bbox=bbox,
        )

    def to_params(self) -> dict[str, str]:
        """The URL parameters of this query (only those that filter), in a stable order."""
        out: dict[str, str] = {}
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        for key in ("datasets", "types", "actors", "regions"):
            if getattr(self, key):
                out[key] = ",".join(getattr(self, key))
        if self.precision is not None:
            out["precision"] = str(self.precision)
        if self.text:
            out["q"] = self.text
        if self.bbox:
            out["bbox"] = ",".join(f"{v:g}" for v in self.bbox)
        return out

    def key(self) -> tuple:
        """A hashable, normalised form for caches (sorted sets, so order does not matter)."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}  # all immutable
        for k in ("datasets", "types", "actors", "regions"):
            d[k] = tuple(sorted(d[k]))
        return tuple(d.items())

    def replace(self, **changes) -> Query:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def mask(self, events: pd.DataFrame) -> np.ndarray:
        """Boolean row mask of ``events`` (canonical schema) that match this query."""
        n = len(events)
        m = np.ones(n, dtype=bool)
        if n == 0:
            return m
        if self.date_from or self.date_to:
            dates = events["date"].to_numpy(dtype="datetime64[D]")
            if self.date_from:
                m &= dates >= np.datetime64(self.date_from, "D")
            if self.date_to:
                m &= dates < np.datetime64(self.date_to, "D")
        for col, wanted in (("dataset", self.datasets), ("event_type", self.types)):
            if wanted:
                m &= events[col].astype(object).isin(wanted).to_numpy()
        if self.actors:
            # A canonical actor ("Russia (state)") matches each of its datasets' spellings:
            # expanded once here, then one membership test per column, not per row.
            wanted = expand(self.actors)
            m &= _isin(events["actor1"], wanted) | _isin(events["actor2"], wanted)
        if self.regions:
            m &= events["admin1"].isin(self.regions).to_numpy()
        if self.precision is not None:
            m &= events["geo_precision"].to_numpy() <= self.precision
        if self.bbox:
            west, south, east, north = self.bbox
            x, y = events.geometry.x.to_numpy(), events.geometry.y.to_numpy()
            m &= (x >= west) & (x <= east) & (y >= south) & (y <= north)
        if self.text:
            needle = self.text.lower()
            m &= _contains(events["location"], needle) | _contains(events["notes"], needle)
        return m


def _isin(column: pd.Series, wanted: tuple[str, ...]) -> np.ndarray:
    """Rows whose value is one of ``wanted``; missing values never match. A categorical
    column is tested once per distinct value, then by its codes (about 20 times faster
    than ``Series.isin`` at a million rows)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        hit = np.append(column.cat.categories.isin(wanted), False)  # code -1 (missing) -> False
        return hit[column.cat.codes.to_numpy()]
    return column.isin(wanted).to_numpy(dtype=bool, na_value=False)


def _contains(column: pd.Series, needle: str) -> np.ndarray:
    """Rows whose text contains ``needle`` (lower-cased), missing text never matching.
    A categorical column is searched once per distinct value, not once per row."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = column.cat.categories.astype(str).str.lower().str.contains(needle, regex=False)
        codes = column.cat.codes.to_numpy()
        hit = np.append(np.asarray(cats, dtype=bool), False)  # code -1 (missing) -> False
        return hit[codes]
    text = column.astype("string").str.lower().str.contains(needle, regex=False)
    return text.fillna(False).to_numpy(dtype=bool)
