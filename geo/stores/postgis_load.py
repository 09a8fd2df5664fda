"""The PostGIS schema of Frontline and the writers that fill it.

Tables live in the schema ``frontline``:

- ``events``: the canonical event table, one row per event, ``geom`` a WGS84 point; a GiST
  index on ``geom`` (bbox filters) and b-tree indexes on ``date`` (every view has a period),
  ``dataset`` and ``admin1``.
- ``territory``: one control polygon per layer and day, GiST and date indexes; maps from
  ``frontline update territory`` carry their DeepState ``version`` and ``source_time``.
- ``territory_periods``: the precomputed periods of updated maps (:mod:`geo.periods`).
- ``territory_sources``: control polygons of other sources (``frontline territory import``).
- ``admin1``, ``countries``: boundaries, their attribute columns kept as ``jsonb`` in table
  order (the order decides which region a border point belongs to).
- ``meta``: ``version``, changed by every write so caches keyed on it never serve old data,
  and ``version:events``, ``version:territory``, ``version:boundaries`` for the part written,
  so a worker that notices a new version reloads only what changed.
- ``session_uploads``: browser sessions' own uploads (GeoParquet bytes), never shared.

Every statement is fixed text; values are bound parameters or go through ``COPY``.
"""

from __future__ import annotations

import json
import math
import uuid
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import shapely
from psycopg import sql

from geo.schema import EVENT_DTYPES

__all__ = [
    "EVENT_SQL_COLUMNS",
    "PARTS",
    "SCHEMA",
    "append_dataset",
    "bundled_version",
    "delete_dataset",
    "init_schema",
    "load_bundled",
    "read_versions",
    "replace_dataset",
]

#: The parts of the data a write can change, each with its own version row.
PARTS = ("events", "territory", "boundaries")

SCHEMA = "frontline"
#: Event columns in table order (geometry is ``geom``).
EVENT_SQL_COLUMNS = tuple(EVENT_DTYPES)

DDL = """
CREATE SCHEMA IF NOT EXISTS frontline;
CREATE TABLE IF NOT EXISTS frontline.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS frontline.events (
    event_id text NOT NULL,
    dataset text NOT NULL,
    date date NOT NULL,
    date_precision smallint NOT NULL,
    event_type text NOT NULL,
    sub_event_type text,
    actor1 text,
    actor2 text,
    country text,
    admin1 text,
    location text,
    geo_precision smallint NOT NULL,
    fatalities integer,
    fatalities_low integer,
    fatalities_high integer,
    source text,
    source_url text,
    notes text,
    raw text,
    geom geometry(Point, 4326) NOT NULL,
    -- Ids are unique within a dataset, and two user datasets may share a prefix.
    PRIMARY KEY (dataset, event_id)
);
CREATE INDEX IF NOT EXISTS events_date_idx ON frontline.events (date, event_id COLLATE "C");
CREATE INDEX IF NOT EXISTS events_geom_idx ON frontline.events USING gist (geom);
CREATE INDEX IF NOT EXISTS events_admin1_idx ON frontline.events (admin1);
CREATE TABLE IF NOT EXISTS frontline.territory (
    date date NOT NULL,
    layer text NOT NULL,
    source text NOT NULL,
    geom geometry(Geometry, 4326) NOT NULL,
    PRIMARY KEY (layer, date)
);
CREATE INDEX IF NOT EXISTS territory_date_idx ON frontline.territory (date);
CREATE INDEX IF NOT EXISTS territory_geom_idx ON frontline.territory USING gist (geom);
ALTER TABLE frontline.territory ADD COLUMN IF NOT EXISTS source_time timestamptz;
ALTER TABLE frontline.territory ADD COLUMN IF NOT EXISTS version text;
CREATE TABLE IF NOT EXISTS frontline.territory_periods (
    layer text NOT NULL,
    period_start date NOT NULL,
    period_end date NOT NULL,
    from_snapshot date NOT NULL,
    to_snapshot date NOT NULL,
    source text NOT NULL,
    from_digest text NOT NULL,
    to_digest text NOT NULL,
    region text NOT NULL,
    gained_km2 double precision NOT NULL,
    lost_km2 double precision NOT NULL,
    net_km2 double precision NOT NULL,
    PRIMARY KEY (layer, period_start, period_end, region)
);
CREATE TABLE IF NOT EXISTS frontline.territory_sources (
    series text NOT NULL,
    date date NOT NULL,
    layer text NOT NULL,
    source text NOT NULL,
    geom geometry(Geometry, 4326) NOT NULL,
    PRIMARY KEY (series, layer, date)
);
CREATE TABLE IF NOT EXISTS frontline.admin1 (
    ord integer PRIMARY KEY, props jsonb NOT NULL, geom geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX IF NOT EXISTS admin1_geom_idx ON frontline.admin1 USING gist (geom);
CREATE TABLE IF NOT EXISTS frontline.countries (
    ord integer PRIMARY KEY, props jsonb NOT NULL, geom geometry(Geometry, 4326) NOT NULL
);
CREATE TABLE IF NOT EXISTS frontline.session_uploads (
    session text NOT NULL,
    name text NOT NULL,
    bytes bytea NOT NULL,
    created timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session, name)
);
"""


def init_schema(conn) -> None:
    """Create the PostGIS extension (when allowed) and the tables and indexes; idempotent.

    Creating the extension needs a superuser or the database owner with PostGIS already
    available; when it already exists nothing is asked of the role.
    """
    with conn.transaction():
        have = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
        if not have:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        for statement in DDL.split(";"):
            if statement.strip():
                conn.execute(statement)
        # Creating tables changes nothing a reader sees: only a first init sets versions.
        have = conn.execute("SELECT 1 FROM frontline.meta WHERE key = 'version'").fetchone()
        if not have:
            _bump_version(conn, *PARTS)


def _bump_version(conn, *parts: str) -> str:
    """A new overall version, and the same value for each part written."""
    version = uuid.uuid4().hex[:12]
    for key in ("version", *(f"version:{p}" for p in parts)):
        conn.execute(
            "INSERT INTO frontline.meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            (key, version),
        )
    return version


def read_versions(conn) -> dict[str, str]:
    """The overall version and each part's (``{"version": ..., "events": ...}``)."""
    rows = conn.execute(
        "SELECT key, value FROM frontline.meta WHERE key = 'version' OR key LIKE 'version:%'"
    ).fetchall()
    return {k.removeprefix("version:"): v for k, v in rows}


def _ewkb(geoms) -> list[str]:
    # Hex EWKB carries the SRID and every coordinate bit for bit (WKT would round).
    return list(shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True))


def _none(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def replace_dataset(conn, name: str, events: gpd.GeoDataFrame, replace: bool = True) -> int:
    """Replace the rows of dataset ``name`` with ``events`` in one transaction.

    Returns the number of rows written. Inside another transaction this one is a savepoint
    and commits with it.
    """
    frame = pd.DataFrame(events.drop(columns="geometry"))
    for column in EVENT_SQL_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame["dataset"] = name
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    frame = frame[list(EVENT_SQL_COLUMNS)].astype(object)
    geoms = _ewkb(events.geometry.values)
    copy_sql = sql.SQL("COPY frontline.events ({}, geom) FROM STDIN").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in EVENT_SQL_COLUMNS)
    )
    with conn.transaction(), conn.cursor() as cur:
        # The app's connections time out statements; a bulk load is allowed to take long.
        cur.execute("SET LOCAL statement_timeout = 0")
        if replace:
            cur.execute("DELETE FROM frontline.events WHERE dataset = %s", (name,))
        else:
            # Appending: an event whose id is there already is a revision of it.
            cur.execute(
                "DELETE FROM frontline.events WHERE dataset = %s AND event_id = ANY(%s)",
                (name, [str(i) for i in frame["event_id"]]),
            )
        with cur.copy(copy_sql) as copy:
            for row, geom in zip(frame.itertuples(index=False), geoms, strict=True):
                copy.write_row([*(_none(v) for v in row), geom])
        _bump_version(conn, "events")
    return len(frame)


def delete_dataset(conn, name: str) -> int:
    """Delete dataset ``name`` in one transaction; returns the number of rows deleted."""
    with conn.transaction():
        cur = conn.execute("DELETE FROM frontline.events WHERE dataset = %s", (name,))
        if cur.rowcount:
            _bump_version(conn, "events")
        return cur.rowcount


def append_dataset(conn, name: str, events: gpd.GeoDataFrame) -> int:
    """Add ``events`` to dataset ``name`` (an id already there is replaced), in one
    transaction; returns the number of rows written."""
    return replace_dataset(conn, name, events, replace=False)


def _replace_boundaries(cur, table: str, frame: gpd.GeoDataFrame) -> None:
    cur.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(SCHEMA, table)))
    props = frame.drop(columns="geometry")
    copy_sql = sql.SQL("COPY {} (ord, props, geom) FROM STDIN").format(
        sql.Identifier(SCHEMA, table)
    )
    with cur.copy(copy_sql) as copy:
        for i, (record, geom) in enumerate(
            zip(props.to_dict("records"), _ewkb(frame.geometry.values), strict=True)
        ):
            clean = {k: _none(v) for k, v in record.items()}
            copy.write_row([i, json.dumps(clean, ensure_ascii=False), geom])


def _replace_territory(cur, path: Path) -> int:
    table = pq.read_table(path, columns=["date", "layer", "source", "geometry"]).to_pandas()
    geoms = _ewkb(shapely.from_wkb(table["geometry"].to_numpy()))
    cur.execute("TRUNCATE frontline.territory")
    with cur.copy("COPY frontline.territory (date, layer, source, geom) FROM STDIN") as copy:
        dates = pd.to_datetime(table["date"]).dt.date
        for date, layer, source, geom in zip(
            dates, table["layer"].astype(str), table["source"].astype(str), geoms, strict=True
        ):
            copy.write_row([date, layer, source, geom])
    return len(table)


def load_bundled(conn, data_dir: Path) -> dict[str, int]:
    """Load the bundled data folder: ``events_*.parquet``, territory and boundaries.

    One transaction: readers see the old data or the new, never half of it. Bundled event
    datasets are replaced by name; datasets loaded from other files are kept.

    Returns
    -------
    dict of table or dataset name -> rows written.
    """
    data_dir = Path(data_dir)
    counts: dict[str, int] = {}
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SET LOCAL statement_timeout = 0")
        for path in sorted(data_dir.glob("events_*.parquet")):
            events = gpd.read_parquet(path)
            for name, part in events.groupby(events["dataset"].astype(str), observed=True):
                counts[f"events:{name}"] = replace_dataset(conn, str(name), part)
        counts["territory"] = _replace_territory(cur, data_dir / "territory.parquet")
        admin1 = gpd.read_parquet(data_dir / "admin1.parquet")
        _replace_boundaries(cur, "admin1", admin1)
        counts["admin1"] = len(admin1)
        countries_path = data_dir / "countries.parquet"
        if countries_path.exists():
            countries = gpd.read_parquet(countries_path)
            _replace_boundaries(cur, "countries", countries)
            counts["countries"] = len(countries)
        # Lets a caller see that the database already holds exactly these files.
        cur.execute(
            "INSERT INTO frontline.meta (key, value) VALUES ('bundled', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            (bundled_digest(data_dir),),
        )
        _bump_version(conn, *PARTS)
    return counts


def bundled_digest(data_dir: Path) -> str:
    """A digest of the bundled files ``load_bundled`` reads (to skip a reload of the same)."""
    import hashlib

    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(Path(data_dir).glob("*.parquet")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def bundled_version(conn) -> str | None:
    """The :func:`bundled_digest` of the bundled data last loaded, or None."""
    row = conn.execute("SELECT value FROM frontline.meta WHERE key = 'bundled'").fetchone()
    return row[0] if row else None
