"""``create_app(settings) -> Dash``: the Frontline web app. No data is loaded at import."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import flask
from dash import Dash, html, set_props

from dashboard import ids
from dashboard.pages import explorer
from dashboard.settings import Settings
from dashboard.state import lang_from_accept_language, parse_search
from geo.store import FileStore

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def _show_error(exc: Exception) -> None:
    """Global callback error handler: say what failed in the alert area, keep the page."""
    log.exception("callback failed", exc_info=exc)
    set_props(ids.ERROR, {"children": [html.Strong("⚠ "), str(exc)], "hidden": False})


def _warm(store) -> None:
    # FileStore loads lazily; touching everything here keeps the first request fast.
    store.regions.admin1  # noqa: B018
    store.territory.coverage()
    store.events()
    store.places  # noqa: B018


def create_app(settings: Settings | None = None, store=None) -> Dash:
    """Build the Dash app for ``settings`` over ``store`` (default: the bundled files)."""
    settings = settings or Settings()
    store = store or FileStore(user_dir=settings.data_dir)
    _warm(store)
    app = Dash(
        __name__,
        title="Frontline",
        update_title=None,
        assets_folder=str(_assets_folder()),
        on_error=_show_error,
        suppress_callback_exceptions=False,
    )

    def serve_layout():
        # Outside a request (Dash validating the layout at startup) use the defaults.
        if not flask.has_request_context():
            state, errors = parse_search("", basemap=settings.basemap)
        else:
            lang = lang_from_accept_language(flask.request.headers.get("Accept-Language"))
            search = _page_search(flask.request)
            state, errors = parse_search(search, lang=lang, basemap=settings.basemap)
        return explorer.layout(state, store, settings, errors)

    app.layout = serve_layout
    _register_callbacks(app, store, settings)

    @app.server.get("/healthz")
    def healthz():
        return {"ok": True}

    return app


def _page_search(request) -> str:
    """The query string of the page being built. Dash fetches the layout with its own
    request (``/_dash-layout``), so the page's URL is the Referer of that request."""
    if request.path.endswith("_dash-layout") and request.referrer:
        return urlsplit(request.referrer).query
    return request.query_string.decode("utf-8", "replace")


def _register_callbacks(app, store, settings) -> None:
    from dashboard.callbacks import (
        claims,
        details,
        figures,
        filters,
        map,
        permalink,
        playback,
        table,
        timeline,
        upload,
    )

    for module in (permalink, filters, map, timeline, figures, claims, details, table, upload,
                   playback):  # fmt: skip
        module.register(app, store, settings)


def _assets_folder():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "assets"
