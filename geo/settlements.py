"""Settlements that changed hands between two dates, from the precomputed status table.

A settlement *changed hands* in a period when its side (see :mod:`geo.settlement_table`)
differs anywhere between the period's two snapshots: the snapshot on or before ``start``
and the one on or before ``end``, as in :meth:`geo.territory.Territory.changes`. Each
place is reported once, with one ``outcome``:

- ``"to_ru"`` / ``"to_ua"``: held by the other side at the end than at the start;
- ``"contested"``: it changed sides inside the period, and one of those changes lies within
  :data:`CONTESTED_DAYS` of another change of the same place (that one may fall up to
  :data:`CONTESTED_DAYS` before or after the period). DeepState marks a village, takes it
  back and marks it again as reports come in; such a place is not counted as captured;
- ``"reverted"``: it changed sides and back, the changes more than :data:`CONTESTED_DAYS`
  apart, so it is held by the same side at both ends.

Only places of the bundled gazetteer are counted: in Ukraine those with 1,000 inhabitants
or more (GeoNames), so the count is smaller than the count of every village DeepState names.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.errors import FrontlineError, NoSnapshotError
from geo.regions import normalise_region_codes
from geo.settlement_table import (
    PLACE_COLUMNS,
    SETTLEMENTS_FILE,
    SettlementTable,
    build_settlement_table,
    display_names,
    settlement_places,
)
from geo.territory import MAX_GAP_DAYS, as_date

__all__ = [
    "CONTESTED_DAYS",
    "LIVE_MAX_DAYS",
    "OUTCOMES",
    "SETTLEMENTS_FILE",
    "SettlementChanges",
    "SettlementTable",
    "build_settlement_table",
    "display_names",
    "settlement_changes",
    "settlement_places",
    "table_for",
]

log = logging.getLogger(__name__)

#: Two changes of one place this close together (days between their snapshots) make it contested.
CONTESTED_DAYS = 14
#: Longest period whose settlements are computed live when the precomputed table does not
#: match the snapshots: a month takes ~1.3 s (75 snapshots of four layers, decoded and read),
#: 92 days ~1.5 s; beyond this, rebuild the table.
LIVE_MAX_DAYS = 92
OUTCOMES = ("to_ru", "to_ua", "contested", "reverted")
#: The series a place's side is read from, by country, and the layer it is named after.
_SERIES = {"UA": ("russian_held", "russian_held"), "RU": ("layered", "ua_held_in_russia")}
COLUMNS = [
    *PLACE_COLUMNS,
    "outcome", "contested", "from_side", "to_side", "new_side", "last_before", "first_held",
    "last_change", "changes", "via_grey", "layer", "from_snapshot", "to_snapshot",
]  # fmt: skip


@dataclass(frozen=True)
class SettlementChanges:
    """The settlements that changed hands in one period.

    ``frame`` has one row per place (:data:`COLUMNS`, ordered by ``first_held``): its names,
    country, ``admin1``, point and population; ``outcome`` (:data:`OUTCOMES`) and
    ``contested``; its side at the period's start and end snapshots (``from_side``,
    ``to_side``) and the side it first passed to (``new_side``); ``last_before``, the last
    snapshot that still showed the old side, and ``first_held``, the first snapshot that
    showed it held by the new side; ``last_change``; ``changes``, how many times it changed
    sides in the period; ``via_grey``, whether it was in the grey zone on the layered
    snapshot just before it left its own country's side, or just after it came back to it
    (None where the layered series has no snapshot within a week: from 2025-08-05 on);
    ``layer``, the layer its side is read from, and that layer's snapshots used.
    """

    start: dt.date
    end: dt.date
    frame: pd.DataFrame
    summary: dict[str, int]
    #: layer -> (from snapshot, to snapshot, source), None where the layer has no snapshot.
    snapshots: dict[str, tuple[dt.date, dt.date, str] | None] = field(default_factory=dict)

    def as_record(self) -> dict:
        """The summary and snapshots, JSON-ready (dates as ISO strings)."""
        snaps = {
            k: None
            if v is None
            else {
                "from_snapshot": v[0].isoformat(),
                "to_snapshot": v[1].isoformat(),
                "source": v[2],
            }
            for k, v in self.snapshots.items()
        }
        return {
            "period_start": self.start.isoformat(),
            "period_end": self.end.isoformat(),
            **self.summary,
            "snapshots": snaps,
        }


def table_for(territory, places, regions, start, end, precomputed=None) -> SettlementTable:
    """The table to answer a period from: ``precomputed`` when it was computed from these
    very snapshots and gazetteer, else a live table for the period alone.

    Parameters
    ----------
    territory, places, regions : the snapshots, the gazetteer table and the admin-1 regions.
    start, end : the period.
    precomputed : SettlementTable read from :data:`SETTLEMENTS_FILE`, or None.

    Raises
    ------
    FrontlineError
        ``param="to"``: the table does not match and the period is longer than
        :data:`LIVE_MAX_DAYS`.
    """
    if precomputed is not None and precomputed.matches(territory, places):
        return precomputed
    start, end = as_date(start, "from"), as_date(end, "to")
    if (end - start).days > LIVE_MAX_DAYS:
        raise FrontlineError(
            f"to: the precomputed settlements table ({SETTLEMENTS_FILE}) "
            + ("is missing" if precomputed is None else "was computed from other snapshots")
            + f", and periods longer than {LIVE_MAX_DAYS} days are not computed live "
            f"(got {(end - start).days} days); rebuild it with scripts/build_derived.py",
            param="to",
        )
    if precomputed is not None:
        log.warning(
            "settlements table does not match these snapshots: computing %s to %s live", start, end
        )
    margin = dt.timedelta(days=CONTESTED_DAYS + MAX_GAP_DAYS + 1)
    return build_settlement_table(territory, places, regions, start - margin, end + margin)


def settlement_changes(
    table: SettlementTable, start, end, regions=None, side: str | None = None
) -> SettlementChanges:
    """Every settlement that changed hands between the snapshots for ``start`` and ``end``.

    Parameters
    ----------
    table : SettlementTable (:func:`table_for`).
    start, end : ISO dates or dates, ``end`` after ``start``.
    regions : ISO 3166-2 codes; places whose ``admin1`` is one of them. Codes are not
        checked here: pass them through :meth:`geo.regions.Regions.check_codes` first.
    side : ``"ru"`` or ``"ua"``: only places whose first change in the period was to that
        side (``new_side``); None for both.

    Returns
    -------
    SettlementChanges: the rows, ``summary`` (count per outcome and ``total``) and the
    snapshots used per layer. Places in Russia are left out where the layered series has no
    snapshot for the period (from 2025-08-05 on); their ``snapshots`` entry is None then.

    Examples
    --------
    >>> sc = settlement_changes(table, "2024-10-01", "2024-11-01", "UA-14")  # doctest: +SKIP
    >>> sc.summary["to_ru"], sc.snapshots["russian_held"]                    # doctest: +SKIP
    """
    start, end = as_date(start, "from"), as_date(end, "to")
    if end <= start:
        raise FrontlineError(f"to ({end}) must be after from ({start})", param="to")
    if side not in (None, "ua", "ru"):
        raise FrontlineError(f"side: expected 'ua', 'ru' or nothing, got {side!r}", param="side")
    _check_window(table, start, end)
    codes = normalise_region_codes(regions)
    snapshots, rows = {}, []
    for country, (series, layer) in _SERIES.items():
        pair = _pair(table, series, layer, start, end, required=country == "UA")
        snapshots[layer] = pair
        if pair is not None:
            rows += _rows(table, country, series, layer, pair[0], pair[1])
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if codes:
        frame = frame[frame["admin1"].isin(codes)]
    if side is not None:
        frame = frame[frame["new_side"] == side]
    frame = frame.sort_values(["first_held", "name_en", "geonameid"], kind="stable")
    frame = frame.reset_index(drop=True)
    summary = {o: int((frame["outcome"] == o).sum()) for o in OUTCOMES}
    summary["total"] = len(frame)
    return SettlementChanges(start, end, frame, summary, snapshots)


def _check_window(table: SettlementTable, start: dt.date, end: dt.date) -> None:
    if table.window is None:
        return
    first, last = table.window
    margin = dt.timedelta(days=CONTESTED_DAYS)
    if start - margin < first or end + margin > last:
        raise FrontlineError(
            f"from: this settlements table was computed live for {first} to {last} only; "
            f"{start} to {end} needs another one (geo.settlements.table_for)",
            param="from",
        )


def _pair(table, series: str, layer: str, start, end, required: bool):
    dates = table.dates[series]
    pair = []
    for day, param in ((start, "from"), (end, "to")):
        i = int(np.searchsorted(dates, np.datetime64(day, "D"), side="right")) - 1
        if i < 0 or (day - dates[i].astype(dt.date)).days > MAX_GAP_DAYS:
            if not required:
                return None
            first, last = (dates[0], dates[-1]) if len(dates) else ("-", "-")
            raise NoSnapshotError(
                f"{param}: no {layer} snapshot on or within {MAX_GAP_DAYS} days before {day}: "
                f"the record runs from {first} to {last}",
                param=param,
            )
        pair.append(i)
    sources = table.sources[series]
    source = "+".join(dict.fromkeys([sources[pair[0]], sources[pair[1]]]))
    return dates[pair[0]].astype(dt.date), dates[pair[1]].astype(dt.date), source


def _rows(table, country: str, series: str, layer: str, first: dt.date, last: dt.date):
    changes = table.changes
    places = table.places
    side = changes[(changes["kind"] == "side") & changes["prev_date"].notna()]
    side = side[side["geonameid"].map(places["country"]) == country]
    moved = side[(side["date"] > first) & (side["date"] <= last)]["geonameid"].unique()
    # Each moved place's own rows as plain tuples, split once: filtering and indexing the
    # table per place cost ~40 ms for a season of 2022, on every period the map drew.
    side_of: dict = {}
    mine = side[side["geonameid"].isin(moved)]
    columns = ["geonameid", "date", "prev_date", "from_status", "to_status"]
    for gid, *row in mine[columns].itertuples(index=False, name=None):
        side_of.setdefault(gid, []).append(row)
    status_of: dict = {}
    status = changes[(changes["kind"] == "status") & changes["geonameid"].isin(moved)]
    for gid, day, to in status[["geonameid", "date", "to_status"]].itertuples(
        index=False, name=None
    ):
        status_of.setdefault(gid, []).append((day, to))
    known = places.loc[moved, PLACE_COLUMNS].itertuples(index=False, name=None)
    place_of = dict(zip(moved, known, strict=True))
    layered = table.dates["layered"]
    out = []
    for gid in moved:
        rows = side_of[gid]  # (date, prev_date, from_status, to_status), in table order
        dates = [r[0] for r in rows]
        inside = [i for i, d in enumerate(dates) if first < d <= last]
        a, b = rows[inside[0]], rows[inside[-1]]
        close = any(
            (dates[i + 1] - dates[i]).days <= CONTESTED_DAYS and (i in inside or i + 1 in inside)
            for i in range(len(dates) - 1)
        )
        from_side, to_side = a[2], b[3]
        outcome = f"to_{to_side}" if to_side != from_side else "reverted"
        outcome = "contested" if close else outcome
        # The grey zone counts for the place's own country, so it can only be seen on the
        # side of the change where the place was held by its own country.
        own = "ua" if country == "UA" else "ru"
        grey = status_of.get(gid, [])
        if from_side == own:
            via = _via_grey(grey, layered, a[1], before=True)
        else:
            via = _via_grey(grey, layered, a[0], before=False)
        out.append(
            [
                *place_of[gid],
                outcome,
                outcome == "contested",
                from_side,
                to_side,
                a[3],
                a[1],
                a[0],
                b[0],
                len(inside),
                via,
                layer,
                first,
                last,
            ]
        )
    return out


def _via_grey(status: list, layered: np.ndarray, day: dt.date, before: bool):
    """Whether the place was grey on the layered snapshot on or before ``day`` (``before``)
    or on or after it, within a week; None when there is no such snapshot. ``status``: the
    place's ``(date, to_status)`` changes in date order."""
    target = np.datetime64(day, "D")
    if before:
        i = int(np.searchsorted(layered, target, side="right")) - 1
    else:
        i = int(np.searchsorted(layered, target, side="left"))
    if not 0 <= i < len(layered):
        return None
    found = layered[i].astype(dt.date)
    if abs((found - day).days) > MAX_GAP_DAYS:
        return None
    upto = [to for day_, to in status if day_ <= found]
    return bool(upto) and upto[-1] == "grey"
