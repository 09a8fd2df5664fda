"""The timeline's date axis: its periods as dates, and tick labels in the reader's language.

Plotly's own date ticks are English only and label instants, so a weekly chart read "Oct
2024" under every bar of October. Here each label names one period and sits under its
middle: "7 Oct" / "7. Okt." is a day or the week from that Monday, "Oct" / "Okt." a month,
with the year on the first label and wherever it changes.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from geo.calendar import period_bounds

__all__ = ["MAX_LABELS", "Span", "calendar_start", "middle", "next_start", "timeline_ticks",
           "to_date"]  # fmt: skip

#: A period ``[start, end)`` as two dates.
Span = tuple[dt.date, dt.date]

#: Most tick labels on the axis ("7 Oct" or "Oct"), so they fit beside each other.
MAX_LABELS = {"day": 10, "week": 10, "month": 12}
#: Label steps tried, finest first: (what a label names, every how many).
_MONTHS = [("month", k) for k in (1, 2, 3, 6, 12, 24)]
STEPS = {
    "day": [("day", 1), ("day", 2), ("week", 1), ("week", 2), *_MONTHS],
    "week": [*[("week", k) for k in (1, 2, 4, 8, 13, 26, 52)], ("month", 12), ("month", 24)],
    "month": _MONTHS,
}
#: Month abbreviations as newspapers write them (German after Duden: "Sept.", "März").
SHORT_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "de": ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.",
           "Dez."],
}  # fmt: skip
_A_MONDAY = dt.date(1970, 1, 5)


def to_date(value) -> dt.date:
    """A date from a date, datetime, numpy datetime64 or ISO string."""
    if type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]").item()
    return dt.date.fromisoformat(str(value)[:10])


def calendar_start(day: dt.date, by: str) -> dt.date:
    """The day, the Monday or the 1st that starts ``day``'s period (as
    :func:`geo.calendar.period_starts`, for one date)."""
    if by == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1) if by == "month" else day


def next_start(day: dt.date, by: str) -> dt.date:
    """The start of the period after the one that starts on ``day``."""
    if by == "day":
        return day + dt.timedelta(days=1)
    if by == "week":
        return day + dt.timedelta(days=7)
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def middle(span: Span) -> str:
    """The instant halfway through ``span``, as Plotly reads dates ("2024-10-10 12:00:00")."""
    a, b = span
    return (dt.datetime.combine(a, dt.time()) + (b - a) / 2).isoformat(sep=" ")


def timeline_ticks(start, end, by: str, lang: str = "en", *, grid: str = "#e5e5e5") -> dict:
    """Tick labels for ``[start, end)``, each centred under the period it names.

    At most :data:`MAX_LABELS` labels; the steps between them follow the calendar (every
    other Monday counted from one fixed Monday, quarters from January), so labels do not
    jump about as the range moves. A grid line (a Plotly minor tick) marks the start of each
    labelled period. A day view labels days, then Mondays, then months; a week view labels
    Mondays; a month view months.

    Returns the x axis properties ``tickmode``, ``tickvals``, ``ticktext``, ``ticks``,
    ``showgrid`` and ``minor``; nothing for an empty range.
    """
    start, end = to_date(start), to_date(end)
    if end <= start:
        return {}
    for unit, step in STEPS.get(by, STEPS["week"]):
        spans = _labelled(start, end, unit, step)
        if len(spans) <= MAX_LABELS[unit]:
            break
    if by == "day" and unit == "week":
        spans = [(a, a + dt.timedelta(days=1)) for a, _ in spans]  # the Monday's own bar
    texts, year = [], None
    for a, _ in spans:
        texts.append(_label(a, unit, lang, with_year=a.year != year))
        year = a.year
    return {
        "tickmode": "array",
        "tickvals": [middle(s) for s in spans],
        "ticktext": texts,
        "ticks": "",
        "showgrid": False,
        "minor": {"tickmode": "array", "tickvals": [a.isoformat() for a, _ in spans],
                  "ticks": "outside", "ticklen": 5, "showgrid": True, "gridcolor": grid},
    }  # fmt: skip


def _labelled(start: dt.date, end: dt.date, unit: str, step: int) -> list[Span]:
    """Every ``step``-th period of ``unit`` in ``[start, end)``; a cut first or last period
    shorter than half its kind is left unlabelled (its label would crowd the next)."""
    out = []
    for a, b in period_bounds(start, end, unit):
        whole = calendar_start(a, unit)
        if unit == "day":
            index = whole.toordinal()
        elif unit == "week":
            index = (whole - _A_MONDAY).days // 7
        else:
            index = whole.year * 12 + whole.month - 1
        if index % step:
            continue
        if (b - a).days * 2 < (next_start(whole, unit) - whole).days:
            continue
        out.append((a, b))
    return out


def _label(day: dt.date, unit: str, lang: str, *, with_year: bool) -> str:
    month = SHORT_MONTHS["de" if lang == "de" else "en"][day.month - 1]
    if unit == "month":
        text = month
    else:
        text = f"{day.day}. {month}" if lang == "de" else f"{day.day} {month}"
    return f"{text} {day.year}" if with_year else text
