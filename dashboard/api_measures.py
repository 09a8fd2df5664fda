"""``/api/v1`` routes of the measures beyond km² (:mod:`geo.measures`): the front's length,
its speed, the figures per oblast and the distance from a place, as CSV and JSON.

- ``/territory/front.csv``, ``.json``: ``by`` (day, week, month);
- ``/territory/speed.json``, ``.csv``: ``regions``, ``windows`` (e.g. ``7,30``), ``source``;
- ``/territory/oblasts.csv``, ``.json``: ``by`` (week, month), ``regions``, ``layer``,
  ``source``, ``lang`` (of the region names);
- ``/distance.json``, ``.csv``: ``place`` (required), ``admin1``, ``country``, ``by``;

each besides ``from`` and ``to`` (required ISO dates, ``to`` exclusive).

The view's other parameters are accepted (an explorer URL's query string can be reused)
and checked, and otherwise ignored. The measures do not use events, so a browser session's
uploads play no part: every answer is public and cacheable. JSON bodies carry a top-level
``provenance`` (:func:`geo.export.provenance`, with ``data_as_of``); CSV bodies carry it in
``X-Attribution`` and ``X-Generated-At``, and every row names its snapshots and source
series. :func:`answer` is shared with :mod:`dashboard.api_settlements`.
"""

from __future__ import annotations

import csv
import io
import json

from dashboard.state import check_view_params
from geo import measures
from geo.errors import FrontlineError
from geo.export import neutralise_formula, provenance
from geo.query import Query

__all__ = ["add_routes", "answer", "csv_text"]

_MIME = {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}
#: Measures computed from DeepState's snapshots and the tables derived from them only.
_DEEPSTATE_ONLY = ("settlements", "front", "distance")


def csv_text(rows: list[dict], fields=None) -> str:
    """Rows as CSV text (header ``fields``, else the first row's keys), formula-looking
    cells neutralised as in every CSV Frontline writes."""
    fields = list(fields or (rows[0] if rows else ()))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise_formula(v) for k, v in row.items()})
    return out.getvalue()


def _ascii(text: str) -> str:
    # Header values are ASCII: the attribution's middle dots become semicolons.
    return text.replace(" · ", "; ").encode("ascii", "replace").decode()


def _checked(tools, name: str, extra) -> dict[str, str]:
    """The request's parameters, each checked: unknown names, the view's own parameters,
    the event filters (unused here, but a malformed one is still an error), from and to."""
    params = tools.params(extra=set(extra))
    Query.from_params(params)
    check_view_params(params)
    for key in ("from", "to"):
        if not params.get(key):
            raise FrontlineError(f"{key}: required (an ISO date such as 2024-10-01)", param=key)
    source = params.get("source") or "deepstate"
    if name in _DEEPSTATE_ONLY and source != "deepstate":
        raise FrontlineError(
            f"source: {name} is computed from DeepState's snapshots only, got {source!r}",
            param="source",
        )
    return params


def answer(tools, name: str, fmt: str, *, extra=(), compute, rows, fields=None,
           sources=("deepstate", "naturalearth"), geojson=None):  # fmt: skip
    """Check the request, compute ``compute(data, params)`` once per data version and
    parameters, and answer it as ``fmt``.

    ``rows(result)`` gives the CSV rows (``fields`` their header); JSON is the result with
    a top-level ``provenance`` (a list result goes under ``rows``); ``geojson(result,
    prov)`` builds the GeoJSON document.
    """
    params = _checked(tools, name, extra)
    scope = tools.rt.scope(session=False)
    data = scope.data
    key = ("measures", name, tuple(sorted(params.items())))
    result = scope.cached(key, lambda: compute(data, params))
    source = params.get("source") or "deepstate"
    own = [] if source == "deepstate" else [source]
    prov = provenance(params, data.version, [s for s in sources if not own or s != "deepstate"],
                      own)  # fmt: skip
    prov["data_as_of"] = tools.as_of(data).as_record()
    headers = None
    if fmt == "csv":
        headers = {"X-Attribution": _ascii(prov["attribution"]),
                   "X-Generated-At": prov["generated_at"]}  # fmt: skip

        def build():
            return csv_text(rows(result), fields)
    elif fmt == "geojson":

        def build():
            return json.dumps(geojson(result, prov), ensure_ascii=False)
    else:

        def build():
            body = result if isinstance(result, dict) else {"measure": name, "rows": result}
            return json.dumps({"provenance": prov, **body}, ensure_ascii=False)

    filename = f"frontline-{name}.{fmt}"
    return tools.respond(data, build, _MIME[fmt], filename, headers)


def _front(data, p):
    return measures.front_length(data, p["from"], p["to"], p.get("by") or None)


def _speed(data, p):
    windows = p.get("windows") or "7,30"
    return measures.speed(data, p["from"], p["to"], p.get("regions"), windows,
                          source=p.get("source") or None)  # fmt: skip


def _oblasts(data, p):
    return measures.per_region(data, p["from"], p["to"], p.get("by") or "month",
                               regions=p.get("regions"), layer=p.get("layer") or "russian_held",
                               source=p.get("source") or None,
                               lang=p.get("lang") or "en")  # fmt: skip


def _distance(data, p):
    if not p.get("place"):
        raise FrontlineError("place: required (a place name, e.g. Kramatorsk)", param="place")
    return measures.distance(data, p["place"], p["from"], p["to"], p.get("by") or None,
                             p.get("admin1") or None, country=p.get("country") or None)  # fmt: skip


def _distance_rows(result: dict) -> list[dict]:
    place = result["place"]
    return [{"place": place["name_en"], "geonameid": place["geonameid"], **r}
            for r in result["series"]]  # fmt: skip


def add_routes(api, tools) -> None:
    """Add the front, speed, oblast and distance routes to the ``/api/v1`` blueprint."""
    routes = {
        "front": ("/territory/front", ("csv", "json"), {}, _front, list),
        "speed": ("/territory/speed", ("json", "csv"), {"windows"}, _speed,
                  lambda r: r["series"]),
        "oblasts": ("/territory/oblasts", ("csv", "json"), {}, _oblasts, list),
        "distance": ("/distance", ("json", "csv"), {"place", "admin1", "country"}, _distance,
                     _distance_rows),
    }  # fmt: skip
    fields = {"oblasts": measures.PER_REGION_FIELDS}
    for name, (path, formats, extra, compute, rows) in routes.items():
        for fmt in formats:

            def view(name=name, fmt=fmt, extra=extra, compute=compute, rows=rows):
                sources = ("deepstate", "naturalearth", *(("geonames",) if name == "distance"
                                                          else ()))  # fmt: skip
                return answer(tools, name, fmt, extra=extra, compute=compute, rows=rows,
                              fields=fields.get(name), sources=sources)  # fmt: skip

            api.add_url_rule(f"{path}.{fmt}", f"measures_{name}_{fmt}", view)
