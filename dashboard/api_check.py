"""``POST /api/v1/check``: one reported sentence in, the data's answer out (JSON only).

The body is JSON ``{"text": "...", "date": "YYYY-MM-DD", "lang": "en"|"de"}`` (``date``
and ``lang`` optional: ``date`` is the article's publication date, ``lang`` the answer's
language, by default the sentence's). The answer is :func:`dashboard.cli_check.
check_payload` plus provenance, the same as ``frontline check --format json``.

Limits: a body over :data:`MAX_BODY_BYTES` is 413 before it is read; every client address
may ask :data:`RATE_PER_MINUTE` times a minute (a token bucket per worker process), beyond
that 429 with ``Retry-After``. Every refusal is the API's one JSON error shape, naming the
field. The sentence is only ever returned inside JSON strings, with ``<``, ``>`` and ``&``
escaped, so no browser can take the answer for markup.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import threading
import time
from collections import OrderedDict

from flask import Response, request

from dashboard.api import ApiError, error_response

__all__ = ["MAX_BODY_BYTES", "RATE_PER_MINUTE", "TokenBucket", "add_routes", "read_request"]

#: Largest request body read (bytes); the sentence itself is at most 1,000 characters.
MAX_BODY_BYTES = 16 * 1024
#: Checks a minute per client address (and the burst allowed at once).
RATE_PER_MINUTE = 30
FIELDS = ("text", "date", "lang")


class TokenBucket:
    """``rate`` requests a minute per key, with bursts of up to ``rate``; at most
    ``max_keys`` keys are remembered (the least recently seen are forgotten first, which
    only ever gives a client a fresh bucket).

    Examples
    --------
    >>> bucket = TokenBucket(2, clock=lambda: 0.0)
    >>> bucket.take("a"), bucket.take("a"), bucket.take("a") > 0
    (0.0, 0.0, True)
    """

    def __init__(self, rate: float, max_keys: int = 10_000, clock=time.monotonic):
        self.rate = float(rate)
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token for ``key``: 0 when there was one, else the seconds until there
        will be."""
        now = self._clock()
        per_second = self.rate / 60.0
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.rate, now))
            tokens = min(self.rate, tokens + (now - last) * per_second)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1 - tokens) / per_second
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait


def read_request() -> tuple[str, dt.date | None, str | None]:
    """``(text, date, lang)`` from the request's JSON body, or :class:`ApiError` naming the
    field at fault (413 for a body over :data:`MAX_BODY_BYTES`)."""
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise ApiError(f"body: {length:,d} bytes; at most {MAX_BODY_BYTES:,d} are read",
                       status=413, param="body")  # fmt: skip
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(f"body: more than {MAX_BODY_BYTES:,d} bytes", status=413, param="body")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(f"body: expected JSON such as {{\"text\": \"...\"}} in UTF-8; {exc}",
                       param="body") from None  # fmt: skip
    if not isinstance(body, dict):
        raise ApiError(f"body: expected a JSON object, got {type(body).__name__}", param="body")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        # The name is the client's: said back only when it is a plain short word.
        name = unknown[0] if re.fullmatch(r"[A-Za-z_]{1,40}", unknown[0]) else "body"
        raise ApiError(f"{name}: unknown field; expected {', '.join(FIELDS)}", param=name)
    text = body.get("text")
    if not isinstance(text, str):
        got = "nothing" if text is None else type(text).__name__
        raise ApiError(f"text: expected the sentence as a string, got {got}", param="text")
    from geo.claimtext import MAX_CHARS

    if len(text) > MAX_CHARS:
        raise ApiError(f"text: {len(text):,d} characters; at most {MAX_CHARS:,d} (one sentence)",
                       param="text")  # fmt: skip
    if not text.strip():
        raise ApiError("text: empty; expected one sentence", param="text")
    date = body.get("date")
    if date is not None:
        try:
            date = dt.date.fromisoformat(date) if isinstance(date, str) else None
        except ValueError:
            date = None
        if date is None:
            raise ApiError(f"date: expected the publication date as YYYY-MM-DD, got "
                           f"{_shown(body['date'])}", param="date")  # fmt: skip
    lang = body.get("lang")
    if lang not in (None, "en", "de"):
        raise ApiError(f"lang: expected 'en' or 'de', got {_shown(lang)}", param="lang")
    return text, date, lang


def _shown(value) -> str:
    """A client's value quoted in an error, cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _json(body: dict, status: int = 200) -> Response:
    # Escaped so that no byte of the answer can open a tag, even for a client that sniffs.
    text = json.dumps(body, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Response(text, status=status, mimetype="application/json")


def add_routes(api, tools) -> None:
    """Add ``POST /check`` to the ``/api/v1`` blueprint (:class:`dashboard.api.ApiTools`)."""
    bucket = TokenBucket(RATE_PER_MINUTE)

    @api.post("/check")
    def check_sentence_route():
        from dashboard.cli_check import check_payload
        from geo import export

        wait = bucket.take(request.remote_addr or "-")
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            resp = error_response(f"too many checks: at most {RATE_PER_MINUTE} a minute from "
                                  f"one address; try again in {seconds} s", 429)  # fmt: skip
            resp.headers["Retry-After"] = str(seconds)
            return resp
        text, date, lang = read_request()
        scope = tools.rt.scope(session=False)
        # Without a date "last month" depends on today: today belongs in the cache key.
        key = ("sentence-check", text, str(date or dt.date.today()), date is None, lang)
        payload = scope.cached(key, lambda: check_payload(text, scope.data, date, lang))
        problems = {(p["part"], p["code"]) for p in payload["check"]["problems"]}
        if ("language", "unsupported") in problems:
            from dashboard.claimcheck_text import language_name

            found = payload["parsed"]["lang"]
            name = language_name(found, "en")
            raise ApiError(f"text: the sentence is in {name} ({found}); only English and "
                           "German sentences are read", param="text")  # fmt: skip
        query = {"date": date.isoformat() if date else None, "lang": lang}
        sources = ["deepstate", "naturalearth", "geonames"]
        prov = export.provenance(query, scope.data.version, sources, sorted(scope.data.sources))
        resp = _json({**payload, "provenance": prov})
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Data-Version"] = scope.data.version
        return resp

    @api.get("/check")
    def check_needs_post():
        resp = error_response("method GET is not allowed here; POST a JSON body such as "
                              '{"text": "..."}', 405)  # fmt: skip
        resp.headers["Allow"] = "POST"
        return resp
