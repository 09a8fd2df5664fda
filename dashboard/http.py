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

__all__ = [
    "EMBED_DEFAULT_HEIGHT",
    "EMBED_HEIGHTS",
    "MAX_EMBED_HEIGHT",
    "embed_height",
    "install_http_policies",
    "oembed_response",
]

EMBED_DEFAULT_HEIGHT = 640
#: Heights (px) of the embeds' content by iframe width, as (from this width on, height):
#: the most measured at either end of each band (``.app``'s bottom, as
#: assets/embed-height.js posts it) in headless Chromium at 320, 360, 480, 640, 700, 800
#: and 1200 px, with the default view and the bundled story, on 30 November 2026. A first
#: guess only: the framed page reports its real height and assets/embed.js applies it.
#: Measure again when the embed's layout changes.
EMBED_HEIGHTS = {
    "embed": ((0, 1390), (360, 1310), (480, 1230), (640, 1170), (800, 1170)),
    "story": ((0, 3060), (360, 2790), (480, 2320), (640, 2040), (800, 2000)),
}
#: The tallest iframe oEmbed asks for (and embed.js sets): far above any page's content.
MAX_EMBED_HEIGHT = 20_000
#: Narrower thumbnails are left out (see ``_thumbnail``).
THUMBNAIL_MIN_WIDTH = 720
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


def embed_height(kind: str, width: int) -> int:
    """The height (px) an embed of ``kind`` ("embed" or "story") needs at ``width`` px,
    from :data:`EMBED_HEIGHTS`."""
    height = EMBED_HEIGHTS[kind][0][1]
    for least, tall in EMBED_HEIGHTS[kind]:
        if width >= least:
            height = tall
    return height


def oembed_response(
    host_url: str, maxwidth=None, maxheight=None, fmt="json", *, rt=None
) -> Response:
    """The oEmbed answer for ``request.args['url']`` (a Frontline view or story URL).

    ``host_url`` is this server's base URL (``request.host_url``); only URLs on this host
    are embedded. With the runtime ``rt`` the answer carries the page's real title (a
    story's in the URL's ``lang``, English by default) and a thumbnail (the view's picture).
    The height fits the page at the width given (:func:`embed_height`), within
    ``maxheight``; the resize script after the iframe lets it follow its content.
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
        embed_path, kind, title = "/embed", "embed", "Frontline map"
    elif path.startswith(("/story/", "/embed/story/")):
        slug = path.rsplit("/", 1)[-1]
        if not SLUG.fullmatch(slug):
            return error_response(f"url: bad story slug {slug!r}", 404, "url")
        embed_path, kind, title = f"/embed/story/{slug}", "story", f"Frontline story: {slug}"
    else:
        return error_response(f"url: {parsed.path!r} is not a view or a story", 404, "url")
    size = {}
    for name, given, default, largest in (
        ("maxwidth", maxwidth, 800, 1200),
        ("maxheight", maxheight, None, MAX_EMBED_HEIGHT),
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
    width = size["maxwidth"]
    fits = embed_height(kind, width)
    height = fits if size["maxheight"] is None else min(fits, size["maxheight"])
    thumbnail = None
    if rt is not None:
        from dashboard.meta import IMAGE_SIZE, page_meta
        from geo.errors import FrontlineError

        try:
            meta = page_meta(embed_path, parsed.query, host_url, rt)
        except FrontlineError as exc:
            return error_response(str(exc), 400, exc.param or "url")
        if meta is None:
            return error_response(f"url: no such page: {parsed.path!r}", 404, "url")
        title = meta.headline
        thumbnail = _thumbnail(meta.image, width, size["maxheight"], IMAGE_SIZE)
    src = f"{base.scheme}://{base.netloc}{embed_path}"
    if parsed.query:
        src += "?" + parsed.query
    origin = f"{base.scheme}://{base.netloc}"
    html = (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width}" height="{height}" '
        'style="border:0;width:100%;max-width:100%" loading="lazy" '
        'data-frontline-embed="1"></iframe>\n'
        f'<script src="{escape(origin)}/assets/embed.js" async></script>'
    )
    body = {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Frontline",
        "provider_url": f"{origin}/",
        "title": title,
        "width": width,
        "height": height,
        "html": html,
        "cache_age": 300,
    }
    if thumbnail is not None:
        body |= thumbnail
    resp = Response(json.dumps(body), mimetype="application/json")
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


def _thumbnail(image: str, width: int, maxheight: int | None, full: tuple[int, int]):
    """The view's picture as an oEmbed thumbnail within ``width`` and ``maxheight``, in
    the preview's shape; None below :data:`THUMBNAIL_MIN_WIDTH` (a narrower picture puts
    the key under the map and needs more height than a thumbnail has)."""
    tw = min(width, full[0])
    th = round(tw * full[1] / full[0])
    if tw < THUMBNAIL_MIN_WIDTH or (maxheight is not None and th > maxheight):
        return None
    if (tw, th) != full:
        query = urllib.parse.urlsplit(image).query
        params = dict(urllib.parse.parse_qsl(query)) | {"width": str(tw), "height": str(th)}
        image = image.split("?", 1)[0] + "?" + urllib.parse.urlencode(params, safe=",:")
    return {"thumbnail_url": image, "thumbnail_width": tw, "thumbnail_height": th}
