"""Event traces of the map: markers per event type, region-level circles, or count bins.

Built column by column with numpy: every distinct date, place and count is formatted once
and the per-marker values are gathered by index. At 20,000 markers this takes a few ms,
where a row-wise build (a DataFrame per trace, one Python list per row) took ~20 ms and
was the largest part of a filter change at a million events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.figures.palette import BINS_COLOURSCALE, EVENT_TYPE_COLOURS, event_colour
from dashboard.formatting import fmt_date, fmt_date_range, fmt_number, hover_text

__all__ = ["TRACE_ORDER", "bins_trace", "event_slots", "event_traces", "tidy_text"]

#: Event trace slots at the end of ``figure["data"]``, in this order (see :func:`event_slots`).
#: Each event trace has ``meta={"role": "events", "kind": kind}``, but the first slot, the
#: ring around the open event (role "selection"); basemap traces have role "basemap" and
#: alert shading role "alerts", and come before the events.
TRACE_ORDER = ("selected", *EVENT_TYPE_COLOURS, "other", "region_level", "bins")
_POINT_KINDS = TRACE_ORDER[1:-2]

Translate = Callable[[str], str]


def _formatted(values: pd.Series, fmt: Callable) -> np.ndarray:
    """``fmt(v)`` for every value (None for missing), calling ``fmt`` once per distinct
    value: a view's events share few dates, places and counts."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        used = np.unique(codes)
        cats = np.asarray(values.cat.categories, dtype=object)
        # Slot -1 (missing) is the table's last entry; only the codes in use are formatted.
        table = np.empty(len(cats) + 1, dtype=object)
        table[used] = [fmt(None if c < 0 else v) for c, v in zip(used, cats[used], strict=True)]
        return table[codes]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([*(fmt(u) for u in uniques), fmt(None)], dtype=object)
    return table[codes]


def _values_at(values: pd.Series, rows: np.ndarray) -> list:
    """The values at ``rows`` as Python objects (None for missing), without converting
    the whole column."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()[rows]
        cats = np.asarray(values.cat.categories, dtype=object)
        return [None if c < 0 else cats[c] for c in codes.tolist()]
    return [None if pd.isna(v) else v for v in values.iloc[rows].tolist()]


def tidy_text(value) -> str | None:
    """A text value from data as one readable line, or None when it is missing or blank.

    Some sources (UCDP's ``where_description``) separate the parts of a place with tabs
    (oblast, district, community, village) or break it over lines: tabs become ", " and
    any other run of white space one space. The words are kept as given; escaping is the
    caller's (hover or HTML).
    """
    if value is None or value is pd.NA or value != value:
        return None
    text = str(value)
    if text.isprintable() and "  " not in text:  # the usual case, without splitting
        return text.strip() or None
    parts = (" ".join(part.split()) for part in text.split("\t"))
    return ", ".join(part for part in parts if part) or None


def _text(value) -> str | None:
    # Source texts are shown as text, never as markup: Plotly renders some tags in hovers.
    text = tidy_text(value)
    return None if text is None else hover_text(text)


def _region_texts(events: pd.DataFrame, names: Mapping[str, str]) -> np.ndarray:
    """Per event the escaped name of its region (``admin1``), else of its country when
    ``names`` has one (the column is optional), else None. Never a bare code."""

    def name(code):
        code = tidy_text(code)
        return None if code is None or not names.get(code) else hover_text(names[code])

    out = _formatted(events["admin1"], name)
    if "country" in events.columns:
        missing = np.flatnonzero(pd.isna(out))
        if len(missing):
            out[missing] = _formatted(events["country"].iloc[missing], name)
    return out


def _precision_words(t: Translate) -> Callable:
    def words(value) -> str:
        if value is None:
            return "–"
        key = f"geo_precision.{int(value)}"
        try:
            return hover_text(t(key))
        except KeyError:  # a precision outside the schema's 1-3: show it, do not fail
            return str(int(value))

    return words


def _customdata(
    events: pd.DataFrame, ids: np.ndarray, lang: str, t: Translate, regions: np.ndarray
) -> np.ndarray:
    """Per event ``[event_id, date, place, fatalities, precision]`` (an (n, 5) object
    array), formatted for the reader: dates and numbers in their language, the place as
    given or, where none is, the region's name, the precision in words, text escaped."""
    days = pd.Series(events["date"].to_numpy(dtype="datetime64[D]"))
    out = np.empty((len(events), 5), dtype=object)
    out[:, 0] = ids
    out[:, 1] = _formatted(days, lambda d: "–" if d is None else fmt_date(d.date(), lang))
    place = _formatted(events["location"], _text)
    blank = pd.isna(place)
    place[blank] = regions[blank]
    place[pd.isna(place)] = "–"
    out[:, 2] = place
    fat = pd.to_numeric(events["fatalities"], errors="coerce").astype("Float64")
    out[:, 3] = _formatted(fat, lambda v: fmt_number(None if v is None else int(v), lang))
    out[:, 4] = _formatted(events["geo_precision"], _precision_words(t))
    return out


def _point_template(label: str, t: Translate) -> str:
    return (
        f"<b>{hover_text(label)}</b><br>{t('hover.date')}: %{{customdata[1]}}"
        f"<br>{t('hover.location')}: %{{customdata[2]}}"
        f"<br>{t('hover.fatalities')}: %{{customdata[3]}}"
        f"<br>{t('hover.precision')}: %{{customdata[4]}}<extra></extra>"
    )


def _kinds(event_types: pd.Series) -> np.ndarray:
    """Index into the point kinds of :data:`TRACE_ORDER` per event ("other" for types
    without a colour of their own)."""
    other = _POINT_KINDS.index("other")
    index = {kind: i for i, kind in enumerate(_POINT_KINDS)}
    return _formatted(event_types, lambda v: index.get(str(v), other)).astype(np.int64)


def event_traces(
    events,
    lang: str = "en",
    t: Translate = lambda k: k,
    *,
    region_names: Mapping[str, str] | None = None,
) -> list[dict]:
    """The non-empty event traces of the map (kinds in :data:`TRACE_ORDER` order).

    ``events``: compact rows (``lon``/``lat``, as the stores hand them out) or the
    canonical GeoDataFrame. Exact and near events (``geo_precision`` 1–2) are
    circles, one trace per event type, ``customdata[i] = [event_id, date, place,
    fatalities, precision]`` shown by the trace's ``hovertemplate``. Region-level events
    (precision 3) are never drawn as exact points: one trace of large translucent circles,
    one per place, ``customdata = ["id1,id2,...", count]``. How many events are drawn as
    markers, and when bins (:func:`bins_trace`) replace them, is the caller's choice
    (:data:`dashboard.callbacks.map.MAX_DRAWN`).

    ``region_names`` maps ISO 3166-2 codes (and, used when an event has no region and the
    rows carry ``country``, ISO 3166-1 alpha-3 codes) to names in ``lang``: a hover names
    the region of an event without a place, and a region-level circle its region. Codes
    are never shown; without a name such a hover says "–".
    """
    if events is None or len(events) == 0:
        return []
    if isinstance(events, gpd.GeoDataFrame):
        from geo.eventtable import to_compact

        events = to_compact(events)
    precision = pd.to_numeric(events["geo_precision"], errors="coerce").fillna(1).to_numpy()
    exact, region = np.flatnonzero(precision < 3), np.flatnonzero(precision >= 3)
    lon, lat = events["lon"].to_numpy(dtype=float), events["lat"].to_numpy(dtype=float)
    ids = events["event_id"].astype(str).to_numpy(dtype=object)
    regions = _region_texts(events, region_names or {})
    traces: list = []
    if len(exact):
        kinds = _kinds(events["event_type"])
        custom = _customdata(events, ids, lang, t, regions)
        for i, kind in enumerate(_POINT_KINDS):
            rows = exact[kinds[exact] == i]
            if len(rows):
                traces.append(_points_trace(lon[rows], lat[rows], custom[rows], kind, t))
    if len(region):
        traces.append(
            _region_trace(events, ids, regions, region, lon[region], lat[region], lang, t)
        )
    return traces


def selected_trace(lon: float, lat: float, event_id: str) -> dict:
    """A wide ring under the open event's marker, so a reader sees which point the details
    panel is about (first of the event slots: drawn under the markers)."""
    return {
        "type": "scattermap",
        "lon": [round(float(lon), 5)],
        "lat": [round(float(lat), 5)],
        "mode": "markers",
        "marker": {"size": 26, "color": "#005a8e", "opacity": 0.45},
        "customdata": [[event_id]],
        "hoverinfo": "skip",
        "showlegend": False,
        "below": "",
        # Not an event layer: counts and clicks of events skip it.
        "meta": {"role": "selection", "kind": "selected", "event": event_id},
    }


def event_slots(traces: list[dict]) -> list[dict]:
    """``traces`` spread over one slot per kind of :data:`TRACE_ORDER`, in that order, with
    an empty, legend-less trace where a kind has nothing to draw.

    The map always ends with these slots, so a filter change or a playback step can
    replace the event traces by index (a Patch) and never resend the layers before them.
    """
    by_kind = {tr["meta"]["kind"]: tr for tr in traces}
    return [by_kind.get(kind) or _empty_slot(kind) for kind in TRACE_ORDER]


def _empty_slot(kind: str) -> dict:
    return {
        "type": "scattermap",
        "lon": [],
        "lat": [],
        "mode": "markers",
        "showlegend": False,
        "hoverinfo": "skip",
        "meta": {"role": "selection" if kind == "selected" else "events", "kind": kind},
    }


def _points_trace(lon, lat, custom: np.ndarray, kind: str, t: Translate) -> dict:
    name = t(f"type.{kind}")
    return {
        "type": "scattermap",
        # 0.00001° is about a metre: finer than any geocoding, and 14 bytes a marker less.
        "lon": np.round(lon, 5),
        "lat": np.round(lat, 5),
        "mode": "markers",
        "name": name,
        "marker": {"size": 8, "color": event_colour(kind), "opacity": 0.9},
        # Per marker only its values; the labels are in the template, once per trace
        # (about 90 bytes a marker instead of 250 with a preformatted hover text).
        "customdata": custom.tolist(),
        "hovertemplate": _point_template(name, t),
        "below": "",
        "meta": {"role": "events", "kind": kind},
    }


def bins_trace(lon, lat, cell: float, lang: str, t: Translate) -> dict:
    """Events as square cells of ``cell`` degrees (:func:`geo.aggregate.spatial_bins`):
    one marker per cell, sized and coloured by its count; the counts add up to the
    number of events. Only rounded centres and counts leave the server, no ids.
    ``customdata = [count, west, south, east, north]`` (the cell, to zoom into)."""
    from geo.aggregate import spatial_bins

    bins = spatial_bins(lon, lat, cell_deg=cell)
    x, y, counts = bins["lon"].to_numpy(), bins["lat"].to_numpy(), bins["count"].to_numpy()
    label = t("hover.count")
    half = cell / 2
    return {
        "type": "scattermap",
        "lon": np.round(x, 4),
        "lat": np.round(y, 4),
        "mode": "markers",
        "name": t("events.bins"),
        "marker": {
            "size": np.round(6 + 22 * np.sqrt(counts / max(counts.max(), 1)), 1)
            if len(counts)
            else [],
            "color": counts,
            "colorscale": BINS_COLOURSCALE,
            "opacity": 0.8,
            "showscale": False,
        },
        "customdata": np.round(
            np.column_stack([counts, x - half, y - half, x + half, y + half]), 4
        ),
        "hovertext": [f"{label}: {fmt_number(int(c), lang)}" for c in counts],
        "hoverinfo": "text",
        "below": "",
        "meta": {"role": "events", "kind": "bins", "cell_deg": cell},
    }


def _region_trace(
    events, ids, regions, rows: np.ndarray, lon, lat, lang: str, t: Translate
) -> dict:
    """One translucent circle per place of the region-level events at ``rows``, ordered by
    (lon, lat) rounded to 0.001°, with the ids in row order (``ids`` and ``regions``, the
    escaped region names, are of every event). Its hover names the region (the first
    event's; else its place as given), the days and the number of events."""
    places = np.column_stack([np.round(lon, 3), np.round(lat, 3)])
    centres, group = np.unique(places, axis=0, return_inverse=True)
    group = group.reshape(-1)
    order = np.argsort(group, kind="stable")  # row order within each place
    starts = np.searchsorted(group[order], np.arange(len(centres)))
    counts = np.diff(np.append(starts, len(order)))
    ids = ids[rows][order]
    first = rows[order[starts]]
    regions = regions[first]
    places_given = [_text(v) for v in _values_at(events["location"], first)]
    where = [r or p or "–" for r, p in zip(regions, places_given, strict=True)]
    days = events["date"].to_numpy(dtype="datetime64[D]")[rows][order]
    spans = zip(
        np.minimum.reduceat(days, starts).tolist(),
        np.maximum.reduceat(days, starts).tolist(),
        strict=True,
    )
    when = [
        fmt_date(a, lang) if a == b else fmt_date_range(a, b + dt.timedelta(days=1), lang)
        for a, b in spans
    ]
    label = hover_text(t("events.region_level"))
    loc_label, date_label, count_label = t("hover.location"), t("hover.date"), t("hover.count")
    hover = [
        f"<b>{label}</b><br>{loc_label}: {w}<br>{date_label}: {d}"
        f"<br>{count_label}: {fmt_number(int(n), lang)}"
        for w, d, n in zip(where, when, counts, strict=True)
    ]
    joined = [",".join(ids[s : s + n]) for s, n in zip(starts, counts, strict=True)]
    return {
        "type": "scattermap",
        "lon": np.ascontiguousarray(centres[:, 0]),
        "lat": np.ascontiguousarray(centres[:, 1]),
        "mode": "markers",
        "name": t("events.region_level"),
        # Large and translucent: it marks an area, not a place. MapLibre circles cannot be
        # hollow through Plotly (no marker.line), and other symbols would need a sprite URL.
        "marker": {
            "size": 18 + 4 * np.sqrt(counts),
            "color": "#6b6b6b",  # mid grey: visible on light and dark land
            "opacity": 0.35,
        },
        "customdata": [[j, int(n)] for j, n in zip(joined, counts, strict=True)],
        "hovertext": hover,
        "hoverinfo": "text",
        "below": "",
        "meta": {"role": "events", "kind": "region_level"},
    }
