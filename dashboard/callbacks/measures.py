"""The measures under the map, for the view's period and regions: the settlements that
changed hands, the front's length, its speed, km² by oblast, and the distance from a place.

One callback of its own, so a filter change redraws the map and the figures first (their
request does not wait for these). Every figure says its source series and the snapshot
dates used; values come from :mod:`geo.measures`, the same as the CLI and the API.
"""

from __future__ import annotations

from dash import Input, Output, State, html

from dashboard import ids
from dashboard.figures.palette import LAYER_STYLE, theme_colours
from dashboard.formatting import MONTHS, fmt_date, fmt_km2, fmt_number
from dashboard.i18n import t
from dashboard.state import ViewState
from dashboard.view_settlements import view_settlements
from geo.errors import FrontlineError
from geo.territory import as_date

__all__ = [
    "distance_view",
    "front_view",
    "oblasts_view",
    "register",
    "settlements_view",
    "speed_view",
]

#: Most settlements listed under the map; the map and the downloads have all of them.
MAX_LISTED = 60


def _layout(theme: str, y_title: str, lang: str = "en", **extra) -> dict:
    colours = theme_colours(theme)
    # Plotly writes dates and numbers the English way unless told: German readers get
    # 6.10.2024 and 1.100,6.
    de = lang == "de"
    return {
        "separators": ",." if de else ".,",
        "margin": {"l": 56, "r": 12, "t": 8, "b": 36},
        "paper_bgcolor": colours["paper"],
        "plot_bgcolor": colours["paper"],
        "font": {"color": colours["text"]},
        "xaxis": {"gridcolor": colours["grid"], **({"tickformat": "%-d.%-m.%Y"} if de else {})},
        "yaxis": {"title": {"text": y_title}, "gridcolor": colours["grid"], "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "x unified",
        **extra,
    }


def _empty(theme: str, message: str) -> dict:
    layout = _layout(theme, "")
    layout["annotations"] = [
        {"text": message, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}
    ]
    layout["xaxis"] = {"visible": False}
    layout["yaxis"] = {"visible": False}
    return {"data": [], "layout": layout}


def _month(text: str, lang: str) -> str:
    year, month = int(text[:4]), int(text[5:7])
    return f"{MONTHS['de' if lang == 'de' else 'en'][month - 1]} {year}"


def settlements_view(scope, state: ViewState) -> list:
    """The list of settlements that changed hands (by the first map that shows them held by
    the new side), with its count by outcome."""
    lang = state.lang
    found = view_settlements(scope, state)
    if "error" in found:
        return [html.P(found["error"], className="note")]
    places = found["places"]
    if not places:
        return [html.P(t("settlements.none", lang), className="note")]
    head = [
        t(k, lang)
        for k in (
            "settlements.col.name",
            "settlements.col.region",
            "settlements.col.outcome",
            "settlements.col.first",
        )
    ]
    rows = [
        html.Tr(
            [
                html.Td(p["name"]),
                html.Td(p.get("region_name") or p.get("admin1") or ""),
                html.Td(t(f"settlements.{p['outcome']}", lang)),
                html.Td(fmt_date(p["first_held"], lang) if p.get("first_held") else "–"),
            ]
        )
        for p in places[:MAX_LISTED]
    ]
    parts = [
        html.Table(
            [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
            className="measure-table",
        )
    ]
    if len(places) > MAX_LISTED:
        parts.append(
            html.P(t("settlements.more", lang, n=len(places) - MAX_LISTED), className="note")
        )
    snaps = found["snapshots"].get("russian_held") or {}
    parts.append(
        html.P(
            t(
                "measure.source",
                lang,
                source=found["source"],
                start=fmt_date(snaps.get("from_snapshot", state.date_from), lang),
                end=fmt_date(snaps.get("to_snapshot", state.date_to), lang),
            ),
            className="note figure-source",
        )
    )
    return parts


def front_view(scope, state: ViewState) -> tuple[dict, str]:
    """The front's length over the period (and the Kursk salient's while it existed)."""
    from geo.measures import front_length

    lang = state.lang
    try:
        rows = scope.cached(
            ("front", state.date_from, state.date_to),
            lambda: front_length(scope.data, state.date_from, state.date_to),
        )
    except FrontlineError as exc:
        return _empty(state.theme, str(exc)), ""
    x = [r["period_start"] for r in rows]
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": x,
            "y": [r["km"] for r in rows],
            "name": t("front.ukraine", lang),
            "line": {"color": LAYER_STYLE["russian_held"]["line"], "width": 2},
        }
    ]
    if any(r["kursk_km"] for r in rows):
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "y": [r["kursk_km"] for r in rows],
                "name": t("front.kursk", lang),
                "line": {"color": "#0072B2", "width": 2},
            }
        )
    last = rows[-1]
    note = t(
        "front.note",
        lang,
        km=fmt_number(last["km"], lang, 1),
        date=fmt_date(last["snapshot"], lang),
        source=last["source"],
    )
    return {"data": data, "layout": _layout(state.theme, "km", lang)}, note


def speed_view(scope, state: ViewState) -> tuple[dict, str]:
    """km² a day over 7 and 30 days, and how the last whole month ranks."""
    from geo.measures import speed

    lang = state.lang
    try:
        found = scope.cached(
            ("speed", state.date_from, state.date_to, state.regions),
            lambda: speed(scope.data, state.date_from, state.date_to, state.regions),
        )
    except FrontlineError as exc:
        return _empty(state.theme, str(exc)), ""
    data = []
    for window, colour in zip(found["windows"], ("#D55E00", "#0072B2", "#009E73"), strict=False):
        part = [r for r in found["series"] if r["window_days"] == window]
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [r["date"] for r in part],
                "y": [r["km2_per_day"] for r in part],
                "line": {"color": colour},
                "name": t("speed.window", lang, days=window),
            }
        )
    note = t(
        "measure.source",
        lang,
        source=found["source"],
        start=fmt_date(found["first_snapshot"], lang),
        end=fmt_date(found["last_snapshot"], lang),
    )
    best = found.get("largest_monthly_gain")
    if best:
        value = fmt_km2(best["value"], lang, sign=True)
        month = _month(best["month"], lang)
        if best.get("last_exceeded"):
            rank = t(
                "speed.since",
                lang,
                month=month,
                value=value,
                since=_month(best["last_exceeded"]["month"], lang),
            )
        else:
            rank = t(
                "speed.record",
                lang,
                month=month,
                value=value,
                first=_month(best["first_month"], lang),
            )
        note = f"{rank} {note}"
    return {"data": data, "layout": _layout(state.theme, "km²/d", lang)}, note


def oblasts_view(scope, state: ViewState) -> tuple[dict, list]:
    """km² by oblast: net per month (or week) stacked, and the period's rows with a total
    that the rows add up to."""
    from geo.measures import per_region

    lang = state.lang
    start, end = as_date(state.date_from, "from"), as_date(state.date_to, "to")
    by = "month" if (end - start).days >= 28 else "week"
    try:
        rows = scope.cached(
            ("oblasts", state.date_from, state.date_to, by, lang),
            lambda: per_region(scope.data, state.date_from, state.date_to, by, lang=lang),
        )
    except FrontlineError as exc:
        return _empty(state.theme, str(exc)), [html.P(str(exc), className="note")]
    names = {}
    totals: dict[str, dict] = {}
    for r in rows:
        names[r["region"]] = r["region_name"] or t("oblasts.outside", lang)
        acc = totals.setdefault(r["region"], {"gained": 0.0, "lost": 0.0, "net": 0.0})
        acc["gained"] += r["gained_km2"]
        acc["lost"] += r["lost_km2"]
        acc["net"] += r["net_km2"]
    order = sorted(totals, key=lambda c: -abs(totals[c]["net"]))
    periods = sorted({r["period_start"] for r in rows})
    # Periods as categories with their names: a date axis would label one bar "00:00:00".
    labels = [_month(p, lang) if by == "month" else fmt_date(p, lang) for p in periods]
    data = []
    for code in order:
        by_period = {r["period_start"]: r["net_km2"] for r in rows if r["region"] == code}
        data.append(
            {
                "type": "bar",
                "name": names[code],
                "x": labels,
                "y": [by_period.get(p, 0.0) for p in periods],
            }
        )
    figure = {"data": data, "layout": _layout(state.theme, "km²", lang, barmode="relative")}
    figure["layout"]["xaxis"]["type"] = "category"
    head = [t(k, lang) for k in ("oblasts.region", "figures.gained", "figures.lost", "figures.net")]
    body = [
        html.Tr(
            [
                html.Td(names[c]),
                html.Td(fmt_km2(totals[c]["gained"], lang)),
                html.Td(fmt_km2(totals[c]["lost"], lang)),
                html.Td(fmt_km2(totals[c]["net"], lang, sign=True)),
            ]
        )
        for c in order
    ]
    total = {k: sum(v[k] for v in totals.values()) for k in ("gained", "lost", "net")}
    body.append(
        html.Tr(
            [
                html.Th(t("oblasts.total", lang)),
                html.Td(fmt_km2(total["gained"], lang)),
                html.Td(fmt_km2(total["lost"], lang)),
                html.Td(fmt_km2(total["net"], lang, sign=True)),
            ]
        )
    )
    sources = ", ".join(sorted({s for r in rows for s in r["source"].split("+")}))
    first = min((r["from_snapshot"] for r in rows), default=state.date_from)
    last = max((r["to_snapshot"] for r in rows), default=state.date_to)
    table = [
        html.Table(
            [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
            className="measure-table",
        ),
        html.P(
            t(
                "measure.source",
                lang,
                source=sources,
                start=fmt_date(first, lang),
                end=fmt_date(last, lang),
            ),
            className="note figure-source",
        ),
    ]
    return figure, table


def distance_view(scope, state: ViewState, place: str | None) -> tuple[dict, str]:
    """The distance from ``place`` to Russian-held ground over the period, and its
    one-line figure ("the front is 12 km from Kramatorsk, 31 km on 1 January")."""
    from geo.measures import distance

    lang = state.lang
    if not (place or "").strip():
        return _empty(state.theme, t("distance.ask", lang)), ""
    try:
        found = scope.cached(
            ("distance", place.strip(), state.date_from, state.date_to),
            lambda: distance(scope.data, place.strip(), state.date_from, state.date_to),
        )
    except FrontlineError as exc:
        return _empty(state.theme, t("distance.none", lang)), str(exc)
    series = found["series"]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": [r["snapshot"] for r in series],
            "y": [r["km"] for r in series],
            "name": found["place"]["name"],
            "line": {"color": LAYER_STYLE["russian_held"]["line"]},
        }
    ]
    fig = found["figure"]
    name = found["place"].get(f"name_{lang}") or found["place"]["name"]
    note = t(
        "distance.line",
        lang,
        km=fmt_number(fig["km_now"], lang, 1),
        place=name,
        now=fmt_date(fig["now_snapshot"], lang),
        km_start=fmt_number(fig["km_start"], lang, 1),
        start=fmt_date(fig["start_snapshot"], lang),
        nearest=fmt_number(fig["nearest_km"], lang, 1),
        nearest_date=fmt_date(fig["nearest_snapshot"], lang),
        source=found["source"],
    )
    return {"data": data, "layout": _layout(state.theme, "km", lang)}, note


#: In the browser: the view's period, regions, language and theme as one value, set only
#: when one of them changes (the event filters leave the measures as they are).
_KEY_JS = """
function(state, previous) {
    if (!state) { return window.dash_clientside.no_update; }
    const key = JSON.stringify([state.date_from, state.date_to, state.regions, state.lang,
                                state.theme]);
    return key === previous ? window.dash_clientside.no_update : key;
}
"""


def register(app, rt) -> None:
    """Attach the measures callback, behind the browser-side key of what they depend on."""
    app.clientside_callback(
        _KEY_JS,
        Output(ids.MEASURES_KEY, "data"),
        Input(ids.STATE, "data"),
        State(ids.MEASURES_KEY, "data"),
    )

    @app.callback(
        Output(ids.SETTLEMENTS_LIST, "children"),
        Output(ids.FRONT_CHART, "figure"),
        Output(ids.FRONT_NOTE, "children"),
        Output(ids.SPEED_CHART, "figure"),
        Output(ids.SPEED_NOTE, "children"),
        Output(ids.OBLASTS_CHART, "figure"),
        Output(ids.OBLASTS_TABLE, "children"),
        Output(ids.DISTANCE_CHART, "figure"),
        Output(ids.DISTANCE_NOTE, "children"),
        Input(ids.MEASURES_KEY, "data"),
        Input(ids.DISTANCE_GO, "n_clicks"),
        Input(ids.DISTANCE_PLACE, "value"),
        State(ids.STATE, "data"),
        State(ids.PAGE, "data"),
    )
    def update_measures(_key, _clicks, place, data, page):
        from dashboard.callbacks.panels import scope_for

        scope = scope_for(rt, page)
        state = ViewState.from_dict(data)
        return (
            settlements_view(scope, state),
            *front_view(scope, state),
            *speed_view(scope, state),
            *oblasts_view(scope, state),
            *distance_view(scope, state, place),
        )
