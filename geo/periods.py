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

Each period row carries a digest of the two snapshots it was computed from
(``from_digest``, ``to_digest``: date, source and WKB). A period is taken from the table
only while the snapshots in force for its two dates are those very snapshots; any other
period (new maps from ``frontline update``, another store's snapshots) is computed live,
and :func:`extend_period_table` computes the rows of exactly those periods, so an update
adds rows for its new days, weeks and months without recomputing the rest.
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
    "add_digests",
    "aligned_bounds",
    "build_period_table",
    "extend_period_table",
    "fingerprint",
    "period_pairs",
    "snapshot_digest",
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


def snapshot_digest(date, source: str, geometry) -> str:
    """A digest of one snapshot: its date, source and WKB geometry."""
    wkb = geometry if isinstance(geometry, bytes | bytearray) else shapely.to_wkb(geometry)
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{date}|{source}|".encode())
    digest.update(wkb)
    return digest.hexdigest()


def build_period_table(territory, admin1, layers: Iterable[str] = PRECOMPUTED_LAYERS):
    """Every period of :func:`period_pairs` in each layer's record: gained, lost and net
    km² for the whole layer and per admin-1 region (rows with nothing gained or lost are
    left out). Several minutes: each period is two differences of the whole front.

    Returns ``(frame, fingerprints)``; ``fingerprints`` maps layer to :func:`fingerprint`.
    """
    prints = {layer: fingerprint(territory, layer) for layer in layers}
    return _period_rows(territory, admin1, layers, lambda layer, a, b: True), prints


def add_digests(frame: pd.DataFrame, territory) -> pd.DataFrame:
    """``frame`` (period rows without digests, from an older build) with ``from_digest`` and
    ``to_digest`` of the snapshots its rows name, taken from ``territory``: a row whose
    snapshot is not the one in force now gets an empty digest and is never used."""
    out = frame.copy()
    layers = out["layer"].astype(str).tolist()
    for bound, named, column in (("period_start", "from_snapshot", "from_digest"),
                                 ("period_end", "to_snapshot", "to_digest")):  # fmt: skip
        days = pd.to_datetime(out[bound]).dt.date.tolist()
        dates = pd.to_datetime(out[named]).dt.date.tolist()
        keys = {k: territory.snapshot_key(*k) for k in set(zip(layers, days, strict=True))}
        out[column] = [
            key[1] if key is not None and key[0] == date else ""
            for key, date in zip((keys[k] for k in zip(layers, days, strict=True)), dates,
                                 strict=True)
        ]  # fmt: skip
    return out


def extend_period_table(
    territory, admin1, table: PeriodTable | None, layers: Iterable[str] = PRECOMPUTED_LAYERS
) -> pd.DataFrame:
    """The rows of every period of the record that ``table`` does not hold for the current
    snapshots of ``territory`` (new days after an update, or a day whose map changed, and
    the weeks and months around them): what :func:`build_period_table` would compute for
    them, and nothing else.

    Examples
    --------
    >>> rows = extend_period_table(territory, regions.admin1, territory.periods)  # doctest: +SKIP
    >>> combined = PeriodTable.combine([territory.periods, PeriodTable(rows)])  # doctest: +SKIP
    """

    def missing(layer, a, b) -> bool:
        return table is None or table.record(layer, a, b, (), territory.snapshot_key) is None

    return _period_rows(territory, admin1, layers, missing)


def _period_rows(territory, admin1, layers, wanted) -> pd.DataFrame:
    codes = admin1["iso_3166_2"].astype(str).to_numpy()
    shapes = np.asarray(list(admin1.geometry.values))
    tree = shapely.STRtree(shapes)
    rows = []
    for layer in layers:
        if layer not in territory.layers:
            continue
        first, last = territory.coverage(layer)
        figures: dict[tuple, list[dict]] = {}
        for a, b in period_pairs(first, last):
            if not wanted(layer, a, b):
                continue
            try:
                s0, s1 = territory.snapshot(a, layer), territory.snapshot(b, layer)
            except NoSnapshotError:
                continue  # a hole in the record: computed live (and refused) on request
            common = {"layer": layer, "period_start": a, "period_end": b,
                      "from_snapshot": s0.date, "to_snapshot": s1.date,
                      "source": "+".join(dict.fromkeys([s0.source, s1.source])),
                      "from_digest": territory.snapshot_key(layer, a)[1],
                      "to_digest": territory.snapshot_key(layer, b)[1]}  # fmt: skip
            key = (s0.date, s1.date)  # days in a gap of the record share their snapshots
            if key not in figures:
                figures[key] = _pair_figures(s0.geometry, s1.geometry, tree, shapes, codes)
            rows += [{**common, **f} for f in figures[key]]
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    for col in ("period_start", "period_end", "from_snapshot", "to_snapshot"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[s]")
    return frame


_COLUMNS = ["layer", "period_start", "period_end", "from_snapshot", "to_snapshot", "source",
            "from_digest", "to_digest", "region", "gained_km2", "lost_km2", "net_km2"]  # fmt: skip


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
    """Lookups in a precomputed period table (see the module docstring).

    Parameters
    ----------
    frame : rows of :func:`build_period_table` / :func:`extend_period_table`
    fingerprints : per layer, :func:`fingerprint` of the snapshots a table without digest
        columns was computed from (older files); empty for a table with digests
    """

    def __init__(self, frame: pd.DataFrame, fingerprints: dict[str, str] | None = None):
        self.fingerprints = dict(fingerprints or {})
        self.frame = frame.sort_values(["layer", "period_start", "period_end"], kind="stable")
        frame = self.frame
        self.has_digests = {"from_digest", "to_digest"} <= set(frame.columns)
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
        if self.has_digests:
            d0 = frame["from_digest"].astype(str).to_numpy(dtype=object)[firsts].tolist()
            d1 = frame["to_digest"].astype(str).to_numpy(dtype=object)[firsts].tolist()
        else:
            d0 = d1 = [None] * len(firsts)
        keys = zip(layer[firsts].tolist(), start[firsts].tolist(), end[firsts].tolist(),
                   strict=True)  # fmt: skip
        self._index = {
            key: (int(a), int(b), f, t, src, x, y)
            for key, a, b, f, t, src, x, y in zip(
                keys, firsts, lasts, froms, tos, sources, d0, d1, strict=True
            )
        }
        self._regions = frame["region"].astype(str).to_numpy(dtype=object)
        self._values = frame[["gained_km2", "lost_km2", "net_km2"]].to_numpy(dtype=float)

    def __len__(self) -> int:
        return len(self._index)

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

    @classmethod
    def combine(cls, tables: Iterable[PeriodTable | None]) -> PeriodTable | None:
        """One table of several (None ones skipped): for a period in more than one, the
        later table's rows win (an update's rows over the bundled ones)."""
        tables = [t for t in tables if t is not None]
        if not tables:
            return None
        if len(tables) == 1:
            return tables[0]
        frames = []
        seen: set = set()
        for table in reversed(tables):
            keys = list(zip(table.frame["layer"].astype(str),
                            table.frame["period_start"].to_numpy(dtype="datetime64[D]").tolist(),
                            table.frame["period_end"].to_numpy(dtype="datetime64[D]").tolist(),
                            strict=True))  # fmt: skip
            keep = np.fromiter((k not in seen for k in keys), dtype=bool, count=len(keys))
            frames.append(table.frame[keep])
            seen.update(keys)
        prints = {}
        for table in tables:
            prints.update(table.fingerprints)
        return cls(pd.concat(frames[::-1], ignore_index=True), prints)

    def record(
        self,
        layer: str,
        start: dt.date,
        end: dt.date,
        codes: tuple[str, ...],
        current=None,
    ) -> ChangeRecord | None:
        """The :class:`geo.changes.ChangeRecord` of one period, or None when the table does
        not hold it, or holds it for other snapshots than ``current(layer, day)`` gives
        (``(snapshot date, digest)`` of the snapshot in force on ``day``)."""
        entry = self._index.get((layer, start, end))
        if entry is None:
            return None
        a, b, first, last, source, d0, d1 = entry
        stale = (
            current is not None
            and d0 is not None
            and (current(layer, start) != (first, d0) or current(layer, end) != (last, d1))
        )
        if stale:
            return None
        parts = dict(zip(self._regions[a:b].tolist(), self._values[a:b].tolist(), strict=True))
        if codes:
            values = [parts.get(c, (0.0, 0.0, 0.0)) for c in codes]
            gained, lost, net = (sum(v[k] for v in values) for k in range(3))
        else:
            gained, lost, net = parts[""]
        return ChangeRecord(start, end, first, last, layer, ",".join(codes) or None, gained,
                            lost, net, source)  # fmt: skip
