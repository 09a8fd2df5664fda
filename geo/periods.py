"""Km² gained and lost per day, ISO week and month, computed once when the data is built.

A timeline of a year by week needs 52 differences of the whole front (~20 ms of GEOS each),
and a year by day 365 of them: every reader who picks other dates or regions would pay for
them again (one ``by=day`` request over a year had cost 14 s of CPU). The periods are fixed
(:mod:`geo.calendar`: days, ISO weeks from Monday, months from the 1st, and the pieces a
range cut at any day makes of weeks and months) and so are the snapshots, so their figures
are computed by ``scripts/build_data.py`` into ``data/territory_periods.parquet``: one row
per period and region, and one for the whole layer (``region == ""``). Region rows add up:
admin-1 regions do not overlap, so the ground gained in a set of regions is the sum of what
was gained in each.

The table is tied to the snapshots it was computed from by a fingerprint of their WKB; a
store whose snapshots differ (another file, a PostGIS database loaded with other data)
does not use it and computes every period live.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geo.areas import area_km2
from geo.calendar import aligned_bounds, period_pairs
from geo.changes import ChangeRecord
from geo.errors import NoSnapshotError

__all__ = [
    "PERIODS_FILE",
    "PeriodTable",
    "aligned_bounds",
    "build_period_table",
    "fingerprint",
    "period_pairs",
]

PERIODS_FILE = "territory_periods.parquet"
#: Layers whose periods are precomputed: the layer of every km² figure in the app.
PRECOMPUTED_LAYERS = ("russian_held",)
log = logging.getLogger(__name__)


def fingerprint(territory, layer: str) -> str:
    """A digest of every snapshot of ``layer`` (dates, sources and WKB geometry)."""
    table = territory._table(layer)
    digest = hashlib.blake2b(digest_size=16)
    for date, source, geom in zip(table["date"], table["source"], table["geometry"],
                                  strict=True):  # fmt: skip
        wkb = geom if isinstance(geom, bytes | bytearray) else shapely.to_wkb(geom)
        digest.update(f"{date}|{source}|".encode())
        digest.update(wkb)
    return digest.hexdigest()


def build_period_table(territory, admin1, layers: Iterable[str] = PRECOMPUTED_LAYERS):
    """Every period of :func:`period_pairs` in each layer's record: gained, lost and net
    km² for the whole layer and per admin-1 region (rows with nothing gained or lost are
    left out). Several minutes: each period is two differences of the whole front.

    Returns ``(frame, fingerprints)``; ``fingerprints`` maps layer to :func:`fingerprint`.
    """
    codes = admin1["iso_3166_2"].astype(str).to_numpy()
    shapes = np.asarray(list(admin1.geometry.values))
    tree = shapely.STRtree(shapes)
    rows, prints = [], {}
    for layer in layers:
        prints[layer] = fingerprint(territory, layer)
        first, last = territory.coverage(layer)
        figures: dict[tuple, list[dict]] = {}
        for a, b in period_pairs(first, last):
            try:
                s0, s1 = territory.snapshot(a, layer), territory.snapshot(b, layer)
            except NoSnapshotError:
                continue  # a hole in the record: computed live (and refused) on request
            common = {"layer": layer, "period_start": a, "period_end": b,
                      "from_snapshot": s0.date, "to_snapshot": s1.date,
                      "source": "+".join(dict.fromkeys([s0.source, s1.source]))}  # fmt: skip
            key = (s0.date, s1.date)  # days in a gap of the record share their snapshots
            if key not in figures:
                figures[key] = _pair_figures(s0.geometry, s1.geometry, tree, shapes, codes)
            rows += [{**common, **f} for f in figures[key]]
    frame = pd.DataFrame(rows)
    for col in ("period_start", "period_end", "from_snapshot", "to_snapshot"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[s]")
    return frame, prints


def _pair_figures(g0, g1, tree, shapes, codes) -> list[dict]:
    """Gained, lost and net km² from ``g0`` to ``g1``: whole (region "") and per region."""
    gained, lost = shapely.difference(g1, g0), shapely.difference(g0, g1)
    net = float(area_km2(g1)) - float(area_km2(g0))
    g, lo = float(area_km2(gained)), float(area_km2(lost))
    out = [{"region": "", "gained_km2": g, "lost_km2": lo, "net_km2": net}]
    for i in np.union1d(tree.query(gained), tree.query(lost)):
        g = float(area_km2(shapely.intersection(gained, shapes[i])))
        lo = float(area_km2(shapely.intersection(lost, shapes[i])))
        if g > 0 or lo > 0:
            out.append({"region": codes[i], "gained_km2": g, "lost_km2": lo, "net_km2": g - lo})
    return out


class PeriodTable:
    """Lookups in a precomputed period table (see the module docstring)."""

    def __init__(self, frame: pd.DataFrame, fingerprints: dict[str, str]):
        self.fingerprints = dict(fingerprints)
        frame = frame.sort_values(["layer", "period_start", "period_end"], kind="stable")
        layer = frame["layer"].astype(str).to_numpy(dtype=object)
        start = frame["period_start"].to_numpy(dtype="datetime64[D]")
        end = frame["period_end"].to_numpy(dtype="datetime64[D]")
        # One entry per (layer, period): the rows of its regions are one run of the sorted
        # table. Built with numpy: a dict per row took a fifth of a second at start-up.
        new = np.ones(len(frame), dtype=bool)
        new[1:] = (layer[1:] != layer[:-1]) | (start[1:] != start[:-1]) | (end[1:] != end[:-1])
        firsts = np.flatnonzero(new)
        lasts = np.append(firsts[1:], len(frame))
        froms = frame["from_snapshot"].to_numpy(dtype="datetime64[D]")[firsts].tolist()
        tos = frame["to_snapshot"].to_numpy(dtype="datetime64[D]")[firsts].tolist()
        sources = frame["source"].astype(str).to_numpy(dtype=object)[firsts].tolist()
        keys = zip(layer[firsts].tolist(), start[firsts].tolist(), end[firsts].tolist(),
                   strict=True)  # fmt: skip
        self._index = {
            key: (int(a), int(b), f, t, src)
            for key, a, b, f, t, src in zip(keys, firsts, lasts, froms, tos, sources, strict=True)
        }
        self._regions = frame["region"].astype(str).to_numpy(dtype=object)
        self._values = frame[["gained_km2", "lost_km2", "net_km2"]].to_numpy(dtype=float)

    @classmethod
    def read(cls, path: Path) -> PeriodTable | None:
        """The table at ``path``, or None when there is none."""
        import json

        import pyarrow.parquet as pq

        if not Path(path).exists():
            return None
        table = pq.read_table(path)
        prints = json.loads((table.schema.metadata or {}).get(b"frontline_fingerprints", b"{}"))
        return cls(table.to_pandas(), prints)

    @staticmethod
    def write(frame: pd.DataFrame, fingerprints: dict[str, str], path: Path) -> None:
        """Write ``frame`` with its fingerprints in the Parquet metadata."""
        import json

        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        meta = {**(table.schema.metadata or {}),
                b"frontline_fingerprints": json.dumps(fingerprints).encode()}  # fmt: skip
        pq.write_table(table.replace_schema_metadata(meta), path, compression="zstd")

    def record(self, layer: str, start: dt.date, end: dt.date,
               codes: tuple[str, ...]) -> ChangeRecord | None:  # fmt: skip
        """The :class:`geo.changes.ChangeRecord` of one period, or None when the table does
        not hold it."""
        entry = self._index.get((layer, start, end))
        if entry is None:
            return None
        a, b, first, last, source = entry
        parts = dict(zip(self._regions[a:b].tolist(), self._values[a:b].tolist(), strict=True))
        if codes:
            values = [parts.get(c, (0.0, 0.0, 0.0)) for c in codes]
            gained, lost, net = (sum(v[k] for v in values) for k in range(3))
        else:
            gained, lost, net = parts[""]
        return ChangeRecord(start, end, first, last, layer, ",".join(codes) or None, gained,
                            lost, net, source)  # fmt: skip
