"""The share panel: permalink, iframe code and download links for exactly this view."""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from dash import Input, Output, State, html

from dashboard import ids
from dashboard.http import EMBED_DEFAULT_HEIGHT
from dashboard.i18n import t

DOWNLOADS = (
    ("share.events_csv", "/api/v1/events.csv"),
    ("share.events_geojson", "/api/v1/events.geojson"),
    ("share.changes_csv", "/api/v1/territory/changes.csv"),
    ("share.changes_geojson", "/api/v1/territory/changes.geojson"),
)


def share_texts(href: str, lang: str) -> tuple[str, str, list[tuple[str, str]]]:
    """Permalink, iframe code and download links for the page at ``href``."""
    url = urlsplit(href or "")
    origin = f"{url.scheme}://{url.netloc}" if url.netloc else ""
    search = f"?{url.query}" if url.query else ""
    path = url.path or "/"
    embed_path = "/embed" + (path if path.startswith("/story/") else "")
    iframe = (
        f'<iframe src="{escape(origin + embed_path + search)}" title="Frontline" width="100%" '
        f'height="{EMBED_DEFAULT_HEIGHT}" style="border:0" loading="lazy" '
        "data-frontline-embed></iframe>\n"
        f'<script src="{escape(origin)}/assets/embed.js" async></script>'
    )
    changes_search = (
        search + ("&" if search else "?") + "by=week" if "by=" not in search else search
    )
    links = []
    for key, api in DOWNLOADS:
        q = changes_search if "territory" in api else search
        links.append((t(key, lang), api + q))
    return origin + path + search, iframe, links


def register(app, rt) -> None:
    """Attach the share panel callback."""

    @app.callback(
        Output(ids.SHARE_LINK, "value"),
        Output(ids.SHARE_IFRAME, "value"),
        Output(ids.SHARE_DOWNLOADS, "children"),
        Input(ids.URL, "href"),
        State(ids.ROOT, "lang"),
    )
    def update(href, lang):
        link, iframe, downloads = share_texts(href, lang or "en")
        anchors = [
            html.A(label, href=target, download="", className="button")
            for label, target in downloads
        ]
        return link, iframe, anchors
