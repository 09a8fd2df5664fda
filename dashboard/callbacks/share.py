"""The share panel: permalink, iframe code and download links for exactly the view on screen.

Built from the view state (filters, dates, map position, open event), not from the URL the
page was first opened with: every control changes what is shared.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode, urlsplit

from dash import Input, Output, State, html

from dashboard import ids
from dashboard.http import EMBED_DEFAULT_HEIGHT
from dashboard.i18n import t
from dashboard.state import ViewState

__all__ = ["register", "share_texts"]

DOWNLOADS = (
    ("share.events_csv", "/api/v1/events.csv"),
    ("share.events_geojson", "/api/v1/events.geojson"),
    ("share.changes_csv", "/api/v1/territory/changes.csv"),
    ("share.changes_geojson", "/api/v1/territory/changes.geojson"),
    ("share.settlements_csv", "/api/v1/territory/settlements.csv"),
    ("share.settlements_geojson", "/api/v1/territory/settlements.geojson"),
)
#: Downloads of the measures take the period and the regions only (not the event filters).
_MEASURES = ("settlements",)


def share_texts(
    state: ViewState, origin: str, path: str, lang: str
) -> tuple[str, str, list[tuple[str, str]]]:
    """Permalink, iframe code and download links for ``state`` on the page at ``path``."""
    params = state.to_params()
    search = "?" + urlencode(params, safe=",:")
    path = path or "/"
    embed_path = "/embed" + (path if path.startswith("/story/") else "")
    iframe = (
        f'<iframe src="{escape(origin + embed_path + search)}" title="Frontline" width="100%" '
        f'height="{EMBED_DEFAULT_HEIGHT}" style="border:0" loading="lazy" '
        "data-frontline-embed></iframe>\n"
        f'<script src="{escape(origin)}/assets/embed.js" async></script>'
    )
    # Files are the view's data: its filters, not the map's position or the page's look.
    query = state.query().to_params()
    # Km² per week or per month, as the timeline shows them (a day is noise on daily maps).
    by = state.by if state.by in ("week", "month") else "week"
    links = []
    for key, api in DOWNLOADS:
        if any(m in api for m in _MEASURES):
            params = {k: v for k, v in query.items() if k in ("from", "to", "regions")}
            params["lang"] = lang
        else:
            params = {**query, **({"by": by} if "territory" in api else {})}
        links.append((t(key, lang), api + "?" + urlencode(params, safe=",:")))
    return origin + path + search, iframe, links


def register(app, rt) -> None:
    """Attach the share panel callback."""

    @app.callback(
        Output(ids.SHARE_LINK, "value"),
        Output(ids.SHARE_IFRAME, "value"),
        Output(ids.SHARE_DOWNLOADS, "children"),
        Input(ids.STATE, "data"),
        Input(ids.VIEWPORT, "data"),
        Input(ids.OPEN_EVENT, "data"),
        State(ids.URL, "href"),
        State(ids.URL, "pathname"),
    )
    def update(data, viewport, event, href, path):
        state = ViewState.from_dict(data).replace(**(viewport or {}), event=event)
        url = urlsplit(href or "")
        origin = f"{url.scheme}://{url.netloc}" if url.netloc else ""
        link, iframe, downloads = share_texts(state, origin, path or url.path, state.lang)
        anchors = [
            html.A(label, href=target, download="", className="button")
            for label, target in downloads
        ]
        return link, iframe, anchors
