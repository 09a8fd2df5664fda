"""The event and front-line map: Plotly MapLibre (``layout.map``), offline by default.

Drawing order, bottom to top: sea background, countries, air-raid alert shading, territory
fills, the period's gains and losses, borders, front line, selected regions, place
labels, events. Areas (territory, changes, borders) are ``layout.map.layers`` in the fixed order of
:data:`LAYER_ORDER`, so playback can replace one layer's ``source`` in place; events are
traces (see :func:`event_traces`), so playback can replace them without touching the layers.

Offline basemap: a style dict with no sources, no glyphs and no sprite, so the browser makes
no request at all. Without a "glyphs" URL MapLibre draws place names with the browser's
local fonts, so labels need no font server either.

Figures are plain dicts (``{"data": [...], "layout": {...}}``), not ``go.Figure``: Plotly's
property validation and JSON encoding of graph objects cost ~100 ms per map at 20,000
points, while a dict of numpy arrays and lists is serialised by orjson in a few ms. Tests
validate the dicts by loading them into ``go.Figure``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from dashboard.figures.geometry import (
    ALERTS_ANCHOR,
    LAND_ANCHOR,
    LAYER_ORDER,
    OVERLAY_ANCHOR,
    features_geojson,
    grid_bins,
    layer_index,
    layer_sources,
    map_layers,
    offline_style,
)
from dashboard.figures.palette import (
    ALERT_COLOURSCALE,
    BINS_COLOURSCALE,
    EVENT_TYPE_COLOURS,
    event_colour,
    theme_colours,
)
from dashboard.formatting import fmt_date, fmt_number

__all__ = [
    "DEFAULT_CENTER",
    "DEFAULT_ZOOM",
    "LAYER_ORDER",
    "MAX_POINTS",
    "OFFLINE",
    "TRACE_ORDER",
    "build_map",
    "event_slots",
    "event_traces",
    "layer_index",
    "layer_sources",
    "map_layers",
    "offline_style",
]

MAX_POINTS = 20_000
DEFAULT_CENTER = (48.5, 34.5)  # (lat, lon): Ukraine and western Russia
DEFAULT_ZOOM = 5.0
OFFLINE = "offline"

#: Event trace slots at the end of ``figure["data"]``, in this order (see :func:`event_slots`).
#: Each event trace has ``meta={"role": "events", "kind": kind}``; basemap traces have role
#: "basemap" and alert shading role "alerts", and come before the events.
TRACE_ORDER = (*EVENT_TYPE_COLOURS, "other", "region_level", "bins")

Translate = Callable[[str], str]


def _hover_strings(values: pd.Series) -> pd.Series:
    # Source texts are shown as text, never as markup: Plotly renders some tags in hovers.
    return _each_distinct(values.astype("string").fillna("–"), html.escape)


def _each_distinct(values: pd.Series, fmt: Callable) -> pd.Series:
    """``values.map(fmt)``, calling ``fmt`` once per distinct value: a view's events share
    few dates, places and counts, and formatting dominates building 20,000 hovers."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    formatted = np.array([fmt(u) for u in uniques], dtype=object)
    return pd.Series(formatted[codes], index=values.index, dtype=object)


def _point_customdata(events: pd.DataFrame, lang: str) -> list[list]:
    """Per marker: ``[event_id, date, place, fatalities, precision]``, formatted for the
    reader (dates and numbers in their language) and escaped (source text is shown as
    text, never markup); the hover template around them is sent once per trace."""
    dates = _each_distinct(events["date"], lambda d: fmt_date(pd.Timestamp(d).date(), lang))
    fat = _each_distinct(
        events["fatalities"], lambda v: fmt_number(None if pd.isna(v) else int(v), lang)
    )
    loc = _hover_strings(events["location"])
    prec = events["geo_precision"].astype("string").fillna("–").astype(object)
    ids = events["event_id"].astype(str)
    return list(map(list, zip(ids, dates, loc, fat, prec, strict=True)))


def _point_template(label: str, t: Translate) -> str:
    return (
        f"<b>{html.escape(label)}</b><br>{t('hover.date')}: %{{customdata[1]}}"
        f"<br>{t('hover.location')}: %{{customdata[2]}}"
        f"<br>{t('hover.fatalities')}: %{{customdata[3]}}"
        f"<br>{t('hover.precision')}: %{{customdata[4]}}<extra></extra>"
    )


def _lonlat(frame) -> tuple[np.ndarray, np.ndarray]:
    # Events come as a GeoDataFrame, or as the file store's compact rows (lon/lat columns).
    if "lon" in frame.columns:
        return frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float)
    return frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()


def _type_key(event_type: str) -> str:
    return event_type if event_type in EVENT_TYPE_COLOURS else "other"


def event_traces(events, lang: str = "en", t: Translate = lambda k: k, zoom=None) -> list[dict]:
    """The non-empty event traces of the map (kinds in :data:`TRACE_ORDER` order).

    ``events``: a GeoDataFrame in the canonical schema, or rows with ``lon``/``lat``
    columns instead of geometry. Exact and near events (``geo_precision`` 1–2) are
    circles, one trace per event type, ``customdata[i] = [event_id, date, place,
    fatalities, precision]`` shown by the trace's ``hovertemplate``. Above
    :data:`MAX_POINTS` of them, one trace of grid bins replaces them (size and colour by
    count; ``customdata = [count, west, south, east, north]``). Region-level events
    (precision 3) are never drawn as exact points: one trace of large translucent circles,
    one per place, ``customdata = ["id1,id2,...", count]``.
    ``zoom`` is accepted for future zoom-dependent binning; bins follow the events' extent.
    """
    if events is None or len(events) == 0:
        return []
    precision = pd.to_numeric(events["geo_precision"], errors="coerce").fillna(1)
    exact, region = events[precision < 3], events[precision >= 3]
    traces: list = []
    if len(exact) > MAX_POINTS:
        traces.append(_bins_trace(exact, lang, t))
    elif len(exact):
        keys = exact["event_type"].astype(str).map(_type_key)
        for kind in TRACE_ORDER[:-2]:
            part = exact[(keys == kind).to_numpy()]
            if len(part):
                traces.append(_points_trace(part, kind, lang, t))
    if len(region):
        traces.append(_region_trace(region, lang, t))
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


def _points_trace(part, kind: str, lang: str, t: Translate) -> dict:
    name = t(f"type.{kind}")
    lon, lat = _lonlat(part)
    return {
        "type": "scattermap",
        "lon": lon,
        "lat": lat,
        "mode": "markers",
        "name": name,
        "marker": {"size": 8, "color": event_colour(kind), "opacity": 0.9},
        # Per marker only its values; the labels are in the template, once per trace
        # (about 90 bytes a marker instead of 250 with a preformatted hover text).
        "customdata": _point_customdata(part, lang),
        "hovertemplate": _point_template(name, t),
        "below": "",
        "meta": {"role": "events", "kind": kind},
    }


def _bins_trace(exact, lang: str, t: Translate) -> dict:
    x, y, counts, cell = grid_bins(*_lonlat(exact))
    label = t("hover.count")
    hover = [f"{label}: {fmt_number(int(c), lang)}" for c in counts]
    half = cell / 2
    return {
        "type": "scattermap",
        "lon": x,
        "lat": y,
        "mode": "markers",
        "name": t("events.bins"),
        "marker": {
            "size": 6 + 22 * np.sqrt(counts / counts.max()),
            "color": counts,
            "colorscale": BINS_COLOURSCALE,
            "opacity": 0.8,
            "showscale": False,
        },
        "customdata": np.column_stack([counts, x - half, y - half, x + half, y + half]),
        "hovertext": hover,
        "hoverinfo": "text",
        "below": "",
        "meta": {"role": "events", "kind": "bins", "cell_deg": cell},
    }


def _region_trace(region, lang: str, t: Translate) -> dict:
    lon, lat = _lonlat(region)
    frame = pd.DataFrame(
        {
            "lon": np.round(lon, 3),
            "lat": np.round(lat, 3),
            "event_id": region["event_id"].astype(str).to_numpy(),
            "place": region["admin1"].astype("string").fillna(region["location"].astype("string")),
        }
    )
    groups = frame.groupby(["lon", "lat"], sort=True)
    agg = groups.agg(ids=("event_id", ",".join), n=("event_id", "size"), place=("place", "first"))
    agg = agg.reset_index()
    hover = [
        f"<b>{html.escape(t('events.region_level'))}</b><br>{t('hover.location')}: "
        f"{html.escape(str(p)) if pd.notna(p) else '–'}<br>{t('hover.count')}: "
        f"{fmt_number(int(n), lang)}"
        for p, n in zip(agg["place"], agg["n"], strict=True)
    ]
    return {
        "type": "scattermap",
        "lon": agg["lon"].to_numpy(),
        "lat": agg["lat"].to_numpy(),
        "mode": "markers",
        "name": t("events.region_level"),
        # Large and translucent: it marks an area, not a place. MapLibre circles cannot be
        # hollow through Plotly (no marker.line), and other symbols would need a sprite URL.
        "marker": {
            "size": 18 + 4 * np.sqrt(agg["n"].to_numpy()),
            "color": "#6b6b6b",  # mid grey: visible on light and dark land
            "opacity": 0.35,
        },
        "customdata": [[ids, int(n)] for ids, n in zip(agg["ids"], agg["n"], strict=True)],
        "hovertext": hover,
        "hoverinfo": "text",
        "below": "",
        "meta": {"role": "events", "kind": "region_level"},
    }


def _labels_trace(labels, lang: str, theme: str, max_labels: int = 80) -> dict | None:
    if labels is None or len(labels) == 0:
        return None
    top = labels.sort_values("population", ascending=False).head(max_labels)
    names = top["name"].astype("string")
    if lang == "de" and "name_de" in top.columns:
        names = top["name_de"].astype("string").fillna(names).mask(lambda s: s == "", names)
    pop = pd.to_numeric(top["population"], errors="coerce").fillna(0).to_numpy()
    return {
        "type": "scattermap",
        "lon": top["lon"].to_numpy(),
        "lat": top["lat"].to_numpy(),
        # Text is safe offline: with no "glyphs" URL in the style, MapLibre draws letters
        # with the browser's own fonts (checked in headless Chromium: no request made).
        "mode": "markers+text",
        "text": [str(n) for n in names],
        "textposition": "top right",
        "textfont": {"size": 11, "color": theme_colours(theme)["text"]},
        "marker": {
            "size": 3 + np.clip(np.log10(np.maximum(pop, 1)) - 4, 0, 3) * 1.5,
            "color": theme_colours(theme)["muted"],
            "opacity": 0.8,
        },
        "hovertext": [html.escape(str(n)) for n in names],
        "hoverinfo": "text",
        "showlegend": False,
        "below": "",
        "meta": {"role": "basemap", "kind": "places"},
    }


def _alerts_trace(alert_hours, admin1, lang: str, t: Translate, offline: bool) -> dict | None:
    if alert_hours is None or len(alert_hours) == 0 or admin1 is None or len(admin1) == 0:
        return None
    hours = alert_hours.groupby("admin1", observed=True)["hours"].sum()
    hours = hours[hours.index.isin(set(admin1["iso_3166_2"]))]
    names = admin1.set_index("iso_3166_2")[f"name_{lang}" if lang == "de" else "name_en"]
    title = t("alerts.hours")
    hover = [
        f"<b>{html.escape(str(names.get(code, code)))}</b><br>{title}: {fmt_number(h, lang, 1)}"
        for code, h in hours.items()
    ]
    trace = {
        "type": "choroplethmap",
        "geojson": features_geojson(admin1, "iso_3166_2"),
        "featureidkey": "properties.id",
        "locations": [str(c) for c in hours.index],
        "z": hours.to_numpy(dtype=float),
        "colorscale": ALERT_COLOURSCALE,
        "marker": {"opacity": 0.6, "line": {"width": 0}},
        "hovertext": hover,
        "hoverinfo": "text",
        "name": title,
        "colorbar": {
            "title": {"text": title, "side": "top"},
            "orientation": "h",
            "x": 0.5,
            "y": 1.0,
            "yanchor": "top",
            "len": 0.6,
            "thickness": 10,
        },
        "meta": {"role": "alerts", "kind": "alert_hours"},
    }
    if offline:
        trace["below"] = ALERTS_ANCHOR  # above the land, under the territory layers
    return trace


def build_map(
    *,
    events,
    territory,
    gained,
    lost,
    admin1,
    countries,
    labels,
    alert_hours=None,
    lang: str = "en",
    theme: str = "light",
    basemap: str = OFFLINE,
    center=None,
    zoom: float | None = None,
    selected_regions: Iterable[str] = (),
    t: Translate = lambda key: key,
    event_data: list[dict] | None = None,
) -> dict:
    """The map figure: territory at the end of the period, its changes, and events.

    Parameters
    ----------
    events : GeoDataFrame in the canonical event schema, already filtered (or None).
    territory : ``{layer: geometry}`` for russian_held, unknown_status, ua_held_in_russia,
        unknown_in_russia (any may be missing or empty).
    gained, lost : ground gained / lost by the Russian-held layer during the period.
    admin1, countries : region and country polygons (``iso_3166_2`` / ``iso_a3``, names).
    labels : places (``name``, ``name_de``, ``lat``, ``lon``, ``population``); offline only.
    alert_hours : optional DataFrame (``admin1``, ``hours``): oblasts shaded by alert hours.
    basemap : ``"offline"`` (no network request at all) or a MapLibre style name such as
        ``"carto-positron"``, which loads tiles from that provider.
    center : ``(lat, lon)``; default :data:`DEFAULT_CENTER`. ``zoom`` default 5.
    selected_regions : ISO 3166-2 codes drawn with a thick outline.
    t : the app's translation function; every visible string goes through it.
    event_data : event traces already built (e.g. bins from the column store); when given,
        ``events`` is not used.

    Returns
    -------
    dict ``{"data", "layout"}`` with ``layout.map.layers`` in :data:`LAYER_ORDER` and traces
    ordered basemap, alerts, then one slot per kind of :data:`TRACE_ORDER`
    (:func:`event_slots`). ``uirevision`` is constant so user pan and zoom survive updates.
    """
    colours = theme_colours(theme)
    offline = basemap in (None, "", OFFLINE)
    layers = map_layers(territory, gained, lost, admin1, countries, selected_regions, theme, zoom)
    for layer in layers:
        if offline:
            land = layer["name"] == "countries.fill"
            layer["below"] = LAND_ANCHOR if land else OVERLAY_ANCHOR
        elif layer["name"].startswith("countries."):
            # Online tiles draw land and borders themselves.
            layer["visible"] = False
    traces = []
    if offline:
        traces.append(_labels_trace(labels, lang, theme))
    traces.append(_alerts_trace(alert_hours, admin1, lang, t, offline))
    if event_data is None:
        event_data = event_traces(events, lang, t, zoom)
    traces += event_slots(event_data)
    lat, lon = center or DEFAULT_CENTER
    layout = {
        "map": {
            "style": offline_style(theme) if offline else basemap,
            "center": {"lat": lat, "lon": lon},
            "zoom": DEFAULT_ZOOM if zoom is None else zoom,
            "layers": layers,
            "uirevision": "frontline-map",
        },
        "uirevision": "frontline-map",
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": colours["paper"],
        "font": {"color": colours["text"]},
        "hoverlabel": {"namelength": -1},
        "showlegend": True,
        # Horizontal and inside the map: wraps onto several rows on a 360 px phone.
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 0,
            "yanchor": "bottom",
            "bgcolor": _translucent(colours["paper"]),
            "font": {"size": 11},
            "itemsizing": "constant",
        },
    }
    return {"data": [tr for tr in traces if tr is not None], "layout": layout}


def _translucent(hex_colour: str, alpha: float = 0.8) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"
