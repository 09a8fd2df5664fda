"""What the HTTP client hands back, and the small parsers of response headers and bodies."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Fetched", "Response", "body_excerpt", "retry_after_seconds"]

_EXCERPT = 200


@dataclass(frozen=True)
class Response:
    """A complete response: ``status`` 2xx with its body, or 304 (``not_modified``)."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """True for a 304: what the caller had (by ETag or Last-Modified) is current."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        """The ``ETag`` to hand back as ``etag=`` next time (None if the server sent none)."""
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        """The ``Last-Modified`` to hand back as ``last_modified=`` next time."""
        return self.headers.get("last-modified")


@dataclass(frozen=True)
class Fetched:
    """A payload with what is needed to ask for it conditionally next time.

    ``value`` is None when ``not_modified``: the caller's copy is current.
    """

    value: Any
    url: str
    etag: str | None
    last_modified: str | None
    not_modified: bool = False

    @classmethod
    def of(cls, response: Response, value: Any) -> Fetched:
        return cls(value, response.url, response.etag, response.last_modified,
                   response.not_modified)  # fmt: skip


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    Returns None when the header is absent or unreadable; never less than 0.

    Examples
    --------
    >>> retry_after_seconds("7")
    7.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    10.0
    """
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def body_excerpt(body: bytes, limit: int = _EXCERPT) -> str:
    """The start of a response body as one line of text, HTML tags removed."""
    text = body[: limit * 8].decode("utf-8", errors="replace")
    if text.lstrip()[:1] == "<":
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
