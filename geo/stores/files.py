"""The file store: the bundled GeoParquet files plus the user's ingested datasets.

A generation (:class:`geo.stores.base.Data`) is read once and kept in memory (events as one
compact table sorted by date). :meth:`FileStore.refresh` stats the files that make the data
(cheap enough to run every second or two) and, when any changed, reads the next generation
beside the current one, reusing the parts whose files did not change, then switches.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.background import pool
from geo.errors import FrontlineError
from geo.paths import bundled_data_dir, user_data_dir
from geo.regions import Regions
from geo.stores.base import BundledFiles, Data, DatasetChange, FileDigests, combine_digests
from geo.stores.names import check_dataset_name
from geo.stores.sessions import FolderSessions
from geo.territory import Territory

__all__ = ["FileStore"]

log = logging.getLogger(__name__)

#: Bundled files whose change means a new regions / territory object (others: events,
#: gazetteer, alerts, claims and stories).
_REGION_FILES = ("admin1.parquet", "countries.parquet")
_TERRITORY_FILES = ("territory.parquet", "territory_periods.parquet")
_MODES = ("new", "replace", "append")
#: The updater's record in the user folder (:mod:`geo.updates.state`).
UPDATES_FILE = "updates.json"
#: Updated and imported control snapshots in the user folder.
TERRITORY_DIR = "territory"
#: The series name of DeepState's maps.
DEEPSTATE = "deepstate"


class FileStore:
    """The bundled data folder plus the user's datasets, as a :class:`~geo.stores.base.Store`.

    Parameters
    ----------
    data_dir : bundled data folder (default :func:`geo.paths.bundled_data_dir`).
    user_dir : folder of ingested datasets (default :func:`geo.paths.user_data_dir`);
        datasets live in ``<user_dir>/datasets/<name>.parquet``, browser sessions' uploads
        in ``<user_dir>/sessions/``.
    """

    kind = "file"

    def __init__(self, data_dir: Path | None = None, user_dir: Path | None = None):
        self.data_dir = Path(data_dir) if data_dir else bundled_data_dir()
        self.user_dir = Path(user_dir) if user_dir else user_data_dir()
        self.sessions = FolderSessions(self.user_dir / "sessions")
        self._data: Data | None = None
        self._signature: tuple | None = None
        self._load_lock = threading.RLock()
        self._digests = FileDigests()
        self._loaded: dict[str, str] = {}  # input name -> digest of the generation served

    def __repr__(self) -> str:
        return f"FileStore({self.user_dir})"

    # -- what makes a version -------------------------------------------------------------

    def _inputs(self) -> list[tuple[str, Path]]:
        """``(role, path)`` of every file a reader's view depends on."""
        bundled = [
            *sorted(self.data_dir.glob("*.parquet")),
            *sorted(self.data_dir.glob("*.yaml")),
            *sorted((self.data_dir / "stories").glob("*.yaml")),
        ]
        out = [("bundled", p) for p in bundled]
        datasets = self.user_dir / "datasets"
        if datasets.is_dir():
            out += [("dataset", p) for p in sorted(datasets.glob("*.parquet"))]
        territory = self.user_dir / TERRITORY_DIR
        if territory.is_dir():
            out += [("territory", p) for p in sorted(territory.glob("*.parquet"))]
            out += [("territory", p) for p in sorted((territory / "sources").glob("*.parquet"))]
        return out

    def _stat(self) -> tuple:
        """``(role, path, stat)`` of every input: a few microseconds a file."""
        found = []
        for role, path in self._inputs():
            try:
                found.append((role, path, path.stat()))
            except FileNotFoundError:
                continue  # removed between the listing and the stat: next poll sees it
        return tuple(found)

    @staticmethod
    def _key(stats) -> tuple:
        return tuple((role, str(p), s.st_size, s.st_mtime_ns) for role, p, s in stats)

    # -- generations ------------------------------------------------------------------------

    def current(self) -> Data:
        """The generation being served (read on first use)."""
        data = self._data
        if data is None:
            with self._load_lock:
                if self._data is None:
                    stats = self._stat()
                    self._data = self._load(stats, None)
                    self._signature = self._key(stats)
                data = self._data
        return data

    def data_version(self) -> str:
        """The version of the data being served."""
        return self.current().version

    def refresh(self) -> bool:
        """Read the next generation when any input file changed; True when it did."""
        if self._data is None:
            self.current()
            return True
        stats = self._stat()
        key = self._key(stats)
        if key == self._signature:
            return False
        with self._load_lock:
            if key == self._signature:
                return False
            old = self._data
            self._data = self._load(stats, old)
            self._signature = key
        return self._data.version != old.version

    def watch(self, interval: float = 2.0) -> None:
        """Refresh every ``interval`` seconds on a thread of this process."""
        from geo.stores.watch import ensure_watching

        ensure_watching(self, interval)

    def close(self) -> None:
        """Nothing to release: files hold no connections (the protocol asks for it)."""

    def preload(self) -> None:
        """Start reading the first generation on a background thread (later readers wait
        for it): most of it is Arrow and GEOS, which release the GIL, so it overlaps with
        importing the web app."""
        # Not a daemon: interpreter shutdown under a thread inside Arrow aborts the process.
        threading.Thread(target=self._preload, name="frontline-preload").start()

    def _preload(self) -> None:
        try:
            self.current().territory.check_periods()
        except Exception:  # whoever asks next gets the same error, in its context
            log.exception("preloading the data failed")

    def _load(self, stats: tuple, previous: Data | None) -> Data:
        digests = [(f"{role}:{p.name}", self._digests.digest(p, s)) for role, p, s in stats]
        now = dict(digests)
        changed = {n for n in now.keys() | self._loaded.keys() if now.get(n) != self._loaded.get(n)}
        problems: list[str] = []
        dataset_files = [p for role, p, _ in stats if role == "dataset"]
        events_future = pool("load-events").submit(self._events, dataset_files, problems)
        reuse = previous is not None
        files = previous.files if reuse and not _bundled_changed(changed) else None
        files = files or BundledFiles(self.data_dir)
        regions = previous.regions if reuse and not _any(changed, _REGION_FILES) else None
        regions = regions or Regions.from_data_dir(self.data_dir)
        territory = sources = None
        same_territory = not _any(changed, _TERRITORY_FILES) and not any(
            n.startswith("territory:") for n in changed
        )
        if reuse and regions is previous.regions and same_territory:
            territory, sources = previous.territory, previous.sources
        if territory is None:
            territory, sources = self._territory(regions, problems)
        columns = events_future.result()
        version = combine_digests(digests)
        for problem in problems:
            log.warning("%s", problem)
        self._loaded = now
        return Data(version, columns, regions, territory, files, tuple(problems),
                    sources=sources)  # fmt: skip

    def _territory(self, regions: Regions, problems: list[str]) -> tuple[Territory, dict]:
        """DeepState's snapshots (bundled, with the updated ones in: geo.territory_series)
        and every imported source's."""
        from geo.periods import PERIODS_FILE, PeriodTable
        from geo.territory import read_snapshots
        from geo.territory_series import merge_snapshots

        bundled = read_snapshots(self.data_dir / "territory.parquet")
        folder = self.user_dir / TERRITORY_DIR
        updated_path = folder / f"{DEEPSTATE}.parquet"
        updated = read_snapshots(updated_path) if updated_path.exists() else None
        periods = PeriodTable.combine([
            PeriodTable.read(self.data_dir / PERIODS_FILE),
            PeriodTable.read(folder / f"{DEEPSTATE}.periods.parquet"),
        ])  # fmt: skip
        territory = Territory(merge_snapshots(bundled, updated), regions, periods)
        sources = {}
        for path in sorted((folder / "sources").glob("*.parquet")):
            try:
                sources[path.stem] = Territory(read_snapshots(path), regions)
            except (OSError, ValueError) as exc:
                problems.append(f"territory source left out: {path.name}: {exc}")
        return territory, sources

    def _events(self, dataset_files: list[Path], problems: list[str]):
        """The events of the bundled files and every readable dataset file (from the
        serving cache when it was built from exactly these files)."""
        from geo.columns import EventColumns
        from geo.eventcache import CACHE_NAME, read_cache, signature, write_cache
        from geo.eventtable import check_event_file, read_compact

        paths = sorted(self.data_dir.glob("events_*.parquet"))
        for path in dataset_files:
            problem = check_event_file(path)
            if problem:
                problems.append(f"dataset file left out: {problem}")
            else:
                paths.append(path)
        sig, cache = signature(paths), self.user_dir / CACHE_NAME
        frame = read_cache(cache, sig)
        if frame is None:
            frame = read_compact(paths)
            # Not a daemon: a process that ends meanwhile (a CLI export) waits for the
            # write, as interpreter shutdown under a thread inside Arrow aborts it.
            threading.Thread(target=write_cache, args=(frame, cache, sig)).start()
        return EventColumns(frame)

    def build_cache(self) -> None:
        """Write the serving cache of the events now (after an ingest), so the next
        server start maps it instead of parsing Parquet."""
        from geo.eventcache import CACHE_NAME, signature, write_cache
        from geo.eventtable import check_event_file, read_compact

        paths = sorted(self.data_dir.glob("events_*.parquet"))
        datasets = self.user_dir / "datasets"
        if datasets.is_dir():
            paths += [p for p in sorted(datasets.glob("*.parquet")) if not check_event_file(p)]
        write_cache(read_compact(paths), self.user_dir / CACHE_NAME, signature(paths))

    # -- writing ---------------------------------------------------------------------------

    def dataset_path(self, name: str) -> Path:
        """Where dataset ``name`` is stored."""
        return self.user_dir / "datasets" / f"{check_dataset_name(name)}.parquet"

    def dataset_rows(self, name: str) -> int:
        """Events in dataset ``name`` (0 when there is none or it cannot be read)."""
        import pyarrow.parquet as pq

        path = self.dataset_path(name)
        try:
            return pq.ParquetFile(path).metadata.num_rows
        except (OSError, ValueError):
            return 0

    def save_dataset(self, name: str, events: gpd.GeoDataFrame, mode: str = "new") -> DatasetChange:
        """Store ``events`` as dataset ``name`` in ``<user_dir>/datasets/``.

        ``mode``: ``"new"`` refuses to overwrite an existing dataset, ``"replace"``
        replaces it, ``"append"`` adds the events to it (an event whose id is already
        there replaces the old one: a later release revises an earlier). Written to a
        temporary file and renamed, so a crash or a full disk never leaves a half-written
        dataset; then this process switches to the new data at once (others within their
        next refresh).
        """
        if mode not in _MODES:
            raise FrontlineError(f"mode: expected one of {', '.join(_MODES)}, got {mode!r}",
                                 param="mode")  # fmt: skip
        target = self.dataset_path(name)
        before = self.dataset_rows(name) if target.exists() else 0
        if target.exists() and mode == "new":
            raise FrontlineError(
                f"name: dataset {name!r} exists already ({before:,d} events); ingest with "
                "--replace to replace it or --append to add to it",
                param="name",
            )
        added, replaced = len(events), 0
        if mode == "append" and target.exists():
            old = gpd.read_parquet(target)
            events, added, replaced = merge_by_id(old, events)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{name}.", suffix=".tmp")
        os.close(fd)
        try:
            events.to_parquet(tmp, compression="zstd")
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self.build_cache()
        self.refresh()
        return DatasetChange(name, mode, before, len(events), added, replaced, str(target))

    # -- territory ---------------------------------------------------------------------------

    def territory_versions(self, series: str = DEEPSTATE) -> dict:
        """``{date: version id}`` of the updated snapshots of ``series`` (the updater skips
        the dates it has)."""
        path = self.user_dir / TERRITORY_DIR / f"{series}.parquet"
        if not path.exists():
            return {}
        frame = pd.read_parquet(path, columns=["date", "version"])
        return dict(zip(pd.to_datetime(frame["date"]).dt.date, frame["version"], strict=True))

    def save_territory(self, series: str, snapshots: pd.DataFrame, periods=None,
                       replace: bool = False) -> Path:  # fmt: skip
        """Store control snapshots of ``series`` in one step each, readers switching once
        both are written (see :mod:`geo.territory_series` for how they join the record).

        ``series`` "deepstate": updated DeepState maps; their dates replace any earlier
        ones of those dates, and ``periods`` (rows of :func:`geo.periods.
        extend_period_table`) are added to the precomputed periods. Another name: an
        imported source of its own (``replace`` to overwrite one that exists).
        """
        from geo.territory_series import merge_snapshots

        folder = self.user_dir / TERRITORY_DIR
        if series == DEEPSTATE:
            path = folder / f"{series}.parquet"
            old = pd.read_parquet(path) if path.exists() else None
            merged = merge_snapshots(old, snapshots) if old is not None else snapshots
            if periods is not None and len(periods):
                from geo.periods import PeriodTable

                ppath = folder / f"{series}.periods.parquet"
                table = PeriodTable.combine([PeriodTable.read(ppath), PeriodTable(periods)])
                _write_atomically(ppath, _parquet_bytes(table.frame))
            _write_atomically(path, _parquet_bytes(merged))
        else:
            check_dataset_name(series)
            path = folder / "sources" / f"{series}.parquet"
            if path.exists() and not replace:
                raise FrontlineError(
                    f"source: a territory source {series!r} exists already; import with "
                    "--replace to replace it",
                    param="source",
                )
            _write_atomically(path, _parquet_bytes(snapshots))
        self.refresh()
        return path

    # -- the updater's record ------------------------------------------------------------------

    def read_update_state(self) -> dict:
        """``<user_dir>/updates.json`` (``{}`` when there is none or it cannot be read)."""
        import json

        try:
            return json.loads((self.user_dir / UPDATES_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("%s unreadable, starting afresh: %s", UPDATES_FILE, exc)
            return {}

    def write_update_state(self, state: dict) -> None:
        """Write ``<user_dir>/updates.json`` whole (a temporary file renamed over it). It
        is no input of the data version (:meth:`_inputs`)."""
        import json

        _write_atomically(self.user_dir / UPDATES_FILE,
                          json.dumps(state, indent=1, sort_keys=True).encode())  # fmt: skip

    def remove_dataset(self, name: str) -> int:
        """Remove dataset ``name``; returns how many events it had (0: there was none)."""
        path = self.dataset_path(name)
        rows = self.dataset_rows(name)
        if path.exists():
            path.unlink()
            self.build_cache()
            self.refresh()
        return rows


def merge_by_id(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> tuple:
    """``old`` with ``new`` added; rows of ``old`` whose ``event_id`` is in ``new`` are
    replaced. Returns ``(merged, added, replaced)``."""
    ids = set(new["event_id"].astype(str))
    kept = old[~old["event_id"].astype(str).isin(ids)]
    replaced = len(old) - len(kept)
    merged = pd.concat([kept, new], ignore_index=True)
    merged = gpd.GeoDataFrame(merged, geometry="geometry", crs=4326)
    merged = merged.sort_values(["date", "event_id"], ignore_index=True)
    return merged, len(new) - replaced, replaced


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame.to_parquet(buffer, compression="zstd", index=False)
    return buffer.getvalue()


def _write_atomically(path: Path, body: bytes) -> None:
    """``body`` into ``path`` through a temporary file in the same folder: a reader sees the
    old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _bundled_changed(changed: set[str]) -> bool:
    return any(n.startswith("bundled:") for n in changed)


def _any(changed: set[str], names: tuple[str, ...]) -> bool:
    return any(f"bundled:{n}" in changed for n in names)
