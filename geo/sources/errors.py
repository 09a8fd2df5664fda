"""The error of an upstream source, and the one place that keeps credentials out of text.

A :class:`SourceError` says which source failed, where (the URL path, the version or the
page) and what was wrong (the HTTP status with a short excerpt of the body, a timeout, a
truncated or malformed payload, content of the wrong kind). The updater shows it as it is
and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from geo.errors import FrontlineError

__all__ = ["REDACTED", "ClassificationError", "SourceError", "redact"]

#: What a credential is replaced with wherever text leaves a source module.
REDACTED = "[redacted]"
# Shorter values are not credentials and replacing them would mangle ordinary text.
_MIN_SECRET = 4


class SourceError(FrontlineError):
    """An upstream source could not be read, or sent something Frontline cannot use.

    Attributes
    ----------
    source : the source's name ("deepstate", "ucdp", "ucdp-api", "acled", "polygons")
    where : what was being read: a URL path, "version 1754077960", "page 3"
    status : the HTTP status, when the server answered
    reason : a short code for programs: ``http``, ``auth``, ``forbidden``, ``rate_limited``,
        ``timeout``, ``network``, ``truncated``, ``malformed``, ``wrong_content``,
        ``too_large``, ``unclassified``
    """

    def __init__(
        self,
        message: str,
        *,
        source: str,
        where: str = "",
        status: int | None = None,
        reason: str = "http",
        param: str | None = None,
    ):
        super().__init__(message, param=param)
        self.source = source
        self.where = where
        self.status = status
        self.reason = reason

    def __reduce__(self):
        return (
            _rebuild,
            (type(self), str(self), self.source, self.where, self.status, self.reason, self.param),
        )


def _rebuild(cls, message, source, where, status, reason, param):
    return cls(message, source=source, where=where, status=status, reason=reason, param=param)


class ClassificationError(SourceError):
    """A DeepState polygon whose fill colour has no known meaning: nothing is guessed."""


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every occurrence of each secret in ``text`` by :data:`REDACTED`.

    Longer secrets are replaced first, so that a password containing a token is removed
    whole. Values shorter than four characters are left alone.

    Examples
    --------
    >>> redact("401: bad token s3cr3t-tok", ["s3cr3t-tok"])
    '401: bad token [redacted]'
    """
    for secret in sorted({s for s in secrets if s and len(s) >= _MIN_SECRET}, key=len)[::-1]:
        text = text.replace(secret, REDACTED)
    return text
