"""The events table: the events in view, sortable and paged, in step with the map."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output

from dashboard import ids
from dashboard.formatting import fmt_int
from dashboard.i18n import STRINGS, t
from dashboard.pages.panels import TABLE_COLUMNS
from dashboard.state import ViewState
from dashboard.view import compute_view

__all__ = ["register", "table_rows"]

#: Rows sent to the browser; the note says when the view holds more. A screenful or two:
#: the table is for reading events, the CSV export is for taking them all.
MAX_ROWS = 200


def table_rows(events: pd.DataFrame, lang: str = "en") -> list[dict]:
    """Table records (ISO dates, which sort as text; event types and precision in the
    reader's language; ``id`` = event id for row selection)."""
    part = events.iloc[:MAX_ROWS]
    frame = pd.DataFrame({c: part[c] for c in TABLE_COLUMNS})
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
    for col in ("event_type", "dataset"):
        frame[col] = frame[col].astype(str)
    frame["event_type"] = [
        t(f"type.{v}", lang) if f"type.{v}" in STRINGS else v for v in frame["event_type"]
    ]
    frame["fatalities"] = frame["fatalities"].astype("Float64")
    frame["geo_precision"] = frame["geo_precision"].astype(int)
    frame["id"] = part["event_id"].astype(str).to_numpy()
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


def register(app, store, settings) -> None:
    """Attach the table callback."""

    @app.callback(
        Output(ids.TABLE, "data"),
        Output(ids.TABLE_NOTE, "children"),
        Input(ids.STATE, "data"),
        Input(ids.DATA_VERSION, "data"),
    )
    def update_table(data, _version):
        state = ViewState.from_dict(data)
        view = compute_view(store, state)
        pos = view.get("positions")
        # Only the rows sent are materialised: positions are enough for the count.
        events = store.events().take(pos[:MAX_ROWS]) if pos is not None else view["events"]
        n = len(pos) if pos is not None else len(events)
        note = t("table.count", state.lang, n=fmt_int(n, state.lang))
        return table_rows(events, state.lang), note
