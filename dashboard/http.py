"""HTTP policies of the whole app: security headers, who may frame what, oEmbed.

Embed pages (``/embed``, ``/embed/story/<slug>``) may be framed by any site by default or
only by the origins in the ``frame_ancestors`` setting; the explorer and the API may not be
framed by other sites at all, so a hostile page cannot overlay them (clickjacking).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from html import escape

from flask import Flask, Response, request

from geo.stories import SLUG

__all__ = ["EMBED_DEFAULT_HEIGHT", "install_http_policies", "oembed_response"]

EMBED_DEFAULT_HEIGHT = 640
ONLINE_TILE_HOSTS = (
    "https://*.basemaps.cartocdn.com https://*.openstreetmap.org https://tile.openstreetmap.org"
)


def _is_embed(path: str) -> bool:
    return path == "/embed" or path.startswith("/embed/")


def content_security_policy(path: str, frame_ancestors: str, online_basemap: bool) -> str:
    """The CSP for a response to ``path``.

    Dash writes its config and renderer start-up as inline scripts, and Plotly/MapLibre set
    inline styles and start workers from blob: URLs, so those are allowed. Nothing else may
    load from another origin but the tile servers of the online basemaps a reader may pick
    (fixed hosts; the default offline basemap asks none of them for anything).
    """
    connect = "'self'" + (f" {ONLINE_TILE_HOSTS}" if online_basemap else "")
    ancestors = (frame_ancestors or "*") if _is_embed(path) else "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob:{' ' + ONLINE_TILE_HOSTS if online_basemap else ''}",
            "font-src 'self' data:",
            f"connect-src {connect}",
            "worker-src 'self' blob:",
            "child-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


def install_http_policies(server: Flask, settings) -> None:
    """Add security and framing headers to every response of ``server``."""
    # A reader can switch to an online basemap in the page, without a new page load.
    online = True

    @server.after_request
    def _headers(resp: Response) -> Response:
        path = request.path
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        resp.headers["Content-Security-Policy"] = content_security_policy(
            path, settings.frame_ancestors, online
        )
        if not _is_embed(path):
            # For old browsers that ignore CSP frame-ancestors.
            resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return resp


def oembed_response(host_url: str, maxwidth=None, maxheight=None, fmt="json") -> Response:
    """The oEmbed answer for ``request.args['url']`` (a Frontline view or story URL).

    ``host_url`` is this server's base URL (``request.host_url``); only URLs on this host
    are embedded.
    """
    from dashboard.api import ApiError, error_response, single_values

    if fmt != "json":
        return error_response("format: only json is supported", 501, "format")
    try:
        args = single_values(request.args)
    except ApiError as exc:
        return error_response(str(exc), exc.status, exc.param)
    target = args.get("url", "")
    if not target:
        return error_response("url: required, the Frontline view or story to embed", 400, "url")
    base = urllib.parse.urlsplit(host_url)
    try:
        parsed = urllib.parse.urlsplit(target)
        netloc = parsed.netloc
    except ValueError:  # "http://[::1/": a bracket that does not close
        return error_response(f"url: not a URL: {target!r}", 400, "url")
    if netloc != base.netloc or parsed.scheme not in ("http", "https"):
        return error_response(f"url: not a Frontline URL on {base.netloc}: {target!r}", 404, "url")
    path = parsed.path.rstrip("/") or "/"
    if path in ("/", "/embed"):
        embed_path, title = "/embed", "Frontline map"
    elif path.startswith(("/story/", "/embed/story/")):
        slug = path.rsplit("/", 1)[-1]
        if not SLUG.fullmatch(slug):
            return error_response(f"url: bad story slug {slug!r}", 404, "url")
        embed_path, title = f"/embed/story/{slug}", f"Frontline story: {slug}"
    else:
        return error_response(f"url: {parsed.path!r} is not a view or a story", 404, "url")
    size = {}
    for name, given, default, largest in (
        ("maxwidth", maxwidth, 800, 1200),
        ("maxheight", maxheight, EMBED_DEFAULT_HEIGHT, 2000),
    ):
        # ASCII digits only: int() would also take "１" (fullwidth), "1_000" and " 1 ";
        # a huge number is just "as large as you like", never a 4,301-digit int() error.
        digits = (given or "").lstrip("0")
        if given in (None, ""):
            size[name] = default
        elif not re.fullmatch(r"[0-9]+", given) or not digits:
            return error_response(
                f"{name}: expected a positive whole number of pixels, got {given[:40]!r}",
                400,
                name,
            )
        else:
            size[name] = min(int(digits[:7]) if len(digits) <= 7 else largest, largest)
    width, height = size["maxwidth"], size["maxheight"]
    src = f"{base.scheme}://{base.netloc}{embed_path}"
    if parsed.query:
        src += "?" + parsed.query
    html = (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width}" height="{height}" '
        'style="border:0;width:100%;max-width:100%" loading="lazy" '
        'data-frontline-embed="1"></iframe>'
    )
    body = {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Frontline",
        "provider_url": f"{base.scheme}://{base.netloc}/",
        "title": title,
        "width": width,
        "height": height,
        "html": html,
    }
    resp = Response(json.dumps(body), mimetype="application/json")
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp
