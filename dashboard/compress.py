"""gzip for text responses: a Dash figure or a CSV is mostly digits and shrinks 3–10×.

Done in ``after_request`` with the standard library (no extra dependency). Streamed
responses, small bodies, already-encoded bodies and binary types are left alone, and
``Vary: Accept-Encoding`` tells caches (and CDNs in front of embeds) that it depends.
"""

from __future__ import annotations

import gzip

import flask

__all__ = ["MIN_BYTES", "install_gzip"]

MIN_BYTES = 1024
_TEXT = ("text/", "application/json", "application/geo+json", "application/javascript")


def _wants_gzip(accept: str) -> bool:
    for part in (accept or "").lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0")
    return False


def install_gzip(server: flask.Flask, level: int = 1) -> None:
    """Compress text responses of at least :data:`MIN_BYTES` when the client accepts gzip.

    Level 1: on a 2-core server the CPU matters more than the last bytes. A map of 107 kB
    of JSON took 5.0 ms at level 5 and 1.5 ms at level 1, for 13 % more bytes (42 kB
    against 37 kB); at 1.2 MB, 32 ms against 9 ms. A CSV export still shrinks ~5x."""

    @server.after_request
    def _gzip(resp: flask.Response):
        if (
            resp.direct_passthrough
            or resp.is_streamed
            or resp.status_code < 200
            or resp.status_code in (204, 304)
            or "Content-Encoding" in resp.headers
            or not (resp.mimetype or "").startswith(_TEXT)
            or not _wants_gzip(flask.request.headers.get("Accept-Encoding", ""))
        ):
            return resp
        body = resp.get_data()
        if len(body) < MIN_BYTES:
            return resp
        resp.set_data(gzip.compress(body, compresslevel=level, mtime=0))
        resp.headers["Content-Encoding"] = "gzip"
        resp.headers.add("Vary", "Accept-Encoding")
        return resp
