"""A view of the map as a picture (PNG or SVG), drawn with GeoPandas' plotting on matplotlib.

For ``/api/v1/map.png|.svg``, the embed's first paint, ``og:image`` and print. The same
colours as the interactive map (:mod:`dashboard.figures.palette`), drawn in Web Mercator
like the interactive map; what goes inside the map frame is in
:mod:`dashboard.figures.static_content` (with the scale bar, measured on the ellipsoid).

Layout, top to bottom: the title and the km² line, the map with the key beside it (below it
on narrow pictures, so it never covers the front), and the attribution line. Place labels
come from :func:`geo.labels.choose_labels` for the exact view drawn.

Rendering is deterministic (SVG: fixed ``svg.hashsalt``, no date; text kept as text) and
holds no cache: the caller caches pictures by data version and view. matplotlib keeps
global state (rcParams, font caches), so renders are serialised by a lock.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Mapping, Sequence

import pandas as pd
import shapely

from dashboard.figures.legend import KeyItem
from dashboard.figures.palette import theme_colours
from dashboard.figures.static_content import (
    MapView,
    draw_areas,
    draw_events,
    draw_labels,
    draw_scale,
    draw_settlements,
    scale_bar,
)
from geo.labels import LANGS

__all__ = ["FORMATS", "MapView", "render_map", "scale_bar"]

FORMATS = ("png", "svg")
LAYER_NAMES = (
    "russian_held",
    "unknown_status",
    "ua_held_in_russia",
    "unknown_in_russia",
    "gained",
    "lost",
    "admin1",
    "selected",
)
_LOCK = threading.Lock()
_SVG_SALT = "frontline-map"


def render_map(
    layers: Mapping[str, shapely.Geometry | None],
    events: pd.DataFrame | None,
    *,
    bbox,
    lang: str,
    theme: str,
    title: str,
    subtitle: str = "",
    key_items: Sequence[KeyItem] = (),
    attribution: str = "",
    basemap=None,
    places: pd.DataFrame | None = None,
    settlements: pd.DataFrame | None = None,
    scale: bool = True,
    fmt: str = "png",
    width_px: int = 1200,
    height_px: int = 800,
    dpi: int = 100,
) -> bytes:
    """Draw a view of the map as PNG or SVG bytes.

    Parameters
    ----------
    layers : ``{name: shapely geometry in EPSG:4326}`` for any of ``russian_held``,
        ``unknown_status``, ``ua_held_in_russia``, ``unknown_in_russia``, ``gained``,
        ``lost`` (areas), ``admin1`` (region borders: lines or polygons) and ``selected``
        (the regions of the view, outlined). None or empty entries are skipped.
    events : DataFrame with ``lon``, ``lat``, ``event_type`` (or None).
    bbox : (west, south, east, north) in degrees: the part of the map to show; widened to
        the picture's shape.
    lang : "en" or "de": the language of the place labels.
    theme : "light" or "dark".
    title, subtitle : the heading and the line under it (the period's km² figures).
    key_items : from :func:`dashboard.figures.legend.key_items`.
    attribution : the source and licence line at the bottom.
    basemap : GeoDataFrame of ``data/basemap.parquet`` (``kind``, ``min_zoom``,
        ``max_zoom``, geometry), or None for a plain background.
    places : the gazetteer table, or None for no place labels.
    settlements : the settlements that changed hands, with ``lon``, ``lat``, ``colour``
        (of the outcome) and ``name`` (in ``lang``), or None.
    scale : draw a scale bar.
    fmt : "png" or "svg".
    width_px, height_px, dpi : the picture's size in pixels; ``dpi`` only sets the
        physical size written into the file (and so the points-per-pixel of the text).

    Returns
    -------
    bytes of the PNG or SVG file.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if lang not in LANGS:
        raise ValueError(f"lang: expected one of {', '.join(LANGS)}, got {lang!r}")
    unknown = sorted(set(layers) - set(LAYER_NAMES))
    if unknown:
        raise ValueError(f"layers: unknown names {unknown}; expected some of {list(LAYER_NAMES)}")
    for name, value in (("width_px", width_px), ("height_px", height_px), ("dpi", dpi)):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{name}: expected a positive whole number, got {value!r}")
    if width_px < 240 or height_px < 200:
        raise ValueError(f"size: expected at least 240 x 200 px, got {width_px} x {height_px}")
    colours = theme_colours(theme)
    with _LOCK:
        mpl = _matplotlib()
        with mpl["rc_context"]({"svg.hashsalt": _SVG_SALT, "svg.fonttype": "none"}):
            fig = _draw(
                mpl,
                layers,
                events,
                bbox=bbox,
                lang=lang,
                colours=colours,
                theme=theme,
                title=title,
                subtitle=subtitle,
                key_items=key_items,
                attribution=attribution,
                basemap=basemap,
                places=places,
                settlements=settlements,
                scale=scale,
                size=(width_px, height_px),
                dpi=dpi,
                fmt=fmt,
            )
            out = io.BytesIO()
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(out, format=fmt, dpi=dpi, facecolor=colours["paper"], metadata=metadata)
    return out.getvalue()


def _matplotlib() -> dict:
    """matplotlib on the Agg backend, imported on first use (it takes ~0.3 s to import and
    nothing else in the app needs it)."""
    import matplotlib

    # GeoPandas' plotting imports pyplot, which would otherwise look for a GUI toolkit.
    matplotlib.use("Agg")
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    class Canvas(FigureCanvasAgg):
        # GeoPandas asks for a redraw after every layer it plots; one draw, when the
        # picture is saved, is enough.
        def draw_idle(self, *args, **kwargs):
            pass

    return {
        "Figure": Figure,
        "Canvas": Canvas,
        "Line2D": Line2D,
        "Patch": Patch,
        "Rectangle": Rectangle,
        "patheffects": patheffects,
        "rc_context": matplotlib.rc_context,
    }


# -- layout ------------------------------------------------------------------------------

_MARGIN = 16
_TITLE_PX, _SUBTITLE_PX, _ATTRIBUTION_PX, _KEY_PX = 22, 15, 11, 13
_LINE = 1.25  # line height, in font sizes
_KEY_SPACING = 0.55  # between key entries, in font sizes
_HANDLE_PX = 40  # a key entry's swatch and the gap after it


def _wrap(text: str, width_px: float, font_px: float, em: float = 0.6) -> list[str]:
    """``text`` in lines that fit ``width_px`` (DejaVu Sans: ~0.6 em a character, ~0.66
    in bold)."""
    return textwrap.wrap(text, max(8, int(width_px / (em * font_px)))) if text else []


def _layout(width: int, height: int, title: str, subtitle: str, attribution: str, keys) -> dict:
    """Where everything goes: the wrapped texts and the pixel boxes (x, y from the
    bottom, w, h) of the map and the key. Wide pictures get the key in a column right of
    the map, narrow ones in two columns under it; it never overlaps the map."""
    inner = width - 2 * _MARGIN
    out = {
        "title": _wrap(title, inner, _TITLE_PX, 0.66),
        "subtitle": _wrap(subtitle, inner, _SUBTITLE_PX),
        "attribution": _wrap(attribution, inner, _ATTRIBUTION_PX),
    }
    top = _MARGIN + len(out["title"]) * _TITLE_PX * _LINE + 6
    top += len(out["subtitle"]) * _SUBTITLE_PX * _LINE + 8
    bottom = _MARGIN + len(out["attribution"]) * _ATTRIBUTION_PX * _LINE + 8
    wide = width >= 720
    columns = 1 if wide else 2
    key_w = min(280, int(width * 0.25)) if wide else inner
    labels = ["\n".join(_wrap(k, key_w / columns - _HANDLE_PX, _KEY_PX)) for k in keys]
    out["key_labels"], out["key_columns"] = labels, columns
    # matplotlib fills a key of several columns column by column.
    per_column = math.ceil(len(labels) / columns) if labels else 0
    heights = [(label.count("\n") + 1 + _KEY_SPACING) * _KEY_PX * 1.2 for label in labels]
    key_h = max(
        (sum(heights[c * per_column : (c + 1) * per_column]) for c in range(columns)), default=0
    )
    if wide and labels:
        out["map"] = (_MARGIN, bottom, width - 3 * _MARGIN - key_w, height - top - bottom)
        out["key"] = (width - _MARGIN - key_w, bottom, key_w, height - top - bottom)
    else:
        # The key, then a gap of 10 px above it.
        key_h = key_h + 4 if labels else 0
        gap = 10 if labels else 0
        out["map"] = (_MARGIN, bottom + key_h + gap, inner, height - top - bottom - key_h - gap)
        out["key"] = (_MARGIN, bottom, inner, key_h)
    out["top"] = top
    return out


def _draw(
    mpl,
    layers,
    events,
    *,
    bbox,
    lang,
    colours,
    theme,
    title,
    subtitle,
    key_items,
    attribution,
    basemap,
    places,
    settlements,
    scale,
    size,
    dpi,
    fmt,
):
    width, height = size
    pt = 72.0 / dpi  # points per pixel
    fig = mpl["Figure"](figsize=(width / dpi, height / dpi), dpi=dpi)
    mpl["Canvas"](fig)
    fig.patch.set_facecolor(colours["paper"])
    box = _layout(width, height, title, subtitle, attribution, [k.label for k in key_items])
    mx, my, mw, mh = box["map"]
    if mw < 100 or mh < 100:
        raise ValueError(f"size: {width} x {height} px leaves no room for the map")
    view = MapView(bbox, int(mw), int(mh))
    view.detail_px = 1.0 if fmt == "svg" else 0.5
    ax = fig.add_axes((mx / width, my / height, mw / width, mh / height))
    ax.set_axis_off()
    ax.set_xlim(view.extent[0], view.extent[2])
    ax.set_ylim(view.extent[1], view.extent[3])
    ax.add_patch(
        mpl["Rectangle"](
            (0, 0),
            1,
            1,
            transform=ax.transAxes,
            facecolor=colours["background"],
            edgecolor="none",
            zorder=0,
        )
    )
    draw_areas(ax, layers, basemap, view, colours)
    draw_events(ax, events, view, colours, pt)
    if places is not None and len(places):
        draw_labels(ax, mpl, places, view, lang, colours, pt)
    draw_settlements(ax, settlements, view, colours, pt)
    ax.add_patch(
        mpl["Rectangle"](
            (0, 0),
            1,
            1,
            transform=ax.transAxes,
            facecolor="none",
            edgecolor=colours["muted"],
            linewidth=0.8 * pt,
            zorder=20,
        )
    )
    if scale:
        draw_scale(ax, mpl, view, colours, pt)
    _draw_key(fig, mpl, key_items, box, size, colours, pt)
    y = _MARGIN
    for lines, font_px, extra in (
        (box["title"], _TITLE_PX, {"fontweight": "bold"}),
        (box["subtitle"], _SUBTITLE_PX, {}),
    ):
        if lines:
            fig.text(
                _MARGIN / width,
                1 - y / height,
                "\n".join(lines),
                ha="left",
                va="top",
                fontsize=font_px * pt,
                color=colours["text"],
                linespacing=1.15,
                **extra,
            )
            y += len(lines) * font_px * _LINE + 6
    if box["attribution"]:
        fig.text(
            _MARGIN / width,
            _MARGIN / height,
            "\n".join(box["attribution"]),
            ha="left",
            va="bottom",
            fontsize=_ATTRIBUTION_PX * pt,
            color=colours["muted"],
            linespacing=1.15,
        )
    return fig


def _draw_key(fig, mpl, items, box, size, colours, pt) -> None:
    if not items:
        return
    width, height = size
    kx, ky, _, kh = box["key"]
    handles = []
    for item in items:
        if item.kind in ("area", "change"):
            handles.append(
                mpl["Patch"](
                    facecolor=item.face,
                    edgecolor=item.halo or item.edge,
                    linewidth=(2.5 if item.halo else 1.0) * pt,
                )
            )
        elif item.kind == "line":
            handles.append(mpl["Line2D"]([], [], color=item.edge, linewidth=2.0 * pt))
        else:
            handles.append(
                mpl["Line2D"](
                    [],
                    [],
                    marker="o",
                    linestyle="none",
                    markersize=7 * pt,
                    markerfacecolor=item.face,
                    markeredgecolor=colours["paper"],
                )
            )
    fig.legend(
        handles,
        box["key_labels"],
        loc="upper left",
        bbox_to_anchor=(kx / width, (ky + kh) / height),
        ncols=box["key_columns"],
        frameon=False,
        fontsize=_KEY_PX * pt,
        labelcolor=colours["text"],
        handlelength=1.6,
        handleheight=1.0,
        borderaxespad=0,
        borderpad=0,
        labelspacing=_KEY_SPACING,
        columnspacing=1.4,
    )
