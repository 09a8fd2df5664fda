"""Which map stands for a date, whatever the source: one rule, written once.

A snapshot of a date is the map as it stood early that day. From DeepState's version list
that is the LAST version published on the UTC day before (:func:`geo.sources.deepstate.
morning_versions`). The bundled record has two DeepState series:

- ``deepstate-layers`` (2022-04-04 to 2025-08-04): built from DeepState's archived versions
  by that rule, every layer (Russian-held, grey zone, Kursk);
- ``deepstate-cyterat`` (daily, to 2026-08-22): a daily download at about 03:00 UTC, Russian-
  held only. On many days it still held the previous day's map, so a figure whose edge is
  such a day may be a day late (:func:`edge_may_be_late`).

The rule, in order:

1. A date's map from ``frontline update territory`` (DeepState's versions by the day rule,
   stored as ``deepstate-layers`` with their version id and publication time) replaces
   every bundled map of that date, all layers: a version is one map, never mixed with
   another's layers.
2. Of the bundled maps, the layered series is preferred over the daily one wherever both
   exist (the bundled table holds one of them per date and layer, chosen when it was
   built; :func:`merge_snapshots` keeps that).
3. Another source (``frontline territory import``) is a series of its own, never mixed
   into DeepState's: a figure names the source it comes from.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import shapely

from geo.areas import area_km2

__all__ = [
    "COLUMNS",
    "DAILY",
    "LAYERED",
    "edge_may_be_late",
    "merge_snapshots",
    "rows_frame",
    "version_rows",
]

#: The bundled layered series' source name, also that of every updated map.
LAYERED = "deepstate-layers"
#: The bundled daily series' source name.
DAILY = "deepstate-cyterat"
#: Columns of a snapshot table (``geometry`` as WKB).
COLUMNS = ("date", "layer", "source", "source_time", "version", "geometry", "area_km2")


def edge_may_be_late(source: str) -> bool:
    """Whether a figure with this ``source`` ("a+b" for its two snapshots) has an edge known
    only from the daily series, which was often fetched before that day's map was out."""
    return DAILY in str(source).split("+")


def merge_snapshots(bundled: pd.DataFrame, updated: pd.DataFrame | None) -> pd.DataFrame:
    """The bundled snapshots with the updated ones in (rule 1 of the module docstring).

    Parameters
    ----------
    bundled : the bundled table (``date``, ``layer``, ``source``, ``geometry``, ...)
    updated : snapshots from ``frontline update territory`` (same columns), or None

    Returns
    -------
    One table, sorted by layer and date: for a date the update has, its rows only.

    Examples
    --------
    >>> merged = merge_snapshots(bundled, updated)  # doctest: +SKIP
    """
    if updated is None or updated.empty:
        return bundled
    days = pd.to_datetime(updated["date"]).dt.normalize()
    replaced = pd.to_datetime(bundled["date"]).dt.normalize().isin(set(days))
    keep = bundled.loc[~replaced.to_numpy()]
    columns = [c for c in bundled.columns if c in updated.columns]
    merged = pd.concat([keep, updated[columns]], ignore_index=True)
    merged["date"] = pd.to_datetime(merged["date"]).astype("datetime64[ms]")
    merged["layer"] = merged["layer"].astype(str)
    merged["source"] = merged["source"].astype(str)
    return merged.sort_values(["layer", "date"], kind="stable", ignore_index=True)


def version_rows(date: dt.date, classified) -> list[dict]:
    """Snapshot rows of one DeepState version standing for ``date``: one per non-empty
    layer (an absent layer is an empty one, as in the bundled table), with the version's id
    and publication time, WKB geometry and its equal-area size."""
    rows = []
    for layer, geom in classified.layers.items():
        if geom is None or geom.is_empty:
            continue
        rows.append(
            {
                "date": pd.Timestamp(date),
                "layer": layer,
                "source": LAYERED,
                "source_time": pd.Timestamp(classified.published),
                "version": str(classified.version_id),
                "geometry": shapely.to_wkb(geom),
                "area_km2": float(area_km2(geom)),
            }
        )
    return rows


def rows_frame(rows: list[dict]) -> pd.DataFrame:
    """A snapshot table of ``rows`` (:data:`COLUMNS`), sorted by layer and date."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ms]")
    frame["source_time"] = pd.to_datetime(frame["source_time"], utc=True)
    frame["area_km2"] = frame["area_km2"].astype(np.float64)
    return frame.sort_values(["layer", "date"], kind="stable", ignore_index=True)
