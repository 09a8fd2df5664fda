"""Bring your own events: an uploaded CSV/GeoJSON becomes a dataset of this browser
session only (kept by the store under the session's id, never shown to anybody else).

Rejected rows are listed and downloadable; a file that cannot be read says why (the
FrontlineError message names the row, column or problem). Whatever happens, the status
line says it about this file: an old success never stays up beside a new failure.
"""

from __future__ import annotations

import base64
import re

from dash import Input, Output, State, dash_table, dcc, no_update

from dashboard import ids
from dashboard.errors import user_message
from dashboard.formatting import fmt_int
from dashboard.i18n import t
from dashboard.sessions import session_id
from dashboard.state import ViewState
from geo.errors import FrontlineError
from geo.ingest import read_events, rejects_csv

__all__ = ["dataset_name", "ingest_upload", "register"]


def dataset_name(filename: str | None, existing: list[str]) -> str:
    """A valid, unused dataset name from a file name: ``"My events.csv"`` → ``my-events``."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", filename or "upload")
    base = re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-_")[:32] or "upload"
    name, n = base, 2
    while name in existing:
        name, n = f"{base}-{n}", n + 1
    return name


def ingest_upload(rt, contents: str, filename: str | None, max_bytes: int | None = None) -> dict:
    """Read an upload (a ``data:`` URL) and keep its accepted events as a dataset of the
    current browser session (made when it has none yet).

    Returns a dict with ``summary``, ``dataset`` and ``rejects`` (a DataFrame).
    Raises FrontlineError when the file cannot be read or is larger than ``max_bytes``.
    """
    # The browser's max_size can be bypassed by posting to the callback directly: check the
    # size here too, on the base64 text before decoding (4 characters per 3 bytes).
    if max_bytes is not None and len(contents or "") * 3 // 4 > max_bytes + 3:
        mb = max_bytes / 2**20
        raise FrontlineError(f"the file is larger than {mb:g} MB", param="file")
    try:
        payload = base64.b64decode(contents.split(",", 1)[1])
    except (IndexError, ValueError):
        raise FrontlineError("the upload could not be decoded", param="file") from None
    data = rt.scope().data
    name = dataset_name(filename, data.dataset_names())
    result = read_events(payload, format="auto", name=name, regions=data.regions)
    if len(result.events):
        rt.store.sessions.save(session_id(create=True), result.dataset, result.events)
    return {"summary": result.summary(), "dataset": result.dataset, "rejects": result.rejects}


def register(app, rt) -> None:
    """Attach the upload and rejects-download callbacks."""

    @app.callback(
        Output(ids.UPLOAD_STATUS, "children"),
        Output(ids.REJECTS_TABLE, "children"),
        Output(ids.REJECTS_STORE, "data"),
        Output(ids.REJECTS_DOWNLOAD_BUTTON, "hidden"),
        Output(ids.DATA_VERSION, "data"),
        Output(ids.DATASETS, "options"),
        Input(ids.UPLOAD, "contents"),
        State(ids.UPLOAD, "filename"),
        State(ids.STATE, "data"),
        State(ids.DATA_VERSION, "data"),
        prevent_initial_call=True,
    )
    def upload(contents, filename, data, version):
        lang = ViewState.from_dict(data).lang
        if not contents:
            return (no_update,) * 6
        try:
            out = ingest_upload(rt, contents, filename, rt.settings.max_upload_mb * 2**20)
        except FrontlineError as exc:
            message = t("upload.failed", lang, file=filename or "?", reason=str(exc))
            return message, None, None, True, no_update, no_update
        except Exception as exc:  # a bug: the reader gets a request id, the log the details
            message = t("upload.failed", lang, file=filename or "?",
                        reason=user_message(exc, lang))  # fmt: skip
            return message, None, None, True, no_update, no_update
        s = out["summary"]
        message = t(
            "upload.done",
            lang,
            file=filename or "?",
            accepted=fmt_int(s["accepted"], lang),
            read=fmt_int(s["rows_read"], lang),
            name=out["dataset"],
            rejected=fmt_int(s["rejected"], lang),
        )
        rejects = out["rejects"]
        table = None
        if len(rejects):
            shown = rejects.head(50).astype(str)
            table = dash_table.DataTable(
                columns=[{"name": c, "id": c} for c in shown.columns],
                data=shown.to_dict("records"),
                page_size=10,
                style_table={"overflowX": "auto"},
            )
        # Formula-looking cells neutralised, as in every CSV Frontline writes.
        csv = rejects_csv(rejects) if len(rejects) else None
        names = rt.scope().data.dataset_names()
        return message, table, csv, not len(rejects), (version or 0) + 1, names

    @app.callback(
        Output(ids.REJECTS_DOWNLOAD, "data"),
        Input(ids.REJECTS_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.REJECTS_STORE, "data"),
        prevent_initial_call=True,
    )
    def download(_n, csv):
        if not csv:
            return no_update
        return dcc.send_string(csv, "rejected-rows.csv")
