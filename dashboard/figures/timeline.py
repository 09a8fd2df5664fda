"""The timeline: events per period by type (top row) and ground gained/lost (bottom row).

Both rows share one date axis. Dragging on the chart zooms the x axis only (the y axes are
fixed), so a drag is a date-range selection: the app reads ``relayoutData["xaxis.range[0]"]``
and ``relayoutData["xaxis.range[1]"]`` (ISO date-time strings, the shared axis is ``xaxis``
because the rows are matched to it), and ``relayoutData["xaxis.autorange"] is True`` on a
double-click reset.

The axes are laid out by hand (what ``make_subplots`` would make: ``xaxis``/``yaxis`` and the
secondary ``yaxis2`` on the top row, ``xaxis2``/``yaxis3`` below) and the figure is a plain
dict: ``make_subplots`` and graph-object validation cost ~80 ms per change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from dashboard.figures.palette import EVENT_TYPE_COLOURS, LAYER_STYLE, event_colour, theme_colours
from dashboard.formatting import MONTHS, fmt_date, fmt_date_range, fmt_number, hover_text

__all__ = ["build_timeline"]

Translate = Callable[[str], str]


def _date(value) -> dt.date:
    if type(value) is dt.date:
        return value
    return pd.Timestamp(value).date()


def _solid(rgba: str) -> str:
    # Bars need an opaque colour; the map's fills are translucent washes.
    r, g, b, _ = rgba.removeprefix("rgba(").removesuffix(")").split(",")
    return f"rgb({r.strip()}, {g.strip()}, {b.strip()})"


def build_timeline(
    *,
    counts,
    changes,
    alert_series=None,
    lang: str = "en",
    theme: str = "light",
    by: str = "week",
    t: Translate = lambda k: k,
) -> dict:
    """Events per period (stacked by type) above gained/lost/net km² per period.

    Parameters
    ----------
    counts : DataFrame with ``period_start`` (date), ``event_type``, ``count``.
    changes : list of dicts as from :meth:`geo.territory.Change.as_record` (``period_start``,
        ``period_end``, ``gained_km2``, ``lost_km2``, ``net_km2``, ``from_snapshot``,
        ``to_snapshot``, ``source``).
    alert_series : optional DataFrame (``period_start``, ``hours``), drawn as a line on a
        secondary y axis of the top row, titled ``t("alerts.hours")``.
    by : "day", "week" or "month"; sets the bar width and the tick spacing.

    Returns
    -------
    dict ``{"data", "layout"}`` with two rows sharing the x axis (``xaxis``, and ``xaxis2``
    matched to it); events on ``y`` (alert hours on ``y2``), km² on ``y3``.
    """
    colours = theme_colours(theme)
    width_ms = {"day": 1, "week": 7, "month": 30}.get(by, 7) * 86_400_000 * 0.8
    all_dates: list[dt.date] = []
    data: list[dict] = []

    if counts is not None and len(counts):
        starts = [_date(d) for d in counts["period_start"].tolist()]
        labels = {d: (d.isoformat(), fmt_date(d, lang)) for d in set(starts)}
        kinds = counts["event_type"].astype(str).to_numpy()
        values = counts["count"].to_numpy()
        present = set(kinds.tolist())
        types = [k for k in EVENT_TYPE_COLOURS if k in present]
        for kind in [*types, *sorted(present - set(types))]:
            rows = np.flatnonzero(kinds == kind)
            rows = rows[np.argsort([starts[i] for i in rows], kind="stable")]
            key = kind if kind in EVENT_TYPE_COLOURS else "other"
            name = t(f"type.{key}")
            dates = [starts[i] for i in rows]
            all_dates += dates
            head = f"<b>{hover_text(name)}</b><br>"
            data.append(
                {
                    "type": "bar",
                    "x": [labels[d][0] for d in dates],
                    "y": values[rows],
                    "name": name,
                    "legendgroup": "events",
                    "marker": {"color": event_colour(kind)},
                    "width": width_ms,
                    "offset": 0,
                    "hovertext": [
                        f"{head}{labels[d][1]}: {fmt_number(int(c), lang)}"
                        for d, c in zip(dates, values[rows].tolist(), strict=True)
                    ],
                    "hoverinfo": "text",
                    "xaxis": "x",
                    "yaxis": "y",
                }
            )

    if changes:
        data += _change_traces(changes, lang, colours, width_ms, t)
        all_dates += [_date(c["period_start"]) for c in changes]

    layout = {
        "barmode": "relative",  # stacks event types; gained above zero, lost below
        "dragmode": "zoom",
        "uirevision": "frontline-timeline",
        "margin": {"l": 56, "r": 56, "t": 8, "b": 8},
        "paper_bgcolor": colours["paper"],
        "plot_bgcolor": colours["paper"],
        "font": {"color": colours["text"]},
        "bargap": 0,
        "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "font": {"size": 11}},
        "hovermode": "closest",
    }
    x_common = {"fixedrange": False, "gridcolor": colours["grid"], "type": "date",
                **_ticks(all_dates, lang, by)}  # fmt: skip
    y_common = {"fixedrange": True, "gridcolor": colours["grid"], "zerolinecolor": colours["muted"]}
    # Rows as make_subplots(rows=2, shared_xaxes=True, vertical_spacing=0.06,
    # row_heights=[0.55, 0.45]) lays them out: the top row 0.55 of the 0.94 left.
    split = 0.94 * 0.45
    layout["xaxis"] = {**x_common, "domain": [0, 0.94], "anchor": "y", "showticklabels": False}
    layout["xaxis2"] = {**x_common, "domain": [0, 0.94], "anchor": "y3", "matches": "x"}
    layout["yaxis"] = {**y_common, "domain": [split + 0.06, 1], "anchor": "x",
                       "title": {"text": t("timeline.events")}}  # fmt: skip
    layout["yaxis3"] = {**y_common, "domain": [0, split], "anchor": "x2",
                        "title": {"text": t("timeline.km2")}}  # fmt: skip

    if alert_series is not None and len(alert_series):
        dates = [_date(d) for d in alert_series["period_start"]]
        title = t("alerts.hours")
        data.append(
            {
                "type": "scatter",
                "x": [d.isoformat() for d in dates],
                "y": alert_series["hours"].to_numpy(dtype=float),
                "name": title,
                "mode": "lines",
                "line": {"color": "#7b6bb0", "width": 1.5, "dash": "dot"},
                "hovertext": [
                    f"{fmt_date(d, lang)}<br>{title}: {fmt_number(h, lang, 1)}"
                    for d, h in zip(dates, alert_series["hours"], strict=True)
                ],
                "hoverinfo": "text",
                "xaxis": "x",
                "yaxis": "y2",
            }
        )
        layout["yaxis2"] = {**y_common, "anchor": "x", "overlaying": "y", "side": "right",
                            "showgrid": False, "title": {"text": title}}  # fmt: skip
    return {"data": data, "layout": layout}


def _change_traces(changes: list[dict], lang: str, colours: dict, width_ms: float, t) -> list:
    """Gained (up), lost (down) and net km² per period, on the bottom row."""
    starts = [_date(r["period_start"]).isoformat() for r in changes]
    hover = [
        "<br>".join(
            [
                fmt_date_range(r["period_start"], r["period_end"], lang),
                f"{t('layer.gained')}: {fmt_number(r['gained_km2'], lang, 1)} km²",
                f"{t('layer.lost')}: {fmt_number(r['lost_km2'], lang, 1)} km²",
                f"{t('timeline.net')}: {fmt_number(r['net_km2'], lang, 1, sign=True)} km²",
                f"{fmt_date(r['from_snapshot'], lang)} → {fmt_date(r['to_snapshot'], lang)}"
                f" ({hover_text(str(r['source']))})",
            ]
        )
        for r in changes
    ]

    def column(name: str) -> np.ndarray:
        return np.array([r[name] for r in changes], dtype=float)

    common = {"x": starts, "width": width_ms, "offset": 0, "hovertext": hover,
              "hoverinfo": "text", "xaxis": "x2", "yaxis": "y3"}  # fmt: skip
    return [
        {
            "type": "bar",
            "y": column("gained_km2"),
            "name": t("layer.gained"),
            "marker": {"color": _solid(LAYER_STYLE["gained"]["fill"])},
            **common,
        },
        {
            "type": "bar",
            "y": -column("lost_km2"),
            "name": t("layer.lost"),
            "marker": {"color": _solid(LAYER_STYLE["lost"]["fill"])},
            **common,
        },
        {
            "type": "scatter",
            "x": starts,
            "y": column("net_km2"),
            "name": t("timeline.net"),
            "mode": "lines+markers",
            "line": {"color": colours["text"], "width": 2},
            "hovertext": hover,
            "hoverinfo": "text",
            "xaxis": "x2",
            "yaxis": "y3",
        },
    ]


def _ticks(dates: list[dt.date], lang: str, by: str) -> dict:
    """Tick labels in the reader's language: Plotly's own month names are English only, so
    German ticks are explicit (first of each month, or of each quarter on long ranges)."""
    if lang != "de" or not dates:
        return {"tickformat": "%-d %b %Y" if by == "day" else "%b %Y"}
    start, end = min(dates), max(dates)
    months = pd.date_range(start.replace(day=1), end, freq="MS").date
    step = max(1, len(months) // 8)
    ticks = list(months[::step]) or [start.replace(day=1)]
    short = [m[:3] + ("" if len(m) <= 4 else ".") if m != "Mai" else m for m in MONTHS["de"]]
    return {"tickvals": ticks, "ticktext": [f"{short[d.month - 1]} {d.year}" for d in ticks]}
