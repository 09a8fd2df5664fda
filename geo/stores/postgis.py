"""The PostGIS store: the same protocol as :class:`geo.store.FileStore`, data in PostgreSQL.

Events are the part that grows and that many app servers share, so every event filter is
pushed down to SQL (:func:`geo.sql.where_clause`, bound parameters only) and only matching
rows leave the database. Territory snapshots and boundaries are read once per process into
the same :class:`~geo.territory.Territory` and :class:`~geo.regions.Regions` objects the file
store uses, so every km² figure is computed by the same code on the same coordinates.
Claims, stories, places and air-raid alerts stay files in ``data_dir``.

Connections come from a pool opened lazily in each process (a pool opened before gunicorn
forks would share its sockets between workers) and checked before use, so a database that
restarts costs the requests in flight, not the process. When the database cannot be reached,
calls raise :class:`geo.errors.StoreUnavailable` (HTTP 503), and work again once it is back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from geo.errors import StoreUnavailable
from geo.paths import bundled_data_dir
from geo.periods import PERIODS_FILE, PeriodTable
from geo.postgis_load import EVENT_SQL_COLUMNS, init_schema, replace_dataset
from geo.query import Query
from geo.regions import Regions
from geo.schema import EVENT_DTYPES, empty_events
from geo.sql import where_clause
from geo.store import BundledFiles, check_dataset_name
from geo.territory import Territory

__all__ = ["PostgisStore"]

log = logging.getLogger(__name__)

# COLLATE "C" sorts ids by code point, as pandas does, whatever the database's locale.
_SELECT = sql.SQL(
    "SELECT {}, ST_X(geom), ST_Y(geom) FROM frontline.events WHERE {} "
    'ORDER BY date, event_id COLLATE "C", dataset'
)


class PostgisStore(BundledFiles):
    """Events, territory and boundaries in a PostGIS database.

    Parameters
    ----------
    url : ``postgresql://user:password@host:port/dbname``
    data_dir : bundled data folder for claims, stories, places and air-raid alerts
        (default :func:`geo.paths.bundled_data_dir`).
    pool_size : most connections this process keeps open.
    timeout : seconds a request waits for a connection before the store counts as unavailable.

    Examples
    --------
    >>> store = PostgisStore("postgresql://frontline@127.0.0.1/frontline")  # doctest: +SKIP
    >>> store.events(Query(regions=("UA-14",)))  # doctest: +SKIP
    """

    def __init__(
        self, url: str, data_dir: Path | None = None, *, pool_size: int = 4, timeout: float = 3.0
    ):
        self.url = url
        self.data_dir = Path(data_dir) if data_dir else bundled_data_dir()
        self.pool_size = pool_size
        self.timeout = timeout
        self._lock = threading.Lock()
        self._pool_obj: ConnectionPool | None = None
        self._pool_pid: int | None = None
        self._extra: dict[str, gpd.GeoDataFrame] = {}

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
                        "options": "-c statement_timeout=15000",
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
        """Create the schema (idempotent); see :mod:`geo.postgis_load`."""
        with self.connection() as conn:
            init_schema(conn)

    # -- what is read once per process ---------------------------------------------------

    @property
    def version(self) -> str:
        """Changes on every write to the database (a cache namespace)."""
        with self.connection() as conn:
            row = conn.execute("SELECT value FROM frontline.meta WHERE key = 'version'").fetchone()
        return row[0] if row else "empty"

    @cached_property
    def regions(self) -> Regions:
        """Admin-1 regions and countries, from the ``admin1`` and ``countries`` tables."""
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

    @cached_property
    def territory(self) -> Territory:
        """Control snapshots from the ``territory`` table, clipped with :attr:`regions`.

        Geometries stay WKB until a snapshot is asked for, as with the file store.
        """
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT date, layer, source, ST_AsBinary(geom) FROM frontline.territory"
            ).fetchall()
        table = pd.DataFrame(
            [(d, layer, src, bytes(g)) for d, layer, src, g in rows],
            columns=["date", "layer", "source", "geometry"],
        )
        # The bundled precomputed periods serve only if these are the bundled snapshots
        # (Territory checks their fingerprint); otherwise every period is computed live.
        periods = PeriodTable.read(bundled_data_dir() / PERIODS_FILE)
        return Territory(table, self.regions, periods)

    # -- events ----------------------------------------------------------------------------

    def events(self, query: Query | None = None) -> gpd.GeoDataFrame:
        """Events matching ``query`` (all when None), sorted by date then id.

        The filter runs in the database; session datasets of this process are filtered
        with :meth:`Query.mask` and merged in.
        """
        condition, params = where_clause(query)
        statement = _SELECT.format(
            sql.SQL(", ").join(sql.Identifier(c) for c in EVENT_SQL_COLUMNS), condition
        )
        with self.connection() as conn:
            rows = conn.execute(statement, params).fetchall()
        frames = [_to_events(rows)]
        with self._lock:
            extra = list(self._extra.values())
        for frame in extra:
            frames.append(frame if query is None else frame[query.mask(frame)])
        if len(frames) == 1:
            return frames[0]
        merged = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
        return _canonical(gpd.GeoDataFrame(merged, geometry="geometry", crs=4326))

    def dataset_names(self) -> list[str]:
        """Names of all event datasets, in order of their first event (as the file store)."""
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT dataset, date, event_id FROM (SELECT DISTINCT ON (dataset) dataset, "
                'date, event_id FROM frontline.events ORDER BY dataset, date, event_id COLLATE "C"'
                ') AS firsts ORDER BY date, event_id COLLATE "C"'
            ).fetchall()
        firsts = [(pd.Timestamp(d), str(i), n) for n, d, i in rows]
        with self._lock:
            for name, frame in self._extra.items():
                if len(frame):
                    first = frame.sort_values(["date", "event_id"]).iloc[0]
                    firsts.append((pd.Timestamp(first["date"]), str(first["event_id"]), name))
        return list(dict.fromkeys(n for _, _, n in sorted(firsts)))

    def add_session_dataset(self, name: str, events: gpd.GeoDataFrame) -> None:
        """Add events to this process only (an upload in the browser); not written."""
        check_dataset_name(name)
        with self._lock:
            self._extra[name] = _canonical(events)

    def save_dataset(self, name: str, events: gpd.GeoDataFrame) -> str:
        """Replace dataset ``name`` in the database with ``events``; returns where it went."""
        check_dataset_name(name)
        with self.connection() as conn:
            replace_dataset(conn, name, events)
        return f"{self!r} frontline.events dataset={name}"


def _to_events(rows: list[tuple]) -> gpd.GeoDataFrame:
    """Rows of ``_SELECT`` as the canonical event table."""
    if not rows:
        return empty_events()
    columns = [*EVENT_SQL_COLUMNS, "x", "y"]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    geometry = gpd.points_from_xy(frame.pop("x"), frame.pop("y"), crs=4326)
    frame["date"] = pd.to_datetime(frame["date"])
    return _canonical(gpd.GeoDataFrame(frame, geometry=geometry, crs=4326))


def _canonical(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # Same dtypes as the file store gives (geo/store.py), so filters and figures see one
    # table whichever store it came from.
    out = events.astype({k: v for k, v in EVENT_DTYPES.items() if k in events.columns})
    out["dataset"] = out["dataset"].astype(str).astype("category")
    out["event_type"] = out["event_type"].astype(str).astype("category")
    return out.sort_values(["date", "event_id"], ignore_index=True)
