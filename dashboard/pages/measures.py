"""The measures under the map: settlements that changed hands, the front's length, its
speed, the period's km² by oblast and the distance from a place to the front
(``views=settlements,front,speed,oblasts,distance`` in an embed)."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t
from dashboard.pages.panels import field

__all__ = ["MEASURE_VIEWS", "measure_panels"]

MEASURE_VIEWS = ("settlements", "front", "speed", "oblasts", "distance")
_GRAPH = {"displaylogo": False, "displayModeBar": False}


def _chart(graph_id: str, note_id: str | None = None) -> list:
    parts = [
        dcc.Graph(
            id=graph_id,
            config=_GRAPH,
            className="measure-chart",
            figure={"data": [], "layout": {}},
        )
    ]
    if note_id:
        parts.append(html.P(id=note_id, className="note figure-source"))
    return parts


def measure_panels(lang: str) -> list[html.Section]:
    """One panel per measure; their content comes from :mod:`dashboard.callbacks.measures`."""
    return [
        html.Section(
            [html.H2(t("settlements.title", lang)), html.Div(id=ids.SETTLEMENTS_LIST)],
            className="panel settlements-panel",
        ),
        html.Section(
            [html.H2(t("front.title", lang)), *_chart(ids.FRONT_CHART, ids.FRONT_NOTE)],
            className="panel front-panel",
        ),
        html.Section(
            [html.H2(t("speed.title", lang)), *_chart(ids.SPEED_CHART, ids.SPEED_NOTE)],
            className="panel speed-panel",
        ),
        html.Section(
            [
                html.H2(t("oblasts.title", lang)),
                *_chart(ids.OBLASTS_CHART),
                html.Div(id=ids.OBLASTS_TABLE),
            ],
            className="panel oblasts-panel",
        ),
        html.Section(
            [
                html.H2(t("distance.title", lang)),
                html.Div(
                    [
                        field(
                            t("distance.place", lang),
                            ids.DISTANCE_PLACE,
                            dcc.Input(
                                id=ids.DISTANCE_PLACE,
                                type="text",
                                value="",
                                placeholder=t("distance.example", lang),
                                debounce=True,
                            ),
                        ),
                        html.Button(
                            t("distance.go", lang),
                            id=ids.DISTANCE_GO,
                            n_clicks=0,
                            className="button",
                        ),
                    ],
                    className="check-row",
                ),
                *_chart(ids.DISTANCE_CHART, ids.DISTANCE_NOTE),
            ],
            className="panel distance-panel",
        ),
    ]
