"""The map key: which areas, lines and event types a picture shows, in their colours.

The colours come from :mod:`dashboard.figures.palette`, the same as the interactive map.
The wording does not live here: the caller passes the words by their keys in
:mod:`dashboard.i18n` (``"layer.russian_held"``, ``"type.Battles"``, ...), so that every UI
string stays in one place.

The period's gained and lost ground is drawn with a halo in :data:`CHANGE_HALO`, the
Okabe-Ito yellow that no event type uses, so that a thin strip of change stands out
against the held areas and the event dots at any zoom.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import shapely

from dashboard.figures.palette import (
    CHANGE_HALO,
    EVENT_TYPE_COLOURS,
    LAYER_STYLE,
    OTHER_COLOUR,
    theme_colours,
)
from dashboard.figures.settlements import SETTLEMENT_COLOURS

__all__ = [
    "AREA_LAYERS",
    "CHANGE_HALO",
    "CHANGE_LAYERS",
    "KeyItem",
    "key_items",
    "rgba",
    "words_needed",
]

AREA_LAYERS = ("russian_held", "unknown_status", "ua_held_in_russia", "unknown_in_russia")
CHANGE_LAYERS = ("gained", "lost")
#: Lines that get a key entry when shown: the front (outline of the held areas) and the
#: regions the view is about.
LINE_KEYS = ("key.front_line", "key.selected")

_RGBA = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)")


def rgba(colour: str) -> tuple[float, float, float, float]:
    """A CSS colour (``#rrggbb`` or ``rgb[a](r, g, b[, a])``) as a 0-1 RGBA tuple."""
    text = colour.strip()
    if text.startswith("#") and len(text) == 7:
        return (*(int(text[i : i + 2], 16) / 255 for i in (1, 3, 5)), 1.0)
    match = _RGBA.fullmatch(text)
    if not match:
        raise ValueError(f"colour: expected '#rrggbb' or 'rgba(r, g, b, a)', got {colour!r}")
    r, g, b, a = match.groups()
    return (float(r) / 255, float(g) / 255, float(b) / 255, float(a) if a is not None else 1.0)


@dataclass(frozen=True)
class KeyItem:
    """One entry of the key.

    ``kind`` is ``"area"`` (a filled square), ``"change"`` (a filled square with the
    halo), ``"line"`` or ``"point"``; colours are 0-1 RGBA tuples.
    """

    key: str
    label: str
    kind: str
    face: tuple[float, float, float, float]
    edge: tuple[float, float, float, float]
    halo: tuple[float, float, float, float] | None = None


def words_needed(
    layers: Iterable[str] = (), event_types: Iterable[str] = (), outcomes: Iterable[str] = ()
) -> list[str]:
    """The i18n keys :func:`key_items` needs for these layers, event types and settlement
    outcomes."""
    keys = [f"layer.{name}" for name in (*AREA_LAYERS, *CHANGE_LAYERS) if name in set(layers)]
    if set(layers) & {"russian_held", "ua_held_in_russia"}:
        keys.append("key.front_line")
    if "selected" in set(layers):
        keys.append("key.selected")
    keys += [_type_key(t) for t in _event_types(event_types)]
    keys += [f"settlements.{o}" for o in _outcomes(outcomes)]
    return list(dict.fromkeys(keys))


def key_items(
    layers: Mapping[str, object] | Iterable[str],
    event_types: Iterable[str],
    words: Mapping[str, str],
    *,
    theme: str = "light",
    bbox=None,
    outcomes: Iterable[str] = (),
) -> list[KeyItem]:
    """Key entries for every area, line and event type a picture shows.

    Parameters
    ----------
    layers : the picture's layers ``{name: geometry}`` (entries that are None or empty
        are not shown, so they get no entry) or just the names shown.
    event_types : the event types of the events shown (repeats are fine); types outside
        the six of :data:`~dashboard.figures.palette.EVENT_TYPE_COLOURS` share the
        entry ``"type.other"``.
    words : the wording by i18n key, see :func:`words_needed`.
    theme : "light" or "dark" (the colour of the selected-region outline).
    bbox : (west, south, east, north) of the view: layers given as geometries that do
        not reach into it get no entry. Pass the event types of the events in view.
    outcomes : the outcomes of the settlements shown (``to_ru``, ``contested``, ...), in
        the order of :data:`dashboard.figures.settlements.SETTLEMENT_COLOURS`.

    Returns
    -------
    list of :class:`KeyItem`: areas, then gained/lost, then lines, then event types in
    the fixed order of the palette.

    Raises
    ------
    ValueError
        naming the keys missing from ``words``.
    """
    shown = _shown(layers, bbox)
    needed = words_needed(shown, event_types, outcomes)
    missing = [k for k in needed if not words.get(k)]
    if missing:
        raise ValueError(f"words: missing the wording for {missing}; got keys {sorted(words)}")
    items = []
    for name in AREA_LAYERS:
        if name in shown:
            style = LAYER_STYLE[name]
            items.append(
                KeyItem(
                    name, words[f"layer.{name}"], "area", rgba(style["fill"]), rgba(style["line"])
                )
            )
    for name in CHANGE_LAYERS:
        if name in shown:
            style = LAYER_STYLE[name]
            items.append(
                KeyItem(
                    name,
                    words[f"layer.{name}"],
                    "change",
                    rgba(style["fill"]),
                    rgba(style["line"]),
                    rgba(CHANGE_HALO),
                )
            )
    if "key.front_line" in needed:
        line = rgba(LAYER_STYLE["russian_held"]["line"])
        items.append(KeyItem("front_line", words["key.front_line"], "line", line, line))
    if "key.selected" in needed:
        line = rgba(theme_colours(theme)["selected_line"])
        items.append(KeyItem("selected", words["key.selected"], "line", line, line))
    for event_type in _event_types(event_types):
        colour = rgba(EVENT_TYPE_COLOURS.get(event_type, OTHER_COLOUR))
        items.append(
            KeyItem(_type_key(event_type), words[_type_key(event_type)], "point", colour, colour)
        )
    for outcome in _outcomes(outcomes):
        colour = rgba(SETTLEMENT_COLOURS[outcome])
        key = f"settlements.{outcome}"
        items.append(KeyItem(f"settlement.{outcome}", words[key], "point", colour, colour))
    return items


def _outcomes(outcomes: Iterable[str]) -> list[str]:
    """The settlement outcomes given, in the key's fixed order."""
    given = set(outcomes)
    return [o for o in SETTLEMENT_COLOURS if o in given]


def _shown(layers, bbox=None) -> set[str]:
    if not isinstance(layers, Mapping):
        return set(layers)
    view = shapely.box(*bbox) if bbox is not None else None
    shown = set()
    for name, geom in layers.items():
        if geom is None or (isinstance(geom, shapely.Geometry) and geom.is_empty):
            continue
        outside = view is not None and isinstance(geom, shapely.Geometry)
        if outside and not shapely.intersects(view, geom):
            continue
        shown.add(name)
    return shown


def _event_types(event_types: Iterable[str]) -> list[str]:
    """Distinct types in the palette's order; all other types become ``"other"``."""
    seen = {str(t) for t in event_types if t is not None and t == t}
    ordered = [t for t in EVENT_TYPE_COLOURS if t in seen]
    if seen - set(EVENT_TYPE_COLOURS):
        ordered.append("other")
    return ordered


def _type_key(event_type: str) -> str:
    return f"type.{event_type}"
