"""What every store offers: the ``Store`` protocol, one data version, and ``Data``.

A store holds data that changes while servers run (``frontline ingest``, ``db load``,
``update``). Readers never see it change under them: :meth:`Store.current` returns a
:class:`Data`, one immutable generation of everything a reader can see (events, regions,
territory, the bundled gazetteer and alerts) under one :attr:`Data.version`. A store
notices new data (:meth:`Store.refresh`: a stat of the data folder, or a version row in
PostGIS), loads the next generation beside the old one and switches to it whole; requests
in flight finish on the generation they started with.

The version is a content version, as datasette versions a database by its hash: the same
files give the same version on every machine, and anything a reader could see that changes
gives a new one. Cache keys, ETags, ``X-Data-Version`` and provenance all carry it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.actors import canonical
from geo.columns import EventColumns
from geo.query import Query
from geo.regions import Regions
from geo.territory import Territory

__all__ = ["BundledFiles", "Data", "DatasetChange", "FileDigests", "Store"]

log = logging.getLogger(__name__)


class BundledFiles:
    """The files of the bundled data folder that every store reads as files (the gazetteer,
    the air-raid alerts, claims and stories), loaded on first use."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)

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

    @cached_property
    def basemap(self) -> gpd.GeoDataFrame | None:
        """Natural Earth 1:10m land, lakes, coasts and borders for drawing (None when the
        data folder has none)."""
        path = self.data_dir / "basemap.parquet"
        return gpd.read_parquet(path) if path.exists() else None


#: Guards the creation of each generation's lock for :meth:`Data.derived`.
_DERIVING = threading.Lock()
_LOCK = ("derived", "lock")


@dataclass(frozen=True, eq=False)
class Data:
    """One generation of a store's data: everything a reader sees, under one version.

    Attributes
    ----------
    version : the data version (a short hex digest; a session's uploads add a suffix).
    columns : the events (:class:`geo.columns.EventColumns`).
    regions, territory : admin-1 regions, control snapshots.
    files : the bundled gazetteer, alerts, claims and stories.
    problems : what was left out while loading (an unreadable dataset file, ...), for
        ``frontline status`` and the server log.
    session : the browser session whose uploads are mixed in, or None.
    """

    version: str
    columns: EventColumns
    regions: Regions
    territory: Territory
    files: BundledFiles
    problems: tuple[str, ...] = ()
    session: str | None = None
    #: Control snapshots of other sources than DeepState (``frontline territory import``),
    #: by source name.
    sources: dict = field(default_factory=dict)
    _derived: dict = field(default_factory=dict, repr=False)

    def territory_of(self, source: str | None = None) -> Territory:
        """The snapshots of ``source``: DeepState's (None or "deepstate"), or an imported
        one; an unknown name is an error listing the known ones."""
        if source in (None, "", "deepstate"):
            return self.territory
        if source in self.sources:
            return self.sources[source]
        from geo.errors import FrontlineError

        known = ", ".join(["deepstate", *sorted(self.sources)])
        raise FrontlineError(f"source: unknown territory source {source!r}; known: {known}",
                             param="source")  # fmt: skip

    # -- the bundled files -----------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        """The bundled data folder (claims.yaml, stories/)."""
        return self.files.data_dir

    @property
    def places(self) -> pd.DataFrame:
        """The offline gazetteer."""
        return self.files.places

    @property
    def gazetteer(self):
        """The place-name index."""
        return self.files.gazetteer

    @property
    def airraid(self) -> pd.DataFrame:
        """Air-raid alerts by oblast."""
        return self.files.airraid

    @property
    def basemap(self) -> gpd.GeoDataFrame | None:
        """The 1:10m outlines for drawing."""
        return self.files.basemap

    # -- events ------------------------------------------------------------------------------

    def positions(self, query: Query | None = None) -> np.ndarray:
        """Row positions of the events matching ``query``, in date order."""
        return self.columns.positions(query)

    def events(self, query: Query | None = None) -> gpd.GeoDataFrame:
        """The events matching ``query`` (all when None) as the canonical GeoDataFrame,
        sorted by date then id."""
        return self.columns.take(self.columns.positions(query))

    def rows(self, positions, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Compact rows (``lon``/``lat``, no geometry) at ``positions``."""
        return self.columns.rows(positions, columns)

    def take(self, positions) -> gpd.GeoDataFrame:
        """The events at ``positions`` as the canonical GeoDataFrame."""
        return self.columns.take(positions)

    def column(self, name: str) -> pd.Series:
        """One compact column over every row."""
        return self.columns.column(name)

    def event(self, event_id: str | None):
        """The canonical row of ``event_id`` (any date, any dataset), or None."""
        return self.columns.event(event_id) if event_id else None

    def distinct(self, column: str) -> list[str]:
        """Distinct non-empty values of a text column, sorted."""
        return self.columns.distinct(column)

    def dataset_names(self) -> list[str]:
        """Names of the event datasets, in order of their first row."""
        return self.columns.dataset_names()

    def actors(self) -> list[str]:
        """Every actor (actor1 or actor2) as its canonical name (:func:`geo.actors.canonical`:
        the datasets' spellings of one side become one name, unknown names stay as they
        are), sorted, each once. The raw names stay in the events and their exports."""
        raw = set(self.distinct("actor1")) | set(self.distinct("actor2"))
        return sorted({canonical(name) for name in raw})

    # -- sessions ------------------------------------------------------------------------------

    def with_session(self, session: str, tag: str, uploads: EventColumns) -> Data:
        """This generation plus one browser session's uploads (``tag`` says which version
        of them), under a version of its own, so nothing cached for it is served to
        anybody else."""
        combined = EventColumns.combine([self.columns, uploads])
        return replace(self, version=f"{self.version}-s{tag}", columns=combined,
                       session=session, _derived={})  # fmt: skip

    def derived(self, key, compute):
        """A value computed once per generation (not per request): small derived tables
        that belong to this data and go when it goes.

        Once means once: the threads of a worker asking at the same time wait for the one
        computing it (three threads had rebuilt the same settlement table at once after an
        update, sharing its geometries)."""
        hit = self._derived.get(key)
        if hit is not None:
            return hit
        # One lock per key: a computation may wait for another thread that derives some
        # other value of this generation (a lock for the whole generation deadlocked). And
        # one per process: a lock held while gunicorn forked stays held in the child, with
        # no thread there to release it.
        with _DERIVING:
            lock = self._derived.setdefault((_LOCK, os.getpid(), key), threading.Lock())
        with lock:
            hit = self._derived.get(key)
            if hit is None:
                hit = self._derived[key] = compute()
        return hit


@dataclass(frozen=True)
class DatasetChange:
    """What saving a dataset did: rows before and after, and how many were new, replaced
    or kept (``mode`` replace, append or new)."""

    name: str
    mode: str
    before: int
    after: int
    added: int
    replaced: int
    where: str

    def describe(self) -> str:
        """One line for a person."""
        if self.before == 0:
            return f"dataset {self.name}: new, {self.after:,d} events ({self.where})"
        if self.mode == "replace":
            return (f"dataset {self.name}: replaced {self.before:,d} events with "
                    f"{self.after:,d} ({self.where})")  # fmt: skip
        return (f"dataset {self.name}: {self.added:,d} events added, {self.replaced:,d} "
                f"replaced by id, {self.after:,d} in all ({self.where})")  # fmt: skip


class Store(Protocol):
    """Where the data lives. The file store and the PostGIS store implement all of it;
    readers use :meth:`current` and never probe a store for what it can do."""

    kind: str
    #: The bundled data folder (claims, stories, gazetteer).
    data_dir: Path
    #: This machine's own files: datasets of the file store, the session key, rejects.
    user_dir: Path
    #: Browser sessions' uploads (:mod:`geo.stores.sessions`).
    sessions: object

    def current(self) -> Data:
        """The generation being served now (loaded on first use)."""

    def data_version(self) -> str:
        """The version of :meth:`current`."""

    def refresh(self) -> bool:
        """Look for new data now; when there is some, load it and switch to it whole.
        True when the version changed."""

    def watch(self, interval: float = 2.0) -> None:
        """Call :meth:`refresh` every ``interval`` seconds on a thread of this process."""

    def save_dataset(self, name: str, events: gpd.GeoDataFrame, mode: str = "new") -> DatasetChange:
        """Store ``events`` as dataset ``name`` (``mode``: new, replace or append)."""

    def dataset_rows(self, name: str) -> int:
        """Events in dataset ``name`` (0 when there is none)."""

    def remove_dataset(self, name: str) -> int:
        """Remove dataset ``name``; how many events it had."""

    def close(self) -> None:
        """Release connections and threads of this process."""

    def read_update_state(self) -> dict:
        """What the updater recorded (:mod:`geo.updates.state`); ``{}`` before any update."""

    def territory_versions(self, series: str = "deepstate") -> dict:
        """``{date: version id}`` of the updated snapshots of ``series``."""

    def save_territory(self, series: str, snapshots, periods=None, replace: bool = False):
        """Store control snapshots of ``series`` (updated DeepState maps, or an imported
        source) and, for DeepState, their precomputed periods; readers switch once."""

    def write_update_state(self, state: dict) -> None:
        """Replace the updater's record; never changes the data version."""


class FileDigests:
    """Content digests of files, recomputed only when a file's size or mtime changes, so a
    store can poll its folder every second or two and still version by content."""

    def __init__(self):
        self._seen: dict[tuple[str, int, int], str] = {}
        self._lock = threading.Lock()

    def digest(self, path: Path, stat) -> str:
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            hit = self._seen.get(key)
        if hit is None:
            h = hashlib.blake2b(digest_size=12)
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            hit = h.hexdigest()
            with self._lock:
                if len(self._seen) > 4096:
                    self._seen.clear()
                self._seen[key] = hit
        return hit


def combine_digests(items: Iterable[tuple[str, str]]) -> str:
    """One short version from ``(name, digest)`` pairs (order does not matter)."""
    h = hashlib.blake2b(digest_size=6)
    for name, digest in sorted(items):
        h.update(f"{name}={digest};".encode())
    return h.hexdigest()
