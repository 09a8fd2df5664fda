"""Control snapshots in PostGIS beyond the bundled ones: DeepState maps from
``frontline update territory`` (in ``frontline.territory``, with their version id and
publication time, and their precomputed periods in ``frontline.territory_periods``) and
other sources (``frontline territory import``, in ``frontline.territory_sources``).

Each write is one transaction that also bumps the ``territory`` version, so every worker
switches to the new maps whole, or sees none of them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import shapely

from geo.errors import FrontlineError
from geo.stores.names import check_dataset_name

__all__ = ["read_periods", "read_sources", "save_territory", "updated_versions"]

_PERIOD_COLUMNS = ("layer", "period_start", "period_end", "from_snapshot", "to_snapshot",
                   "source", "from_digest", "to_digest", "region", "gained_km2", "lost_km2",
                   "net_km2")  # fmt: skip


def _ewkb(wkb_values) -> list[str]:
    geoms = shapely.from_wkb(list(wkb_values))
    return list(shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True))


def save_territory(store, series: str, snapshots: pd.DataFrame, periods=None,
                   replace: bool = False) -> str:  # fmt: skip
    """See :meth:`geo.stores.base.Store.save_territory`; returns where it went."""
    from geo.stores.postgis_load import _bump_version

    with store.connection() as conn, conn.transaction():
        if series == "deepstate":
            dates = sorted({d.date() for d in pd.to_datetime(snapshots["date"])})
            # Rule 1 of geo.territory_series: a date's new map replaces every layer of it.
            conn.execute("DELETE FROM frontline.territory WHERE date = ANY(%s)", (dates,))
            with conn.cursor().copy(
                "COPY frontline.territory (date, layer, source, source_time, version, geom) "
                "FROM STDIN"
            ) as copy:
                for row, geom in zip(snapshots.itertuples(index=False),
                                     _ewkb(snapshots["geometry"]), strict=True):  # fmt: skip
                    copy.write_row([pd.Timestamp(row.date).date(), row.layer, row.source,
                                    pd.Timestamp(row.source_time).to_pydatetime(),
                                    str(row.version), geom])  # fmt: skip
            if periods is not None and len(periods):
                _upsert_periods(conn, periods)
            where = "frontline.territory"
        else:
            check_dataset_name(series)
            have = conn.execute(
                "SELECT count(*) FROM frontline.territory_sources WHERE series = %s", (series,)
            ).fetchone()[0]
            if have and not replace:
                raise FrontlineError(
                    f"source: a territory source {series!r} exists already; import with "
                    "--replace to replace it",
                    param="source",
                )
            conn.execute("DELETE FROM frontline.territory_sources WHERE series = %s", (series,))
            with conn.cursor().copy(
                "COPY frontline.territory_sources (series, date, layer, source, geom) FROM STDIN"
            ) as copy:
                for row, geom in zip(snapshots.itertuples(index=False),
                                     _ewkb(snapshots["geometry"]), strict=True):  # fmt: skip
                    copy.write_row([series, pd.Timestamp(row.date).date(), row.layer,
                                    row.source, geom])  # fmt: skip
            where = f"frontline.territory_sources ({series})"
        _bump_version(conn, "territory")
    store.refresh()
    return where


def _upsert_periods(conn, periods: pd.DataFrame) -> None:
    keys = periods[["layer", "period_start", "period_end"]].drop_duplicates()
    for layer, start, end in keys.itertuples(index=False):
        conn.execute(
            "DELETE FROM frontline.territory_periods WHERE layer = %s AND period_start = %s "
            "AND period_end = %s",
            (layer, pd.Timestamp(start).date(), pd.Timestamp(end).date()),
        )
    columns = ", ".join(_PERIOD_COLUMNS)
    with conn.cursor().copy(f"COPY frontline.territory_periods ({columns}) FROM STDIN") as copy:
        for row in periods[list(_PERIOD_COLUMNS)].itertuples(index=False):
            values = list(row)
            for i in (1, 2, 3, 4):
                values[i] = pd.Timestamp(values[i]).date()
            copy.write_row(values)


def updated_versions(store) -> dict[dt.date, str]:
    """``{date: version id}`` of the maps ``frontline update territory`` stored."""
    with store.connection() as conn:
        rows = conn.execute(
            "SELECT DISTINCT date, version FROM frontline.territory WHERE version IS NOT NULL"
        ).fetchall()
    return {d: v for d, v in rows}


def read_periods(conn):
    """The precomputed periods of updated maps (a :class:`geo.periods.PeriodTable`), or None."""
    from geo.periods import PeriodTable

    columns = ", ".join(_PERIOD_COLUMNS)
    rows = conn.execute(f"SELECT {columns} FROM frontline.territory_periods").fetchall()
    if not rows:
        return None
    frame = pd.DataFrame(rows, columns=list(_PERIOD_COLUMNS))
    for col in ("period_start", "period_end", "from_snapshot", "to_snapshot"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[s]")
    return PeriodTable(frame)


def read_sources(conn, regions) -> dict:
    """Every imported source's snapshots, as :class:`geo.territory.Territory` by name."""
    from geo.territory import Territory

    rows = conn.execute(
        "SELECT series, date, layer, source, ST_AsBinary(geom) FROM frontline.territory_sources "
        "ORDER BY series, layer, date"
    ).fetchall()
    frame = pd.DataFrame(
        [(s, d, la, src, bytes(g)) for s, d, la, src, g in rows],
        columns=["series", "date", "layer", "source", "geometry"],
    )
    return {
        name: Territory(part.drop(columns="series").reset_index(drop=True), regions)
        for name, part in frame.groupby("series", sort=True)
    }
