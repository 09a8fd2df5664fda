"""Pure figure builders: data in, ``go.Figure`` (or plain dicts) out.

No callbacks, no layout, no data loading and no I/O here, so every builder can be tested
without a server or a browser.
"""

from dashboard.figures.geometry import display_geojson
from dashboard.figures.map import (
    LAYER_ORDER,
    TRACE_ORDER,
    bins_trace,
    build_map,
    event_traces,
    layer_index,
    layer_sources,
    map_layers,
)
from dashboard.figures.palette import EVENT_TYPE_COLOURS, LAYER_STYLE, OTHER_COLOUR, THEMES
from dashboard.figures.timeline import build_timeline

__all__ = [
    "EVENT_TYPE_COLOURS",
    "LAYER_ORDER",
    "LAYER_STYLE",
    "OTHER_COLOUR",
    "THEMES",
    "TRACE_ORDER",
    "bins_trace",
    "build_map",
    "build_timeline",
    "display_geojson",
    "event_traces",
    "layer_index",
    "layer_sources",
    "map_layers",
]
