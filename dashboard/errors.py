"""Errors for people: one short message in the reader's language, a request id, and the
details in the server log under that id.

Every request gets an id (``X-Request-Id``; a well-formed one from a proxy is kept). A
problem the user can fix (:class:`~geo.errors.FrontlineError`) is said as it is: its
message names the parameter and what was expected. A store outage is HTTP 503 with
``Retry-After`` ("try again shortly", never cached). Anything else is a bug: the reader gets
"something went wrong (request 3f2a…)", the log gets the traceback with the same id.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from urllib.parse import parse_qsl, urlsplit

import flask

from geo.errors import FrontlineError, StoreUnavailable

__all__ = [
    "RETRY_AFTER_S",
    "install_error_handling",
    "request_id",
    "show_callback_error",
    "user_message",
]

log = logging.getLogger("frontline.errors")
#: What a 503 tells clients (and CDNs) to wait before retrying.
RETRY_AFTER_S = 5
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{6,64}$")


def request_id() -> str:
    """The id of the current request (made on first use)."""
    if not flask.has_request_context():
        return "-"
    rid = getattr(flask.g, "request_id", None)
    if rid is None:
        given = flask.request.headers.get("X-Request-Id", "")
        rid = given if _GOOD_ID.fullmatch(given) else uuid.uuid4().hex[:12]
        flask.g.request_id = rid
    return rid


def _lang() -> str:
    """The reader's language: the page's ``lang`` parameter, else Accept-Language."""
    from dashboard.formatting import LANGS
    from dashboard.state import lang_from_accept_language

    if not flask.has_request_context():
        return "en"
    for url in (flask.request.referrer or "", flask.request.url):
        lang = dict(parse_qsl(urlsplit(url).query)).get("lang")
        if lang in LANGS:
            return lang
    return lang_from_accept_language(flask.request.headers.get("Accept-Language"))


def user_message(exc: BaseException, lang: str | None = None) -> str:
    """What a reader is told about ``exc`` (and, for a bug, the log gets its traceback)."""
    from dashboard.i18n import t

    lang = lang or _lang()
    if isinstance(exc, FrontlineError):
        return t("error.input", lang, msg=str(exc))
    if isinstance(exc, StoreUnavailable) or _is_driver_outage(exc):
        return t("error.unavailable", lang)
    rid = request_id()
    log.error("request %s failed: %s", rid, flask.request.path if flask.has_request_context()
              else "-", exc_info=exc)  # fmt: skip
    return t("error.internal", lang, id=rid)


def show_callback_error(exc: Exception) -> None:
    """Dash's ``on_error``: say what failed in the page's alert area, keep the page."""
    from dash import html, set_props

    from dashboard import ids

    set_props(ids.ERROR, {"children": [html.Strong("⚠ "), user_message(exc)], "hidden": False})


def _is_driver_outage(exc: BaseException) -> bool:
    # A raw driver error that escaped a store; only a PostGIS store imports the driver.
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.OperationalError)


def _unavailable(exc):
    from dashboard.api import error_response

    message = (
        str(exc) if isinstance(exc, StoreUnavailable) else "store: the database is unavailable"
    )
    resp = error_response(message, 503)
    resp.headers["Retry-After"] = str(RETRY_AFTER_S)
    resp.headers["Cache-Control"] = "no-store"
    return resp


def install_error_handling(server: flask.Flask, api: flask.Blueprint) -> None:
    """Request ids on every response, 503 for store outages on ``server`` and the ``api``
    blueprint (call before ``server.register_blueprint(api)``)."""

    @server.after_request
    def _tag(resp):
        resp.headers["X-Request-Id"] = request_id()
        return resp

    @server.errorhandler(404)
    @server.errorhandler(405)
    def _http_error(exc):
        # Routing errors never reach a blueprint's handlers: the API's one JSON shape is
        # given here for its paths (a POST to an export, a mistyped path).
        if flask.request.path.startswith("/api/"):
            from dashboard.api import error_response

            if exc.code == 405:
                message = f"method {flask.request.method} is not allowed here; use GET"
            else:
                message = f"no such API path: {flask.request.path}"
            resp = error_response(message, exc.code)
            if exc.code == 405:
                resp.headers["Allow"] = "GET, HEAD"
            return resp
        return exc

    from dash.exceptions import DependencyException

    @server.errorhandler(DependencyException)
    def _unknown_bundle(exc):
        # A script bundle Dash does not have (a mistyped or stale URL) is a 404, not a 500.
        return flask.Response("no such file", status=404, mimetype="text/plain")

    kinds = [StoreUnavailable]
    if "psycopg" in sys.modules:
        kinds.append(sys.modules["psycopg"].OperationalError)
    for kind in kinds:
        api.register_error_handler(kind, _unavailable)
        server.register_error_handler(kind, _unavailable)
