"""The events table: the events in view, sortable and paged, in step with the map.

Every cell is what a reader can read: event types and precision in words in their
language, regions and countries by name, the place as given or else its region. Sorting
uses the stored values (:func:`page_positions`), so only the shown strings change.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from dashboard.figures.events import tidy_text
from dashboard.formatting import fmt_int
from dashboard.i18n import STRINGS, t
from dashboard.pages.panels import PAGE_SIZE, TABLE_COLUMNS
from dashboard.state import ViewState
from dashboard.view import compute_view

__all__ = ["page_positions", "region_names", "table_rows", "table_update"]


def region_names(regions, lang: str) -> dict[str, str]:
    """Names in ``lang`` (English where the table has none) of every admin-1 region by
    ISO 3166-2 code and of every country by ISO 3166-1 alpha-3 code, from a
    :class:`geo.regions.Regions`: what the table, the details and the map's hovers show
    instead of codes. Cache it per data generation (``data.derived``): it does not change
    with the view."""
    names: dict[str, str] = {}
    for frame, code in ((regions.countries, "iso_a3"), (regions.admin1, "iso_3166_2")):
        if frame is None or code not in frame.columns or "name_en" not in frame.columns:
            continue
        column = f"name_{lang}" if f"name_{lang}" in frame.columns else "name_en"
        shown = frame[column].where(frame[column].notna() & (frame[column] != ""))
        shown = shown.fillna(frame["name_en"])
        # Two Natural Earth countries (CYN, SOL) have no name at all: left out, not blank.
        names.update(
            (str(c), str(n).strip())
            for c, n in zip(frame[code], shown, strict=True)
            if pd.notna(n) and str(n).strip()
        )
    return names


def _missing(value) -> bool:
    return value is None or value is pd.NA or value != value


def table_rows(
    events: pd.DataFrame, lang: str = "en", *, region_names: Mapping[str, str] | None = None
) -> list[dict]:
    """Table records for the reader: ISO dates, event types and precision in words in
    ``lang``, the region (``admin1``, else the ``country`` when the rows have it) by its
    name in ``region_names`` (never a bare code: "–" without a name), the place as given
    or, when blank, the region's name; fatalities as integers (None when unknown);
    ``id`` = event id for row selection. A page is a few dozen rows: plain Python over
    them beats a dozen pandas conversions of the whole page."""
    names = region_names or {}
    have = [c for c in (*TABLE_COLUMNS, "event_id", "country") if c in events.columns]
    columns = {c: events[c].tolist() for c in have}
    dates = pd.to_datetime(events["date"]).dt.strftime("%Y-%m-%d").tolist()
    out = []
    for i in range(len(events)):
        row = {c: tidy_text(columns[c][i]) for c in TABLE_COLUMNS}
        kind = row["event_type"]
        country = tidy_text(columns["country"][i]) if "country" in have else None
        region = names.get(row["admin1"] or "") or names.get(country or "")
        fat = columns["fatalities"][i]
        prec = columns["geo_precision"][i]
        row["date"] = dates[i]
        row["event_type"] = t(f"type.{kind}", lang) if f"type.{kind}" in STRINGS else kind
        row["location"] = row["location"] or region or "–"
        row["admin1"] = region or "–"
        row["fatalities"] = None if _missing(fat) else int(fat)
        key = None if _missing(prec) else f"geo_precision.{int(prec)}"
        row["geo_precision"] = (
            t(key, lang) if key in STRINGS else ("–" if key is None else str(prec))
        )
        row["id"] = str(columns["event_id"][i])
        out.append(row)
    return out


def page_positions(scope, state: ViewState, sort_by, page: int, size: int):
    """Row positions (in the store) of one table page of the view, in the asked order.

    Sorting orders the view's own rows by one column (dates by date, text by its sorted
    codes); ties keep date order. Cached per view and sort, so paging is a slice.
    """
    pos = compute_view(scope, state)["positions"]
    spec = (sort_by or [None])[0]
    if spec and spec.get("column_id") in TABLE_COLUMNS:
        column, descending = spec["column_id"], spec.get("direction") == "desc"

        def compute():
            col = scope.data.column(column).take(pos)
            keys = pd.factorize(col.astype(str) if column != "date" else col, sort=True)[0]
            if column in ("fatalities", "geo_precision"):
                keys = pd.to_numeric(col, errors="coerce").fillna(-1).to_numpy()
            order = np.argsort(-keys if descending else keys, kind="stable")
            return pos[order]

        key = ("table-sort", state.key(), column, descending)
        pos = scope.cached(key, compute, shared=False)
    page = max(0, int(page or 0))
    return pos[page * size : (page + 1) * size], len(pos)


def table_update(scope, state: ViewState, page, sort_by, size, new_view: bool) -> tuple:
    """The table's ``data``, ``page_count``, ``page_current`` and note for ``state``: the
    asked page, or the first one of a new view or a new order (``new_view``)."""
    size = size or PAGE_SIZE
    page = 0 if new_view else page
    rows, n = page_positions(scope, state, sort_by, page, size)
    events = scope.data.rows(rows, (*TABLE_COLUMNS, "event_id", "country"))
    lang = state.lang
    names = scope.data.derived(
        ("region-names", lang), lambda: region_names(scope.data.regions, lang)
    )
    note = t("table.count", lang, n=fmt_int(n, lang))
    return table_rows(events, lang, region_names=names), max(1, -(-n // size)), page, note
