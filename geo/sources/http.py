"""One small, polite HTTP client for every upstream source (standard library only).

Politeness and safety, in one place so that every source gets them:

- at most one request a second per host: the gap is measured on the monotonic clock from
  the *end* of one request to the start of the next, so the server never receives two
  closer together, whichever thread or source sends them;
- a ``User-Agent`` naming Frontline, its version and where to find it;
- conditional requests: give the ``ETag`` / ``Last-Modified`` of a previous response and a
  ``304`` comes back as :attr:`Response.not_modified`;
- timeouts; a ``429`` is retried after the ``Retry-After`` the server gives (seconds or an
  HTTP date), up to a cap; a ``5xx`` is retried with exponential backoff;
- every failure is a :class:`~geo.sources.errors.SourceError` naming the source, the path
  (or the version or page) and what was wrong;
- credentials are sent as headers that are not forwarded on a redirect, and are removed
  from every message and log line (:func:`~geo.sources.errors.redact`).
"""

from __future__ import annotations

import gzip
import http.client
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Mapping
from typing import Any

from geo.sources.errors import SourceError, redact
from geo.sources.responses import Fetched, Response, body_excerpt, retry_after_seconds
from geo.sources.urls import DEFAULT_URLS, resolve_base_url

__all__ = [
    "DEFAULT_URLS",
    "USER_AGENT",
    "Fetched",
    "HttpClient",
    "Response",
    "body_excerpt",
    "resolve_base_url",
    "retry_after_seconds",
]

log = logging.getLogger("geo.sources")

#: Sent with every request. Keep the version in step with pyproject.toml (a test checks).
USER_AGENT = "Frontline/0.1.0 (+https://github.com/frontline-maps/frontline)"

_RETRY_STATUSES = range(500, 600)


class _Host:
    """Per-host state shared by every client in the process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last_end = float("-inf")
        self.not_before = float("-inf")


_HOSTS: dict[str, _Host] = {}
_HOSTS_LOCK = threading.Lock()


def _host(url: str) -> _Host:
    parts = urllib.parse.urlsplit(url)
    key = f"{parts.scheme}://{parts.netloc.lower()}"
    with _HOSTS_LOCK:
        return _HOSTS.setdefault(key, _Host())


class _Status(Exception):
    def __init__(self, status: int, headers: Mapping[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body


class HttpClient:
    """A polite HTTP client for one source.

    Parameters
    ----------
    source : the source's name, used in every message ("deepstate", "ucdp-api", ...)
    timeout : seconds without progress (connecting, or between two reads) before giving up
    min_interval : least gap in seconds between two requests to one host
    retries : how often a 429 or a 5xx is retried before failing
    backoff : first wait in seconds before retrying a 5xx (doubled each time); also the wait
        after a 429 without ``Retry-After``
    max_retry_after : longest wait in seconds a ``Retry-After`` may ask for; a longer one
        fails at once (the updater then tries again at its next run)
    max_bytes : largest body accepted
    user_agent : the ``User-Agent`` header

    Examples
    --------
    >>> client = HttpClient("deepstate", timeout=20)
    >>> r = client.get("https://deepstatemap.live/api/history/public")  # doctest: +SKIP
    >>> again = client.get(r.url, etag=r.etag)  # doctest: +SKIP
    >>> again.not_modified  # doctest: +SKIP
    True
    """

    def __init__(
        self,
        source: str,
        *,
        timeout: float = 30.0,
        min_interval: float = 1.0,
        retries: int = 2,
        backoff: float = 2.0,
        max_retry_after: float = 300.0,
        max_bytes: int = 512 << 20,
        user_agent: str = USER_AGENT,
    ):
        self.source = source
        self.timeout = timeout
        self.min_interval = min_interval
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self._secrets: set[str] = set()
        self._opener = urllib.request.build_opener()

    def __repr__(self) -> str:
        return f"HttpClient(source={self.source!r}, timeout={self.timeout})"

    def add_secret(self, *values: str | None) -> None:
        """Register credentials to be redacted from every message and log line."""
        self._secrets.update(v for v in values if v)

    def redact(self, text: str) -> str:
        """``text`` with every registered credential replaced."""
        return redact(text, self._secrets)

    def error(self, problem: str, *, where: str, reason: str, status: int | None = None):
        """A :class:`SourceError` ``"<source>: <where>: <problem>"``, credentials removed."""
        message = self.redact(f"{self.source}: {where}: {problem}")
        return SourceError(
            message, source=self.source, where=self.redact(where), status=status, reason=reason
        )

    def payload_error(self, response: Response, what: str, problem: str, reason: str):
        """A :class:`SourceError` about the content of ``response``, naming ``what`` and
        the URL path it came from."""
        path = urllib.parse.urlsplit(response.url).path or "/"
        return self.error(problem, where=f"{what} ({path})", reason=reason)

    # -- requests ---------------------------------------------------------------------

    def get(self, url: str, **kwargs) -> Response:
        """``GET url``; see :meth:`request`."""
        return self.request("GET", url, **kwargs)

    def post_form(self, url: str, form: Mapping[str, str], **kwargs) -> Response:
        """``POST url`` with an ``application/x-www-form-urlencoded`` body."""
        return self.request("POST", url, form=form, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        secret_headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        what: str | None = None,
        accept: str = "application/json",
    ) -> Response:
        """Send one request, with throttling and retries; return the complete response.

        Parameters
        ----------
        params : query parameters, appended to ``url``
        form : form fields for a POST body
        headers : extra headers
        secret_headers : headers that carry credentials: redacted everywhere and not sent
            on to another URL when the server redirects
        etag, last_modified : from a previous response; sent as ``If-None-Match`` /
            ``If-Modified-Since`` so that an unchanged resource costs a 304
        what : how messages name the request ("version 1754077960", "page 3"); the URL
            path is always added
        accept : the ``Accept`` header

        Returns
        -------
        Response with status 2xx, or 304 when ``etag``/``last_modified`` were given and the
        resource has not changed.

        Raises
        ------
        SourceError
            On a 4xx, on a 429 or 5xx still failing after the retries, a timeout, a network
            error, a truncated or oversized body.
        """
        if params:
            query = urllib.parse.urlencode({k: str(v) for k, v in params.items()})
            url = f"{url}{'&' if '?' in url else '?'}{query}"
        secret_headers = dict(secret_headers or {})
        self.add_secret(*secret_headers.values())
        for value in secret_headers.values():
            # "Bearer <token>": the token alone must go too, wherever it appears.
            self.add_secret(*value.split()[1:])
        path = urllib.parse.urlsplit(url).path or "/"
        where = f"{what} ({path})" if what else path
        send = {"User-Agent": self.user_agent, "Accept": accept, "Accept-Encoding": "gzip"}
        if etag:
            send["If-None-Match"] = etag
        if last_modified:
            send["If-Modified-Since"] = last_modified
        send.update(headers or {})
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        if data is not None:
            send["Content-Type"] = "application/x-www-form-urlencoded"
        host = _host(url)
        attempt = 0
        while True:
            try:
                return self._once(method, url, data, send, secret_headers, host, where)
            except _Status as answer:
                delay = self._retry_delay(answer, attempt, where)
                if delay is None:
                    raise self._status_error(answer, where, attempt) from None
                attempt += 1
                log.warning(
                    "%s: %s: HTTP %d, retry %d of %d in %.1f s",
                    self.source,
                    self.redact(where),
                    answer.status,
                    attempt,
                    self.retries,
                    delay,
                )
                with host.lock:
                    host.not_before = max(host.not_before, time.monotonic() + delay)

    def _retry_delay(self, answer: _Status, attempt: int, where: str) -> float | None:
        if attempt >= self.retries:
            return None
        if answer.status == 429:
            asked = retry_after_seconds(answer.headers.get("retry-after"))
            if asked is None:
                return self.backoff * 2**attempt
            if asked > self.max_retry_after:
                raise self.error(
                    f"HTTP 429 Too Many Requests: the server asks to wait {asked:.0f} s, more "
                    f"than the {self.max_retry_after:.0f} s allowed (max_retry_after); try "
                    "again later",
                    where=where,
                    reason="rate_limited",
                    status=429,
                )
            return asked
        if answer.status in _RETRY_STATUSES:
            return self.backoff * 2**attempt
        return None

    def _once(self, method, url, data, send, secret_headers, host: _Host, where) -> Response:
        req = urllib.request.Request(url, data=data, method=method, headers=send)
        for name, value in secret_headers.items():
            # Unredirected headers are dropped by urllib when it follows a redirect, so a
            # credential never reaches another host.
            req.add_unredirected_header(name, value)
        with host.lock:
            wait = max(host.last_end + self.min_interval, host.not_before) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            started = time.monotonic()
            try:
                return self._exchange(req, url, where, method)
            finally:
                host.last_end = time.monotonic()
                log.debug(
                    "%s: %s %s took %.2f s",
                    self.source,
                    method,
                    self.redact(_loggable(url)),
                    host.last_end - started,
                )

    def _exchange(self, req, url, where, method) -> Response:
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                headers = {k.lower(): v for k, v in resp.headers.items()}
                body = self._read(resp, headers, where)
                status = resp.status
        except urllib.error.HTTPError as err:
            headers = {k.lower(): v for k, v in (err.headers or {}).items()}
            if err.code == 304:
                log.info("%s: %s: not modified", self.source, self.redact(where))
                return Response(url, 304, b"", headers)
            try:
                body = self._read(err, headers, where)
            except SourceError:
                body = b""
            raise _Status(err.code, headers, body) from None
        except TimeoutError:
            raise self.error(
                f"no answer within {self.timeout:g} s (timeout)", where=where, reason="timeout"
            ) from None
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, TimeoutError):
                raise self.error(
                    f"no answer within {self.timeout:g} s (timeout)", where=where, reason="timeout"
                ) from None
            raise self.error(
                f"cannot connect to {urllib.parse.urlsplit(url).netloc}: {reason}",
                where=where,
                reason="network",
            ) from None
        except (http.client.HTTPException, ConnectionError, OSError) as err:
            raise self.error(
                f"the connection failed: {type(err).__name__}: {err}", where=where, reason="network"
            ) from None
        log.info("%s: %s %s -> %d", self.source, method, self.redact(_loggable(url)), status)
        return Response(url, status, body, headers)

    def _read(self, resp, headers: Mapping[str, str], where: str) -> bytes:
        chunks, total = [], 0
        try:
            while chunk := resp.read(1 << 16):
                total += len(chunk)
                if total > self.max_bytes:
                    raise self.error(
                        f"the body is larger than {self.max_bytes:,} bytes (max_bytes)",
                        where=where,
                        reason="too_large",
                    )
                chunks.append(chunk)
        except http.client.IncompleteRead as err:
            raise self.error(
                f"the body was cut off after {total + len(err.partial):,} bytes (truncated)",
                where=where,
                reason="truncated",
            ) from None
        except TimeoutError:
            raise self.error(
                f"the body stopped arriving after {total:,} bytes (timeout {self.timeout:g} s)",
                where=where,
                reason="timeout",
            ) from None
        # http.client returns short reads silently when the server closes early; the
        # remaining length it still expected is the proof of a cut.
        remaining = getattr(resp, "length", None)
        if remaining:
            expected = headers.get("content-length", "?")
            raise self.error(
                f"the body was cut off after {total:,} of {_count(expected)} bytes (truncated)",
                where=where,
                reason="truncated",
            )
        body = b"".join(chunks)
        if headers.get("content-encoding", "").lower() == "gzip":
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError, zlib.error) as err:
                raise self.error(
                    f"the gzip-compressed body is damaged or truncated ({err})",
                    where=where,
                    reason="truncated",
                ) from None
        return body

    def _status_error(self, answer: _Status, where: str, attempt: int) -> SourceError:
        status = answer.status
        reasons = {401: "auth", 403: "forbidden", 429: "rate_limited"}
        phrase = http.client.responses.get(status, "")
        tries = f" after {attempt + 1} tries" if attempt else ""
        excerpt = body_excerpt(answer.body)
        problem = f"HTTP {status} {phrase}{tries}".rstrip()
        if excerpt:
            problem += f": {excerpt!r}"
        return self.error(problem, where=where, reason=reasons.get(status, "http"), status=status)

    # -- payloads ---------------------------------------------------------------------

    def json(self, response: Response, what: str | None = None) -> Any:
        """The body of ``response`` as JSON; a :class:`SourceError` if it is not JSON.

        An HTML page (a captive portal, a CDN error page) or a body that ends too early
        says so, with the position where parsing stopped.
        """
        path = urllib.parse.urlsplit(response.url).path or "/"
        where = f"{what} ({path})" if what else path
        body = response.body
        head = body[:64].lstrip().lower()
        if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
            kind = response.headers.get("content-type", "unknown content type")
            raise self.error(
                f"expected JSON, got {kind}: {body_excerpt(body)!r}",
                where=where,
                reason="wrong_content",
            )
        try:
            return json.loads(body)
        except UnicodeDecodeError as err:
            raise self.error(
                f"the body is not UTF-8 text (byte {err.start}); expected JSON",
                where=where,
                reason="malformed",
            ) from None
        except json.JSONDecodeError as err:
            # A string or a value that runs into the end of the body: the body was cut.
            cut = err.pos >= len(body.rstrip()) - 1 or err.msg.startswith("Unterminated")
            why = "truncated JSON" if cut else "malformed JSON"
            raise self.error(
                f"{why}: {err.msg} (character {err.pos:,} of {len(body):,})",
                where=where,
                reason="truncated" if cut else "malformed",
            ) from None


def _count(value) -> str:
    """A byte count from a header as people read it (``3300`` -> ``3,300``)."""
    return f"{int(value):,d}" if str(value).strip().isdigit() else str(value)


def _loggable(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
