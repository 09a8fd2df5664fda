"""The panels under the map (details, figures, figure check, table, share, upload) and the
playback controls; shared by the explorer, embed and story pages."""

from __future__ import annotations

import json

from dash import dash_table, dcc, html

from dashboard import ids
from dashboard.i18n import t
from dashboard.state import ViewState

__all__ = ["TABLE_COLUMNS", "field", "label", "panels", "playback"]

PAGE_SIZE = 15
TABLE_COLUMNS = (
    "date",
    "event_type",
    "location",
    "admin1",
    "actor1",
    "actor2",
    "fatalities",
    "geo_precision",
    "dataset",
)


def label(text: str, target: str) -> html.Label:
    """A visible label tied to its control (screen readers announce it)."""
    return html.Label(text, htmlFor=target, className="label")


def field(text: str, target: str, control) -> html.Div:
    """A labelled control."""
    return html.Div([label(text, target), control], className="field")


def playback(lang: str) -> html.Div:
    """Play/pause, speed and step, the day shown, and what ``assets/playback.js`` needs:
    the frames of the period (one request when Play is pressed) and its texts and ids."""
    config = {
        "map": ids.MAP,
        "key": ids.MAP_KEY,
        "state": ids.STATE,
        "button": ids.PLAY,
        "label": ids.PLAY_LABEL,
        "step": ids.PLAY_STEP,
        "frames": ids.PLAY_FRAMES,
        "play": t("play.play", lang),
        "pause": t("play.pause", lang),
        "loading": t("play.loading", lang),
    }
    return html.Div(
        [
            html.Button(t("play.play", lang), id=ids.PLAY, n_clicks=0, className="button"),
            field(
                t("play.speed", lang),
                ids.PLAY_SPEED,
                dcc.Dropdown(
                    id=ids.PLAY_SPEED,
                    # Milliseconds a step at least: the browser draws a step and waits
                    # out the rest, so a slow draw delays a step but never skips one.
                    options=[
                        {"label": t("play.slow", lang), "value": 1000},
                        {"label": t("play.normal", lang), "value": 500},
                        {"label": t("play.fast", lang), "value": 200},
                    ],
                    value=500,
                    clearable=False,
                ),
            ),
            field(
                t("play.step", lang),
                ids.PLAY_STEP,
                dcc.Dropdown(
                    id=ids.PLAY_STEP,
                    options=[{"label": t(f"by.{b}", lang), "value": b} for b in ("day", "week")],
                    value="day",
                    clearable=False,
                ),
            ),
            html.Span(id=ids.PLAY_LABEL, className="note", **{"aria-live": "polite"}),
            dcc.Store(id=ids.PLAY_REQUEST),
            dcc.Store(id=ids.PLAY_FRAMES),
            dcc.Store(id=ids.PLAY_CONFIG, data=config),
        ],
        className="playback",
    )


def panels(state: ViewState, settings) -> list:
    lang = state.lang
    return [
        html.Section(
            [
                html.H2(t("details.title", lang)),
                html.Div(id=ids.DETAILS, children=t("details.none", lang)),
                html.Button(
                    t("details.close", lang), id=ids.DETAILS_CLOSE, n_clicks=0, className="button"
                ),
            ],
            className="panel details",
        ),
        html.Section(
            [html.H2(t("figures.title", lang)), html.Div(id=ids.FIGURES)],
            className="panel figures",
        ),
        html.Section(
            [html.H2(t("claims.title", lang)), html.Div(id=ids.CLAIMS)],
            className="panel claims",
        ),
        html.Section(
            [
                html.H2(t("table.title", lang)),
                html.P(id=ids.TABLE_NOTE, className="note"),
                dash_table.DataTable(
                    id=ids.TABLE,
                    columns=[{"name": t(f"col.{c}", lang), "id": c} for c in TABLE_COLUMNS],
                    data=[],
                    # Paged and sorted on the server: the view may hold a million events,
                    # and only the rows of one page ever leave the server.
                    sort_action="custom",
                    sort_mode="single",
                    sort_by=[],
                    page_action="custom",
                    page_current=0,
                    page_count=1,
                    page_size=PAGE_SIZE,
                    style_table={"overflowX": "auto"},
                    style_cell={"textAlign": "left", "maxWidth": "18rem", "whiteSpace": "normal"},
                ),
            ],
            className="panel table",
            # Column names for the cards a phone shows instead of rows (explorer.css).
            style={
                f"--col-{c}": json.dumps(t(f"col.{c}", lang) + ":", ensure_ascii=False)
                for c in TABLE_COLUMNS
            },
        ),
        html.Section(
            [
                html.H2(t("share.title", lang)),
                field(
                    t("share.link", lang),
                    ids.SHARE_LINK,
                    dcc.Input(id=ids.SHARE_LINK, readOnly=True, value=""),
                ),
                dcc.Clipboard(target_id=ids.SHARE_LINK, title=t("share.link", lang)),
                field(
                    t("share.iframe", lang),
                    ids.SHARE_IFRAME,
                    dcc.Textarea(id=ids.SHARE_IFRAME, readOnly=True, value="", rows=4),
                ),
                dcc.Clipboard(target_id=ids.SHARE_IFRAME, title=t("share.iframe", lang)),
                html.P(t("share.script", lang), className="note"),
                html.H3(t("share.downloads", lang)),
                html.Div(id=ids.SHARE_DOWNLOADS, className="downloads"),
            ],
            className="panel share",
        ),
        html.Section(
            [
                html.H2(t("upload.title", lang)),
                dcc.Upload(
                    id=ids.UPLOAD,
                    children=html.Div(t("upload.drop", lang)),
                    className="upload",
                    accept=".csv,.geojson,.json,text/csv,application/geo+json",
                    max_size=settings.max_upload_mb * 1024 * 1024,
                ),
                html.P(id=ids.UPLOAD_STATUS, role="status"),
                html.Div(id=ids.REJECTS_TABLE),
                html.Button(
                    t("upload.rejects", lang),
                    id=ids.REJECTS_DOWNLOAD_BUTTON,
                    n_clicks=0,
                    hidden=True,
                    className="button",
                ),
                dcc.Download(id=ids.REJECTS_DOWNLOAD),
                dcc.Store(id=ids.REJECTS_STORE),
            ],
            className="panel upload-panel",
        ),
    ]
