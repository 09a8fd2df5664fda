"""Colours for maps and charts: the Okabe–Ito palette, which stays distinguishable for the
common forms of colour blindness, plus the two page themes.

Event types keep the same colour everywhere (map points, timeline bars, legends), so a reader
learns them once.
"""

from __future__ import annotations

__all__ = [
    "ALERT_COLOURSCALE",
    "BINS_COLOURSCALE",
    "CHANGE_HALO",
    "EVENT_TYPE_COLOURS",
    "LAYER_STYLE",
    "OTHER_COLOUR",
    "THEMES",
    "THEME_COLOURS",
    "event_colour",
    "theme_colours",
]

THEMES = ("light", "dark")

# Okabe & Ito (2008), "Color Universal Design".
_ORANGE = "#E69F00"
_SKY_BLUE = "#56B4E9"
_BLUISH_GREEN = "#009E73"
_BLUE = "#0072B2"
_VERMILLION = "#D55E00"
_REDDISH_PURPLE = "#CC79A7"
_GREY = "#999999"

OTHER_COLOUR = _GREY

EVENT_TYPE_COLOURS: dict[str, str] = {
    "Battles": _VERMILLION,
    "Explosions/Remote violence": _ORANGE,
    "Violence against civilians": _REDDISH_PURPLE,
    "Protests": _SKY_BLUE,
    "Riots": _BLUISH_GREEN,
    "Strategic developments": _BLUE,
}

# Held ground is a light wash so that event points drawn on top stay readable; the period's
# changes are strong. Gained (dark vermillion, opaque) and lost (blue, lighter) differ in hue,
# lightness and opacity, so they never depend on telling red from green.
LAYER_STYLE: dict[str, dict[str, str]] = {
    "russian_held": {"fill": "rgba(213, 94, 0, 0.22)", "line": "rgba(168, 50, 0, 0.95)"},
    "unknown_status": {"fill": "rgba(128, 128, 128, 0.28)", "line": "rgba(100, 100, 100, 0.6)"},
    "ua_held_in_russia": {"fill": "rgba(0, 114, 178, 0.22)", "line": "rgba(0, 84, 140, 0.95)"},
    "unknown_in_russia": {"fill": "rgba(153, 153, 153, 0.22)", "line": "rgba(120, 120, 120, 0.6)"},
    "gained": {"fill": "rgba(150, 30, 0, 0.75)", "line": "rgba(110, 15, 0, 1)"},
    "lost": {"fill": "rgba(0, 114, 178, 0.5)", "line": "rgba(0, 70, 130, 1)"},
}

#: The halo of the period's gained and lost ground: Okabe & Ito's yellow, in no event type's
#: colour, light enough to glow on the dark theme and, under a dark outline, to stand out on
#: the light one.
CHANGE_HALO = "#F0E442"

#: Page colours per theme: map background (sea), land, borders, text, muted marks.
THEME_COLOURS: dict[str, dict[str, str]] = {
    "light": {
        "background": "#dfe8ef",
        "land": "#f7f6f2",
        "country_line": "#8c8c8c",
        "coast_line": "#8fa6b8",
        "admin1_line": "#b4b4b4",
        "selected_line": "#111111",
        "text": "#222222",
        "muted": "#555555",
        "paper": "#ffffff",
        "grid": "#e5e5e5",
    },
    "dark": {
        "background": "#10151b",
        "land": "#262a30",
        "country_line": "#8a8f96",
        "coast_line": "#4e6577",
        "admin1_line": "#555b63",
        "selected_line": "#f2f2f2",
        "text": "#e8e8e8",
        "muted": "#bbbbbb",
        "paper": "#181b20",
        "grid": "#33373d",
    },
}

# Sequential scales that read in grey-scale and for colour-blind readers.
BINS_COLOURSCALE = "Viridis"
ALERT_COLOURSCALE = "Purples"


def event_colour(event_type: str) -> str:
    """The colour of an event type; :data:`OTHER_COLOUR` for types outside the six."""
    return EVENT_TYPE_COLOURS.get(str(event_type), OTHER_COLOUR)


def theme_colours(theme: str) -> dict[str, str]:
    """Colours of ``theme`` ("light" or "dark"); raises ValueError naming the bad value."""
    if theme not in THEME_COLOURS:
        raise ValueError(f"theme: expected one of {', '.join(THEMES)}, got {theme!r}")
    return THEME_COLOURS[theme]
