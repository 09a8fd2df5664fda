"""Air-raid alerts: hours under alert per oblast and over time.

Alerts are region-level data: they say where an alert was *declared*, not where anything
struck, so they are shown as shaded oblasts and as a time series, never as points.

Hours are the length of the *union* of alert intervals of an oblast, so two alerts that
overlap are never counted twice. This matters for the ``official`` series, whose rows are
at oblast, raion and hromada level: an alert for one hromada during an oblast-wide alert
adds nothing, an alert for a raion outside it adds its own hours. "Hours under alert" is
therefore "hours during which an alert was in force somewhere in the oblast", the same
definition for both series.

Days are calendar days in ``tz`` (Europe/Kyiv by default, what readers in Ukraine mean by
"on 1 October"); the upstream times are UTC. Ranges are half-open, ``[date_from, date_to)``.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from geo.calendar import period_bounds
from geo.errors import FrontlineError
from geo.regions import normalise_region_codes
from geo.territory import as_date

__all__ = ["DATASETS", "alert_hours", "alert_hours_series", "coverage"]

#: The two series in the bundled table (see data/SOURCES.md).
DATASETS = ("volunteer", "official")
#: Local time of the days and weeks that figures are given for.
DEFAULT_TZ = "Europe/Kyiv"
_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_HOUR = 3600.0


def _select(alerts: pd.DataFrame, dataset: str, regions) -> tuple[pd.DataFrame, tuple]:
    present = tuple(str(d) for d in alerts["dataset"].unique()) or DATASETS
    if dataset not in present:
        raise FrontlineError(
            f"dataset: expected one of {', '.join(present)}, got {dataset!r}", param="dataset"
        )
    codes = normalise_region_codes(regions)
    bad = [c for c in codes if not _CODE.match(c)]
    if bad:
        raise FrontlineError(
            f"regions: {', '.join(bad)} is not an ISO 3166-2 code such as UA-30", param="regions"
        )
    mask = (alerts["dataset"] == dataset).to_numpy().copy()
    if codes:
        mask &= alerts["admin1"].isin(codes).to_numpy()
    return alerts.loc[mask, ["admin1", "started_at", "finished_at"]], codes


def _window(date_from, date_to, tz: str) -> tuple[dt.date, dt.date, pd.Timestamp, pd.Timestamp]:
    start, end = as_date(date_from, "from"), as_date(date_to, "to")
    if end <= start:
        raise FrontlineError(f"to ({end}) must be after from ({start})", param="to")
    return start, end, pd.Timestamp(start, tz=tz), pd.Timestamp(end, tz=tz)


def _seconds(values: pd.Series, origin: pd.Timestamp) -> np.ndarray:
    # Float seconds from the window start: int64 microseconds summed over 100k alerts
    # could overflow, float seconds keep millisecond precision at these magnitudes.
    return (values - origin).dt.total_seconds().to_numpy(dtype=float)


def _merged(rows: pd.DataFrame, t0: pd.Timestamp, t1: pd.Timestamp) -> pd.DataFrame:
    """Alert intervals clipped to ``[t0, t1)`` and merged per oblast (seconds from ``t0``).

    Returns a frame with ``admin1``, ``start``, ``end``: disjoint intervals per oblast.
    """
    rows = rows[(rows["finished_at"] > t0) & (rows["started_at"] < t1)]
    span = (t1 - t0).total_seconds()
    start = np.clip(_seconds(rows["started_at"], t0), 0.0, span)
    end = np.clip(_seconds(rows["finished_at"], t0), 0.0, span)
    frame = pd.DataFrame(
        {"admin1": rows["admin1"].to_numpy(dtype=object), "start": start, "end": end}
    )
    frame = frame[frame["end"] > frame["start"]].sort_values(["admin1", "start"])
    if frame.empty:
        return frame
    # Sweep without a Python loop: an interval opens a new block when it starts after
    # every earlier interval of the same oblast has ended (running max of the ends).
    reach = frame.groupby("admin1", sort=False)["end"].cummax()
    prev_reach = reach.shift(1).to_numpy()
    same = frame["admin1"].to_numpy() == np.roll(frame["admin1"].to_numpy(), 1)
    same[0] = False
    new_block = ~same | (frame["start"].to_numpy() > prev_reach)
    block = np.cumsum(new_block)
    return (
        frame.assign(block=block)
        .groupby("block", sort=False)
        .agg(admin1=("admin1", "first"), start=("start", "min"), end=("end", "max"))
        .reset_index(drop=True)
    )


def alert_hours(
    alerts: pd.DataFrame,
    date_from,
    date_to,
    dataset: str = "volunteer",
    regions=(),
    *,
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Hours under air-raid alert per oblast within ``[date_from, date_to)``.

    Parameters
    ----------
    alerts : the alerts table (:attr:`geo.stores.base.Data.airraid`): ``dataset``,
        ``admin1``, ``started_at``, ``finished_at`` (UTC).
    date_from, date_to : ISO dates or dates; days in ``tz``.
    dataset : ``"volunteer"`` (oblast level, 2022-02-25 to 2024-10-10) or ``"official"``
        (oblast, raion and hromada level, 2022-03-15 to 2024-04-22); see :func:`coverage`.
    regions : ISO 3166-2 codes to keep; empty means every oblast in the series.
    tz : time zone of the day boundaries.

    Returns
    -------
    DataFrame with ``admin1``, ``hours`` (float, union of the alert intervals clipped to
    the window, never more than the window's length) and ``alerts`` (int64, alert rows of
    any level that *started* in the window), one row per oblast of the selection that has
    any alert in the series (zeros where it had none in the window), most hours first.

    Examples
    --------
    >>> alert_hours(store.airraid, "2024-01-01", "2024-02-01", regions="UA-30")
    ... # doctest: +SKIP
    """
    rows, codes = _select(alerts, dataset, regions)
    _, _, t0, t1 = _window(date_from, date_to, tz)
    merged = _merged(rows, t0, t1)
    hours = (merged["end"] - merged["start"]).groupby(merged["admin1"]).sum() / _HOUR
    started = rows["started_at"]
    counts = rows.loc[(started >= t0) & (started < t1), "admin1"].value_counts()
    index = sorted(set(rows["admin1"].dropna().unique()) | set(codes))
    out = pd.DataFrame(
        {
            "admin1": pd.Series(index, dtype=object),
            "hours": hours.reindex(index, fill_value=0.0).to_numpy(dtype=float),
            "alerts": counts.reindex(index, fill_value=0).to_numpy(dtype="int64"),
        }
    )
    return out.sort_values(["hours", "admin1"], ascending=[False, True], ignore_index=True)


def alert_hours_series(
    alerts: pd.DataFrame,
    date_from,
    date_to,
    by: str = "day",
    dataset: str = "volunteer",
    regions=(),
    *,
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Hours under alert per day, ISO week or month, summed over the selected oblasts.

    Each oblast's alerts are merged first (see the module docstring), then the hours of
    the oblasts are added: two oblasts under alert for the same hour count two hours, the
    "oblast-hours" that a map of the whole country shows.

    Parameters
    ----------
    alerts, date_from, date_to, dataset, regions, tz : as in :func:`alert_hours`.
    by : ``"day"``, ``"week"`` (from Monday) or ``"month"``; the first and last periods
        are cut at ``date_from`` and ``date_to``.

    Returns
    -------
    DataFrame with ``period_start`` (``datetime.date``) and ``hours`` (float), one row per
    period in the range, zeros included.
    """
    rows, _ = _select(alerts, dataset, regions)
    start, end, t0, t1 = _window(date_from, date_to, tz)
    bounds = period_bounds(start, end, by)
    merged = _merged(rows, t0, t1)
    starts = pd.DatetimeIndex([a for a, _ in bounds] + [end]).tz_localize(tz)
    edges = (starts - t0).total_seconds().to_numpy(dtype=float)
    covered = _covered_until(merged["start"].to_numpy(), merged["end"].to_numpy(), edges)
    return pd.DataFrame(
        {
            "period_start": pd.Series([a for a, _ in bounds], dtype=object),
            "hours": np.diff(covered) / _HOUR,
        }
    )


def _covered_until(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Total time covered by intervals ``[starts, ends)`` before each of ``edges``.

    ``F(t) = sum(max(0, t - s)) - sum(max(0, t - e))``, evaluated for all edges at once
    with sorted arrays and cumulative sums: O((n + m) log n) instead of n x m overlaps.
    """

    def ramp(points: np.ndarray) -> np.ndarray:
        points = np.sort(points)
        csum = np.concatenate([[0.0], np.cumsum(points)])
        k = np.searchsorted(points, edges, side="left")
        return k * edges - csum[k]

    return ramp(starts) - ramp(ends)


def coverage(alerts: pd.DataFrame, dataset: str = "volunteer") -> tuple[dt.date, dt.date]:
    """First and last day (UTC) on which an alert of ``dataset`` started.

    Outside these days a figure of 0 hours means "no data", not "no alerts": callers
    should say so rather than show the zero.
    """
    rows, _ = _select(alerts, dataset, ())
    if rows.empty:
        raise FrontlineError(f"dataset: {dataset!r} has no alerts", param="dataset")
    started = rows["started_at"]
    return started.min().date(), started.max().date()
