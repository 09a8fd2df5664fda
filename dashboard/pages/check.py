"""The sentence check on the explorer and story pages: paste a reported figure, see what
it claims as fields a reader can correct, and the data's answer beside it."""

from __future__ import annotations

import datetime as dt

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t
from dashboard.pages.panels import field

__all__ = ["MEASURES", "check_panel"]

#: The measures the fields offer (geo.claimtext's names).
MEASURES = ("area_gained", "area_lost", "area_net", "settlements", "distance")
MAX_CHARS = 1000


def check_panel(lang: str, regions, date: dt.date | None = None) -> html.Section:
    """The panel: the sentence and its publication date, a button that reads it, the
    fields it was read into (editable: a change checks again), and the verdict."""
    region_options = [{"label": t("claims.ukraine", lang), "value": ""}] + [
        {"label": regions.name(code, lang), "value": code}
        for code in regions.codes
        if code.startswith("UA-")
    ]
    return html.Section(
        [
            html.H2(t("check.title", lang)),
            html.P(t("check.hint", lang), className="note"),
            field(
                t("check.sentence", lang),
                ids.CHECK_TEXT,
                dcc.Textarea(id=ids.CHECK_TEXT, maxLength=MAX_CHARS, rows=3, value=""),
            ),
            html.Div(
                [
                    field(
                        t("check.date", lang),
                        ids.CHECK_DATE,
                        dcc.Input(
                            id=ids.CHECK_DATE,
                            type="text",
                            inputMode="numeric",
                            placeholder="2024-11-04",
                            value=date.isoformat() if date else "",
                        ),
                    ),
                    html.Button(
                        t("check.read", lang), id=ids.CHECK_READ, n_clicks=0, className="button"
                    ),
                ],
                className="check-row",
            ),
            html.Fieldset(
                [
                    html.Legend(t("check.fields", lang)),
                    field(
                        t("check.measure", lang),
                        ids.CHECK_MEASURE,
                        dcc.Dropdown(
                            id=ids.CHECK_MEASURE,
                            placeholder=t("check.measure_pick", lang),
                            clearable=False,
                            value=None,
                            options=[
                                {"label": t(f"check.m.{m}", lang), "value": m} for m in MEASURES
                            ],
                        ),
                    ),
                    field(
                        t("check.value", lang),
                        ids.CHECK_VALUE,
                        dcc.Input(id=ids.CHECK_VALUE, type="text", inputMode="decimal", value=""),
                    ),
                    field(
                        t("check.side", lang),
                        ids.CHECK_SIDE,
                        dcc.Dropdown(
                            id=ids.CHECK_SIDE,
                            clearable=False,
                            value="russia",
                            options=[
                                {"label": t(f"check.s.{s}", lang), "value": s}
                                for s in ("russia", "ukraine")
                            ],
                        ),
                    ),
                    field(
                        t("check.region", lang),
                        ids.CHECK_REGION,
                        dcc.Dropdown(
                            id=ids.CHECK_REGION, clearable=False, value="", options=region_options
                        ),
                    ),
                    field(
                        t("check.place", lang),
                        ids.CHECK_PLACE,
                        dcc.Input(id=ids.CHECK_PLACE, type="text", value=""),
                    ),
                    field(
                        t("check.from", lang),
                        ids.CHECK_FROM,
                        dcc.Input(id=ids.CHECK_FROM, type="text", value=""),
                    ),
                    field(
                        t("check.to", lang),
                        ids.CHECK_TO,
                        dcc.Input(id=ids.CHECK_TO, type="text", value=""),
                    ),
                ],
                className="check-fields",
                id=ids.CHECK_PARSED,
            ),
            html.Ul(id=ids.CHECK_NOTES, className="note check-notes"),
            html.Div(
                id=ids.CHECK_RESULT,
                className="check-result",
                role="status",
                **{"aria-live": "polite"},
            ),
        ],
        className="panel check",
    )
