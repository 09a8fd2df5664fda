"""The length of the front line on each day, in km on the WGS84 ellipsoid.

The line of contact is the edge of Russian-held ground (layer ``russian_held``) inside
Ukraine, with international borders and coasts left out; for the Kursk incursion, the edge
of ``ua_held_in_russia`` inside Russia, without the border. Where DeepState draws a grey
zone, the line runs along the edge of the Russian-held ground (the grey zone is on the
Ukrainian side of it), as the km² figures count it.

How the edge is cut:

- **Borders and coasts.** The admin-1 polygons of the country (Natural Earth 1:10m; they are
  land, so coasts are their edges) are shrunk by :data:`BORDER_TOLERANCE_M` and the edge is
  clipped to them. The tolerance is large because the 1:10m outlines lie up to ~3 km off
  DeepState's own border and coastline (on 2024-11-01, 893 km² of Russian-held ground lies
  inside Russia's admin-1 polygons and 1,725 km² outside Ukraine's): with 250 m, 1 km and
  2 km the line of 2024-11-01 measures 2,020, 1,426 and 1,174 km, the excess almost all
  along the Russian border and the Azov coast; with 3 km it is 1,101 km, with 5 km 1,050 km
  (by then the front itself is cut where it nears the border). The cost: the front loses
  ~3 km where it meets the border or a coast (more where it runs along the border, as in
  Sumy oblast in 2025), and where Natural Earth draws the Dnipro as water (its lowest
  ~30 km, at Kherson) the riverbank counts as coast.
- **Slivers.** ``russian_held`` is the union of two DeepState layers whose shared edges do
  not quite meet, which leaves hair-thin holes along the pre-2022 line (about 200 km of edge
  in 2024). A closing of :data:`CLOSING_M` (grow, then shrink) removes them first.

Both are done in a Lambert azimuthal equal-area projection centred on Ukraine (scale error
under 0.07 % along the front and in Crimea, 0.23 % at Ukraine's western border); the clipped
line is measured on the ellipsoid with ``pyproj.Geod``. Lengths are precomputed per snapshot
by ``scripts/build_derived.py`` into :data:`FRONT_FILE`, tied to the snapshots by
:func:`geo.periods.fingerprint`; a table that does not match is not used, and lengths are
then computed live (~8 ms a snapshot), for at most :data:`LIVE_MAX_SAMPLES` snapshots a
request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod, Transformer

from geo.calendar import period_bounds
from geo.errors import FrontlineError, NoSnapshotError
from geo.periods import fingerprint
from geo.territory import MAX_GAP_DAYS, as_date

__all__ = [
    "BORDER_TOLERANCE_M",
    "CLOSING_M",
    "FRONT_FILE",
    "FRONT_LAYERS",
    "ContactLine",
    "FrontTable",
    "LiveFront",
    "build_front_table",
    "front_length_series",
    "front_table_for",
    "geodesic_length_km",
]

log = logging.getLogger(__name__)

FRONT_FILE = "front_length.parquet"
BORDER_TOLERANCE_M = 3000.0
CLOSING_M = 50.0
#: Layer -> the country (ISO 3166-1 alpha-3) inside which its edge is a line of contact.
FRONT_LAYERS = {"russian_held": "UKR", "ua_held_in_russia": "RUS"}
#: Most snapshots measured live in one request when the precomputed table does not match.
LIVE_MAX_SAMPLES = 100
#: Bumped whenever the method changes, so that tables made by an older method are not used.
METHOD = "v1"
_LAEA = "+proj=laea +lat_0=48.5 +lon_0=34 +ellps=WGS84 +units=m"
_GEOD = Geod(ellps="WGS84")


def geodesic_length_km(geometry) -> float:
    """Length in km on the WGS84 ellipsoid of the lines in a lon/lat geometry (points and
    polygons in it are ignored), each segment a geodesic between its vertices."""
    parts = shapely.get_parts(geometry)
    while len(parts) and (shapely.get_type_id(parts) >= 4).any():  # multi-parts, collections
        parts = shapely.get_parts(parts)
    lines = parts[shapely.get_type_id(parts) == 1] if len(parts) else parts
    if len(lines) == 0:
        return 0.0
    xy, part = shapely.get_coordinates(lines, return_index=True)
    same = part[1:] == part[:-1]
    _, _, dist = _GEOD.inv(xy[:-1, 0][same], xy[:-1, 1][same], xy[1:, 0][same], xy[1:, 1][same])
    return float(np.sum(dist)) / 1000.0


class ContactLine:
    """Cuts a layer's edge down to its line of contact (see the module docstring).

    Parameters
    ----------
    regions : geo.regions.Regions; the union of each country's admin-1 polygons is the land
        the line must lie in.
    tolerance_m : how far inside that land, in metres.

    Examples
    --------
    >>> contact = ContactLine(regions)                                      # doctest: +SKIP
    >>> round(contact.length_km(terr.snapshot("2024-11-01").geometry))      # doctest: +SKIP
    1101
    """

    def __init__(self, regions, tolerance_m: float = BORDER_TOLERANCE_M):
        self._to_plane = Transformer.from_crs("EPSG:4326", _LAEA, always_xy=True)
        self._to_lonlat = Transformer.from_crs(_LAEA, "EPSG:4326", always_xy=True)
        admin1 = regions.admin1
        self.tolerance_m = float(tolerance_m)
        self._land = {}
        for iso3 in set(FRONT_LAYERS.values()):
            mine = (admin1["country_iso3"] == iso3).to_numpy()
            land = self._plane(shapely.union_all(admin1.geometry.values[mine]))
            inner = shapely.buffer(land, -self.tolerance_m)
            shapely.prepare(inner)
            self._land[iso3] = inner
        digest = hashlib.blake2b(digest_size=16)
        for geom in admin1.geometry.values:
            digest.update(shapely.to_wkb(geom))
        #: What the lengths depend on besides the snapshots: the method and the outlines.
        self.signature = (
            f"{METHOD};tolerance={self.tolerance_m:g};closing={CLOSING_M:g};"
            f"admin1={digest.hexdigest()}"
        )

    def _plane(self, geom):
        return shapely.transform(geom, lambda c: np.column_stack(self._to_plane.transform(*c.T)))

    def line(self, geometry, layer: str = "russian_held"):
        """The line of contact of one snapshot's polygon, in lon/lat (a MultiLineString
        or GeometryCollection; empty when the layer is empty)."""
        if layer not in FRONT_LAYERS:
            raise FrontlineError(
                f"layer: the front is measured for {', '.join(FRONT_LAYERS)}, got {layer!r}",
                param="layer",
            )
        if geometry is None or geometry.is_empty:
            return shapely.MultiLineString()
        plane = self._plane(geometry)
        # mitre joins: the closing keeps every corner where it was, it only fills slivers.
        closed = shapely.buffer(
            shapely.buffer(plane, CLOSING_M, join_style="mitre"), -CLOSING_M, join_style="mitre"
        )
        cut = shapely.intersection(shapely.boundary(closed), self._land[FRONT_LAYERS[layer]])
        return shapely.transform(cut, lambda c: np.column_stack(self._to_lonlat.transform(*c.T)))

    def length_km(self, geometry, layer: str = "russian_held") -> float:
        """Length in km on the ellipsoid of :meth:`line`."""
        return geodesic_length_km(self.line(geometry, layer))


def build_front_table(territory, contact: ContactLine) -> tuple[pd.DataFrame, dict[str, str]]:
    """The front's length on every snapshot: ``russian_held`` on each of its dates, and the
    Kursk line (``ua_held_in_russia``) on each date of the layered series (0 km on days it
    held nothing).

    Returns ``(frame, fingerprints)``: ``date``, ``layer``, ``km``, ``source`` rows, and
    :func:`geo.periods.fingerprint` per layer plus ``method`` (:attr:`ContactLine.signature`).
    """
    rows = []
    layer_dates = {"russian_held": territory.dates("russian_held")}
    if {"occupied", "ua_held_in_russia"} <= set(territory.layers):
        layer_dates["ua_held_in_russia"] = territory.dates("occupied")
    for layer, dates in layer_dates.items():
        for day in dates:
            snap = territory.snapshot(day, layer)
            km = contact.length_km(snap.geometry, layer)
            rows.append({"date": snap.date, "layer": layer, "km": km, "source": snap.source})
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[s]")
    return frame, _fingerprints(territory, contact)


def _fingerprints(territory, contact: ContactLine) -> dict[str, str]:
    layers = [k for k in (*FRONT_LAYERS, "occupied") if k in territory.layers]
    prints = {layer: fingerprint(territory, layer) for layer in layers}
    prints["method"] = contact.signature
    return prints


class FrontTable:
    """Precomputed lengths (:func:`build_front_table`), looked up by layer and date."""

    def __init__(self, frame: pd.DataFrame, fingerprints: dict[str, str]):
        self.fingerprints = dict(fingerprints)
        self._by_layer = {}
        for layer, part in frame.groupby("layer", sort=True):
            part = part.sort_values("date")
            self._by_layer[str(layer)] = (
                part["date"].to_numpy(dtype="datetime64[D]"),
                part["km"].to_numpy(dtype=float),
                part["source"].astype(str).tolist(),
            )

    def matches(self, territory, contact: ContactLine) -> bool:
        """Whether this table was computed from these snapshots, outlines and method."""
        return self.fingerprints == _fingerprints(territory, contact)

    def lookup(self, layer: str, day: dt.date, param: str = "date") -> dict:
        """The length on the snapshot on or before ``day`` (at most :data:`MAX_GAP_DAYS`
        before it): ``{"snapshot", "layer", "km", "source"}``."""
        if layer not in self._by_layer:
            raise FrontlineError(
                f"layer: expected one of {', '.join(self._by_layer)}, got {layer!r}",
                param="layer",
            )
        dates, km, sources = self._by_layer[layer]
        i = int(np.searchsorted(dates, np.datetime64(day, "D"), side="right")) - 1
        if i < 0 or (day - dates[i].astype(dt.date)).days > MAX_GAP_DAYS:
            raise NoSnapshotError(
                f"{param}: no {layer} snapshot on or within {MAX_GAP_DAYS} days before {day}: "
                f"the record runs from {dates[0]} to {dates[-1]}",
                param=param,
            )
        return {
            "snapshot": dates[i].astype(dt.date),
            "layer": layer,
            "km": float(km[i]),
            "source": sources[i],
        }

    @staticmethod
    def write(frame: pd.DataFrame, fingerprints: dict[str, str], path: Path) -> None:
        """Write ``frame`` with its fingerprints in the Parquet metadata."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        meta = {
            **(table.schema.metadata or {}),
            b"frontline_fingerprints": json.dumps(fingerprints).encode(),
        }
        pq.write_table(table.replace_schema_metadata(meta), path, compression="zstd")

    @classmethod
    def read(cls, path: Path) -> FrontTable | None:
        """The table at ``path``, or None when there is none."""
        import pyarrow.parquet as pq

        if not Path(path).exists():
            return None
        table = pq.read_table(path)
        prints = json.loads((table.schema.metadata or {}).get(b"frontline_fingerprints", b"{}"))
        return cls(table.to_pandas(), prints)


class LiveFront:
    """Lengths measured from the snapshots on request, with :meth:`FrontTable.lookup`'s
    answers (used when the precomputed table does not match the snapshots)."""

    live = True

    def __init__(self, territory, contact: ContactLine):
        self.territory, self.contact = territory, contact
        self._cache: dict[tuple[str, dt.date], float] = {}

    def lookup(self, layer: str, day: dt.date, param: str = "date") -> dict:
        if layer not in FRONT_LAYERS:
            raise FrontlineError(
                f"layer: expected one of {', '.join(FRONT_LAYERS)}, got {layer!r}", param="layer"
            )
        snap = self.territory.snapshot(day, layer, param)
        key = (layer, snap.date)
        if key not in self._cache:
            self._cache[key] = self.contact.length_km(snap.geometry, layer)
        return {
            "snapshot": snap.date,
            "layer": layer,
            "km": self._cache[key],
            "source": snap.source,
        }


def front_table_for(territory, contact: ContactLine, precomputed: FrontTable | None):
    """``precomputed`` when it was computed from these snapshots and outlines, else a
    :class:`LiveFront` (and a warning in the log)."""
    if precomputed is not None and precomputed.matches(territory, contact):
        return precomputed
    if precomputed is not None:
        log.warning("front-length table does not match these snapshots: measuring live")
    return LiveFront(territory, contact)


def front_length_series(
    table, start, end, by: str = "month", layer: str = "russian_held"
) -> list[dict]:
    """The front's length over ``[start, end)``: one record per day, ISO week or month,
    each the length on the snapshot in force at the period's start (not a mean over it).

    Parameters
    ----------
    table : FrontTable, or LiveFront (at most :data:`LIVE_MAX_SAMPLES` periods).
    start, end : ISO dates or dates, ``end`` after ``start``.
    by : ``"day"``, ``"week"`` or ``"month"``; periods as in
        :func:`geo.calendar.period_bounds` (cut at ``start`` and ``end``).
    layer : ``"russian_held"`` (the front in Ukraine) or ``"ua_held_in_russia"`` (Kursk).

    Returns
    -------
    list of ``{"period_start", "period_end", "snapshot", "layer", "km", "source"}`` with
    ISO dates and km rounded to 0.1.

    Examples
    --------
    >>> series = front_length_series(table, "2024-09-01", "2024-12-01")  # doctest: +SKIP
    >>> series[0]["km"]                                                    # doctest: +SKIP
    """
    start, end = as_date(start, "from"), as_date(end, "to")
    bounds = period_bounds(start, end, by)
    if getattr(table, "live", False) and len(bounds) > LIVE_MAX_SAMPLES:
        raise FrontlineError(
            f"by: the precomputed front-length table ({FRONT_FILE}) does not match these "
            f"snapshots, and {len(bounds)} periods are too many to measure live (at most "
            f"{LIVE_MAX_SAMPLES}); choose a coarser 'by' or rebuild it with "
            "scripts/build_derived.py",
            param="by",
        )
    out = []
    for a, b in bounds:
        rec = table.lookup(layer, a, "from")
        out.append(
            {
                "period_start": a.isoformat(),
                "period_end": b.isoformat(),
                "snapshot": rec["snapshot"].isoformat(),
                "layer": layer,
                "km": round(rec["km"], 1),
                "source": rec["source"],
            }
        )
    return out
