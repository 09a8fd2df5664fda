"""``/api/v1/territory/settlements.csv`` and ``.geojson``: the settlements that changed hands
in the view's period and regions (:func:`geo.measures.settlements`).

Parameters: the view's ``from``, ``to`` (required), ``regions`` and ``lang`` (the language of
``name`` and ``region_name``); the view's other parameters are accepted and ignored. The
GeoJSON is RFC 7946 points with a top-level ``provenance`` and the period's ``summary``
(counts per outcome), ``snapshots`` and ``source``; the CSV has the same places, one row
each, with the provenance in ``X-Attribution`` (see :func:`dashboard.api_measures.answer`).
"""

from __future__ import annotations

from dashboard.api_measures import answer
from geo import measures

__all__ = ["add_routes", "settlements_geojson"]

_SOURCES = ("deepstate", "naturalearth", "geonames")


def _compute(data, p) -> dict:
    return measures.settlements(data, p["from"], p["to"], p.get("regions"),
                                p.get("lang") or "en")  # fmt: skip


def settlements_geojson(result: dict, prov: dict) -> dict:
    """:func:`geo.measures.settlements` as an RFC 7946 FeatureCollection of points."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
            "properties": {k: v for k, v in place.items() if k not in ("lon", "lat")},
        }
        for place in result["places"]
    ]
    head = {k: v for k, v in result.items() if k != "places"}
    return {"type": "FeatureCollection", "provenance": prov, **head, "features": features}


def add_routes(api, tools) -> None:
    """Add the settlements routes to the ``/api/v1`` blueprint."""
    for fmt in ("csv", "geojson"):

        def view(fmt=fmt):
            return answer(tools, "settlements", fmt, compute=_compute,
                          rows=lambda r: r["places"], fields=measures.PLACE_FIELDS,
                          sources=_SOURCES, geojson=settlements_geojson)  # fmt: skip

        api.add_url_rule(f"/territory/settlements.{fmt}", f"settlements_{fmt}", view)
