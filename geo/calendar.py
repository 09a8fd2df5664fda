"""Frontline's calendar: days, ISO weeks (from Monday) and calendar months, written once.

Every series in Frontline uses these periods: events per week, km² per month, alert hours
per day, the precomputed period table, exports with ``by=``. Ranges are half-open,
``[start, end)``: October 2024 is ``2024-10-01`` to ``2024-11-01``, the map early on
1 October to the map early on 1 November.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd

from geo.errors import FrontlineError

__all__ = [
    "PERIODS",
    "aligned_bounds",
    "check_period",
    "edges",
    "period_bounds",
    "period_count",
    "period_index",
    "period_pairs",
    "period_starts",
]

#: The period lengths Frontline offers.
PERIODS = ("day", "week", "month")


def check_period(by: str) -> str:
    """``by`` when it is one of :data:`PERIODS`, else a FrontlineError naming ``by``."""
    if by not in PERIODS:
        raise FrontlineError(f"by: expected one of {', '.join(PERIODS)}, got {by!r}", param="by")
    return by


def period_starts(days: np.ndarray, by: str) -> np.ndarray:
    """The start of the day, ISO week (Monday) or month of each ``datetime64[D]`` value."""
    check_period(by)
    if by == "day":
        return days
    if by == "week":
        # 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays.
        n = days.astype("int64")
        return (n - (n + 3) % 7).astype("datetime64[D]")
    return days.astype("datetime64[M]").astype("datetime64[D]")


def period_index(starts: np.ndarray, first: np.datetime64, by: str) -> np.ndarray:
    """How many periods after ``first`` each period start is (periods are numbered evenly)."""
    if by == "month":
        return (starts.astype("datetime64[M]") - first.astype("datetime64[M]")).astype("int64")
    steps = (starts - first).astype("int64")
    return steps // 7 if by == "week" else steps


def period_bounds(start: dt.date, end: dt.date, by: str) -> list[tuple[dt.date, dt.date]]:
    """Split ``[start, end)`` into days, ISO weeks or calendar months.

    The first and last periods are cut at ``start`` and ``end``; a monthly figure for a
    whole month runs from the 1st of the month to the 1st of the next.

    Examples
    --------
    >>> period_bounds(dt.date(2024, 8, 15), dt.date(2024, 10, 1), "month")
    [(datetime.date(2024, 8, 15), datetime.date(2024, 9, 1)), (datetime.date(2024, 9, 1), datetime.date(2024, 10, 1))]
    """  # noqa: E501
    check_period(by)
    if end <= start:
        raise FrontlineError(f"to ({end}) must be after from ({start})", param="to")
    cuts = {start, end}
    if by == "day":
        cuts.update(start + dt.timedelta(days=i) for i in range((end - start).days))
    elif by == "week":
        monday = start - dt.timedelta(days=start.weekday())
        cuts.update(pd.date_range(monday, end, freq="7D").date)
    else:
        cuts.update(pd.date_range(start.replace(day=1), end, freq="MS").date)
    return list(itertools.pairwise(sorted(c for c in cuts if start <= c <= end)))


def period_count(start: dt.date, end: dt.date, by: str) -> int:
    """How many periods :func:`period_bounds` makes (an upper bound), without making them."""
    days = (end - start).days
    if by == "day":
        return days
    if by == "week":
        return days // 7 + 2
    return (end.year - start.year) * 12 + end.month - start.month + 1


def edges(first: dt.date, last: dt.date, by: str) -> list[dt.date]:
    """Every Monday (``by="week"``), 1st of a month (``"month"``) or day from first to last."""
    if by == "day":
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    if by == "week":
        start = first + dt.timedelta(days=(7 - first.weekday()) % 7)
        return list(pd.date_range(start, last, freq="7D").date)
    if by == "month":
        start = first if first.day == 1 else (first.replace(day=1) + pd.DateOffset(months=1))
        return list(pd.date_range(pd.Timestamp(start), last, freq="MS").date)
    raise ValueError(f"by must be 'day', 'week' or 'month', got {by!r}")


def aligned_bounds(first: dt.date, last: dt.date, by: str) -> list[tuple[dt.date, dt.date]]:
    """Every whole day, ISO week (Monday to Monday) or month (1st to 1st) between two dates."""
    return list(itertools.pairwise(edges(first, last, by)))


def period_pairs(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every period a series can ask for between two dates: every day, the whole weeks and
    months, and the pieces a range cut at any day makes of them (from that day to the next
    Monday or 1st, and from the last Monday or 1st to that day)."""
    pairs = set(aligned_bounds(first, last, "day"))
    for by in ("week", "month"):
        cuts = edges(first, last, by)
        pairs.update(itertools.pairwise(cuts))
        day = first
        while day <= last:
            i = int(np.searchsorted(cuts, day))
            if i < len(cuts) and cuts[i] == day:
                day += dt.timedelta(days=1)
                continue
            if i < len(cuts):
                pairs.add((day, cuts[i]))
            if i > 0:
                pairs.add((cuts[i - 1], day))
            day += dt.timedelta(days=1)
    return sorted(pairs)
