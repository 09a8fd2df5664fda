"""The timeline: events per period by type (top row) and ground gained/lost (bottom row).

Both rows share one date axis, and a period sits at the same x in both: every bar spans
its own period (a day, an ISO week from Monday or a calendar month, cut at the ends of the
range), centred in it with an even gap on each side, so the km² of a week stand right under
that week's events. Tick labels sit under the period they name ("7 Oct" is the week from
Monday 7 October; "Oct 2024" is the month), written in the page's language, with the year
on the first label and wherever it changes; grid lines mark the starts of labelled periods.

Dragging on the chart zooms the x axis only (the y axes are fixed), so a drag is a date-range
selection: the app reads ``relayoutData["xaxis.range[0]"]`` and ``["xaxis.range[1]"]`` (ISO
date-time strings; the shared axis is ``xaxis`` because the rows are matched to it).

The axes are laid out by hand (what ``make_subplots`` would make: ``xaxis``/``yaxis`` and the
secondary ``yaxis2`` on the top row, ``xaxis2``/``yaxis3`` below) and the figure is a plain
dict: ``make_subplots`` and graph-object validation cost ~80 ms per change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np

from dashboard.figures.palette import EVENT_TYPE_COLOURS, LAYER_STYLE, event_colour, theme_colours
from dashboard.figures.timeline_ticks import (
    Span,
    calendar_start,
    middle,
    next_start,
    timeline_ticks,
    to_date,
)
from dashboard.formatting import fmt_date, fmt_date_range, fmt_number, hover_text
from geo.calendar import period_bounds

__all__ = ["build_timeline"]

Translate = Callable[[str], str]

DAY_MS = 86_400_000
#: Share of its period a bar covers; the rest is split evenly on both sides.
BAR_SHARE = 0.84
MODEBAR_REMOVE = ["select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d",
                  "sendChartToCloud", "sendDataToCloud", "editInChartStudio"]  # fmt: skip
#: Alert hours as a dotted line over the event bars: a purple no event type uses, lighter on
#: the dark page so it keeps a 3:1 contrast there too.
ALERT_LINE = {"light": "#6a51a3", "dark": "#b7a6f0"}


def _solid(rgba: str) -> str:
    # Bars need an opaque colour; the map's fills are translucent washes.
    r, g, b, _ = rgba.removeprefix("rgba(").removesuffix(")").split(",")
    return f"rgb({r.strip()}, {g.strip()}, {b.strip()})"


#: The edge of the gained bars: on the dark page the dark red fill alone is below a 3:1
#: contrast with the background, a light edge outlines it (5.6:1).
GAINED_EDGE = {"light": _solid(LAYER_STYLE["gained"]["line"]), "dark": "rgb(235, 110, 80)"}


class _Periods:
    """The periods of ``by`` within ``[start, end)``, found by any day inside them: counts
    are labelled with the calendar start of their period (the Monday before a range that
    starts on a Thursday), km² and alert records with the day their cut period starts."""

    def __init__(self, start: dt.date | None, end: dt.date | None, by: str):
        self.by = by
        self.start, self.end = start, end
        bounds = period_bounds(start, end, by) if start and end and end > start else []
        self._spans = {calendar_start(a, by): (a, b) for a, b in bounds}

    def span(self, day) -> Span:
        key = calendar_start(to_date(day), self.by)
        if key in self._spans:
            return self._spans[key]
        a, b = key, next_start(key, self.by)
        if self.start and self.end:
            a, b = max(a, self.start), min(b, self.end)
        return a, max(b, a + dt.timedelta(days=1))


def _bars(spans: list[Span]) -> dict:
    """Bar position properties for ``spans``: x at the period's start, the bar centred in it."""
    lengths = np.array([(b - a).days for a, b in spans], dtype=float) * DAY_MS
    return {
        "x": [a.isoformat() for a, _ in spans],
        "width": (lengths * BAR_SHARE).tolist(),
        "offset": (lengths * (1 - BAR_SHARE) / 2).tolist(),
    }


def _range_of(counts, changes, alert_series, by: str) -> tuple[dt.date | None, dt.date | None]:
    """The range the data covers, when the caller gave none."""
    firsts, lasts = [], []
    if counts is not None and len(counts):
        days = [to_date(d) for d in counts["period_start"]]
        firsts.append(min(days))
        lasts.append(next_start(max(days), by))
    for r in changes or []:
        firsts.append(to_date(r["period_start"]))
        lasts.append(to_date(r["period_end"]))
    if alert_series is not None and len(alert_series):
        days = [to_date(d) for d in alert_series["period_start"]]
        firsts.append(min(days))
        lasts.append(next_start(max(days), by))
    return (min(firsts), max(lasts)) if firsts else (None, None)


def build_timeline(
    *,
    counts,
    changes,
    alert_series=None,
    lang: str = "en",
    theme: str = "light",
    by: str = "week",
    t: Translate = lambda k: k,
    start=None,
    end=None,
) -> dict:
    """Events per period (stacked by type) above gained/lost/net km² per period.

    Parameters
    ----------
    counts : DataFrame with ``period_start`` (date; the calendar start of the period, as
        :func:`geo.aggregate.event_counts` gives it), ``event_type``, ``count``.
    changes : list of dicts as from :meth:`geo.territory.Change.as_record` (``period_start``,
        ``period_end``, ``gained_km2``, ``lost_km2``, ``net_km2``, ``from_snapshot``,
        ``to_snapshot``, ``source``). A record with ``"no_map": True`` (see
        :func:`dashboard.view.view_series`) marks a stretch of the range that has no map of
        control: it is shaded in the km² row and labelled ``t("timeline.no_map_before")`` /
        ``t("timeline.no_map_after")`` with the date where the map record starts / ends
        (its ``"record"``: first and last snapshot date).
    alert_series : optional DataFrame (``period_start``, ``hours``), drawn as a line on a
        secondary y axis of the top row, titled ``t("alerts.hours")``.
    by : "day", "week" or "month": the periods of the event bars. The km² records bring
        their own periods (a day view shows km² per week).
    start, end : the view's range ``[start, end)`` (dates or ISO strings): the x axis shows
        exactly it, and the first and last periods are cut at it. By default the range the
        data covers.

    Returns
    -------
    dict ``{"data", "layout"}`` with two rows sharing the x axis (``xaxis``, and ``xaxis2``
    matched to it); events on ``y`` (alert hours on ``y2``), km² on ``y3``.
    """
    colours = theme_colours(theme)
    if start is None or end is None:
        start, end = _range_of(counts, changes, alert_series, by)
    else:
        start, end = to_date(start), to_date(end)
    periods = _Periods(start, end, by)
    data: list[dict] = []

    events = counts is not None and len(counts) > 0
    if events:
        data += _event_traces(counts, periods, lang, t)
    mapped = [r for r in changes or [] if not r.get("no_map")]
    gaps = [r for r in changes or [] if r.get("no_map")]
    if mapped:
        data += _change_traces(mapped, lang, theme, t)
    # Plotly drops an axis no trace uses, and with the km² row the only date labels: an
    # invisible trace keeps an empty row (no events, or no map) on the page.
    for used, xaxis, yaxis in ((events, "x", "y"), (mapped, "x2", "y3")):
        if not used and start and end:
            data.append({"type": "scatter", "x": [start.isoformat(), end.isoformat()],
                         "y": [0, 0], "mode": "lines", "line": {"width": 0},
                         "hoverinfo": "skip", "showlegend": False, "xaxis": xaxis,
                         "yaxis": yaxis})  # fmt: skip

    layout = {
        "barmode": "relative",  # stacks event types; gained above zero, lost below
        "dragmode": "zoom",
        "uirevision": "frontline-timeline",  # keeps legend clicks across updates
        # Room on top for the toolbar, so it never covers the bars.
        "margin": {"l": 56, "r": 56, "t": 26, "b": 8},
        "paper_bgcolor": colours["paper"],
        "plot_bgcolor": colours["paper"],
        "font": {"color": colours["text"]},
        "separators": ",." if lang == "de" else ".,",  # decimal mark, thousands separator
        # Under everything, whatever room the date labels take (they turn on a phone).
        "legend": {
            "orientation": "h",
            "x": 0,
            "xref": "container",
            "y": 0,
            "yref": "container",
            "yanchor": "bottom",
            "font": {"size": 11},
        },
        "hovermode": "closest",
        # Box and lasso select, autoscale and zoom steps mean nothing for a date range;
        # "share" would upload the chart to Plotly's cloud.
        "modebar": {
            "remove": MODEBAR_REMOVE,
            "bgcolor": "rgba(0, 0, 0, 0)",
            "color": colours["muted"],
            "activecolor": colours["text"],
        },
        "hoverlabel": {
            "bgcolor": colours["paper"],
            "font": {"color": colours["text"]},
            "bordercolor": colours["muted"],
            "align": "left",
        },
        "shapes": [],
        "annotations": [],
    }
    x_common = {"fixedrange": False, "type": "date", "linecolor": colours["muted"],
                "tickcolor": colours["muted"]}  # fmt: skip
    if start and end:
        # A new range (typed, dragged or from a link) is shown whole; within one range the
        # reader's own zoom is kept.
        x_common |= {"range": [start.isoformat(), end.isoformat()], "autorange": False,
                     "uirevision": f"{start}/{end}"}  # fmt: skip
        x_common |= timeline_ticks(start, end, by, lang, grid=colours["grid"])
    # Whole numbers with separators ("4,000" / "4.000"), never "4k"; margins grow to fit.
    y_common = {"fixedrange": True, "gridcolor": colours["grid"],
                "zerolinecolor": colours["muted"], "separatethousands": True,
                "exponentformat": "none", "automargin": True}  # fmt: skip
    # Rows as make_subplots(rows=2, shared_xaxes=True, vertical_spacing=0.06,
    # row_heights=[0.55, 0.45]) lays them out: the top row 0.55 of the 0.94 left.
    split = 0.94 * 0.45
    layout["xaxis"] = {**x_common, "domain": [0, 0.94], "anchor": "y", "showticklabels": False}
    layout["xaxis2"] = {**x_common, "domain": [0, 0.94], "anchor": "y3", "matches": "x",
                        "automargin": True}  # fmt: skip
    layout["yaxis"] = {**y_common, "domain": [split + 0.06, 1], "anchor": "x",
                       "title": _title(t("timeline.events"))}  # fmt: skip
    layout["yaxis3"] = {**y_common, "domain": [0, split], "anchor": "x2",
                        "title": _title(t("timeline.km2"))}  # fmt: skip
    if not events:
        layout["yaxis"] |= {"showticklabels": False, "range": [0, 1]}
    if not mapped:
        layout["yaxis3"] |= {"showticklabels": False, "range": [-1, 1]}
    for gap in gaps:
        _mark_gap(layout, gap, start, end, lang, colours, t)

    if alert_series is not None and len(alert_series):
        data.append(_alert_trace(alert_series, periods, lang, theme, t))
        # Its own ticks: "sync" (the default for an overlaying axis) gives 144, 288, 432.
        layout["yaxis2"] = {**y_common, "anchor": "x", "overlaying": "y", "side": "right",
                            "showgrid": False, "rangemode": "tozero", "tickmode": "auto",
                            "nticks": 4, "title": _title(t("alerts.hours"))}  # fmt: skip
    return {"data": data, "layout": layout}


def _km2(value: float, lang: str, sign: bool = False) -> str:
    """km² with one decimal; nothing is "0 km²", and a change too small to show at one
    decimal is "< 0.1 km²" rather than a "0.0" that reads as nothing."""
    if value == 0:
        return "0 km²"
    if abs(value) < 0.05:
        return f"< {fmt_number(0.1, lang, 1)} km²"
    return f"{fmt_number(value, lang, 1, sign=sign)} km²"


def _title(text: str, width: int = 13) -> dict:
    """A y axis title, wrapped after a slash or at a space once a line is longer than
    ``width`` characters: the rows are about 100 px tall, too short for "km² gewonnen/verloren"
    on one line, and Plotly does not wrap titles itself."""
    lines, line = [], ""
    for word in re.split(r"(?<=/)|(?<= )", text):
        if line and len(line) + len(word) > width:
            lines.append(line.rstrip())
            line = ""
        line += word
    lines.append(line.rstrip())
    return {"text": "<br>".join(lines), "font": {"size": 11}, "standoff": 6}


def _event_traces(counts, periods: _Periods, lang: str, t: Translate) -> list[dict]:
    """One stacked bar trace per event type, each bar on its period."""
    spans = {d: periods.span(d) for d in set(counts["period_start"].tolist())}
    starts = counts["period_start"].tolist()
    kinds = counts["event_type"].astype(str).to_numpy()
    values = counts["count"].to_numpy()
    present = set(kinds.tolist())
    types = [k for k in EVENT_TYPE_COLOURS if k in present]
    labels = {s: fmt_date_range(*s, lang) for s in set(spans.values())}
    out = []
    for kind in [*types, *sorted(present - set(types))]:
        rows = np.flatnonzero(kinds == kind)
        rows = rows[np.argsort([spans[starts[i]][0] for i in rows], kind="stable")]
        name = t(f"type.{kind if kind in EVENT_TYPE_COLOURS else 'other'}")
        own = [spans[starts[i]] for i in rows]
        head = f"<b>{hover_text(name)}</b><br>"
        out.append(
            {
                "type": "bar",
                **_bars(own),
                "y": values[rows],
                "name": name,
                "legendgroup": "events",
                "marker": {"color": event_colour(kind), "line": {"width": 0}},
                "hovertext": [
                    f"{head}{labels[s]}: {fmt_number(int(c), lang)}"
                    for s, c in zip(own, values[rows].tolist(), strict=True)
                ],
                "hoverinfo": "text",
                "xaxis": "x",
                "yaxis": "y",
            }
        )
    return out


def _change_traces(changes: list[dict], lang: str, theme: str, t: Translate) -> list[dict]:
    """Gained (up), lost (down) and net km² per period, on the bottom row."""
    spans = [(to_date(r["period_start"]), to_date(r["period_end"])) for r in changes]
    hover = [
        "<br>".join(
            [
                f"<b>{fmt_date_range(r['period_start'], r['period_end'], lang)}</b>",
                f"{t('layer.gained')}: {_km2(r['gained_km2'], lang)}",
                f"{t('layer.lost')}: {_km2(r['lost_km2'], lang)}",
                f"{t('timeline.net')}: {_km2(r['net_km2'], lang, sign=True)}",
                t("timeline.maps").format(
                    first=fmt_date(r["from_snapshot"], lang),
                    last=fmt_date(r["to_snapshot"], lang),
                    source=hover_text(str(r["source"])),
                ),
            ]
        )
        for r in changes
    ]

    def column(name: str) -> np.ndarray:
        return np.array([r[name] for r in changes], dtype=float)

    common = {**_bars(spans), "hovertext": hover, "hoverinfo": "text", "xaxis": "x2",
              "yaxis": "y3"}  # fmt: skip
    return [
        {
            "type": "bar",
            "y": column("gained_km2"),
            "name": t("layer.gained"),
            "marker": {
                "color": _solid(LAYER_STYLE["gained"]["fill"]),
                "line": {"width": 1, "color": GAINED_EDGE.get(theme, GAINED_EDGE["light"])},
            },
            **common,
        },
        {
            "type": "bar",
            "y": -column("lost_km2"),
            "name": t("layer.lost"),
            "marker": {"color": _solid(LAYER_STYLE["lost"]["fill"]), "line": {"width": 0}},
            **common,
        },
        {
            "type": "scatter",
            # In the middle of its period, over the middle of that period's bars.
            "x": [middle(s) for s in spans],
            "y": column("net_km2"),
            "name": t("timeline.net"),
            "mode": "lines+markers",
            "line": {"color": theme_colours(theme)["text"], "width": 2},
            "marker": {"size": 5},
            "hovertext": hover,
            "hoverinfo": "text",
            "xaxis": "x2",
            "yaxis": "y3",
        },
    ]


def _alert_trace(alert_series, periods: _Periods, lang: str, theme: str, t: Translate) -> dict:
    spans = [periods.span(d) for d in alert_series["period_start"]]
    title = t("alerts.hours")
    hours = alert_series["hours"].to_numpy(dtype=float)
    return {
        "type": "scatter",
        "x": [middle(s) for s in spans],
        "y": hours,
        "name": title,
        "mode": "lines+markers",
        "line": {"color": ALERT_LINE.get(theme, ALERT_LINE["light"]), "width": 2, "dash": "dot"},
        "marker": {"size": 4},
        "hovertext": [
            f"{fmt_date_range(*s, lang)}<br>{hover_text(title)}: {fmt_number(h, lang, 1)}"
            for s, h in zip(spans, hours.tolist(), strict=True)
        ],
        "hoverinfo": "text",
        "xaxis": "x",
        "yaxis": "y2",
    }


def _mark_gap(layout: dict, gap: dict, start, end, lang: str, colours: dict, t) -> None:
    """Shade a stretch without a map of control in the km² row and say so there."""
    a, b = to_date(gap["period_start"]), to_date(gap["period_end"])
    first, last = (to_date(d) for d in gap["record"])
    before = b <= first
    text = t("timeline.no_map_before" if before else "timeline.no_map_after")
    text = text.format(date=fmt_date(first if before else last, lang))
    layout["shapes"].append(
        {"type": "rect", "xref": "x2", "yref": "y3 domain", "x0": a.isoformat(),
         "x1": b.isoformat(), "y0": 0, "y1": 1, "fillcolor": colours["grid"], "opacity": 0.6,
         "line": {"width": 0}, "layer": "below"}
    )  # fmt: skip
    wide = start and end and (b - a).days >= 0.4 * (end - start).days
    if wide:  # the note fits inside the shaded stretch
        where = {"x": middle((a, b)), "xanchor": "center", "y": 0.5, "yanchor": "middle"}
    else:  # beside it, over the start (or end) of the bars
        where = {"x": b.isoformat() if before else a.isoformat(),
                 "xanchor": "left" if before else "right", "y": 1, "yanchor": "top"}  # fmt: skip
    layout["annotations"].append(
        {"text": hover_text(text), "xref": "x2", "yref": "y3 domain", "showarrow": False,
         "font": {"color": colours["text"], "size": 12}, "bgcolor": colours["paper"],
         "bordercolor": colours["muted"], "borderwidth": 1, "borderpad": 3, **where}
    )  # fmt: skip
