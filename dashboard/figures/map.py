"""The event and front-line map: Plotly MapLibre (``layout.map``), offline by default.

Drawing order, bottom to top: sea background, land (1:10m in the region, 1:110m around it),
lakes and coasts, air-raid alert shading, territory fills, the period's gains and losses
(halo, fill, outline), borders, front line, selected regions, place labels, the period's km²
label, events. Areas (territory, changes, borders) are ``layout.map.layers`` in the fixed order of
:data:`LAYER_ORDER`, so playback can replace one layer's ``source`` in place; events are
traces (see :func:`event_traces`), so playback can replace them without touching the layers.

Offline basemap: a style dict with no sources, no glyphs and no sprite, so the browser makes
no request at all. Without a "glyphs" URL MapLibre draws place names with the browser's
local fonts, so labels need no font server either (checked in headless Chromium).

Figures are plain dicts (``{"data": [...], "layout": {...}}``), not ``go.Figure``: Plotly's
property validation and JSON encoding of graph objects cost ~100 ms per map at 20,000
points, while a dict of numpy arrays and lists is serialised by orjson in a few ms. Tests
validate the dicts by loading them into ``go.Figure``.
"""

from __future__ import annotations

from collections.abc import Callable

from dashboard.figures.events import TRACE_ORDER, bins_trace, event_slots, event_traces
from dashboard.figures.geometry import (
    ALERTS_ANCHOR,
    LAYER_ORDER,
    features_geojson,
    layer_below,
    layer_index,
    layer_sources,
    map_layers,
    offline_style,
)
from dashboard.figures.palette import ALERT_COLOURSCALE, theme_colours
from dashboard.figures.settlements import settlement_trace
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


#: Layers the online tile styles draw themselves (land, water, borders, place names).
_OFFLINE_ONLY = ("countries.", "land.", "lake.", "coast.", "border.", "places.")


def build_map(
    *,
    events,
    territory,
    gained,
    lost,
    base,
    admin1=None,
    labels=None,
    selected=None,
    change_label: dict | None = None,
    alert_hours=None,
    lang: str = "en",
    theme: str = "light",
    basemap: str = OFFLINE,
    center=None,
    zoom: float | None = None,
    t: Translate = lambda key: key,
    event_data: list[dict] | None = None,
    uirevision: str = "frontline-map",
    settlements: dict | None = None,
) -> dict:
    """The map figure: territory at the end of the period, its changes, and events.

    Parameters
    ----------
    events : events in the canonical schema or compact rows, already filtered (or None).
    territory : ``{layer: geometry}`` for russian_held, unknown_status, ua_held_in_russia,
        unknown_in_russia (any may be missing or empty).
    gained, lost : ground gained / lost by the Russian-held layer during the period.
    base : :class:`dashboard.figures.basemap.BaseGeometry` (land, lakes, coasts, borders).
    admin1 : the admin-1 table (for the alert shading), or None.
    labels : place label sources by tier (:func:`dashboard.figures.basemap.label_sources`).
    selected : the selected regions' geometry (drawn with a thick outline), or None.
    change_label : ``{"lon", "lat", "text"}``: the period's km² beside the gained ground.
    basemap : ``"offline"`` (no network request at all) or a MapLibre style name such as
        ``"carto-positron"``, which loads tiles from that provider.
    center : ``(lat, lon)``; default :data:`DEFAULT_CENTER`. ``zoom`` default 5.
    t : the app's translation function; every visible string goes through it.
    event_data : event traces already built (e.g. bins from the column store); when given,
        ``events`` is not used.
    uirevision : the camera a reader moved is kept while this stays the same; a new value
        (another region chosen, a story opened) moves the map to ``center``/``zoom``.
    settlements : the settlements that changed hands in the period
        (:func:`dashboard.view_settlements.view_settlements`), drawn above the areas.

    Returns
    -------
    dict ``{"data", "layout"}`` with ``layout.map.layers`` in :data:`LAYER_ORDER` and traces
    ordered alerts, then one slot per kind of :data:`TRACE_ORDER` (:func:`event_slots`).
    The key and the scale bar are the page's (HTML beside the map), not Plotly's legend.
    """
    colours = theme_colours(theme)
    offline = basemap in (None, "", OFFLINE)
    attribution = {"front": t("credit.front"), "boundaries": t("credit.boundaries")}
    layers = map_layers(territory, gained, lost, base, labels=labels, selected=selected,
                        change_label=change_label, theme=theme, zoom=zoom,
                        attribution=attribution)  # fmt: skip
    for layer in layers:
        if offline:
            layer["below"] = layer_below(layer["name"])
        elif layer["name"].startswith(_OFFLINE_ONLY):
            layer["visible"] = False
    traces = [_alerts_trace(alert_hours, admin1, lang, t, offline),
              settlement_trace(settlements, lang, t)]  # fmt: skip
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
            "uirevision": uirevision,
        },
        "uirevision": uirevision,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": colours["paper"],
        "font": {"color": colours["text"]},
        "hoverlabel": {"namelength": -1},
        "showlegend": False,
    }
    return {"data": [tr for tr in traces if tr is not None], "layout": layout}


def _translucent(hex_colour: str, alpha: float = 0.8) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"
