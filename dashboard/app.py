"""``create_app(settings) -> Dash``: the Frontline web app. No data is loaded at import."""

from __future__ import annotations

import gc
import logging
from urllib.parse import parse_qsl, urlencode, urlsplit

import flask
from dash import Dash, html, set_props

from dashboard import ids
from dashboard.i18n import t
from dashboard.pages import explorer
from dashboard.settings import Settings
from dashboard.state import lang_from_accept_language, parse_search
from geo.background import pool
from geo.errors import FrontlineError
from geo.store import open_store

__all__ = ["create_app", "freeze_loaded"]

log = logging.getLogger(__name__)


def _show_error(exc: Exception) -> None:
    """Global callback error handler: say what failed in the alert area, keep the page."""
    log.exception("callback failed", exc_info=exc)
    set_props(ids.ERROR, {"children": [html.Strong("⚠ "), str(exc)], "hidden": False})


def _warm(store):
    """Load what the first request needs; returns a function that waits for the rest.

    The stores load lazily; touching everything here keeps the first request fast. The
    events (the bulk: a second or two at a million rows, mostly in Arrow, which releases
    the GIL) load on a second thread while this one reads the territory, the regions and
    the gazetteer and builds the app.
    """

    def events():
        if hasattr(store, "columns"):
            store.columns()  # the date-sorted numpy columns of the fast query path
        else:
            store.events()

    loading = pool("warm").submit(events)
    store.regions.admin1  # noqa: B018
    store.territory.coverage()
    store.places  # noqa: B018
    return loading.result  # re-raises what failed while loading


def _warm_default_view(store) -> None:
    """Compute what the default view shows that does not depend on the events (the
    control layers, the period's change, the claims, the basemap's display geometry)
    while the events are still loading on the other thread."""
    from dashboard.callbacks.claims import claim_checks
    from dashboard.callbacks.map import base_layers
    from dashboard.figures.geometry import map_layers
    from dashboard.state import ViewState
    from dashboard.view import view_series

    try:
        claim_checks(store)
        view_series(store, ViewState())  # also checks the precomputed periods' fingerprint
        b = base_layers(store, ViewState())
        # The display GeoJSON (simplified per zoom) is cached by geometry: build it once.
        map_layers(b["territory"], b["gained"], b["lost"], b["admin1"], b["countries"])
    except FrontlineError as exc:  # e.g. a data folder whose record ends before the default
        log.info("default view not warmed: %s", exc)


def create_app(settings: Settings | None = None, store=None) -> Dash:
    """Build the Dash app for ``settings`` over ``store`` (default: the bundled files)."""
    settings = settings or Settings()
    store = store or open_store(settings.store, user_dir=settings.data_dir)
    wait_for_events = _warm(store)
    _attach_cache(store, settings)
    _warm_default_view(store)
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
            return explorer.layout(state, store, settings, errors)
        lang = lang_from_accept_language(flask.request.headers.get("Accept-Language"))
        path, search = _page_url(flask.request)
        return page_layout(path, search, lang, store, settings)

    app.layout = serve_layout
    _register_callbacks(app, store, settings)

    _register_http(app.server, store, settings)
    # dashboard.serving closes the store's connections before gunicorn forks workers.
    app.server.config["FRONTLINE_STORE"] = store
    wait_for_events()
    return app


def freeze_loaded() -> None:
    """Move everything loaded so far out of the garbage collector's reach; for a serving
    process, once the app is built. It lives as long as the server, and full collections
    over it had cost ~9 ms per filter change at a million events (the markers of one view
    allocate tens of thousands of lists). Objects made later are collected as usual. No
    collection first: it would cost 0.1 s of start-up to free a few temporaries."""
    gc.freeze()


def _attach_cache(store, settings) -> None:
    from dashboard.cache import attach, make_cache

    attach(store, make_cache(settings.cache))


def _register_http(server, store, settings) -> None:
    """The non-Dash routes: the API, oEmbed, liveness, and the headers every response gets."""
    from dashboard.api import create_api
    from dashboard.http import install_http_policies, oembed_response
    from dashboard.unavailable import install_unavailable_handlers

    api = create_api(store)
    install_unavailable_handlers(server, api)
    server.register_blueprint(api)
    install_http_policies(server, settings)
    from dashboard.compress import install_gzip

    install_gzip(server)

    @server.before_request
    def _missing_story():
        # Dash answers every path with its page; a story that does not exist is a real 404.
        from dashboard.pages.routes import resolve

        path = flask.request.path
        if "/story/" in path and resolve(path, store).kind == "missing":
            return flask.Response("no such story", status=404, mimetype="text/plain")
        return None

    @server.get("/healthz")
    def healthz():
        return {"ok": True}

    @server.get("/oembed")
    def oembed():
        from dashboard.api import error_response
        from dashboard.pages.routes import resolve

        args = flask.request.args
        try:
            path = urlsplit(args.get("url", "")).path
        except ValueError:
            path = ""
        if "/story/" in path and resolve(path, store).kind == "missing":
            return error_response(f"url: no such story: {path}", 404, "url")
        return oembed_response(
            flask.request.host_url, args.get("maxwidth"), args.get("maxheight"),
            args.get("format", "json"),
        )  # fmt: skip


def _page_url(request) -> tuple[str, str]:
    """Path and query string of the page being built. Dash fetches the layout with its own
    request (``/_dash-layout``), so the page's URL is the Referer of that request."""
    if request.path.endswith("_dash-layout") and request.referrer:
        url = urlsplit(request.referrer)
        return url.path, url.query
    return request.path, request.query_string.decode("utf-8", "replace")


def page_layout(path: str, search: str, lang: str, store, settings):
    """The layout of the page at ``path`` with the view of ``search`` over its defaults."""
    from dashboard.pages.routes import resolve
    from dashboard.pages.story import embed_footer, story_intro

    page = resolve(path, store)
    merged = "?" + urlencode({**page.defaults, **dict(parse_qsl(search.lstrip("?")))})
    state, errors = parse_search(merged, lang=lang, basemap=settings.basemap)
    if page.kind == "missing":
        errors = [t("error.page", state.lang, path=path), *errors]
        return explorer.layout(state, store, settings, errors)
    mode = "embed" if page.embedded else page.kind
    intro = story_intro(page.story, state.lang) if page.story is not None else None
    footer = None
    if page.embedded:
        full = f"/story/{page.story.slug}" if page.story is not None else "/"
        params = state.to_params()
        params.pop("views", None)
        footer = embed_footer(state.lang, full, params)
    return explorer.layout(state, store, settings, errors, mode=mode, intro=intro, footer=footer)


def _register_callbacks(app, store, settings) -> None:
    from dashboard.callbacks import (
        claims,
        details,
        filters,
        panels,
        permalink,
        playback,
        share,
        upload,
    )

    for module in (permalink, filters, panels, claims, details, upload, playback, share):
        module.register(app, store, settings)


def _assets_folder():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "assets"
