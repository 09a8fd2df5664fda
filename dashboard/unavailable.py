"""HTTP 503 when the data store cannot be reached: the API's JSON error shape, a retry hint.

A database that restarts or goes away is not a bug (500) and not the reader's fault (400):
it is "try again shortly". The API blueprint catches every ``Exception`` itself, so its
handler is registered on the blueprint (a more specific class wins there); pages and Dash's
own routes get the app-level one.
"""

from __future__ import annotations

import sys

from flask import Blueprint, Flask

from geo.errors import StoreUnavailable

__all__ = ["RETRY_AFTER_S", "install_unavailable_handlers"]

#: What a 503 tells clients (and CDNs) to wait before retrying.
RETRY_AFTER_S = 5


def _unavailable_exceptions() -> tuple[type[Exception], ...]:
    # Raw driver errors too, in case one escapes a store that does not translate them.
    # Only a PostGIS store imports the driver; the file store need not pay for importing it.
    psycopg = sys.modules.get("psycopg")
    if psycopg is None:
        return (StoreUnavailable,)
    return (StoreUnavailable, psycopg.OperationalError)


def _respond(exc):
    from dashboard.api import error_response

    message = (
        str(exc) if isinstance(exc, StoreUnavailable) else "store: the database is unavailable"
    )
    resp = error_response(message, 503)
    resp.headers["Retry-After"] = str(RETRY_AFTER_S)
    resp.headers["Cache-Control"] = "no-store"
    return resp


def install_unavailable_handlers(server: Flask, api: Blueprint) -> None:
    """Answer store outages with 503 JSON on ``server`` and on the ``api`` blueprint.

    Call before ``server.register_blueprint(api)``.
    """
    for exc_class in _unavailable_exceptions():
        api.register_error_handler(exc_class, _respond)
        server.register_error_handler(exc_class, _respond)
