"""The map's settlements layer: each place that changed hands in the period, as a square
in the colour of the side that took it, labelled with its name (up to :data:`MAX_LABELS`
places; beyond that the names are in the hover only, as a label on every square of a
year's captures would cover the front)."""

from __future__ import annotations

from collections.abc import Callable

from dashboard.formatting import fmt_date, hover_text

__all__ = ["MAX_LABELS", "SETTLEMENT_COLOURS", "settlement_colour", "settlement_name",
           "settlement_trace"]  # fmt: skip

MAX_LABELS = 40
#: By outcome: taken by Russia (the gained-ground red), by Ukraine (the lost-ground blue),
#: contested (changed sides back and forth within days: amber, no side claimed).
SETTLEMENT_COLOURS = {
    "to_ru": "#8c1b00",
    "to_ua": "#00508c",
    "contested": "#b06f00",
    "reverted": "#6b6b6b",
}


def settlement_name(place: dict, lang: str) -> str:
    """A settlement's name in ``lang``, else its English name."""
    return str(place.get(f"name_{lang}") or place.get("name") or place.get("name_en") or "")


def settlement_colour(outcome: str) -> str:
    """The colour of a settlement's outcome (grey for one without a colour of its own)."""
    return SETTLEMENT_COLOURS.get(outcome, "#6b6b6b")


def settlement_trace(settlements: dict | None, lang: str, t: Callable[[str], str]) -> dict | None:
    """A ``scattermap`` trace of ``settlements`` (:func:`dashboard.view_settlements.
    view_settlements`), or None when there is none to draw."""
    places = (settlements or {}).get("places") or []
    if not places:
        return None
    labelled = len(places) <= MAX_LABELS
    hover = []
    for p in places:
        lines = [f"<b>{hover_text(settlement_name(p, lang))}</b>"]
        region = p.get("region_name") or p.get("admin1")
        if region:
            lines.append(hover_text(str(region)))
        lines.append(t(f"settlements.{p['outcome']}"))
        if p.get("first_held"):
            lines.append(t("settlements.first_held") + ": " + fmt_date(p["first_held"], lang))
        if p.get("via_grey"):
            lines.append(t("settlements.via_grey"))
        hover.append("<br>".join(lines))
    return {
        "type": "scattermap",
        "lon": [round(float(p["lon"]), 5) for p in places],
        "lat": [round(float(p["lat"]), 5) for p in places],
        "mode": "markers+text" if labelled else "markers",
        "text": [settlement_name(p, lang) for p in places] if labelled else None,
        "textposition": "top right",
        "textfont": {"size": 12, "color": "#1a1a1a"},
        "marker": {
            "size": 10,
            "symbol": "circle",
            "color": [settlement_colour(p["outcome"]) for p in places],
        },
        "hovertext": hover,
        "hoverinfo": "text",
        "showlegend": False,
        "name": t("settlements.title"),
        "meta": {"role": "settlements", "kind": "settlements", "count": len(places)},
    }
