"""Territorial control snapshots and the changes between them.

A snapshot is the map as it stood early on its date. Days without a snapshot are a fact of
the data: for a requested date the nearest snapshot on or before it is used, and the date
actually used is always returned beside the figure, never hidden.

"Russian-held" (layer ``russian_held``) is DeepState's ``occupied`` ∪ ``occupied_pre2022``
(Crimea and the areas held before 2022 included), precomputed per day in the bundled table.
The Kursk incursion (``ua_held_in_russia``) and the grey zones get the same functions.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.areas import area_km2, prepared
from geo.background import pool
from geo.calendar import period_bounds
from geo.changes import ChangeRecord
from geo.errors import FrontlineError, NoSnapshotError
from geo.regions import Regions, normalise_region_codes

__all__ = [
    "FIGURE_LAYERS",
    "LAYERS",
    "Change",
    "Snapshot",
    "Territory",
    "as_date",
    "period_bounds",
    "read_snapshots",
]

log = logging.getLogger(__name__)

#: Every layer of the bundled table.
LAYERS = (
    "russian_held",
    "occupied",
    "occupied_pre2022",
    "unknown_status",
    "ua_held_in_russia",
    "unknown_in_russia",
)
#: Layers for which gained/lost figures are offered to users.
FIGURE_LAYERS = ("russian_held", "ua_held_in_russia")
#: A snapshot older than this is not used for a date: the record has ended or has a hole.
MAX_GAP_DAYS = 7


def as_date(value, param: str = "date") -> dt.date:
    """Parse an ISO date (``2024-10-01``) or accept a date/datetime; errors name ``param``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise FrontlineError(
            f"{param}: expected an ISO date such as 2024-10-01, got {value!r}", param=param
        ) from None


@dataclass(frozen=True)
class Snapshot:
    """One layer as it stood on ``date`` (the snapshot used for ``requested``)."""

    requested: dt.date
    date: dt.date
    layer: str
    source: str
    geometry: shapely.Geometry

    @property
    def age_days(self) -> int:
        """How many days before the requested date the snapshot was taken."""
        return (self.requested - self.date).days


@dataclass(frozen=True)
class Change:
    """Ground gained and lost in one layer between two snapshots, optionally in a region.

    ``gained`` is what the layer held at the end and not at the start, ``lost`` the reverse;
    ``net_km2`` is area(end) - area(start) (equal to gained - lost up to rounding).
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
    gained: shapely.Geometry
    lost: shapely.Geometry
    sources: tuple[str, ...]

    def record(self) -> ChangeRecord:
        """The figures without geometry (:class:`geo.changes.ChangeRecord`)."""
        return ChangeRecord(self.period_start, self.period_end, self.from_snapshot,
                            self.to_snapshot, self.layer, self.region, self.gained_km2,
                            self.lost_km2, self.net_km2, "+".join(self.sources))  # fmt: skip

    def as_record(self) -> dict:
        """The figures without geometry, JSON-ready (:meth:`ChangeRecord.as_record`)."""
        return self.record().as_record()


class Territory:
    """The bundled control snapshots, indexed by layer and date.

    Parameters
    ----------
    table : GeoDataFrame with ``date``, ``layer``, ``source``, ``geometry`` (EPSG:4326) and
        optionally ``area_km2`` (precomputed equal-area size, used for whole-table nets).
    regions : Regions, used to clip figures to admin-1 regions.

    Examples
    --------
    >>> terr = Territory.from_data_dir(bundled_data_dir(), regions)   # doctest: +SKIP
    >>> c = terr.changes("2024-08-01", "2024-09-01")                   # doctest: +SKIP
    >>> round(c.net_km2)                                               # doctest: +SKIP
    363
    """

    def __init__(
        self,
        table: gpd.GeoDataFrame | pd.DataFrame,
        regions: Regions | None = None,
        periods=None,
    ):
        # A plain DataFrame may carry WKB bytes (see from_data_dir); it is EPSG:4326 by
        # construction of the bundled file, which records its CRS in the GeoParquet metadata.
        crs = getattr(table, "crs", "EPSG:4326") if isinstance(table, gpd.GeoDataFrame) else None
        if crs is not None and (table.crs is None or table.crs.to_epsg() != 4326):
            raise ValueError(f"territory table must be in EPSG:4326, got {table.crs}")
        missing = {"date", "layer", "source", "geometry"} - set(table.columns)
        if missing:
            raise ValueError(f"territory table lacks columns {sorted(missing)}")
        self.regions = regions
        self._layers: dict[str, gpd.GeoDataFrame] = {}
        for layer, part in _layer_parts(table):
            if not part["date"].is_monotonic_increasing:
                part = part.sort_values("date")
            part = part.reset_index(drop=True)
            part["date"] = pd.to_datetime(part["date"]).dt.date
            self._layers[str(layer)] = part
        # Dates and sources as plain arrays and lists: a snapshot is looked up on every
        # change of the period, and pandas row access cost ~1.5 ms a lookup.
        self._days = {k: t["date"].to_numpy(dtype="datetime64[D]") for k, t in self._layers.items()}
        self._dates = {k: list(t["date"]) for k, t in self._layers.items()}
        self._sources = {k: t["source"].astype(str).tolist() for k, t in self._layers.items()}
        # Per-instance caches keyed by plain values; lru_cache on methods would pin `self`.
        self._clip_cache: OrderedDict = OrderedDict()
        self._change_cache: OrderedDict = OrderedDict()
        self._decoded: dict[tuple[str, int], shapely.Geometry] = {}
        self._digests: dict[tuple[str, dt.date], str] = {}
        # Precomputed whole weeks and months (geo.periods), checked against these
        # snapshots on first use: None until checked, then the table or False.
        self._periods = periods
        self._periods_ok: dict[str, bool] = {}

    @classmethod
    def from_data_dir(cls, data_dir, regions: Regions | None = None) -> Territory:
        """Load ``territory.parquet`` from a data directory.

        Geometries stay WKB until a snapshot is asked for: decoding all 5,000+ daily
        polygons up front would add about half a second to every start.
        """
        from geo.periods import PERIODS_FILE, PeriodTable

        frame = read_snapshots(f"{data_dir}/territory.parquet")
        return cls(frame, regions, PeriodTable.read(f"{data_dir}/{PERIODS_FILE}"))

    def _geometry(self, layer: str, i: int) -> shapely.Geometry:
        value = self._layers[layer]["geometry"].iloc[i]
        if not isinstance(value, bytes | bytearray):
            return value
        key = (layer, i)
        if key not in self._decoded:
            self._decoded[key] = shapely.from_wkb(value)
        return self._decoded[key]

    @property
    def layers(self) -> list[str]:
        """Layers present in the table."""
        return list(self._layers)

    def dates(self, layer: str = "russian_held") -> list[dt.date]:
        """Every date that has a snapshot of ``layer``, ascending."""
        return list(self._table(layer)["date"])

    def sources(self, layer: str = "russian_held") -> list[str]:
        """The source of each snapshot of ``layer``, in the order of :meth:`dates`."""
        self._table(layer)
        return list(self._sources[layer])

    def table(self) -> pd.DataFrame:
        """Every snapshot as one table (``date``, ``layer``, ``source``, ``geometry`` as
        given), sorted by layer and date: what an update merges its new maps into."""
        return pd.concat(list(self._layers.values()), ignore_index=True)

    def coverage(self, layer: str = "russian_held") -> tuple[dt.date, dt.date]:
        """First and last snapshot date of ``layer``."""
        dates = self._table(layer)["date"]
        return dates.iloc[0], dates.iloc[-1]

    def _table(self, layer: str) -> gpd.GeoDataFrame:
        if layer not in self._layers:
            raise FrontlineError(
                f"layer: unknown layer {layer!r}; expected one of {', '.join(self._layers)}",
                param="layer",
            )
        return self._layers[layer]

    def _index_on_or_before(self, layer: str, date: dt.date) -> int | None:
        if layer not in self._layers:
            return None
        i = int(np.searchsorted(self._days[layer], np.datetime64(date, "D"), side="right")) - 1
        return i if i >= 0 else None

    def snapshot(self, date, layer: str = "russian_held", param: str = "date") -> Snapshot:
        """The snapshot of ``layer`` in force on ``date``: the nearest one on or before it.

        Layers that exist for part of the record only (``ua_held_in_russia`` from August
        2024) have an empty geometry on days when their series has a map but no polygon of
        that layer: nothing was held then, which is different from "no data".

        Raises
        ------
        NoSnapshotError
            When the date lies before the layer's series starts, or more than
            :data:`MAX_GAP_DAYS` after its last snapshot (a stale map is not passed off as
            the map of that day).
        """
        date = as_date(date, param)
        self._table(layer)  # raises for an unknown layer
        # The layered series has a polygon of `occupied` on every day it covers; the other
        # layers of that series are absent on days when they were empty.
        base_layer = layer if layer == "russian_held" else "occupied"
        known_base = self._base(layer)
        base_dates = self._dates[known_base]
        base = self._index_on_or_before(base_layer, date)
        first, last = base_dates[0], base_dates[-1]
        if base is None:
            raise NoSnapshotError(
                f"{param}: no {layer} snapshot on or before {date}: the record starts on {first}",
                param=param,
            )
        base_date = base_dates[base]
        if (date - base_date).days > MAX_GAP_DAYS:
            raise NoSnapshotError(
                f"{param}: no {layer} snapshot near {date}: the record runs from {first} to {last}",
                param=param,
            )
        i = self._index_on_or_before(layer, date)
        if i is None or self._dates[layer][i] < base_date:
            source = self._sources[known_base][base]
            return Snapshot(date, base_date, layer, source, shapely.Polygon())
        return Snapshot(date, self._dates[layer][i], layer, self._sources[layer][i],
                        self._geometry(layer, i))  # fmt: skip

    def newest(self, layer: str = "russian_held") -> dt.date | None:
        """The date of the newest map of ``layer``'s series, dated as :meth:`snapshot` dates
        it: a layer other than ``russian_held`` by its series' ``occupied`` layer, since
        Ukrainian-held ground in Russia may be absent (nothing held) on the newest map."""
        self._table(layer)  # raises for an unknown layer
        dates = self._dates[self._base(layer)]
        return dates[-1] if len(dates) else None

    def _base(self, layer: str) -> str:
        """The layer whose snapshots say on which days ``layer``'s series has a map."""
        base = layer if layer == "russian_held" else "occupied"
        return base if base in self._layers else layer

    def _clipped(self, snap: Snapshot, regions: tuple[str, ...]) -> tuple[shapely.Geometry, float]:
        key = (snap.layer, snap.date, regions)
        hit = _lru_get(self._clip_cache, key)
        if hit is None:
            geom = snap.geometry
            if regions:
                geom = shapely.intersection(geom, self._region_geometry(regions))
            hit = (geom, float(area_km2(geom)))
            _lru_put(self._clip_cache, key, hit, CLIP_CACHE_SIZE)
        return hit

    def _region_geometry(self, regions: tuple[str, ...]) -> shapely.Geometry:
        if self.regions is None:
            raise FrontlineError("region figures need the admin-1 regions", param="regions")
        return _prepared(self.regions.geometry(regions))

    def changes(
        self, start, end, regions: str | Iterable[str] | None = None, layer: str = "russian_held"
    ) -> Change:
        """Ground gained and lost in ``layer`` between the snapshots for ``start`` and ``end``.

        Parameters
        ----------
        start, end : ISO date strings or dates; ``end`` after ``start``.
        regions : ISO 3166-2 codes (``"UA-14"``, ``["UA-14", "UA-23"]``); figures are clipped
            to their union. None or empty means the whole layer.
        layer : one of :data:`FIGURE_LAYERS` (any layer works).

        Returns
        -------
        Change, with the snapshot dates actually used.
        """
        start, end = as_date(start, "from"), as_date(end, "to")
        if end <= start:
            raise FrontlineError(f"to ({end}) must be after from ({start})", param="to")
        codes = normalise_region_codes(regions)
        if codes and self.regions is not None:
            codes = self.regions.check_codes(codes)
        before, after = self.snapshot(start, layer, "from"), self.snapshot(end, layer, "to")
        gained, lost, gained_km2, lost_km2, net_km2 = self._difference(before, after, codes)
        return Change(
            period_start=start,
            period_end=end,
            from_snapshot=before.date,
            to_snapshot=after.date,
            layer=layer,
            region=",".join(codes) or None,
            gained_km2=gained_km2,
            lost_km2=lost_km2,
            net_km2=net_km2,
            gained=gained,
            lost=lost,
            sources=tuple(dict.fromkeys([before.source, after.source])),
        )

    def _difference(self, before: Snapshot, after: Snapshot, codes: tuple[str, ...]) -> tuple:
        """Gained/lost polygons and km² between two snapshots, cached per snapshot pair.

        Periods of different requests share their snapshot pairs (weeks start on Mondays,
        months on the 1st), and one difference of the whole front costs ~10 ms of GEOS.
        """
        key = (before.layer, before.date, after.date, codes)
        hit = _lru_get(self._change_cache, key)
        if hit is not None:
            return hit
        g0, a0 = self._clipped(before, codes)
        g1, a1 = self._clipped(after, codes)
        if before.date == after.date:
            gained = lost = shapely.Polygon()
        else:
            gained, lost = _both_differences(g1, g0)
        value = (gained, lost, float(area_km2(gained)), float(area_km2(lost)), a1 - a0)
        _lru_put(self._change_cache, key, value, CHANGE_CACHE_SIZE)
        return value

    def series(
        self, start, end, by: str = "month", regions=None, layer: str = "russian_held"
    ) -> list[Change]:
        """Changes per day, ISO week or calendar month over ``[start, end)``.

        Each element is :meth:`changes` for one period; periods are cut at ``start`` and
        ``end``. Snapshots are reused between neighbouring periods (cached clip).
        """
        start, end = as_date(start, "from"), as_date(end, "to")
        return [self.changes(a, b, regions, layer) for a, b in period_bounds(start, end, by)]

    def series_records(
        self, start, end, by: str = "month", regions=None, layer: str = "russian_held"
    ) -> list[dict]:
        """:meth:`series` as records (:meth:`Change.as_record`), without geometry.

        Weeks and months (whole, or cut at any day) come from the precomputed table when
        it was computed from these very snapshots (:mod:`geo.periods`); anything else is
        computed from the snapshots' areas. Both give the figures :meth:`changes` gives.
        """
        start, end = as_date(start, "from"), as_date(end, "to")
        bounds = period_bounds(start, end, by)
        codes = normalise_region_codes(regions)
        if codes and self.regions is not None:
            codes = self.regions.check_codes(codes)
        table = self._period_table(layer)
        out = []
        for a, b in bounds:
            record = table.record(layer, a, b, codes, self.snapshot_key) if table else None
            out.append((record or self._area_record(a, b, codes, layer)).as_record())
        return out

    def snapshot_key(self, layer: str, day: dt.date) -> tuple[dt.date, str] | None:
        """``(date, digest)`` of the snapshot of ``layer`` in force on ``day``
        (:func:`geo.periods.snapshot_digest`), or None when there is none: what a
        precomputed period must have been computed from to be used."""
        try:
            snap = self.snapshot(day, layer)
        except NoSnapshotError:
            return None
        key = (layer, snap.date)
        digest = self._digests.get(key)
        if digest is None:
            from geo.periods import snapshot_digest

            i = self._index_on_or_before(layer, snap.date)
            if i is None or self._dates[layer][i] != snap.date:
                digest = snapshot_digest(snap.date, snap.source, b"")  # an empty layer
            else:
                raw = self._layers[layer]["geometry"].iloc[i]
                digest = snapshot_digest(snap.date, snap.source, raw)
            self._digests[key] = digest
        return snap.date, digest

    @property
    def periods(self):
        """The precomputed period table these snapshots were given (may hold periods of
        other snapshots: :meth:`series_records` checks each), or None."""
        return self._periods

    def _area_record(
        self, start: dt.date, end: dt.date, codes: tuple[str, ...], layer: str
    ) -> ChangeRecord:
        """:meth:`changes` as a record, from areas alone: gained = area(end) - area(end ∩
        start) and lost = area(start) - area(end ∩ start), one overlay instead of two
        differences (the polygons are not needed for a series)."""
        before, after = self.snapshot(start, layer, "from"), self.snapshot(end, layer, "to")
        key = ("areas", before.layer, before.date, after.date, codes)
        hit = _lru_get(self._change_cache, key)
        if hit is None:
            g0, a0 = self._clipped(before, codes)
            g1, a1 = self._clipped(after, codes)
            both = (
                a0 if before.date == after.date else float(area_km2(shapely.intersection(g0, g1)))
            )
            hit = (max(a1 - both, 0.0), max(a0 - both, 0.0), a1 - a0)
            _lru_put(self._change_cache, key, hit, CHANGE_CACHE_SIZE)
        gained, lost, net = hit
        source = "+".join(dict.fromkeys([before.source, after.source]))
        return ChangeRecord(start, end, before.date, after.date, layer, ",".join(codes) or None,
                            gained, lost, net, source)  # fmt: skip

    def check_periods(self, layer: str = "russian_held") -> bool:
        """Whether precomputed periods of ``layer`` can serve: a table with per-period
        snapshot digests is checked period by period as they are asked for; an older one
        by a digest of every snapshot, once (~0.1 s, so servers do it while they start)."""
        return self._period_table(layer) is not None

    def _period_table(self, layer: str):
        if self._periods is None:
            return None
        if self._periods.has_digests:
            return self._periods  # each period is checked against its snapshots
        if layer not in self._periods_ok:
            from geo.periods import fingerprint

            expected = self._periods.fingerprints.get(layer)
            ok = expected is not None and layer in self._layers
            ok = ok and fingerprint(self, layer) == expected
            if expected is not None and not ok:
                log.warning("precomputed periods of %s do not match these snapshots: "
                            "computing every period live", layer)  # fmt: skip
            self._periods_ok[layer] = ok
        return self._periods if self._periods_ok[layer] else None


def read_snapshots(path) -> pd.DataFrame:
    """A snapshot table (``date``, ``layer``, ``source``, ``geometry`` as WKB) from a
    GeoParquet file in EPSG:4326."""
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["date", "layer", "source", "geometry"])
    geo_meta = json.loads((table.schema.metadata or {}).get(b"geo", b"{}"))
    crs = geo_meta.get("columns", {}).get("geometry", {}).get("crs")
    code = (crs or {}).get("id", {}).get("code", 4326) if isinstance(crs, dict) else 4326
    if code != 4326:
        raise ValueError(f"{path}: geometry must be in EPSG:4326, got EPSG:{code}")
    # WKB stays in Arrow's buffers (170 MB for the bundled record): converting it to
    # Python bytes held both copies at once while starting.
    return table.to_pandas(types_mapper=_arrow_binary)


#: Bounded caches: a long-running server sees every date of the record sooner or later.
CLIP_CACHE_SIZE = 512
CHANGE_CACHE_SIZE = 4096
_cache_lock = threading.Lock()


def _lru_get(cache: OrderedDict, key):
    with _cache_lock:
        value = cache.get(key)
        if value is not None:
            cache.move_to_end(key)
        return value


def _lru_put(cache: OrderedDict, key, value, size: int) -> None:
    with _cache_lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > size:
            cache.popitem(last=False)


def _arrow_binary(arrow_type):
    import pyarrow as pa

    return pd.ArrowDtype(arrow_type) if pa.types.is_binary(arrow_type) else None


def _layer_parts(table: pd.DataFrame):
    """``(layer, rows)`` per layer: slices (no copy) when each layer is one run of rows,
    as in the bundled file, else groups."""
    layers = table["layer"].astype(str).to_numpy()
    starts = np.flatnonzero(np.r_[True, layers[1:] != layers[:-1]]) if len(layers) else []
    if len(set(layers[starts])) != len(starts):
        return list(table.groupby("layer", observed=True))
    ends = [*starts[1:], len(layers)]
    return [(layers[a], table.iloc[a:b]) for a, b in zip(starts, ends, strict=True)]


def _both_differences(a: shapely.Geometry, b: shapely.Geometry) -> tuple:
    """``(a - b, b - a)``, side by side. GEOS releases the GIL, so on two cores the pair
    costs about one: ~18 ms instead of ~36 ms for two snapshots of the whole front."""
    other = pool("overlay").submit(shapely.difference, b, a)
    return shapely.difference(a, b), other.result()


@lru_cache(maxsize=64)
def _prepared(geom: shapely.Geometry) -> shapely.Geometry:
    # Prepared geometries make the repeated intersections of a series several times faster.
    return prepared(geom)
