"""Event traces of the map: markers per event type, region-level circles, or count bins.

Built column by column with numpy: every distinct date, place and count is formatted once
and the per-marker values are gathered by index. At 20,000 markers this takes a few ms,
where a row-wise build (a DataFrame per trace, one Python list per row) took ~20 ms and
was the largest part of a filter change at a million events.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.figures.palette import BINS_COLOURSCALE, EVENT_TYPE_COLOURS, event_colour
from dashboard.formatting import fmt_date, fmt_number, hover_text

__all__ = ["TRACE_ORDER", "bins_trace", "event_slots", "event_traces"]

#: Event trace slots at the end of ``figure["data"]``, in this order (see :func:`event_slots`).
#: Each event trace has ``meta={"role": "events", "kind": kind}``; basemap traces have role
#: "basemap" and alert shading role "alerts", and come before the events.
TRACE_ORDER = (*EVENT_TYPE_COLOURS, "other", "region_level", "bins")
_POINT_KINDS = TRACE_ORDER[:-2]

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


def _text(value) -> str:
    # Source texts are shown as text, never as markup: Plotly renders some tags in hovers.
    return "–" if value is None or value is pd.NA or value != value else hover_text(str(value))


def _customdata(events: pd.DataFrame, ids: np.ndarray, lang: str) -> np.ndarray:
    """Per event ``[event_id, date, place, fatalities, precision]`` (an (n, 5) object
    array), formatted for the reader: dates and numbers in their language, text escaped."""
    days = pd.Series(events["date"].to_numpy(dtype="datetime64[D]"))
    out = np.empty((len(events), 5), dtype=object)
    out[:, 0] = ids
    out[:, 1] = _formatted(days, lambda d: "–" if d is None else fmt_date(d.date(), lang))
    out[:, 2] = _formatted(events["location"], _text)
    fat = pd.to_numeric(events["fatalities"], errors="coerce").astype("Float64")
    out[:, 3] = _formatted(fat, lambda v: fmt_number(None if v is None else int(v), lang))
    out[:, 4] = _formatted(events["geo_precision"], lambda v: "–" if v is None else str(v))
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


def event_traces(events, lang: str = "en", t: Translate = lambda k: k) -> list[dict]:
    """The non-empty event traces of the map (kinds in :data:`TRACE_ORDER` order).

    ``events``: compact rows (``lon``/``lat``, as the stores hand them out) or the
    canonical GeoDataFrame. Exact and near events (``geo_precision`` 1–2) are
    circles, one trace per event type, ``customdata[i] = [event_id, date, place,
    fatalities, precision]`` shown by the trace's ``hovertemplate``. Region-level events
    (precision 3) are never drawn as exact points: one trace of large translucent circles,
    one per place, ``customdata = ["id1,id2,...", count]``. How many events are drawn as
    markers, and when bins (:func:`bins_trace`) replace them, is the caller's choice
    (:data:`dashboard.callbacks.map.MAX_DRAWN`).
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
    traces: list = []
    if len(exact):
        kinds = _kinds(events["event_type"])
        custom = _customdata(events, ids, lang)
        for i, kind in enumerate(_POINT_KINDS):
            rows = exact[kinds[exact] == i]
            if len(rows):
                traces.append(_points_trace(lon[rows], lat[rows], custom[rows], kind, t))
    if len(region):
        traces.append(_region_trace(events, ids, region, lon[region], lat[region], lang, t))
    return traces


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
        "meta": {"role": "events", "kind": kind},
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


def _region_trace(events, ids, rows: np.ndarray, lon, lat, lang: str, t: Translate) -> dict:
    """One translucent circle per place of the region-level events at ``rows``, ordered by
    (lon, lat) rounded to 0.001°, with the ids (``ids``: of every event) in row order."""
    places = np.column_stack([np.round(lon, 3), np.round(lat, 3)])
    centres, group = np.unique(places, axis=0, return_inverse=True)
    group = group.reshape(-1)
    order = np.argsort(group, kind="stable")  # row order within each place
    starts = np.searchsorted(group[order], np.arange(len(centres)))
    counts = np.diff(np.append(starts, len(order)))
    ids = ids[rows][order]
    first = rows[order[starts]]
    pairs = zip(
        _values_at(events["admin1"], first), _values_at(events["location"], first), strict=True
    )
    names = [a if a is not None else loc for a, loc in pairs]
    label, loc_label, count_label = (
        hover_text(t("events.region_level")), t("hover.location"), t("hover.count"),
    )  # fmt: skip
    hover = [
        f"<b>{label}</b><br>{loc_label}: {hover_text(str(p)) if p is not None else '–'}"
        f"<br>{count_label}: {fmt_number(int(n), lang)}"
        for p, n in zip(names, counts, strict=True)
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
