"""The PostGIS store: the same protocol as :class:`geo.stores.files.FileStore`, data in
PostgreSQL, shared by every worker and host.

The database is the source of truth and the keeper of the data version (``frontline.meta``,
bumped by every write, per part: events, territory, boundaries). Each process reads the
current version into the same in-memory generation the file store serves
(:class:`geo.stores.base.Data`: events as columns, territory, regions), so every filter, bin,
marker limit, cache and km² figure runs the same code on the same numbers in both deploy
shapes, and a filter change costs no round trip to the database. A process notices a new
version within its refresh interval, reads only the parts that changed (with one ``COPY``
for the events) and switches to it whole.

Claims, stories, places and air-raid alerts stay files in ``data_dir``.

Connections come from a pool opened lazily in each process (a pool opened before gunicorn
forks would share its sockets between workers) and checked before use, so a database that
restarts costs the requests in flight, not the process. When the database cannot be reached,
calls raise :class:`geo.errors.StoreUnavailable` (HTTP 503), and work again once it is back;
a generation already loaded keeps being served meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from geo.errors import FrontlineError, StoreUnavailable
from geo.paths import bundled_data_dir, user_data_dir
from geo.periods import PERIODS_FILE, PeriodTable
from geo.regions import Regions
from geo.schema import EVENT_DTYPES
from geo.stores.base import BundledFiles, Data, DatasetChange, FileDigests, combine_digests
from geo.stores.names import check_dataset_name
from geo.stores.postgis_load import (
    EVENT_SQL_COLUMNS,
    append_dataset,
    init_schema,
    read_versions,
    replace_dataset,
)
from geo.stores.postgis_territory import (
    read_periods,
    read_sources,
    save_territory,
    updated_versions,
)
from geo.stores.sessions import PostgisSessions
from geo.territory import Territory

__all__ = ["PostgisStore"]

log = logging.getLogger(__name__)

# COLLATE "C" sorts ids by code point, as Arrow does for the file store.
_COPY_EVENTS = sql.SQL(
    "COPY (SELECT {}, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM frontline.events "
    'ORDER BY date, event_id COLLATE "C", dataset) TO STDOUT WITH (FORMAT csv, HEADER true)'
)
_MODES = ("new", "replace", "append")


class PostgisStore:
    """Events, territory and boundaries in a PostGIS database.

    Parameters
    ----------
    url : ``postgresql://user:password@host:port/dbname``
    data_dir : bundled data folder for claims, stories, places and air-raid alerts
        (default :func:`geo.paths.bundled_data_dir`).
    user_dir : this machine's own files (the session cookie's key, rejects); default
        :func:`geo.paths.user_data_dir`.
    pool_size : most connections this process keeps open.
    timeout : seconds a request waits for a connection before the store counts as unavailable.

    Examples
    --------
    >>> store = PostgisStore("postgresql://frontline@127.0.0.1/frontline")  # doctest: +SKIP
    >>> store.current().events(Query(regions=("UA-14",)))                   # doctest: +SKIP
    """

    kind = "postgis"

    def __init__(
        self,
        url: str,
        data_dir: Path | None = None,
        user_dir: Path | None = None,
        *,
        pool_size: int = 4,
        timeout: float = 3.0,
    ):
        self.url = url
        self.data_dir = Path(data_dir) if data_dir else bundled_data_dir()
        # This machine's own files (the session key, rejects): the data lives in PostGIS.
        self.user_dir = Path(user_dir) if user_dir else user_data_dir()
        self.pool_size = pool_size
        self.timeout = timeout
        self.sessions = PostgisSessions(self)
        self._lock = threading.Lock()
        self._load_lock = threading.RLock()
        self._pool_obj: ConnectionPool | None = None
        self._pool_pid: int | None = None
        self._data: Data | None = None
        self._seen: tuple | None = None  # (database versions, bundled digests) being served
        self._parts: dict[str, str] = {}
        self._digests = FileDigests()

    def __repr__(self) -> str:
        # Never the password: the URL ends up in logs.
        return f"PostgisStore({psycopg.conninfo.conninfo_to_dict(self.url).get('dbname')!r})"

    # -- connections -------------------------------------------------------------------

    def _pool(self) -> ConnectionPool:
        with self._lock:
            pool = self._pool_obj
            if pool is None or pool.closed or self._pool_pid != os.getpid():
                pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=self.pool_size,
                    timeout=self.timeout,
                    check=ConnectionPool.check_connection,
                    kwargs={
                        "autocommit": True,
                        "connect_timeout": 3,
                        # A stuck query must not hold a worker for ever.
                        "options": "-c statement_timeout=60000",
                    },
                    open=False,
                    name="frontline",
                )
                pool.open(wait=False)
                self._pool_obj, self._pool_pid = pool, os.getpid()
            return pool

    @contextlib.contextmanager
    def connection(self):
        """A pooled connection (autocommit); database failures become
        :class:`~geo.errors.StoreUnavailable`."""
        try:
            with self._pool().connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            log.warning("PostGIS unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc)
            raise StoreUnavailable(
                "store: the database is unavailable; try again in a few seconds"
            ) from exc

    def close(self) -> None:
        """Close this process's connections (gunicorn calls it before forking workers)."""
        with self._lock:
            if self._pool_obj is not None and self._pool_pid == os.getpid():
                self._pool_obj.close()
            self._pool_obj = None

    def init(self) -> None:
        """Create the schema (idempotent); see :mod:`geo.stores.postgis_load`."""
        with self.connection() as conn:
            init_schema(conn)

    # -- generations ------------------------------------------------------------------------

    def _bundled(self) -> tuple[tuple[str, str], ...]:
        paths = [
            *sorted(self.data_dir.glob("*.parquet")),
            *sorted(self.data_dir.glob("*.yaml")),
            *sorted((self.data_dir / "stories").glob("*.yaml")),
        ]
        return tuple((f"bundled:{p.name}", self._digests.digest(p, p.stat())) for p in paths)

    def _versions(self) -> dict[str, str]:
        with self.connection() as conn:
            versions = read_versions(conn)
        if "version" not in versions:
            raise StoreUnavailable("store: the database has no Frontline data; run `frontline "
                                   "db init` and `frontline db load`")  # fmt: skip
        return versions

    def current(self) -> Data:
        """The generation being served (read on first use)."""
        data = self._data
        if data is None:
            with self._load_lock:
                if self._data is None:
                    self._switch(self._versions(), self._bundled())
                data = self._data
        return data

    def data_version(self) -> str:
        """The version of the data being served."""
        return self.current().version

    def refresh(self) -> bool:
        """Read the next generation when the database or the bundled files changed."""
        if self._data is None:
            self.current()
            return True
        versions, bundled = self._versions(), self._bundled()
        if (versions["version"], bundled) == self._seen:
            return False
        with self._load_lock:
            if (versions["version"], bundled) == self._seen:
                return False
            old = self._data.version
            self._switch(versions, bundled)
        return self._data.version != old

    def watch(self, interval: float = 2.0) -> None:
        """Refresh every ``interval`` seconds on a thread of this process."""
        from geo.stores.watch import ensure_watching

        ensure_watching(self, interval)

    def preload(self) -> None:
        """Read the first generation on a background thread."""
        threading.Thread(target=self._preload, name="frontline-preload").start()

    def _preload(self) -> None:
        try:
            self.current()
        except Exception:  # the first request gets the same error, as a 503
            log.exception("preloading the database failed")

    def _switch(self, versions: dict[str, str], bundled: tuple) -> None:
        previous, parts = self._data, self._parts

        def same(part):
            return previous is not None and parts.get(part) == versions.get(part)

        files = previous.files if previous is not None and bundled == self._seen[1] else None
        files = files or BundledFiles(self.data_dir)
        regions = previous.regions if same("boundaries") else self._regions()
        if same("territory") and regions is previous.regions:
            territory, sources = previous.territory, previous.sources
        else:
            territory, sources = self._territory(regions), self._sources(regions)
        columns = previous.columns if same("events") else self._events()
        version = combine_digests([("db", versions["version"]), *bundled])
        self._data = Data(version, columns, regions, territory, files, sources=sources)
        self._seen = (versions["version"], bundled)
        self._parts = dict(versions)

    def _regions(self) -> Regions:
        admin1 = self._boundaries("admin1")
        if admin1 is None:
            raise StoreUnavailable("store: no regions in the database; run `frontline db load`")
        return Regions(admin1, self._boundaries("countries"))

    def _boundaries(self, table: str) -> gpd.GeoDataFrame | None:
        query = sql.SQL("SELECT props, ST_AsBinary(geom) FROM {} ORDER BY ord").format(
            sql.Identifier("frontline", table)
        )
        with self.connection() as conn:
            rows = conn.execute(query).fetchall()
        if not rows:
            return None
        frame = pd.DataFrame([r[0] for r in rows])
        return gpd.GeoDataFrame(
            frame, geometry=gpd.GeoSeries.from_wkb([bytes(r[1]) for r in rows], crs=4326)
        )

    def _territory(self, regions: Regions) -> Territory:
        """Control snapshots from the ``territory`` table; geometries stay WKB until a
        snapshot is asked for, as with the file store."""
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT date, layer, source, ST_AsBinary(geom) FROM frontline.territory "
                "ORDER BY layer, date"
            ).fetchall()
        table = pd.DataFrame(
            [(d, layer, src, bytes(g)) for d, layer, src, g in rows],
            columns=["date", "layer", "source", "geometry"],
        )
        # Precomputed periods serve where they were computed from these very snapshots
        # (checked per period): the bundled ones, and those of updated maps.
        with self.connection() as conn:
            extra = read_periods(conn)
        periods = PeriodTable.combine([PeriodTable.read(self.data_dir / PERIODS_FILE), extra])
        return Territory(table, regions, periods)

    def _sources(self, regions: Regions) -> dict:
        with self.connection() as conn:
            return read_sources(conn, regions)

    def _events(self):
        """Every event as columns, read with one ``COPY`` (a million rows in a few s)."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        from geo.columns import EventColumns
        from geo.eventtable import compact_from_arrow

        statement = _COPY_EVENTS.format(
            sql.SQL(", ").join(sql.Identifier(c) for c in EVENT_SQL_COLUMNS)
        )
        with self.connection() as conn, conn.cursor() as cur:
            cur.execute("SET statement_timeout = 0")
            with cur.copy(statement) as copy:
                body = b"".join(bytes(block) for block in copy)
            cur.execute("RESET statement_timeout")
        types = {c: _ARROW_TYPES.get(t, pa.string()) for c, t in EVENT_DTYPES.items()}
        table = pacsv.read_csv(
            pa.py_buffer(body),
            convert_options=pacsv.ConvertOptions(
                column_types={**types, "lon": pa.float64(), "lat": pa.float64()},
                # COPY writes NULL unquoted and an empty text as "": keep them apart.
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
        return EventColumns(compact_from_arrow(table))

    # -- writing ---------------------------------------------------------------------------

    def dataset_rows(self, name: str) -> int:
        """Events in dataset ``name`` (0 when there is none)."""
        with self.connection() as conn:
            row = conn.execute(
                "SELECT count(*) FROM frontline.events WHERE dataset = %s", (name,)
            ).fetchone()
        return int(row[0])

    def save_dataset(self, name: str, events: gpd.GeoDataFrame, mode: str = "new") -> DatasetChange:
        """Store ``events`` as dataset ``name`` (``mode`` new, replace or append, as in
        :meth:`geo.stores.files.FileStore.save_dataset`), in one transaction; every worker
        sees it within its refresh interval, this process at once."""
        check_dataset_name(name)
        if mode not in _MODES:
            raise FrontlineError(f"mode: expected one of {', '.join(_MODES)}, got {mode!r}",
                                 param="mode")  # fmt: skip
        before = self.dataset_rows(name)
        if before and mode == "new":
            raise FrontlineError(
                f"name: dataset {name!r} exists already ({before:,d} events); load with "
                "--replace to replace it or --append to add to it",
                param="name",
            )
        with self.connection() as conn:
            if mode == "append":
                append_dataset(conn, name, events)
            else:
                replace_dataset(conn, name, events)
        after = self.dataset_rows(name)
        added = after - before if mode == "append" else after
        replaced = len(events) - added if mode == "append" else 0
        self.refresh()
        where = f"{self!r} frontline.events dataset={name}"
        return DatasetChange(name, mode, before, after, added, replaced, where)

    # -- territory ---------------------------------------------------------------------------

    def territory_versions(self, series: str = "deepstate") -> dict:
        """``{date: version id}`` of the maps ``frontline update territory`` stored."""
        return updated_versions(self) if series == "deepstate" else {}

    def save_territory(self, series: str, snapshots, periods=None, replace: bool = False):
        """See :meth:`geo.stores.base.Store.save_territory` (one transaction)."""
        return save_territory(self, series, snapshots, periods, replace)

    # -- the updater's record ------------------------------------------------------------------

    def read_update_state(self) -> dict:
        """The ``updates`` row of ``frontline.meta`` (``{}`` when there is none)."""
        import json

        with self.connection() as conn:
            row = conn.execute("SELECT value FROM frontline.meta WHERE key = 'updates'").fetchone()
        return json.loads(row[0]) if row else {}

    def write_update_state(self, state: dict) -> None:
        """Replace the ``updates`` row; the ``version`` rows are untouched."""
        import json

        with self.connection() as conn, conn.transaction():
            conn.execute(
                "INSERT INTO frontline.meta (key, value) VALUES ('updates', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (json.dumps(state, sort_keys=True),),
            )

    def remove_dataset(self, name: str) -> int:
        """Remove dataset ``name``; returns how many events it had (0: there was none)."""
        from geo.stores.postgis_load import delete_dataset

        check_dataset_name(name)
        with self.connection() as conn:
            rows = delete_dataset(conn, name)
        self.refresh()
        return rows


def _arrow_types():
    import pyarrow as pa

    return {
        "string": pa.string(),
        "category": pa.string(),
        "datetime64[s]": pa.timestamp("s"),
        "int8": pa.int8(),
        "Int32": pa.int32(),
    }


_ARROW_TYPES = _arrow_types()
