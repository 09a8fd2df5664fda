"""The HTTP API, ``/api/v1/...``: the same filters as the UI, as CSV, GeoJSON and JSON.

One error shape for every failure, ``{"ok": false, "error": "...", "status": 400}``, naming
the parameter at fault; no parameter value, however malformed, produces a 500. Responses
carry ``ETag`` and ``Cache-Control`` so a CDN can absorb article traffic.
"""

from __future__ import annotations

import functools
import hashlib
import json
import urllib.parse

import pandas as pd
from flask import Blueprint, Response, request

from geo import export
from geo.errors import FrontlineError
from geo.query import Query
from geo.schema import EVENT_DTYPES
from geo.territory import FIGURE_LAYERS, LAYERS, PERIODS, as_date

__all__ = ["VIEW_PARAMS", "create_api"]

QUERY_PARAMS = {"from", "to", "datasets", "types", "actors", "regions", "precision", "q", "bbox"}
#: Parameters of the view state that the API accepts and ignores (so an explorer URL's query
#: string can be reused as is); anything else is a typo and is refused.
VIEW_PARAMS = QUERY_PARAMS | {
    "layers", "lang", "theme", "basemap", "lat", "lon", "z", "by", "alerts", "event", "views",
    "layer", "date", "exact",
}  # fmt: skip
CACHE_CONTROL = "public, max-age=300"
#: Exports larger than this are streamed in chunks instead of built as one string.
STREAM_ROWS = 100_000
#: Most periods one ``by=`` request may ask for. Each period clips two snapshots (about
#: 0.2 s of CPU), so without a cap ``by=day`` over the whole record is minutes of work for
#: one cheap GET, and over ``0001-01-01..9999-12-31`` millions of periods before the first
#: snapshot check. 400 covers a year of days, eight years of weeks and every month.
MAX_PERIODS = 400


class ApiError(Exception):
    """An error answered as JSON with ``status``."""

    def __init__(self, message: str, status: int = 400, param: str | None = None):
        super().__init__(message)
        self.status = status
        self.param = param


def error_response(message: str, status: int, param: str | None = None) -> Response:
    """The one JSON error shape of the API."""
    body = {"ok": False, "error": message, "status": status}
    if param:
        body["param"] = param
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _params() -> dict[str, str]:
    unknown = sorted(set(request.args) - VIEW_PARAMS)
    if unknown:
        raise ApiError(
            f"unknown parameter {', '.join(unknown)}; allowed: {', '.join(sorted(VIEW_PARAMS))}",
            param=unknown[0],
        )
    return single_values(request.args)


def single_values(args) -> dict[str, str]:
    """``args`` (a multi-dict) as one value per name; a repeated name is an error.

    Taking the first of ``from=a&from=b`` silently would answer a different question than
    the one a client (or a cache keyed on the whole URL) thinks it asked.
    """
    repeated = sorted(k for k in args if len(args.getlist(k)) > 1)
    if repeated:
        raise ApiError(f"{repeated[0]}: given more than once; give each parameter once",
                       param=repeated[0])  # fmt: skip
    return {k: args.get(k, "") for k in args}


def _period_count(start, end, by: str) -> int:
    """How many periods :func:`geo.territory.period_bounds` would make (an upper bound),
    computed without making them."""
    days = (end - start).days
    if by == "day":
        return days
    if by == "week":
        return days // 7 + 2
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _etag(version: str) -> str:
    key = f"{request.path}?{sorted(request.args.items(multi=True))}|{version}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:20] + '"'


def create_api(store) -> Blueprint:
    """The ``/api/v1`` blueprint over ``store``."""
    api = Blueprint("api", __name__, url_prefix="/api/v1")
    version = export.data_version(store.data_dir)

    def sources_for(events_datasets=()):
        return ["deepstate", "naturalearth", *events_datasets]

    def cached(build, mimetype: str, filename: str | None = None, headers=None):
        """Answer 304 when the client has this exact response, else build it."""
        etag = _etag(version)
        if etag in request.headers.get("If-None-Match", ""):
            return Response(status=304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})
        body = build()
        resp = Response(body, mimetype=mimetype)
        resp.headers["ETag"] = etag
        resp.headers["Cache-Control"] = CACHE_CONTROL
        resp.headers["X-Data-Version"] = version
        if filename:
            resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        for k, v in (headers or {}).items():
            resp.headers[k] = v
        return resp

    def checked_query() -> Query:
        params = _params()
        query = Query.from_params(params)
        if query.regions:
            store.regions.check_codes(query.regions)
        known = set(store.dataset_names())
        bad = [d for d in query.datasets if d not in known]
        if bad:
            raise FrontlineError(
                f"datasets: unknown dataset {', '.join(bad)}; known: {', '.join(sorted(known))}",
                param="datasets",
            )
        return query

    def query_and_events():
        query = checked_query()
        events = store.events(query)
        names = list(dict.fromkeys(events["dataset"].astype(str)))
        prov = export.provenance(query.to_params(), version, ["naturalearth", *names], names)
        return query, events, prov

    def query_and_rows():
        """On the file store: the matching row positions and their datasets, so a large
        export streams compact rows in chunks instead of building every row first."""
        query = checked_query()
        cols = store.columns() if hasattr(store, "rows") else None
        if cols is None:
            return None
        pos = cols.positions(query)
        names = [str(cols.datasets[c]) for c in pd.unique(cols.dataset[pos])]
        prov = export.provenance(query.to_params(), version, ["naturalearth", *names], names)
        return pos, prov

    def csv_headers(prov, meta_path):
        qs = urllib.parse.urlencode(dict(request.args))
        return {
            "X-Attribution": prov["attribution"].encode("ascii", "replace").decode(),
            "X-Generated-At": prov["generated_at"],
            "Link": f'<{meta_path}{"?" + qs if qs else ""}>; rel="describedby"',
        }

    @api.get("/events.csv")
    def events_csv():
        rows = query_and_rows()
        if rows is not None and len(rows[0]) > STREAM_ROWS:
            pos, prov = rows
            headers = csv_headers(prov, "/api/v1/events.meta.json")
            columns = [*(c for c in export.EXPORT_COLUMNS if c in EVENT_DTYPES), "lon", "lat"]

            def chunks(size=100_000):
                for start in range(0, len(pos), size):
                    yield store.rows(pos[start : start + size], columns)

            # Streamed in chunks of compact rows: bounded memory, not gzipped.
            return cached(lambda: export.iter_chunks_csv(chunks()),
                          "text/csv; charset=utf-8", "frontline-events.csv", headers)  # fmt: skip
        _, events, prov = query_and_events()
        headers = csv_headers(prov, "/api/v1/events.meta.json")
        if len(events) > STREAM_ROWS:
            # Streamed in chunks: a million-row export in bounded memory (not gzipped).
            def build():
                return export.iter_events_csv(events)
        else:

            def build():
                return export.events_csv(events)

        return cached(build, "text/csv; charset=utf-8", "frontline-events.csv", headers)

    @api.get("/events.meta.json")
    def events_meta():
        _, events, prov = query_and_events()
        return cached(lambda: json.dumps(dict(prov, rows=len(events))), "application/json")

    @api.get("/events.geojson")
    def events_geojson():
        _, events, prov = query_and_events()
        return cached(lambda: json.dumps(export.events_geojson(events, prov)),
                      "application/geo+json", "frontline-events.geojson")  # fmt: skip

    def changes():
        params = _params()
        query = Query.from_params(params)
        if not (query.date_from and query.date_to):
            raise ApiError("from and to are required for territory changes", param="from")
        by = params.get("by") or None
        if by is not None and by not in PERIODS:
            raise ApiError(f"by: expected one of {', '.join(PERIODS)}, got {by!r}", param="by")
        layer = params.get("layer") or "russian_held"
        if layer not in FIGURE_LAYERS:
            raise ApiError(
                f"layer: expected one of {', '.join(FIGURE_LAYERS)}, got {layer!r}", param="layer"
            )
        regions = store.regions.check_codes(query.regions)
        terr = store.territory
        # Both ends must have a snapshot (cheap index look-ups) before any period is made.
        terr.snapshot(query.date_from, layer, "from")
        terr.snapshot(query.date_to, layer, "to")
        if by and _period_count(query.date_from, query.date_to, by) > MAX_PERIODS:
            raise ApiError(
                f"by: {by} periods from {query.date_from} to {query.date_to} are more than "
                f"{MAX_PERIODS}; ask for a shorter range or a longer period",
                param="by",
            )

        @functools.cache
        def result():
            # Computed on first use, so that a 304 for a cached response costs no clipping.
            if by:
                return terr.series(query.date_from, query.date_to, by, regions, layer)
            return [terr.changes(query.date_from, query.date_to, regions, layer)]

        prov = export.provenance(query.to_params() | {"by": by or "", "layer": layer}, version,
                                 sources_for())  # fmt: skip
        return result, prov

    @api.get("/territory/changes.csv")
    def changes_csv():
        result, prov = changes()
        headers = csv_headers(prov, "/api/v1/territory/changes.meta.json")

        def build():
            return export.changes_table(result()).to_csv(index=False, lineterminator="\n")

        return cached(build, "text/csv; charset=utf-8", "frontline-changes.csv", headers)

    @api.get("/territory/changes.meta.json")
    def changes_meta():
        result, prov = changes()
        return cached(lambda: json.dumps(dict(prov, rows=len(result()))), "application/json")

    @api.get("/territory/changes.geojson")
    def changes_geojson():
        result, prov = changes()
        return cached(lambda: json.dumps(export.changes_geojson(result(), prov)),
                      "application/geo+json", "frontline-changes.geojson")  # fmt: skip

    @api.get("/territory/snapshot.geojson")
    def snapshot_geojson():
        params = _params()
        if not params.get("date"):
            raise ApiError("date is required, e.g. date=2024-10-01", param="date")
        date = as_date(params["date"], "date")
        layer = params.get("layer") or "russian_held"
        if layer not in LAYERS:
            raise ApiError(
                f"layer: expected one of {', '.join(LAYERS)}, got {layer!r}", param="layer"
            )
        snap = store.territory.snapshot(date, layer)
        prov = export.provenance({"date": date.isoformat(), "layer": layer}, version,
                                 sources_for())  # fmt: skip
        return cached(lambda: json.dumps(export.snapshot_geojson(snap, prov)),
                      "application/geo+json", f"frontline-{layer}-{snap.date}.geojson")  # fmt: skip

    @api.get("/claims.json")
    def claims_json():
        from geo.claims import check_claim, load_claims

        _params()
        claims = load_claims(store.data_dir / "claims.yaml")

        def build():
            checks = [check_claim(c, store.territory).as_record() for c in claims]
            prov = export.provenance({}, version, sources_for())
            return json.dumps({"ok": True, "provenance": prov, "claims": checks})

        return cached(build, "application/json")

    @api.route("/<path:rest>")
    def unknown_path(rest):
        # Without this, Dash's catch-all page route would answer with the app's HTML.
        raise ApiError(f"no such API path: /api/v1/{rest}", status=404)

    @api.errorhandler(FrontlineError)
    def frontline_error(exc):
        return error_response(str(exc), 400, exc.param)

    @api.errorhandler(ApiError)
    def api_error(exc):
        return error_response(str(exc), exc.status, exc.param)

    @api.errorhandler(404)
    def not_found(exc):
        return error_response(f"no such API path: {request.path}", 404)

    @api.errorhandler(Exception)
    def unexpected(exc):
        # A bug, not bad input: say so without leaking a traceback; the log has it.
        import logging

        logging.getLogger("frontline.api").exception("API error on %s", request.url)
        return error_response("internal error; the server log has the details", 500)

    return api
