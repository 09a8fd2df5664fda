"""The timeline: events per period by type (top row) and ground gained/lost (bottom row).

Both rows share one date axis. Dragging on the chart zooms the x axis only (the y axes are
fixed), so a drag is a date-range selection: the app reads ``relayoutData["xaxis.range[0]"]``
and ``relayoutData["xaxis.range[1]"]`` (ISO date-time strings, the shared axis is ``xaxis``
because the rows are matched to it), and ``relayoutData["xaxis.autorange"] is True`` on a
double-click reset.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.palette import EVENT_TYPE_COLOURS, LAYER_STYLE, event_colour, theme_colours
from dashboard.formatting import MONTHS, fmt_date, fmt_date_range, fmt_number

__all__ = ["build_timeline"]

Translate = Callable[[str], str]


def _date(value) -> dt.date:
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
) -> go.Figure:
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
    go.Figure with two rows sharing the x axis (``xaxis``, ``xaxis2`` matched to it).
    """
    colours = theme_colours(theme)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        row_heights=[0.55, 0.45],
        specs=[[{"secondary_y": True}], [{}]],
    )
    width_ms = {"day": 1, "week": 7, "month": 30}.get(by, 7) * 86_400_000 * 0.8
    all_dates: list[dt.date] = []

    if counts is not None and len(counts):
        frame = counts.assign(period_start=counts["period_start"].map(_date))
        types = [k for k in EVENT_TYPE_COLOURS if k in set(frame["event_type"].astype(str))]
        others = sorted(set(frame["event_type"].astype(str)) - set(types))
        for kind in [*types, *others]:
            part = frame[frame["event_type"].astype(str) == kind].sort_values("period_start")
            key = kind if kind in EVENT_TYPE_COLOURS else "other"
            name = t(f"type.{key}")
            all_dates += list(part["period_start"])
            fig.add_trace(
                go.Bar(
                    x=list(part["period_start"]),
                    y=part["count"].to_numpy(),
                    name=name,
                    legendgroup="events",
                    marker_color=event_colour(kind),
                    width=width_ms,
                    offset=0,
                    hovertext=[
                        f"<b>{html.escape(name)}</b><br>{fmt_date(d, lang)}: {fmt_number(c, lang)}"
                        for d, c in zip(part["period_start"], part["count"], strict=True)
                    ],
                    hoverinfo="text",
                ),
                row=1,
                col=1,
            )

    if changes:
        rows = pd.DataFrame(changes)
        starts = [_date(s) for s in rows["period_start"]]
        all_dates += starts
        hover = [
            "<br>".join(
                [
                    fmt_date_range(r.period_start, r.period_end, lang),
                    f"{t('layer.gained')}: {fmt_number(r.gained_km2, lang, 1)} km²",
                    f"{t('layer.lost')}: {fmt_number(r.lost_km2, lang, 1)} km²",
                    f"{t('timeline.net')}: {fmt_number(r.net_km2, lang, 1, sign=True)} km²",
                    f"{fmt_date(r.from_snapshot, lang)} → {fmt_date(r.to_snapshot, lang)}"
                    f" ({html.escape(str(r.source))})",
                ]
            )
            for r in rows.itertuples()
        ]
        common = {
            "x": starts,
            "width": width_ms,
            "offset": 0,
            "hovertext": hover,
            "hoverinfo": "text",
        }
        fig.add_trace(
            go.Bar(
                y=rows["gained_km2"].to_numpy(dtype=float),
                name=t("layer.gained"),
                marker_color=_solid(LAYER_STYLE["gained"]["fill"]),
                **common,
            ),
            row=2,
            col=1,
        )
        fig.add_trace(
            go.Bar(
                y=-rows["lost_km2"].to_numpy(dtype=float),
                name=t("layer.lost"),
                marker_color=_solid(LAYER_STYLE["lost"]["fill"]),
                **common,
            ),
            row=2,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=starts,
                y=rows["net_km2"].to_numpy(dtype=float),
                name=t("timeline.net"),
                mode="lines+markers",
                line={"color": colours["text"], "width": 2},
                hovertext=hover,
                hoverinfo="text",
            ),
            row=2,
            col=1,
        )

    if alert_series is not None and len(alert_series):
        dates = [_date(d) for d in alert_series["period_start"]]
        title = t("alerts.hours")
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=alert_series["hours"].to_numpy(dtype=float),
                name=title,
                mode="lines",
                line={"color": "#7b6bb0", "width": 1.5, "dash": "dot"},
                hovertext=[
                    f"{fmt_date(d, lang)}<br>{title}: {fmt_number(h, lang, 1)}"
                    for d, h in zip(dates, alert_series["hours"], strict=True)
                ],
                hoverinfo="text",
            ),
            row=1,
            col=1,
            secondary_y=True,
        )
        fig.update_yaxes(title_text=title, secondary_y=True, row=1, col=1, showgrid=False)

    fig.update_layout(
        barmode="relative",  # stacks event types; gained above zero, lost below
        dragmode="zoom",
        uirevision="frontline-timeline",
        margin={"l": 56, "r": 56, "t": 8, "b": 8},
        paper_bgcolor=colours["paper"],
        plot_bgcolor=colours["paper"],
        font={"color": colours["text"]},
        bargap=0,
        legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "font": {"size": 11}},
        hovermode="closest",
    )
    fig.update_xaxes(fixedrange=False, gridcolor=colours["grid"], **_ticks(all_dates, lang, by))
    fig.update_yaxes(fixedrange=True, gridcolor=colours["grid"], zerolinecolor=colours["muted"])
    fig.update_yaxes(title_text=t("timeline.events"), row=1, col=1, secondary_y=False)
    fig.update_yaxes(title_text=t("timeline.km2"), row=2, col=1)
    return fig


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
