"""``create_app(settings) -> Dash``: the Frontline web app. No data is loaded at import."""

from __future__ import annotations

import gc
import logging
import os
from urllib.parse import parse_qsl, urlencode, urlsplit

import flask
from dash import Dash

from dashboard.errors import install_error_handling, show_callback_error
from dashboard.i18n import t
from dashboard.pages import explorer
from dashboard.runtime import Runtime
from dashboard.settings import Settings
from dashboard.state import lang_from_accept_language, parse_search
from geo.errors import FrontlineError
from geo.stores import open_store

__all__ = ["create_app", "freeze_loaded"]

log = logging.getLogger(__name__)


def _warm_default_view(rt: Runtime) -> None:
    """Compute what the default view shows (the control layers, the period's change, the
    claims, the basemap's display geometry, the place labels), so the first reader does not
    wait for it."""
    from dashboard.callbacks.claims import claim_checks
    from dashboard.callbacks.map import base_figure, label_layer_sources
    from dashboard.state import ViewState
    from dashboard.view import compute_view

    scope = rt.scope(session=False)
    try:
        claim_checks(scope)
        compute_view(scope, ViewState())
        base_figure(scope, ViewState())
        # The place labels' placement (~0.3 s): the first map waited for it.
        label_layer_sources(scope, ViewState(), None)
    except FrontlineError as exc:  # e.g. a data folder whose record ends before the default
        log.info("default view not warmed: %s", exc)


def create_app(settings: Settings | None = None, store=None) -> Dash:
    """Build the Dash app for ``settings`` over ``store`` (default: the store the settings
    name)."""
    from dashboard.cache import make_cache
    from dashboard.sessions import configure_sessions

    settings = settings or Settings()
    store = store or open_store(settings.store, user_dir=settings.data_dir)
    rt = Runtime(settings, store, make_cache(settings.cache))
    rt.store.current()  # the first generation: every page needs it
    _warm_default_view(rt)
    app = Dash(
        __name__,
        title="Frontline",
        update_title=None,
        assets_folder=str(assets_folder()),
        on_error=show_callback_error,
        suppress_callback_exceptions=False,
    )

    def serve_layout():
        # Outside a request (Dash validating the layout at startup) use the defaults.
        if not flask.has_request_context():
            state, errors = parse_search("", basemap=settings.basemap)
            return explorer.layout(state, rt.scope(session=False), settings, errors,
                                   as_of=rt.as_of())  # fmt: skip
        lang = lang_from_accept_language(flask.request.headers.get("Accept-Language"))
        path, search = _page_url(flask.request)
        return page_layout(path, search, lang, rt)

    app.layout = serve_layout
    _register_callbacks(app, rt)
    from dashboard.meta import install_page_meta
    from dashboard.picture import register_picture_routes
    from dashboard.poster import register_poster

    install_page_meta(app, rt)
    register_picture_routes(app.server, rt)
    register_poster(app.server, rt)
    configure_sessions(app.server, settings, store.user_dir)
    _register_http(app.server, rt)
    # dashboard.serving closes the store's connections before gunicorn forks workers.
    app.server.config["FRONTLINE_RUNTIME"] = rt
    _register_dash_resources(app)
    return app


def assets_folder():
    """The folder of the app's CSS and scripts: ``assets/`` of a checkout, else the copy
    installed with the package."""
    from geo.paths import installed_resource

    return installed_resource("assets")


def _register_dash_resources(app: Dash) -> None:
    """Render the page once now, so Dash registers its script bundles in this process.

    Dash registers the bundles it may serve (``/_dash-component-suites/...``) while it
    renders a page. A gunicorn worker forked before any page was rendered refused Dash's
    own scripts ("dash is not a registered library") when a page rendered by another
    worker asked it for them, and the page stayed white. Rendered here, before the fork,
    every worker knows them from its first request on."""
    client = app.server.test_client()
    resp = client.get("/", environ_base={"frontline.warmup": True})
    if resp.status_code != 200:
        raise RuntimeError(f"the start page could not be rendered (HTTP {resp.status_code})")


def freeze_loaded() -> None:
    """Move everything loaded so far out of the garbage collector's reach; for a serving
    process, once the app is built. It lives as long as the server, and full collections
    over it had cost ~9 ms per filter change at a million events (the markers of one view
    allocate tens of thousands of lists). Objects made later are collected as usual. No
    collection first: it would cost 0.1 s of start-up to free a few temporaries."""
    gc.freeze()


def _register_http(server, rt: Runtime) -> None:
    """The non-Dash routes: the API, oEmbed, liveness, and the headers every response gets."""
    from dashboard.api import create_api
    from dashboard.compress import install_gzip
    from dashboard.http import install_http_policies, oembed_response

    api = create_api(rt)
    install_error_handling(server, api)
    server.register_blueprint(api)
    install_http_policies(server, rt.settings)
    install_gzip(server)

    if rt.settings.update_every:
        from dashboard.settings import every_seconds
        from geo.updates.schedule import Scheduler

        rt.scheduler = Scheduler(rt.store, every_seconds(rt.settings.update_every))

    @server.before_request
    def _watch():
        # Threads do not survive gunicorn's fork: each worker starts its own watcher and
        # scheduler (gunicorn's post_fork starts the scheduler too, so a server nobody
        # reads still updates). Never in the warm-up before the fork.
        if not flask.request.environ.get("frontline.warmup"):
            rt.store.watch(rt.settings.refresh_seconds)
            if rt.scheduler is not None:
                rt.scheduler.start()

    @server.before_request
    def _missing_page():
        # Dash answers every path with its page: a path that is no page (/.env, /anything,
        # a story that does not exist) is a real 404, not the explorer with status 200.
        from dashboard.pages.routes import resolve

        rule = flask.request.url_rule
        if rule is None or rule.rule != "/<path:path>":
            return None
        if resolve(flask.request.path, rt.scope(session=False)).kind != "missing":
            return None
        return not_found_page(flask.request.path)

    @server.get("/healthz")
    def healthz():
        # Which worker process answered: an operator (and a test) can tell workers apart.
        return {"ok": True, "data_version": rt.store.data_version(), "pid": os.getpid()}

    @server.get("/oembed")
    def oembed():
        from dashboard.api import error_response
        from dashboard.pages.routes import resolve

        args = flask.request.args
        try:
            path = urlsplit(args.get("url", "")).path
        except ValueError:
            path = ""
        if "/story/" in path and resolve(path, rt.scope(session=False)).kind == "missing":
            return error_response(f"url: no such story: {path}", 404, "url")
        # With the runtime: the page's real title and its picture as the thumbnail.
        return oembed_response(
            flask.request.host_url, args.get("maxwidth"), args.get("maxheight"),
            args.get("format", "json"), rt=rt,
        )  # fmt: skip


def not_found_page(path: str) -> flask.Response:
    """A short 404 page in English and German with a way back to the map."""
    from html import escape

    from dashboard.state import lang_from_accept_language

    lang = lang_from_accept_language(flask.request.headers.get("Accept-Language"))
    body = (
        f'<!doctype html><html lang="{lang}"><meta charset="utf-8">'
        f"<title>{escape(t('error.page', lang, path=path))} · Frontline</title>"
        f"<h1>{escape(t('error.page', lang, path=path))}</h1>"
        f'<p><a href="/">{escape(t("error.to_map", lang))}</a></p></html>'
    )
    return flask.Response(body, status=404, mimetype="text/html")


def _page_url(request) -> tuple[str, str]:
    """Path and query string of the page being built. Dash fetches the layout with its own
    request (``/_dash-layout``), so the page's URL is the Referer of that request."""
    if request.path.endswith("_dash-layout") and request.referrer:
        url = urlsplit(request.referrer)
        return url.path, url.query
    return request.path, request.query_string.decode("utf-8", "replace")


#: Query parameter of an embed that asks for the interactive page, not its picture.
LIVE = "live"


def page_view(path: str, search: str, lang: str, rt: Runtime):
    """``(page, state, errors)`` of the page at ``path``: the view of ``search`` over the
    page's defaults (a story's dates and camera), and the messages about ignored params."""
    from dashboard.pages.routes import resolve

    shared = rt.scope(session=False)
    page = resolve(path, shared)
    given = [(k, v) for k, v in parse_qsl(search.lstrip("?")) if k != LIVE]
    merged = "?" + urlencode({**page.defaults, **dict(given)})
    state, errors = parse_search(merged, lang=lang, basemap=rt.settings.basemap,
                                 regions=shared.data.regions.codes)  # fmt: skip
    return page, state, errors


def page_layout(path: str, search: str, lang: str, rt: Runtime):
    """The layout of the page at ``path`` with the view of ``search`` over its defaults."""
    from dashboard.pages.story import embed_footer, story_events, story_intro

    settings = rt.settings
    page, state, errors = page_view(path, search, lang, rt)
    if page.kind == "missing":
        errors = [t("error.page", state.lang, path=path), *errors]
        return explorer.layout(state, rt.scope(), settings, errors, as_of=rt.as_of())
    mode = "embed" if page.embedded else page.kind
    scope = rt.scope(session=not page.embedded)
    story = page.story
    intro = story_intro(story, state.lang) if story is not None else None
    events = story_events(story, state.lang) if story is not None else None
    footer = None
    if page.embedded:
        footer = embed_footer(state.lang, full_path(page), state)
    return explorer.layout(state, scope, settings, errors, mode=mode, intro=intro,
                           footer=footer, story=story, story_events=events,
                           as_of=rt.as_of(scope.data))  # fmt: skip


def full_path(page) -> str:
    """The explorer page an embed is a view of (``/`` or the story's page)."""
    return f"/story/{page.story.slug}" if page.story is not None else "/"


def _register_callbacks(app, rt: Runtime) -> None:
    from dashboard.callbacks import (
        check,
        claims,
        details,
        filters,
        measures,
        panels,
        permalink,
        playback,
        share,
        upload,
    )

    for module in (permalink, filters, panels, claims, details, upload, playback, share, check,
                   measures):  # fmt: skip
        module.register(app, rt)
