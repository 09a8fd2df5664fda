"""The map's key: every colour on the map, in the reader's language, beside the map.

Built per view from what the map draws (the area layers shown, the event types in view,
bins or markers), so it never lists what is not there. HTML, not Plotly's legend: the
areas are map layers, which a Plotly legend cannot show.
"""

from __future__ import annotations

from dash import html

from dashboard.figures.palette import (
    BINS_COLOURSCALE,
    CHANGE_HALO,
    EVENT_TYPE_COLOURS,
    LAYER_STYLE,
    OTHER_COLOUR,
    theme_colours,
)
from dashboard.figures.settlements import SETTLEMENT_COLOURS
from dashboard.i18n import STRINGS, t

__all__ = ["map_key"]

_AREAS = ("russian_held", "unknown_status", "ua_held_in_russia", "unknown_in_russia")


def _swatch(kind: str, style: dict) -> html.Span:
    return html.Span(className=f"swatch swatch-{kind}", style=style, **{"aria-hidden": "true"})


def _item(kind: str, style: dict, label: str) -> html.Li:
    return html.Li([_swatch(kind, style), html.Span(label)])


def map_key(state, view: dict, kinds: set[str], lang: str, theme: str) -> html.Details:
    """The key of the map for ``state``: areas at the end of the period, the period's
    gained and lost ground, the front line, the selected regions and the event marks in
    ``kinds`` (the event traces drawn: event types, ``region_level``, ``bins``)."""
    colours = theme_colours(theme)
    items = []
    if "territory" in state.layers:
        for layer in _AREAS:
            if (
                layer in view.get("snapshots", {})
                and not view["snapshots"][layer].geometry.is_empty
            ):
                style = LAYER_STYLE[layer]
                items.append(_item("area", {"background": style["fill"],
                                            "borderColor": style["line"]},
                                   t(f"layer.{layer}", lang)))  # fmt: skip
        if "russian_held" in view.get("snapshots", {}):
            items.append(_item("line", {"borderColor": LAYER_STYLE["russian_held"]["line"]},
                               t("key.front_line", lang)))  # fmt: skip
    change = view.get("change")
    if "changes" in state.layers and change is not None:
        for kind, km2 in (("gained", change.gained_km2), ("lost", change.lost_km2)):
            if km2 > 0:
                style = LAYER_STYLE[kind]
                items.append(_item("change", {"background": style["fill"],
                                              "borderColor": style["line"],
                                              "boxShadow": f"0 0 0 3px {CHANGE_HALO}"},
                                   t(f"layer.{kind}", lang)))  # fmt: skip
    if state.regions:
        items.append(_item("line", {"borderColor": colours["selected_line"]},
                           t("key.selected", lang)))  # fmt: skip
    for kind in (*EVENT_TYPE_COLOURS, "other"):
        if kind in kinds:
            key = f"type.{kind}"
            label = t(key, lang) if key in STRINGS else kind
            colour = EVENT_TYPE_COLOURS.get(kind, OTHER_COLOUR)
            items.append(_item("point", {"background": colour}, label))
    for outcome, colour in SETTLEMENT_COLOURS.items():
        if f"settlement.{outcome}" in kinds:
            items.append(_item("point", {"background": colour}, t(f"settlements.{outcome}", lang)))
    if "region_level" in kinds:
        items.append(_item("circle", {"background": "#6b6b6b"}, t("events.region_level", lang)))
    if "bins" in kinds:
        items.append(_item("bins", {}, t("events.bins", lang)))
    return html.Details(
        [html.Summary(t("key.title", lang)), html.Ul(items, className="key-items")],
        open=True,
        className=f"key key-scale-{BINS_COLOURSCALE.lower()}",
    )
