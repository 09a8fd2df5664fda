"""Where the data lives: the ``Store`` protocol and the bundled-file implementation.

The file store reads the bundled GeoParquet files plus the user's ingested datasets once,
lazily, and keeps them in memory (events as one table sorted by date). Other engines
(PostGIS) implement the same protocol.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import weakref
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import FrontlineError
from geo.paths import bundled_data_dir, user_data_dir
from geo.query import Query
from geo.regions import Regions
from geo.territory import Territory

__all__ = ["DATASET_NAME", "BundledFiles", "FileStore", "Store", "open_store"]

DATASET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")

log = logging.getLogger(__name__)


class Store(Protocol):
    """What the app, the API and the CLI need from a data store."""

    regions: Regions
    territory: Territory

    def events(self, query: Query | None = None) -> gpd.GeoDataFrame:
        """Events matching ``query`` (all when None), sorted by date."""

    def dataset_names(self) -> list[str]:
        """Names of the event datasets, bundled first."""


class BundledFiles:
    """What every store reads from the bundled folder ``self.data_dir``, whatever holds
    the events: the gazetteer and the air-raid alerts."""

    data_dir: Path

    @cached_property
    def places(self) -> pd.DataFrame:
        """The offline gazetteer (GeoNames)."""
        return pd.read_parquet(self.data_dir / "places.parquet")

    @cached_property
    def gazetteer(self):
        """The place-name index over :attr:`places`, built once (about 0.7 s)."""
        from geo.gazetteer import Gazetteer

        return Gazetteer(self.places)

    @cached_property
    def airraid(self) -> pd.DataFrame:
        """Air-raid alerts by oblast (region-level data, not events)."""
        return pd.read_parquet(self.data_dir / "airraid_alerts.parquet")


class FileStore(BundledFiles):
    """The bundled GeoParquet files plus the user's ingested datasets.

    Parameters
    ----------
    data_dir : bundled data folder (default :func:`geo.paths.bundled_data_dir`).
    user_dir : folder of ingested datasets (default :func:`geo.paths.user_data_dir`);
        datasets live in ``<user_dir>/datasets/<name>.parquet``.
    """

    def __init__(self, data_dir: Path | None = None, user_dir: Path | None = None):
        self.data_dir = Path(data_dir) if data_dir else bundled_data_dir()
        self.user_dir = Path(user_dir) if user_dir else user_data_dir()
        self._lock = threading.Lock()
        self._extra: dict[str, gpd.GeoDataFrame] = {}
        self._load_lock = threading.RLock()
        self._compact: pd.DataFrame | None = None
        self._event_columns = None
        self._seen: dict[str, tuple[weakref.ref, list[str]]] = {}

    @cached_property
    def regions(self) -> Regions:
        """Admin-1 regions and countries."""
        return Regions.from_data_dir(self.data_dir)

    @cached_property
    def territory(self) -> Territory:
        """Control snapshots, clipped with :attr:`regions`."""
        return Territory.from_data_dir(self.data_dir, self.regions)

    @property
    def _resident(self) -> pd.DataFrame:
        """Bundled and saved events as one compact table (:mod:`geo.eventtable`), read
        once; a thread that asks while another is reading waits for that read."""
        with self._load_lock:
            if self._compact is None:
                self._compact = self._load_events(write="background")
            return self._compact

    def _event_files(self) -> list[Path]:
        paths = sorted(self.data_dir.glob("events_*.parquet"))
        user = self.user_dir / "datasets"
        if user.is_dir():
            paths += sorted(user.glob("*.parquet"))
        return paths

    def _load_events(self, write: str) -> pd.DataFrame:
        """The compact table from the cache when it was built from these very files
        (:mod:`geo.eventcache`), else from the files, then cached (``write``: "background",
        "now" or "no")."""
        from geo.eventcache import CACHE_NAME, read_cache, signature, write_cache
        from geo.eventtable import read_compact

        paths = self._event_files()
        sig, cache = signature(paths), self.user_dir / CACHE_NAME
        frame = read_cache(cache, sig)
        if frame is not None:
            return frame
        frame = read_compact(paths)
        if write == "now":
            write_cache(frame, cache, sig)
        elif write == "background":
            # Not a daemon: a process that ends meanwhile (a CLI export) waits for the
            # write, as interpreter shutdown under a thread inside Arrow aborts the process.
            threading.Thread(target=write_cache, args=(frame, cache, sig)).start()
        return frame

    def build_cache(self) -> None:
        """Read the event files and write the serving cache now (after an ingest), so the
        next server start maps it instead of parsing Parquet."""
        with self._load_lock:
            self._compact = self._load_events(write="now")
            self._event_columns = None

    def _all_events(self) -> gpd.GeoDataFrame:
        from geo.eventtable import materialise

        with self._lock:
            extra = list(self._extra.values())
        events = materialise(self._resident)
        return _concat([events, *extra]) if extra else events

    @property
    def _columns(self):
        from geo.columns import EventColumns

        with self._load_lock:
            if self._event_columns is None:
                self._event_columns = EventColumns(self._resident)
            return self._event_columns

    def preload(self) -> None:
        """Start reading the events, and the regions, the territory and the gazetteer, on
        two background threads (later readers wait for them). Most of that work is Arrow,
        GEOS and hashing, which release the GIL: it overlaps with importing the web app."""
        # Not daemons, for the same reason as the cache writer in _load_events.
        threading.Thread(target=self.columns, name="frontline-preload").start()
        threading.Thread(target=self._preload_bundled, name="frontline-preload-geo").start()

    def _preload_bundled(self) -> None:
        try:
            self.territory.check_periods()
            self.places  # noqa: B018
        except Exception:  # whoever asks next gets the same error, in its context
            log.exception("preloading the bundled data failed")

    def columns(self):
        """The events as :class:`geo.columns.EventColumns` (binary search on dates,
        integer codes), or None while session uploads are mixed in (then the mask path)."""
        with self._lock:
            if self._extra:
                return None
        return self._columns

    def positions(self, query: Query | None = None):
        """Row positions in :meth:`events` of the events matching ``query``."""
        cols = self.columns()
        if cols is None:
            events = self._all_events()
            return np.flatnonzero(query.mask(events)) if query else np.arange(len(events))
        return cols.positions(query)

    def take(self, positions) -> gpd.GeoDataFrame:
        """The events at row ``positions`` of :meth:`events` (as :meth:`positions` gives)."""
        if self.columns() is None:
            return self._all_events().take(positions)
        from geo.eventtable import materialise

        return materialise(self._resident.take(np.asarray(positions, dtype=np.int64)))

    def events(self, query: Query | None = None) -> gpd.GeoDataFrame:
        """Events matching ``query``, sorted by date then id."""
        cols = self.columns()
        if cols is None:
            events = self._all_events()
            return events if query is None else events[query.mask(events)]
        if query is None:
            return self.take(np.arange(len(cols)))
        return self.take(cols.positions(query))

    def rows(self, positions, columns: Iterable[str]) -> pd.DataFrame:
        """Some columns of the events at ``positions``, without geometry (``lon``/``lat``
        give the coordinates); repetitive text may be categorical."""
        columns = list(columns)
        if self.columns() is None:
            events = self._all_events().take(positions)
            out = pd.DataFrame({c: events[c] for c in columns if c not in ("lon", "lat")})
            out["lon"], out["lat"] = events.geometry.x.to_numpy(), events.geometry.y.to_numpy()
            return out[columns].reset_index(drop=True)
        take = np.asarray(positions, dtype=np.int64)
        # Column by column from the arrays: selecting the columns first builds a frame of
        # every row (~2 ms at a million) just to take a page of 20 from it.
        res = self._resident
        return pd.DataFrame({c: res[c].array.take(take) for c in columns}, copy=False)

    def column(self, name: str) -> pd.Series:
        """One column of :meth:`events` over every row (row positions as :meth:`positions`),
        without building the rows; categorical for repetitive text."""
        if self.columns() is None:
            return self._all_events()[name]
        return self._resident[name]

    def event(self, event_id: str):
        """The event with ``event_id`` (a row of :meth:`events`), or None."""
        if self.columns() is None:
            events = self._all_events()
            hits = np.flatnonzero((events["event_id"] == event_id).to_numpy(dtype=bool))
            return events.iloc[hits[0]] if len(hits) else None
        ids = self._resident["event_id"]
        hits = np.flatnonzero((ids == event_id).to_numpy(dtype=bool, na_value=False))
        return self.take(hits[:1]).iloc[0] if len(hits) else None

    def _resident_values(self, column: str) -> list[str]:
        """Distinct values of a column of the resident table in order of first appearance,
        computed once per table: every page layout asks (~80 ms a column at 10M)."""
        frame = self._resident
        with self._lock:
            hit = self._seen.get(column)
            if hit is not None and hit[0]() is frame:
                return hit[1]
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            # Unique codes in order of first appearance: C speed, where iterating the
            # strings of a million rows takes over a second.
            codes = pd.unique(values.cat.codes.to_numpy())
            found = [str(values.cat.categories[c]) for c in codes if c >= 0]
        else:
            found = [str(v) for v in values.dropna().unique()]
        with self._lock:
            # With a weak reference to its table: a reloaded table is a new object.
            self._seen[column] = (weakref.ref(frame), found)
        return found

    def distinct(self, column: str) -> list[str]:
        """Distinct non-empty values of a text column over every event, sorted."""
        found = set(self._resident_values(column))
        with self._lock:
            for extra in self._extra.values():
                found |= {str(v) for v in extra[column].dropna().unique()}
        return sorted(v for v in found if v)

    def dataset_names(self) -> list[str]:
        """Names of all event datasets present, in row order of first appearance."""
        names = self._resident_values("dataset")
        with self._lock:
            extra = list(self._extra)
        return list(dict.fromkeys([*names, *extra]))

    def add_session_dataset(self, name: str, events: gpd.GeoDataFrame) -> None:
        """Add events to this process only (an upload in the browser); not written to disk."""
        check_dataset_name(name)
        with self._lock:
            self._extra[name] = events

    def save_dataset(self, name: str, events: gpd.GeoDataFrame) -> Path:
        """Write an ingested dataset to ``<user_dir>/datasets/<name>.parquet``.

        Written to a temporary file in the same folder and renamed, so a crash or a full
        disk never leaves a half-written dataset behind.
        """
        check_dataset_name(name)
        folder = self.user_dir / "datasets"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{name}.parquet"
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        os.close(fd)
        try:
            events.to_parquet(tmp, compression="zstd")
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        with self._load_lock:
            self._compact = self._event_columns = None
        self.build_cache()
        return target


def open_store(url: str | None = None, data_dir: Path | None = None, user_dir: Path | None = None):
    """The store named by ``url``: ``None``/``"file"`` for the bundled files, or a
    ``postgresql://`` URL for PostGIS (needs ``pip install '.[postgis]'``)."""
    if url in (None, "", "file"):
        return FileStore(data_dir, user_dir)
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from geo.store_postgis import PostgisStore
        except ImportError as exc:
            raise FrontlineError(
                f"store: the PostGIS store needs its extra: pip install '.[postgis]' ({exc})",
                param="store",
            ) from None
        return PostgisStore(url, data_dir=data_dir)
    raise FrontlineError(
        f"store: expected 'file' or a postgresql:// URL, got {url!r}", param="store"
    )


def check_dataset_name(name: str) -> str:
    """Dataset names become file names: allow only ``[a-z0-9_-]``, no paths."""
    if not DATASET_NAME.fullmatch(name or ""):
        raise FrontlineError(
            f"name: {name!r} is not a valid dataset name (lower-case letters, digits, '_' and "
            "'-', at most 40 characters, starting with a letter or digit)",
            param="name",
        )
    return name


def _concat(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        from geo.schema import empty_events

        return empty_events()
    from geo.schema import EVENT_DTYPES

    # Files carry their own categories; give every file the union first, so the concat
    # stays categorical (codes remapped) instead of turning a million labels into strings.
    for col in ("dataset", "event_type", "sub_event_type"):
        cats = sorted({str(c) for f in frames if col in f for c in _categories(f[col])})
        frames = [f.assign(**{col: _recode(f[col], cats)}) if col in f else f for f in frames]
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=4326)
    # Parquet stores dates in ms: restore the canonical dtypes so every dataset looks the
    # same to the filters.
    out = out.astype({k: v for k, v in EVENT_DTYPES.items() if k in out.columns})
    return out.sort_values(["date", "event_id"], ignore_index=True)


def _recode(column: pd.Series, categories: list[str]) -> pd.Series:
    """``column`` as a categorical over exactly ``categories`` (codes remapped, no strings
    materialised when it is categorical already)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.set_categories(categories)
    return column.astype(str).astype(pd.CategoricalDtype(categories))


def _categories(column: pd.Series):
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.categories
    return pd.unique(column.astype(str))
