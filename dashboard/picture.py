"""``/api/v1/map.png`` and ``/api/v1/map.svg``: a view of the map as a picture.

For the embed's first paint, ``og:image`` and print. The parameters are the view's, spelled
as everywhere (``from``, ``to``, ``datasets``, ``types``, ``actors``, ``regions``,
``precision``, ``q``, ``bbox``, ``layers``, ``lang``, ``theme``, ``basemap``,
``lat``/``lon``/``z``; the API's other view parameters are accepted and change nothing),
plus ``width`` and ``height`` in pixels (:data:`SIZES`). They are checked as strictly as
the API checks them, and a bad one gets the API's JSON error naming it.

The picture shows what the explorer's map shows for the view: control at the end of the
period, the period's gained and lost ground, the events (above the map's ``MAX_DRAWN`` in
view, one dot per square cell, as the map bins them), the selected regions, place labels, the
key, a scale bar, the title, the km² line of the period and regions with its source and
snapshots, and the attribution. The basemap is always the bundled offline one: a picture
never asks a tile server (``basemap`` is accepted so a view's URL can be reused). Without
``lang`` the picture is in English, not in the Accept-Language of the request: a CDN
caches it by its URL.

The part of the map shown is ``bbox`` when given; else what a ``width`` x ``height`` map
shows at ``lat``/``lon``/``z`` (MapLibre's 512-px tiles, as the explorer's map); else the
bounds of the selected regions; else Ukraine. The renderer widens it to the map's shape.

Caching: the bytes are cached through the request's scope under the data version and
everything that changes the picture; the answer carries an ``ETag`` (path, parameters,
data version), ``Cache-Control: public, max-age=300`` (``private, no-store`` when a
browser session's uploads are in it), and ``If-None-Match`` gets 304.

Load: matplotlib draws one picture at a time per process (the renderer's lock). Besides
the one being drawn, at most :data:`MAX_WAITING` may wait; a further request is refused at
once with 503 and ``Retry-After`` rather than holding one of the worker's few threads for
seconds, so pages and callbacks keep theirs. A request for a picture that is being drawn
waits for that drawing and takes no place in the queue.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import sys
import threading

from flask import Response, request
from werkzeug.exceptions import HTTPException

from dashboard.api import (
    CACHE_CONTROL,
    PRIVATE,
    VIEW_PARAMS,
    ApiError,
    error_response,
    single_values,
)
from dashboard.picture_view import draw_picture, view_box
from dashboard.state import ViewState, check_view_params
from geo.downloads import checked_query
from geo.errors import FrontlineError, StoreUnavailable
from geo.query import Query

__all__ = [
    "MAX_WAITING",
    "PICTURE_PARAMS",
    "QUEUE",
    "SIZES",
    "Busy",
    "Queue",
    "register_picture_routes",
]

log = logging.getLogger("frontline.picture")

#: (least, most, default) pixels. The least still leave the map room beside (or under) a
#: key of every layer and event type; the most keep a PNG under ~2 MB and a draw under ~3 s.
SIZES = {"width": (320, 2400, 1200), "height": (240, 2400, 800)}
PICTURE_PARAMS = VIEW_PARAMS | set(SIZES)
#: Pictures that may wait while one is drawn (per process). gunicorn runs 4 threads a
#: worker: one drawing and one waiting leave two for pages and callbacks.
MAX_WAITING = 1
#: A draw takes 0.3-1.5 s: by then the queue has moved.
RETRY_AFTER_S = 2
_MIME = {"png": "image/png", "svg": "image/svg+xml"}


class Busy(Exception):
    """Too many pictures are being drawn or waiting in this process."""


class Queue:
    """How many pictures this process is drawing or waiting to draw, refusing more than
    ``most`` at once."""

    def __init__(self, most: int):
        self.most = most
        self._n = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._n

    def enter(self) -> None:
        """Take a place, or raise :class:`Busy` at once when all are taken."""
        with self._lock:
            if self._n >= self.most:
                raise Busy
            self._n += 1

    def leave(self) -> None:
        """Give the place back."""
        with self._lock:
            self._n -= 1


#: Pictures being drawn or waiting in this process (one draws at a time).
QUEUE = Queue(1 + MAX_WAITING)


def register_picture_routes(server, rt) -> None:
    """Add ``/api/v1/map.png`` and ``/api/v1/map.svg`` to ``server`` over the runtime
    ``rt`` (:class:`dashboard.runtime.Runtime`)."""
    for fmt in _MIME:
        server.add_url_rule(f"/api/v1/map.{fmt}", f"picture_{fmt}", lambda fmt=fmt: _serve(rt, fmt))


def _serve(rt, fmt: str) -> Response:
    try:
        return _answer(rt, fmt)
    except ApiError as exc:
        return error_response(str(exc), exc.status, exc.param)
    except FrontlineError as exc:
        return error_response(str(exc), 400, exc.param)
    except Busy:
        resp = error_response(
            f"busy: this server draws one picture at a time, and {QUEUE.most} are being "
            f"drawn or waiting; try again in {RETRY_AFTER_S} s",
            503,
        )
        resp.headers["Retry-After"] = str(RETRY_AFTER_S)
        resp.headers["Cache-Control"] = "no-store"
        return resp
    except Exception as exc:
        if isinstance(exc, HTTPException | StoreUnavailable) or _driver_outage(exc):
            raise  # the server's handlers answer these (503 with Retry-After for outages)
        log.exception("picture error on %s", request.url)
        return error_response("internal error; the server log has the details", 500)


def _driver_outage(exc: BaseException) -> bool:
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.OperationalError)


def _answer(rt, fmt: str) -> Response:
    params, size = _parse(request.args)
    scope = rt.scope()
    query = checked_query(scope.data, params)
    state = ViewState.from_params(params)
    box = view_box(scope.data, state, query.bbox, size)
    version = scope.version
    # SVG is text, ~4x smaller gzipped: compressed once and cached with the picture, under
    # an ETag of its own (a cache must not answer a client without gzip with it).
    gz = fmt == "svg" and _accepts_gzip(request.headers.get("Accept-Encoding", ""))
    current = rt.as_of(scope.data)
    etag = _etag(f"{version}|{current.updated}", gz)
    headers = {
        "ETag": etag,
        "Cache-Control": PRIVATE if scope.data.session is not None else CACHE_CONTROL,
        "X-Data-Version": version,
        "X-Data-As-Of": current.header_value(),
        "Vary": "Cookie, Accept-Encoding" if fmt == "svg" else "Cookie",
    }
    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    key = ("picture", fmt, *size, tuple(round(v, 6) for v in box), *state.query().key(),
           state.layers, state.lang, state.theme)  # fmt: skip

    def compute():
        QUEUE.enter()
        try:
            return draw_picture(scope, state, box, fmt, size)
        finally:
            QUEUE.leave()

    body = scope.cached(key, compute)
    resp = Response(mimetype=_MIME[fmt], headers=headers)
    if gz:
        body = scope.cached((*key, "gzip"), lambda: gzip.compress(body, 6, mtime=0))
        resp.headers["Content-Encoding"] = "gzip"
    resp.set_data(body)
    return resp


def _etag(version: str, gz: bool = False) -> str:
    key = f"{request.path}?{sorted(request.args.items(multi=True))}|{version}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:20] + ("-gz" if gz else "") + '"'


def _accepts_gzip(header: str) -> bool:
    for part in header.lower().split(","):
        name, _, weight = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return weight.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _parse(args) -> tuple[dict[str, str], tuple[int, int]]:
    """The view's parameters and (width, height), checked; ApiError or FrontlineError
    naming the first bad one."""
    params = single_values(args)
    unknown = sorted(set(params) - PICTURE_PARAMS)
    if unknown:
        raise ApiError(
            f"unknown parameter {', '.join(map(repr, unknown))}; allowed: "
            f"{', '.join(sorted(PICTURE_PARAMS))}",
            param=unknown[0] or "(empty name)",
        )
    size = tuple(_pixels(name, params.pop(name, None)) for name in ("width", "height"))
    Query.from_params(params)
    check_view_params(params)
    return params, size


def _pixels(name: str, given: str | None) -> int:
    least, most, default = SIZES[name]
    if given in (None, ""):
        return default
    # ASCII digits only: int() would also read "１２００", "1_200" and " 1200 ".
    if not re.fullmatch(r"[0-9]{1,5}", given) or not least <= int(given) <= most:
        raise FrontlineError(
            f"{name}: expected a whole number of pixels from {least} to {most}, got {given[:40]!r}",
            param=name,
        )
    return int(given)
