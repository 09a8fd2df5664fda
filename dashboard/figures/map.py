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

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from dashboard.figures.events import TRACE_ORDER, bins_trace, event_slots, event_traces
from dashboard.figures.geometry import (
    ALERTS_ANCHOR,
    LAND_ANCHOR,
    LAYER_ORDER,
    OVERLAY_ANCHOR,
    features_geojson,
    layer_index,
    layer_sources,
    map_layers,
    offline_style,
)
from dashboard.figures.palette import ALERT_COLOURSCALE, theme_colours
from dashboard.formatting import fmt_number, hover_text

__all__ = [
    "DEFAULT_CENTER",
    "DEFAULT_ZOOM",
    "LAYER_ORDER",
    "OFFLINE",
    "TRACE_ORDER",
    "bins_trace",
    "build_map",
    "event_slots",
    "event_traces",
    "layer_index",
    "layer_sources",
    "map_layers",
    "offline_style",
]

DEFAULT_CENTER = (48.5, 34.5)  # (lat, lon): Ukraine and western Russia
DEFAULT_ZOOM = 5.0
OFFLINE = "offline"

Translate = Callable[[str], str]


_label_traces: dict = {}


def _labels_trace(labels, lang: str, theme: str, max_labels: int = 80) -> dict | None:
    if labels is None or len(labels) == 0:
        return None
    # The same few places on every map: built once per table, language and theme (the
    # entry keeps its table, so the id cannot be reused by another one).
    key = (id(labels), lang, theme, max_labels)
    hit = _label_traces.get(key)
    if hit is not None and hit[0] is labels:
        return hit[1]
    trace = _build_labels_trace(labels, lang, theme, max_labels)
    if len(_label_traces) > 32:
        _label_traces.clear()
    _label_traces[key] = (labels, trace)
    return trace


def _build_labels_trace(labels, lang: str, theme: str, max_labels: int) -> dict:
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
        "hovertext": [hover_text(str(n)) for n in names],
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
        f"<b>{hover_text(str(names.get(code, code)))}</b><br>{title}: {fmt_number(h, lang, 1)}"
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
        event_data = event_traces(events, lang, t)
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
