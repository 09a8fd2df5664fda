"""Where each upstream source lives: one setting per source, overridable for tests.

Each source module has a ``base_url(base=None)`` that calls :func:`resolve_base_url`: the
explicit argument first, then the environment variable, then the public default. Tests
point the variables at a loopback imitation of the API.
"""

from __future__ import annotations

import os
import urllib.parse

from geo.errors import FrontlineError
from geo.sources.errors import REDACTED

__all__ = ["DEFAULT_URLS", "resolve_base_url"]

#: Source -> (environment variable, default base URL).
DEFAULT_URLS = {
    "deepstate": ("FRONTLINE_DEEPSTATE_URL", "https://deepstatemap.live/api/history"),
    "ucdp-api": ("FRONTLINE_UCDP_URL", "https://ucdpapi.pcr.uu.se/api"),
    "ucdp": ("FRONTLINE_UCDP_DOWNLOADS_URL", "https://ucdp.uu.se/downloads"),
    "acled": ("FRONTLINE_ACLED_URL", "https://acleddata.com"),
}


def resolve_base_url(source: str, explicit: str | None = None, environ=None) -> str:
    """The base URL of ``source``: ``explicit`` if given, else its environment variable,
    else the default of :data:`DEFAULT_URLS`; without a trailing slash.

    Raises
    ------
    FrontlineError
        When the URL is not ``http://`` or ``https://`` with a host.
    """
    env_var, default = DEFAULT_URLS[source]
    environ = os.environ if environ is None else environ
    url = explicit or environ.get(env_var) or default
    parts = urllib.parse.urlsplit(url)
    origin = "base" if explicit else env_var
    shown = url.replace(parts.password, REDACTED) if parts.password else url
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FrontlineError(
            f"{origin}: expected an http:// or https:// URL for {source}, got {shown!r}",
            param=origin,
        )
    if parts.username or parts.password:
        # Messages and logs show base URLs; credentials travel in headers only.
        raise FrontlineError(
            f"{origin}: the URL for {source} must not contain a user name or password",
            param=origin,
        )
    return url.rstrip("/")
