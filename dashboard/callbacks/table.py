"""The events table: the events in view, sortable and paged, in step with the map."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.formatting import fmt_int
from dashboard.i18n import STRINGS, t
from dashboard.pages.panels import PAGE_SIZE, TABLE_COLUMNS
from dashboard.state import ViewState
from dashboard.view import compute_view

__all__ = ["page_positions", "table_rows", "table_update"]


def table_rows(events: pd.DataFrame, lang: str = "en") -> list[dict]:
    """Table records (ISO dates, which sort as text; event types and precision in the
    reader's language; ``id`` = event id for row selection). A page is a few dozen rows:
    plain Python over them beats a dozen pandas conversions of the whole page."""

    def text(value):
        return None if value is None or value is pd.NA or value != value else str(value)

    columns = {c: events[c].tolist() for c in (*TABLE_COLUMNS, "event_id")}
    dates = pd.to_datetime(events["date"]).dt.strftime("%Y-%m-%d").tolist()
    out = []
    for i in range(len(events)):
        kind = text(columns["event_type"][i])
        fat = columns["fatalities"][i]
        row = {c: text(columns[c][i]) for c in TABLE_COLUMNS}
        row["date"] = dates[i]
        row["event_type"] = t(f"type.{kind}", lang) if f"type.{kind}" in STRINGS else kind
        row["fatalities"] = None if fat is None or fat is pd.NA or fat != fat else float(fat)
        row["geo_precision"] = int(columns["geo_precision"][i])
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
    events = scope.data.rows(rows, (*TABLE_COLUMNS, "event_id"))
    note = t("table.count", state.lang, n=fmt_int(n, state.lang))
    return table_rows(events, state.lang), max(1, -(-n // size)), page, note
