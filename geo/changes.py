"""The one record of a territorial change: km² gained, lost and net in one layer between
two snapshots, for one period and set of regions, with the snapshots and sources used.

Computed live from polygons (:meth:`geo.territory.Territory.changes`), from areas alone
(a series), or read from the precomputed period table (:mod:`geo.periods`): all three give
a :class:`ChangeRecord`, so every table, chart and export shows the same fields the same
way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["ChangeRecord"]


@dataclass(frozen=True)
class ChangeRecord:
    """Ground gained and lost in ``layer`` from the snapshot of ``from_snapshot`` to that
    of ``to_snapshot``, for ``[period_start, period_end)`` and ``region`` (ISO 3166-2
    codes joined by commas, or None for the whole layer). ``net_km2`` is area(end) minus
    area(start); ``source`` names the snapshots' series (joined by ``+`` when they differ).
    """

    period_start: dt.date
    period_end: dt.date
    from_snapshot: dt.date
    to_snapshot: dt.date
    layer: str
    region: str | None
    gained_km2: float
    lost_km2: float
    net_km2: float
    source: str

    def as_record(self) -> dict:
        """The figures as a JSON-ready dict (dates as ISO strings, km² to 0.1)."""
        return {
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "from_snapshot": self.from_snapshot.isoformat(),
            "to_snapshot": self.to_snapshot.isoformat(),
            "layer": self.layer,
            "region": self.region,
            "gained_km2": round(self.gained_km2, 1),
            "lost_km2": round(self.lost_km2, 1),
            "net_km2": round(self.net_km2, 1),
            "source": self.source,
        }
