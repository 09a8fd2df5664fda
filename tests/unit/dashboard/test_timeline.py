"""The timeline on the real bundled data: tick labels name their period in the reader's
language, one period has one x in both rows, and a range that starts before the map
record still shows its events, its dates and the km² of the part that has maps.

Figures are loaded into ``go.Figure``, which checks every property against Plotly's schema.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.callbacks.timeline import timeline_figure
from dashboard.figures import build_timeline
from dashboard.figures.palette import theme_colours
from dashboard.figures.timeline import ALERT_LINE, GAINED_EDGE
from dashboard.figures.timeline_ticks import timeline_ticks
from dashboard.formatting import fmt_date
from dashboard.i18n import t
from dashboard.state import ViewState
from dashboard.view import view_series

DAY_MS = 86_400_000
AUG_TO_NOV = {"date_from": dt.date(2024, 8, 1), "date_to": dt.date(2024, 11, 1)}  # from a Thu


def timeline(scope, **params) -> go.Figure:
    return go.Figure(timeline_figure(scope, ViewState(**params)))


def ms(value) -> float:
    return pd.Timestamp(value).value / 1e6


def periods(trace) -> list[tuple[float, float]]:
    """The period each bar stands for (bars are centred in it: offset on either side)."""
    return [
        (ms(x), ms(x) + 2 * o + w)
        for x, o, w in zip(trace.x, trace.offset, trace.width, strict=True)
    ]


def edges(trace) -> list[tuple[float, float]]:
    return [
        (ms(x) + o, ms(x) + o + w)
        for x, o, w in zip(trace.x, trace.offset, trace.width, strict=True)
    ]


def on(fig: go.Figure, xaxis: str, kind: str = "bar") -> list:
    return [tr for tr in fig.data if tr.xaxis == xaxis and tr.type == kind]


# -- tick labels --------------------------------------------------------------------------


def test_week_ticks_name_each_week_with_the_year_where_it_changes():
    en = timeline_ticks("2024-12-02", "2025-02-03", "week", "en")
    assert en["ticktext"] == ["2 Dec 2024", "9 Dec", "16 Dec", "23 Dec", "30 Dec",
                              "6 Jan 2025", "13 Jan", "20 Jan", "27 Jan"]  # fmt: skip
    de = timeline_ticks("2024-12-02", "2025-02-03", "week", "de")
    assert de["ticktext"][:2] == ["2. Dez. 2024", "9. Dez."]
    assert de["ticktext"][5] == "6. Jan. 2025"
    # Each label under the middle of its week; a grid line where the week starts.
    assert en["tickvals"][0] == "2024-12-05 12:00:00"
    assert en["minor"]["tickvals"][:2] == ["2024-12-02", "2024-12-09"]


def test_month_and_day_ticks_in_both_languages():
    en = timeline_ticks("2024-11-01", "2025-03-01", "month", "en")["ticktext"]
    assert en == ["Nov 2024", "Dec", "Jan 2025", "Feb"]
    de = timeline_ticks("2024-01-01", "2024-11-01", "month", "de")["ticktext"]
    assert de == ["Jan. 2024", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.",
                  "Okt."]  # fmt: skip
    # A month of days: the first day, then Mondays, each under its own day's bar.
    days = timeline_ticks("2024-10-01", "2024-11-01", "day", "de")
    assert days["ticktext"] == ["1. Okt. 2024", "7. Okt.", "14. Okt.", "21. Okt.", "28. Okt."]
    assert days["tickvals"][1] == "2024-10-07 12:00:00"


def test_long_week_ranges_keep_few_labels_on_mondays():
    ticks = timeline_ticks("2022-04-04", "2024-04-01", "week", "en")
    assert 4 <= len(ticks["ticktext"]) <= 10
    for value in ticks["minor"]["tickvals"]:
        assert dt.date.fromisoformat(value).weekday() == 0


def test_weekly_timeline_says_which_week(scope):
    for lang in ("en", "de"):
        fig = timeline(scope, **AUG_TO_NOV, by="week", lang=lang)
        texts = list(fig.layout.xaxis2.ticktext)
        assert len(texts) == len(set(texts)) >= 4, texts
        assert "Oct 2024" not in texts
        assert texts[0] == {"en": "5 Aug 2024", "de": "5. Aug. 2024"}[lang]
        assert fig.layout.xaxis.ticktext == fig.layout.xaxis2.ticktext


# -- one period, one x ---------------------------------------------------------------------


@pytest.mark.parametrize("by", ["week", "month"])
def test_event_and_km2_bars_of_a_period_line_up(scope, by):
    fig = timeline(scope, **AUG_TO_NOV, by=by)
    assert fig.layout.xaxis2.matches == "x"
    assert fig.layout.xaxis.domain == fig.layout.xaxis2.domain
    assert list(fig.layout.xaxis.range) == ["2024-08-01", "2024-11-01"]
    events, gained = on(fig, "x")[0], on(fig, "x2")[0]
    # Counts come labelled with the calendar start (Mon 29 July); both rows cut the first
    # period at the range's start, so the same days get the same bar.
    assert periods(events) == periods(gained)
    assert periods(events)[0] == (
        ms("2024-08-01"),
        ms("2024-08-05" if by == "week" else "2024-09-01"),
    )
    assert edges(events) == edges(gained)  # and the bars themselves, gap for gap
    net = on(fig, "x2", "scatter")[0]
    assert [ms(x) for x in net.x] == [(a + b) / 2 for a, b in periods(gained)]


def test_a_day_view_has_daily_events_over_weekly_km2(scope):
    fig = timeline(scope, **AUG_TO_NOV, by="day")
    days = periods(on(fig, "x")[0])
    assert all(b - a == DAY_MS for a, b in days) and len(days) == 92
    for a, b in periods(on(fig, "x2")[0]):
        inside = [d for d in days if a <= d[0] < b]
        assert inside[0][0] == a and inside[-1][1] == b and len(inside) * DAY_MS == b - a


# -- before (and after) the map record ------------------------------------------------------


def test_series_keeps_the_part_with_maps_and_says_what_it_left_out(scope, data):
    state = ViewState(date_from=dt.date(2022, 2, 20), date_to=dt.date(2022, 6, 1))
    records = view_series(scope, state)
    gap, *mapped = records
    assert gap["no_map"] and (gap["period_start"], gap["period_end"]) == (
        "2022-02-20",
        "2022-04-04",
    )
    assert gap["record"][0] == "2022-04-04" and gap["net_km2"] is None
    assert mapped[0]["period_start"] == "2022-04-04" and mapped[-1]["period_end"] == "2022-06-01"
    expected = data.territory.changes("2022-04-04", "2022-06-01")
    assert sum(r["net_km2"] for r in mapped) == pytest.approx(expected.net_km2, abs=0.5)
    # A range with maps throughout is the plain series.
    covered = ViewState(**AUG_TO_NOV)
    assert view_series(scope, covered) == data.territory.series_records(
        "2024-08-01", "2024-11-01", "week", (), "russian_held"
    )


@pytest.mark.parametrize(
    ("lang", "note"),
    [("en", "No map of control before 4 April 2022"),
     ("de", "Keine Karte der Kontrolle vor dem 4. April 2022")],
)  # fmt: skip
def test_a_start_before_the_record_keeps_events_axes_and_the_km2_with_maps(scope, lang, note):
    fig = timeline(scope, date_from=dt.date(2022, 2, 20), date_to=dt.date(2022, 6, 1), lang=lang)
    events, gained = on(fig, "x"), on(fig, "x2")
    assert events and events[0].x[0] == "2022-02-20"
    assert gained and gained[0].x[0] == "2022-04-04" and max(gained[0].y) > 1000
    assert [a.text for a in fig.layout.annotations] == [note]
    shape = fig.layout.shapes[0]
    assert (shape.xref, shape.x0, shape.x1) == ("x2", "2022-02-20", "2022-04-04")
    assert len(fig.layout.xaxis2.ticktext) >= 4 and fig.layout.xaxis2.showticklabels is not False


def test_a_range_wholly_without_maps_still_has_both_rows(scope):
    fig = timeline(scope, date_from=dt.date(2021, 6, 1), date_to=dt.date(2022, 1, 1), by="month")
    rows = {(tr.xaxis, tr.yaxis) for tr in fig.data}
    assert {("x", "y"), ("x2", "y3")} <= rows  # Plotly draws no axis without a trace
    (note,) = fig.layout.annotations
    assert note.text == "No map of control before 4 April 2022" and note.xanchor == "center"
    assert fig.layout.xaxis2.ticktext[0] == "Jun 2021"


def test_a_range_past_the_last_map_says_so(scope, data):
    last = data.territory.coverage("russian_held")[1]
    start = last - dt.timedelta(days=30)
    fig = timeline(scope, date_from=start, date_to=last + dt.timedelta(days=60), lang="de")
    assert [a.text for a in fig.layout.annotations] == [
        f"Keine Karte der Kontrolle nach dem {fmt_date(last, 'de')}"
    ]
    assert on(fig, "x2")[0].x[0] == start.isoformat()


# -- hovers, alerts, themes ------------------------------------------------------------------


def german_august(counts, records) -> go.Figure:
    return go.Figure(build_timeline(counts=counts, changes=records, lang="de", by="month",
                                    t=lambda k: t(k, "de"), start="2024-08-01",
                                    end="2024-09-01"))  # fmt: skip


def test_german_hovers_use_german_numbers_dates_and_say_small_changes(data):
    # Counts come labelled with the calendar start of their period.
    counts = pd.DataFrame(
        {"period_start": [dt.date(2024, 8, 1)], "event_type": ["Battles"], "count": [1234]}
    )
    (august,) = [c.as_record() for c in data.territory.series("2024-08-01", "2024-09-01")]
    fig = german_august(counts, [august])
    assert fig.layout.separators == ",."
    assert on(fig, "x")[0].hovertext[0].endswith("1.–31. August 2024: 1.234")
    hover = on(fig, "x2")[0].hovertext[0]
    assert "1.–31. August 2024" in hover and "Netto km²: +363,5 km²" in hover
    assert "Karten vom 1. August 2024 und 1. September 2024" in hover
    tiny = {**august, "gained_km2": 12.0, "lost_km2": 0.03, "net_km2": 11.97}
    hover = on(german_august(counts, [tiny]), "x2")[0].hovertext[0]
    assert "Von Russland verloren: < 0,1 km²" in hover
    nothing = {**august, "lost_km2": 0.0}
    assert (
        "Von Russland verloren: 0 km²" in on(german_august(counts, [nothing]), "x2")[0].hovertext[0]
    )


def test_alert_hours_sit_on_the_periods_of_the_events(scope):
    fig = timeline(scope, **AUG_TO_NOV, by="week", lang="de", alerts=True)
    (alerts,) = [tr for tr in fig.data if tr.yaxis == "y2"]
    assert alerts.name == "Luftalarm-Stunden"
    assert [ms(x) for x in alerts.x] == [(a + b) / 2 for a, b in periods(on(fig, "x")[0])]
    assert "Luftalarm-Stunden: " in alerts.hovertext[0] and "August 2024" in alerts.hovertext[0]
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis2.tickmode == "auto"


def luminance(colour: str) -> float:
    if colour.startswith("#"):
        rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        rgb = [int(v) for v in colour.split("(")[1].rstrip(")").split(",")[:3]]
    lin = [(c / 255) / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_timelines_own_colours_read_on_both_themes(scope, theme):
    fig = timeline(scope, date_from=dt.date(2022, 3, 1), date_to=dt.date(2022, 6, 1),
                   theme=theme, alerts=True)  # fmt: skip
    paper = theme_colours(theme)["paper"]
    assert fig.layout.paper_bgcolor == fig.layout.plot_bgcolor == paper
    assert contrast(fig.layout.font.color, paper) >= 4.5
    assert contrast(fig.layout.annotations[0].font.color, paper) >= 4.5
    gained, lost = on(fig, "x2")
    net = on(fig, "x2", "scatter")[0]
    alerts = next(tr for tr in fig.data if tr.yaxis == "y2")
    assert gained.marker.line.color == GAINED_EDGE[theme]
    assert alerts.line.color == ALERT_LINE[theme]
    for colour in (gained.marker.line.color, lost.marker.color, net.line.color, alerts.line.color):
        assert contrast(colour, paper) >= 3, colour
