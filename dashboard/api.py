"""The HTTP API, ``/api/v1/...``: the same filters as the UI, as CSV, GeoJSON and JSON.

One error shape for every failure, ``{"ok": false, "error": "...", "status": 400}``, naming
the parameter at fault; no parameter value, however malformed, produces a 500. Responses
carry ``ETag`` (the path, the parameters and the data version) and ``Cache-Control`` so a
CDN can absorb article traffic; a response that includes a browser session's own uploads is
``private, no-store`` and is never cached for anybody else. The files are checked and
written by :mod:`geo.downloads`, the same code as ``frontline export``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, request

from dashboard.errors import request_id
from dashboard.state import check_view_params
from geo.downloads import prepare
from geo.errors import FrontlineError
from geo.query import Query

__all__ = ["VIEW_PARAMS", "create_api", "error_response", "single_values"]

QUERY_PARAMS = {"from", "to", "datasets", "types", "actors", "regions", "precision", "q", "bbox"}
#: Parameters of the view state that the API accepts and ignores (so an explorer URL's query
#: string can be reused as is); anything else is a typo and is refused.
VIEW_PARAMS = QUERY_PARAMS | {
    "layers", "lang", "theme", "basemap", "lat", "lon", "z", "by", "alerts", "event", "views",
    "layer", "date", "exact", "source",
}  # fmt: skip
CACHE_CONTROL = "public, max-age=300"
PRIVATE = "private, no-store"
#: Exports larger than this many rows are streamed in chunks instead of built as one string.
STREAM_ROWS = 100_000


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
    if status >= 500:
        body["request_id"] = request_id()
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _params(extra=frozenset()) -> dict[str, str]:
    allowed = VIEW_PARAMS | set(extra)
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise ApiError(
            f"unknown parameter {', '.join(map(repr, unknown))}; allowed: "
            f"{', '.join(sorted(allowed))}",
            param=unknown[0] or "(empty name)",
        )
    return single_values(request.args)


@dataclass(frozen=True)
class ApiTools:
    """What a module of more routes (:data:`API_EXTENSIONS`) answers with.

    ``respond(data, build, mimetype, filename=None, headers=None)`` answers ``304`` when the
    client has this response (ETag of path, parameters, data version and last update) and
    else ``build()``; ``params(extra)`` is the request's parameters, one value each, the
    view's and ``extra`` allowed, anything else refused naming it; ``as_of(data)`` says how
    current the data is (:class:`geo.updates.status.AsOf`).
    """

    rt: object
    respond: Callable
    params: Callable
    as_of: Callable


#: Modules with more ``/api/v1`` routes: each has ``add_routes(api, tools: ApiTools)``.
API_EXTENSIONS = ("dashboard.api_settlements", "dashboard.api_measures", "dashboard.api_check")


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


def _etag(version: str) -> str:
    key = f"{request.path}?{sorted(request.args.items(multi=True))}|{version}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:20] + '"'


def _ascii(text: str) -> str:
    """A header value in plain ASCII: the attribution's middle dots become semicolons."""
    return text.replace(" · ", "; ").encode("ascii", "replace").decode()


def create_api(rt) -> Blueprint:
    """The ``/api/v1`` blueprint over the runtime ``rt`` (:class:`dashboard.runtime.Runtime`)."""
    api = Blueprint("api", __name__, url_prefix="/api/v1")

    def respond(data, build, mimetype: str, filename: str | None = None, headers=None):
        """Answer 304 when the client has this exact response, else build it."""
        version = data.version
        private = data.session is not None
        current = rt.as_of(data)
        # The body states the last update's time, which changes without the data.
        etag = _etag(f"{version}|{current.updated}")
        cache_control = PRIVATE if private else CACHE_CONTROL
        common = {"ETag": etag, "Cache-Control": cache_control, "X-Data-Version": version,
                  "X-Data-As-Of": current.header_value(), "Vary": "Cookie"}  # fmt: skip
        if etag in request.headers.get("If-None-Match", ""):
            return Response(status=304, headers=common)
        resp = Response(build(), mimetype=mimetype)
        resp.headers.update(common)
        if filename:
            resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        for k, v in (headers or {}).items():
            resp.headers[k] = v
        return resp

    def csv_headers(prov, meta_path):
        qs = urllib.parse.urlencode(dict(request.args))
        return {
            "X-Attribution": _ascii(prov["attribution"]),
            "X-Generated-At": prov["generated_at"],
            "Link": f'<{meta_path}{"?" + qs if qs else ""}>; rel="describedby"',
        }

    def download(what: str, fmt: str):
        params = _params()
        # A malformed parameter is a 400 even while the store is down; the view's own
        # parameters (basemap, lang, ...) are checked too, though a file does not use them.
        Query.from_params(params)
        check_view_params(params)
        data = rt.scope().data
        return data, prepare(data, what, fmt, params, rt.as_of(data))

    def file_route(what: str, fmt: str):
        data, dl = download(what, fmt)
        headers = None
        if fmt == "csv":
            headers = csv_headers(dl.provenance, f"/api/v1/{_path(what)}.meta.json")
        if fmt == "csv" and dl.rows > STREAM_ROWS:
            # Streamed in chunks: bounded memory, not gzipped.
            return respond(data, dl.chunks, dl.mimetype, dl.filename, headers)
        return respond(data, dl.text, dl.mimetype, dl.filename, headers)

    def meta_route(what: str):
        data, dl = download(what, "csv")
        return respond(data, dl.meta, "application/json")

    for what, formats in (("events", ("csv", "geojson")), ("changes", ("csv", "geojson")),
                          ("snapshot", ("geojson",))):  # fmt: skip
        for fmt in formats:
            api.add_url_rule(f"/{_path(what)}.{fmt}", f"{what}_{fmt}",
                             lambda what=what, fmt=fmt: file_route(what, fmt))  # fmt: skip
        if "csv" in formats:
            api.add_url_rule(f"/{_path(what)}.meta.json", f"{what}_meta",
                             lambda what=what: meta_route(what))  # fmt: skip

    @api.get("/claims.json")
    def claims_json():
        from dashboard.callbacks.claims import claim_records

        _params()
        scope = rt.scope(session=False)
        return respond(scope.data, lambda: json.dumps(claim_records(scope)), "application/json")

    tools = ApiTools(rt, respond, _params, rt.as_of)
    for name in API_EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.add_routes(api, tools)

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

        logging.getLogger("frontline.api").exception(
            "API error on %s (request %s)", request.url, request_id()
        )
        return error_response("internal error; the server log has the details", 500)

    return api


def _path(what: str) -> str:
    return {"events": "events", "changes": "territory/changes",
            "snapshot": "territory/snapshot"}[what]  # fmt: skip
