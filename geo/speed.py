"""How fast the front moves (km² a day over rolling windows), the largest monthly gain since
a month, and the km² of each period split by oblast.

Rolling windows and monthly figures come from :meth:`geo.territory.Territory.series_records`,
so whole and cut weeks come from the precomputed period table (:mod:`geo.periods`) when it
matches the snapshots; a net change over any window is the sum of the nets of its pieces
(net change telescopes: area(end) - area(start)). Each piece is rounded to 0.1 km², so a
30-day window's net is exact to ~0.3 km² (0.01 km² a day).

The split by oblast needs figures before rounding, so that the rows add up to the total:
:class:`RegionPeriods` reads them from the period table's file, and computes a period live
(two overlays and a clip per region, ~25 ms) where the table has none or was computed from
other snapshots.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geo.areas import area_km2
from geo.calendar import period_bounds
from geo.errors import FrontlineError
from geo.periods import PERIODS_FILE, fingerprint
from geo.regions import normalise_region_codes
from geo.territory import as_date

__all__ = [
    "OUTSIDE",
    "RegionPeriods",
    "largest_since",
    "per_region_series",
    "rolling_speed",
]

log = logging.getLogger(__name__)

#: The region of ground outside every admin-1 polygon (sea, coast and estuary slivers).
OUTSIDE = "outside"
_FIGURES = ("gained_km2", "lost_km2", "net_km2")


def rolling_speed(
    territory, start, end, window: int = 7, regions=None, layer: str = "russian_held"
) -> list[dict]:
    """Net km² a day over the ``window`` days before each day of ``[start, end)``.

    The record of day ``d`` covers the change from the snapshot for ``d - window`` to the
    snapshot for ``d`` (the map early on ``d``), divided by the days between those two
    snapshots (fewer than ``window`` when a snapshot is missing; None when they coincide).

    Parameters
    ----------
    territory : geo.territory.Territory.
    start, end : ISO dates or dates.
    window : days, 1 or more (7 and 30 are the usual ones).
    regions : ISO 3166-2 codes whose sum is measured; None for the whole layer.

    Returns
    -------
    list of ``{"date", "window_days", "from_snapshot", "to_snapshot", "layer", "region",
    "net_km2", "km2_per_day", "source"}``, ISO dates, net rounded to 0.1 and km² a day to 0.01.
    """
    start, end = as_date(start, "from"), as_date(end, "to")
    if not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise FrontlineError(
            f"window: expected a whole number of days >= 1, got {window!r}", param="window"
        )
    out = []
    for day, _ in period_bounds(start, end, "day"):
        pieces = territory.series_records(
            day - dt.timedelta(days=window), day, "week", regions, layer
        )
        net = sum(p["net_km2"] for p in pieces)
        first = dt.date.fromisoformat(pieces[0]["from_snapshot"])
        last = dt.date.fromisoformat(pieces[-1]["to_snapshot"])
        span = (last - first).days
        sources = "+".join(dict.fromkeys(s for p in pieces for s in p["source"].split("+")))
        out.append(
            {
                "date": day.isoformat(),
                "window_days": window,
                "from_snapshot": first.isoformat(),
                "to_snapshot": last.isoformat(),
                "layer": layer,
                "region": pieces[0]["region"],
                "net_km2": round(net, 1),
                "km2_per_day": round(net / span, 2) if span > 0 else None,
                "source": sources,
            }
        )
    return out


def largest_since(monthly_records: list[dict], month, measure: str = "net_km2") -> dict:
    """How a month's figure ranks against the months before it.

    Parameters
    ----------
    monthly_records : records of :meth:`~geo.territory.Territory.series_records` with
        ``by="month"``; pieces that are not whole months (a range cut mid-month) are ignored.
    month : the month to rank: ``"2024-11"``, or any date in it.
    measure : ``"net_km2"`` (default) or ``"gained_km2"``.

    Returns
    -------
    dict with ``month`` and ``value``; ``last_exceeded``, the latest earlier month with a
    larger value (``{"month", "value"}``), or None when no earlier month had one: then the
    month is the largest since ``first_month``, the first whole month given; ``largest``,
    the largest month up to and including ``month`` (the earliest of equals).
    So "the largest monthly gain since ``last_exceeded``" (or "on record").

    Examples
    --------
    >>> recs = terr.series_records("2022-05-01", "2025-01-01", by="month")  # doctest: +SKIP
    >>> largest_since(recs, "2024-11")["last_exceeded"]                     # doctest: +SKIP
    """
    if measure not in ("net_km2", "gained_km2"):
        raise FrontlineError(
            f"measure: expected net_km2 or gained_km2, got {measure!r}", param="measure"
        )
    wanted = _month(month)
    whole = [
        (r["period_start"][:7], float(r[measure]))
        for r in monthly_records
        if _whole_month(r["period_start"], r["period_end"])
    ]
    whole.sort()
    months = [m for m, _ in whole]
    if wanted not in months:
        span = f"{months[0]} to {months[-1]}" if months else "no whole month"
        raise FrontlineError(
            f"month: {wanted} is not among the whole months given ({span})", param="month"
        )
    i = months.index(wanted)
    value = whole[i][1]
    before = [(m, v) for m, v in whole[:i] if v > value]
    best = max(whole[: i + 1], key=lambda mv: (mv[1], -months.index(mv[0])))
    return {
        "month": wanted,
        "measure": measure,
        "value": value,
        "last_exceeded": {"month": before[-1][0], "value": before[-1][1]} if before else None,
        "largest": {"month": best[0], "value": best[1]},
        "first_month": months[0],
    }


def _month(value) -> str:
    text = str(value).strip()
    try:
        return as_date(text + "-01" if len(text) == 7 else text, "month").strftime("%Y-%m")
    except FrontlineError:
        raise FrontlineError(
            f"month: expected YYYY-MM or a date, got {value!r}", param="month"
        ) from None


def _whole_month(start: str, end: str) -> bool:
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    nxt = (a.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return a.day == 1 and b == nxt


class RegionPeriods:
    """Gained, lost and net km² per admin-1 region and period, before rounding.

    Parameters
    ----------
    territory : geo.territory.Territory (with its ``regions``).
    path : the period table (``territory_periods.parquet``), or None to compute every
        period live. A table computed from other snapshots is ignored (and logged).
    """

    def __init__(self, territory, path: Path | None = None):
        if territory.regions is None:
            raise FrontlineError(
                "regions: figures by oblast need the admin-1 regions", param="regions"
            )
        self.territory = territory
        self._table: dict[tuple, dict[str, tuple]] = {}
        self._prints: dict[str, str] = {}
        self._checked: dict[str, bool] = {}
        if path is not None and Path(path).exists():
            self._load(Path(path))

    @classmethod
    def from_data_dir(cls, territory, data_dir) -> RegionPeriods:
        """With the period table of a data directory."""
        return cls(territory, Path(data_dir) / PERIODS_FILE)

    def _load(self, path: Path) -> None:
        import json

        import pyarrow.parquet as pq

        table = pq.read_table(path)
        self._prints = json.loads(
            (table.schema.metadata or {}).get(b"frontline_fingerprints", b"{}")
        )
        frame = table.to_pandas()
        keys = zip(
            frame["layer"].astype(str),
            pd.to_datetime(frame["period_start"]).dt.date,
            pd.to_datetime(frame["period_end"]).dt.date,
            strict=True,
        )
        values = frame[["region", *_FIGURES]].itertuples(index=False, name=None)
        for key, (region, *figures) in zip(keys, values, strict=True):
            self._table.setdefault(key, {})[str(region)] = tuple(figures)

    def _usable(self, layer: str) -> bool:
        if not self._table:
            return False
        if layer not in self._checked:
            ok = self._prints.get(layer) == fingerprint(self.territory, layer)
            if not ok:
                log.warning("period table does not match the %s snapshots: by oblast live", layer)
            self._checked[layer] = ok
        return self._checked[layer]

    def figures(self, start: dt.date, end: dt.date, layer: str = "russian_held"):
        """``(parts, from_snapshot, to_snapshot, source)`` for one period; ``parts`` maps
        each region to its ``(gained, lost, net)`` km² before rounding, and ``""`` to the
        whole layer's; regions with nothing gained or lost are absent."""
        before = self.territory.snapshot(start, layer, "from")
        after = self.territory.snapshot(end, layer, "to")
        source = "+".join(dict.fromkeys([before.source, after.source]))
        parts = self._table.get((layer, start, end)) if self._usable(layer) else None
        if parts is None:
            parts = self._live(before, after)
        return parts, before.date, after.date, source

    def _live(self, before, after) -> dict[str, tuple]:
        gained = shapely.difference(after.geometry, before.geometry)
        lost = shapely.difference(before.geometry, after.geometry)
        net = float(area_km2(after.geometry)) - float(area_km2(before.geometry))
        parts = {"": (float(area_km2(gained)), float(area_km2(lost)), net)}
        admin1 = self.territory.regions.admin1
        shapes = admin1.geometry.values
        tree = shapely.STRtree(shapes)
        for i in np.union1d(tree.query(gained), tree.query(lost)):
            g = float(area_km2(shapely.intersection(gained, shapes[i])))
            lo = float(area_km2(shapely.intersection(lost, shapes[i])))
            if g > 0 or lo > 0:
                parts[str(admin1["iso_3166_2"].iloc[i])] = (g, lo, g - lo)
        return parts


def per_region_series(
    territory,
    start,
    end,
    by: str = "month",
    *,
    periods=None,
    layer: str = "russian_held",
    regions=None,
) -> list[dict]:
    """Km² gained, lost and net per oblast (admin-1 region) and week or month.

    Regions with nothing gained or lost in a period are left out. Ground outside every
    admin-1 polygon (the 1:10m outlines leave out sea, spits and estuary slivers that
    DeepState's polygons cover) is the row ``region == "outside"``: 16.1 km² gained in April
    2024 (at the Kinburn spit), under 0.1 km² in every other month of 2024 and 2025. Ground
    that the outlines put across the border appears under the Russian region (``RU-BEL``).

    Each figure is rounded to 0.1 km² by largest remainders, so that within a period the
    rows add up exactly to the rounded total (the total of ``Territory.series_records``).

    Parameters
    ----------
    territory : geo.territory.Territory with its regions.
    start, end : ISO dates or dates; periods as :func:`geo.calendar.period_bounds`.
    by : ``"week"`` or ``"month"``.
    periods : RegionPeriods (with the precomputed table); None computes every period live.
    regions : ISO 3166-2 codes to keep (their rows only); None for all.

    Returns
    -------
    list of ``{"period_start", "period_end", "from_snapshot", "to_snapshot", "layer",
    "region", "gained_km2", "lost_km2", "net_km2", "source"}``, by period then region.
    """
    start, end = as_date(start, "from"), as_date(end, "to")
    if by not in ("week", "month"):
        raise FrontlineError(f"by: figures by oblast are by week or month, got {by!r}", param="by")
    codes = normalise_region_codes(regions)
    if codes and territory.regions is not None:
        codes = territory.regions.check_codes(codes)
    periods = periods if periods is not None else RegionPeriods(territory)
    out = []
    for a, b in period_bounds(start, end, by):
        parts, first, last, source = periods.figures(a, b, layer)
        rows = {k: v for k, v in sorted(parts.items()) if k}
        total = parts[""]
        rows[OUTSIDE] = tuple(t - sum(v[k] for v in rows.values()) for k, t in enumerate(total))
        rounded = [_largest_remainder([v[k] for v in rows.values()], total[k]) for k in range(3)]
        for j, region in enumerate(rows):
            figures = [rounded[k][j] for k in range(3)]
            if not any(figures) or (codes and region not in codes):
                continue
            out.append(
                {
                    "period_start": a.isoformat(),
                    "period_end": b.isoformat(),
                    "from_snapshot": first.isoformat(),
                    "to_snapshot": last.isoformat(),
                    "layer": layer,
                    "region": region,
                    **dict(zip(_FIGURES, figures, strict=True)),
                    "source": source,
                }
            )
    return out


def _largest_remainder(values: list[float], total: float) -> list[float]:
    """``values`` rounded to 0.1 so that they add up to ``total`` rounded to 0.1."""
    tenths = [v * 10 for v in values]
    floors = [math.floor(t) for t in tenths]
    short = round(total * 10) - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(tenths[i] - floors[i]), i))
    for i in order[: max(short, 0)]:
        floors[i] += 1
    return [f / 10 for f in floors]
