"""Counts for charts: events per day, week or month and type; spatial bins; region totals.

These run on every filter change in the web app, on tables of up to a million events, so
everything here works on whole columns (numpy / pandas), never row by row.

Dates are half-open, ``[date_from, date_to)``, as everywhere in Frontline.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from geo.calendar import PERIODS, check_period, period_index, period_starts
from geo.errors import FrontlineError
from geo.territory import as_date

__all__ = [
    "BINS",
    "cell_for_zoom",
    "choose_cell_size",
    "counts_of",
    "event_counts",
    "nice_cell",
    "region_counts",
    "spatial_bins",
    "totals",
]

#: Period lengths offered by :func:`event_counts` (:data:`geo.calendar.PERIODS`).
BINS = PERIODS
#: Cell sizes offered by :func:`choose_cell_size`, in degrees: 1, 2, 5 times powers of ten,
#: so that cell edges fall on round coordinates and stay put while the user pans.
_NICE_STEPS = (1.0, 2.0, 5.0)
_MIN_CELL_DEG = 1e-4
_MAX_CELL_DEG = 10.0


def event_counts(
    events: pd.DataFrame, by: str = "day", date_from=None, date_to=None
) -> pd.DataFrame:
    """Number of events per period and event type, with every period present.

    Periods without events get a count of 0 for every type, so a stacked bar chart has no
    gaps and its x axis shows the real length of quiet spells.

    Parameters
    ----------
    events : DataFrame in the canonical event schema (``date``, ``event_type``).
    by : ``"day"``, ``"week"`` (weeks start on Monday) or ``"month"``.
    date_from, date_to : half-open range ``[date_from, date_to)`` as ISO strings or dates;
        by default the first and the day after the last event. Events outside are ignored.
        Each period is labelled by its calendar start, so the first week of a range that
        starts on a Wednesday is labelled with the Monday before it and holds only the
        days from ``date_from`` on.

    Returns
    -------
    DataFrame with ``period_start`` (``datetime.date``), ``event_type`` (str) and ``count``
    (int64), sorted by period then type. Types are those present in the range.

    Examples
    --------
    >>> event_counts(events, by="week", date_from="2024-10-01", date_to="2024-11-01")
    ... # doctest: +SKIP
    """
    types = pd.Categorical(events["event_type"].astype("category"))
    days = events["date"].to_numpy(dtype="datetime64[D]")
    return counts_of(days, types.codes, types.categories.astype(str), by, date_from, date_to)


def counts_of(days, codes, names, by: str = "day", date_from=None, date_to=None) -> pd.DataFrame:
    """:func:`event_counts` of events given as arrays: ``days`` (``datetime64[D]``), event
    type ``codes`` (-1 for none) into ``names``. The column store counts this way without
    building a frame of its rows."""
    check_period(by)
    if date_from is None and date_to is None and len(days) == 0:
        return _empty_counts()
    start = as_date(date_from, "from") if date_from is not None else days.min().item()
    end = as_date(date_to, "to") if date_to is not None else days.max().item() + dt.timedelta(1)
    if end <= start:
        raise FrontlineError(f"to ({end}) must be after from ({start})", param="to")
    lo, hi = np.datetime64(start, "D"), np.datetime64(end, "D")
    keep = (days >= lo) & (days < hi)
    periods = period_starts(days[keep], by)
    # Categorical codes and integer arithmetic instead of strings and searchsorted: on a
    # million rows this is the difference between ~10 ms and a quarter of a second.
    codes = np.asarray(codes)[keep]
    has_type = codes >= 0
    periods, codes = periods[has_type], codes[has_type]
    used = np.flatnonzero(np.bincount(codes, minlength=len(names)))
    if len(used) == 0:
        return _empty_counts()
    present = np.asarray(names, dtype=object)[used]
    order = np.argsort(present)
    all_types = present[order]
    remap = np.zeros(len(names), dtype="int64")
    remap[used[order]] = np.arange(len(used))
    t_idx = remap[codes]

    all_periods = np.unique(period_starts(np.arange(lo, hi, dtype="datetime64[D]"), by))
    p_idx = period_index(periods, all_periods[0], by)
    # Position of each event in the (period x type) grid; bincount fills the zeros.
    counts = np.bincount(
        p_idx * len(all_types) + t_idx, minlength=len(all_periods) * len(all_types)
    )
    return pd.DataFrame(
        {
            "period_start": np.repeat(all_periods, len(all_types)).astype(object),
            "event_type": np.tile(all_types, len(all_periods)).astype(object),
            "count": counts.astype("int64"),
        }
    )


def _empty_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_start": pd.Series(dtype=object),
            "event_type": pd.Series(dtype=object),
            "count": pd.Series(dtype="int64"),
        }
    )


def totals(events: pd.DataFrame) -> dict[str, int]:
    """Headline numbers for the current selection.

    Returns
    -------
    dict with ``events`` (rows), ``fatalities`` (sum of the best estimates, missing values
    left out rather than counted as 0) and ``fatalities_known`` (rows that have a best
    estimate), so the UI can say "1,234 deaths in 560 of 600 events with a figure".
    """
    fat = events["fatalities"] if "fatalities" in events.columns else pd.Series(dtype="Int32")
    known = fat.notna()
    return {
        "events": len(events),
        "fatalities": int(fat[known].astype("int64").sum()),
        "fatalities_known": int(known.sum()),
    }


def _check_bbox(bbox) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise FrontlineError(
            f"bbox: expected (west, south, east, north) in degrees, got {bbox!r}", param="bbox"
        ) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise FrontlineError(f"bbox: not a valid box: {bbox!r}", param="bbox")
    return west, south, east, north


def nice_cell(raw: float) -> float:
    """The cell size of every grid of Frontline: ``raw`` degrees rounded *up* to 1, 2 or 5
    times a power of ten (so cell edges fall on round coordinates and stay put while the
    user pans), between 0.0001° and 10°.

    Examples
    --------
    >>> nice_cell(0.3), nice_cell(0.05), nice_cell(3e-5)
    (0.5, 0.05, 0.0001)
    """
    if not raw > 0:
        return _MIN_CELL_DEG
    exponent = math.floor(math.log10(raw))
    for step in (*_NICE_STEPS, 10.0):
        size = step * 10.0**exponent
        # Compare with a tolerance: 0.5 must not lose to 0.49999999 from the log.
        if size >= raw * (1 - 1e-9):
            break
    return float(min(max(round(size, 10), _MIN_CELL_DEG), _MAX_CELL_DEG))


def choose_cell_size(bbox, target_cells: int = 2000) -> float:
    """A round cell size in degrees that splits ``bbox`` into at most about ``target_cells``.

    Parameters
    ----------
    bbox : (west, south, east, north) in degrees, the visible map.
    target_cells : how many cells the box may hold at most; the size is rounded up by
        :func:`nice_cell`, so the real number is between about a fifth of ``target_cells``
        and ``target_cells``.

    Returns
    -------
    float, between 0.0001° and 10°.

    Examples
    --------
    >>> choose_cell_size((22.0, 44.0, 41.0, 53.0))
    0.5
    """
    west, south, east, north = _check_bbox(bbox)
    if target_cells < 1:
        raise FrontlineError(
            f"target_cells: expected a positive number, got {target_cells!r}",
            param="target_cells",
        )
    return nice_cell(math.sqrt((east - west) * (north - south) / target_cells))


def cell_for_zoom(zoom: float, px: float = 20.0) -> float:
    """The cell size for a web map at ``zoom``: about ``px`` screen pixels a cell.

    Examples
    --------
    >>> cell_for_zoom(5.0), cell_for_zoom(9.0)
    (1.0, 0.1)
    """
    return nice_cell(360.0 / (256 * 2 ** float(zoom)) * px)


def spatial_bins(lon, lat, bbox=None, cell_deg: float | None = None) -> pd.DataFrame:
    """Count points in a square grid of ``cell_deg`` degrees (for zoomed-out views).

    The grid is anchored at 0°/0° rather than at the box, so cells do not jump while the
    user pans. Every input point is counted exactly once: filtering to the box is the
    query's job, ``bbox`` only picks the cell size when ``cell_deg`` is not given.

    Parameters
    ----------
    lon, lat : array-like of float, WGS84 degrees, same length, all finite.
    bbox : (west, south, east, north), used by :func:`choose_cell_size`; default the
        extent of the points.
    cell_deg : cell size in degrees; default :func:`choose_cell_size` of ``bbox``.

    Returns
    -------
    DataFrame with ``lon``, ``lat`` (cell centres) and ``count`` (int64, sums to the
    number of points), ordered by cell.

    Examples
    --------
    >>> spatial_bins([30.1, 30.2, 31.7], [50.1, 50.3, 50.4], cell_deg=1.0)
        lon   lat  count
    0  30.5  50.5      2
    1  31.5  50.5      1
    """
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"lon and lat must have the same length, got {x.shape} and {y.shape}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("lon and lat must be finite; drop points without coordinates first")
    if len(x) == 0:
        return pd.DataFrame(
            {"lon": np.zeros(0), "lat": np.zeros(0), "count": np.zeros(0, dtype="int64")}
        )
    if cell_deg is None:
        if bbox is None:
            pad = 1e-6  # a single point or a line still makes a valid box
            bbox = (
                max(x.min() - pad, -180),
                max(y.min() - pad, -90),
                min(x.max() + pad, 180),
                min(y.max() + pad, 90),
            )
        cell_deg = choose_cell_size(bbox)
    if not cell_deg > 0:
        raise FrontlineError(f"cell_deg: must be positive, got {cell_deg!r}", param="cell_deg")
    ix = np.floor(x / cell_deg).astype("int64")
    iy = np.floor(y / cell_deg).astype("int64")
    # One int64 key per cell; np.unique on it is much faster than on (ix, iy) row pairs.
    ix0, iy0 = ix.min(), iy.min()
    height = iy.max() - iy0 + 1
    keys, counts = np.unique((ix - ix0) * height + (iy - iy0), return_counts=True)
    cx = (keys // height + ix0 + 0.5) * cell_deg
    cy = (keys % height + iy0 + 0.5) * cell_deg
    return pd.DataFrame({"lon": cx.round(10), "lat": cy.round(10), "count": counts.astype("int64")})


def region_counts(events: pd.DataFrame, geo_precision: int | None = 3) -> pd.DataFrame:
    """Events per admin-1 region, for shading regions on the map.

    Events only known to the region (``geo_precision`` 3) cannot be drawn as points
    without suggesting a false place, so the map shades their region instead.

    Parameters
    ----------
    events : DataFrame in the canonical event schema (``admin1``, ``geo_precision``).
    geo_precision : count only events of this precision; None counts all events.

    Returns
    -------
    DataFrame with ``admin1`` (ISO 3166-2) and ``count`` (int64), largest first; events
    outside every region (``admin1`` missing) are left out.
    """
    if geo_precision is not None and geo_precision not in (1, 2, 3):
        raise FrontlineError(
            f"precision: expected 1, 2 or 3, got {geo_precision!r}", param="precision"
        )
    admin1 = events["admin1"]
    keep = admin1.notna().to_numpy().copy()
    if geo_precision is not None:
        keep &= events["geo_precision"].to_numpy() == geo_precision
    counts = admin1[keep].astype(str).value_counts(sort=False)
    out = pd.DataFrame({"admin1": counts.index.astype(object), "count": counts.to_numpy()})
    out["count"] = out["count"].astype("int64")
    return out.sort_values(["count", "admin1"], ascending=[False, True], ignore_index=True)
