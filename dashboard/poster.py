"""An embed's first paint: the view as a picture, with the figure check and the article's
events as text, in one small HTML page without Dash's scripts.

A newsroom's article loads every embed on it whether or not the reader looks at it; the
interactive page brings ~2.3 MB of scripts (plotly.js alone 1.7 MB). So ``/embed`` and
``/embed/story/<slug>`` first answer with this page: the map of the view as a picture from
``/api/v1/map.png`` (title, key, the period's km² with its source and the attribution are
in the picture), at a size that suits the iframe's width, and a tap on it opens the
interactive page (the same URL with ``live=1``). It resizes its iframe like the live page
(``assets/embed-height.js``). An embed that shows no map (``views`` without ``map``) goes
straight to the live page: there is nothing to paint first.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import flask
from dash import html

from dashboard.html_text import to_html
from dashboard.i18n import t

__all__ = ["PICTURE_SIZES", "poster_page", "register_poster"]

#: (least viewport width, picture width, height): a wide picture keeps its key beside the
#: map; under 700 px the key goes below it. Drawn at the width it is shown at, so its text
#: stays at its designed size (a big picture scaled down would shrink the text unreadably).
PICTURE_SIZES = ((1000, 1200, 800), (700, 760, 560), (0, 400, 800))
#: View parameters that do not change the picture.
_NOT_IN_PICTURE = ("views", "event", "by", "alerts", "basemap")


def register_poster(server, rt) -> None:
    """Answer ``GET /embed...`` without ``live=1`` with :func:`poster_page`."""
    from dashboard.app import LIVE

    @server.before_request
    def _poster():
        request = flask.request
        if request.method != "GET" or not request.path.startswith("/embed"):
            return None
        if LIVE in request.args:
            return None
        body = poster_page(request.path, request.query_string.decode("utf-8", "replace"), rt)
        if body is None:
            return None
        resp = flask.Response(body, mimetype="text/html")
        # The picture it points at changes with the data: revalidate like the pages do.
        resp.headers["Cache-Control"] = "no-cache"
        return resp


def poster_page(path: str, search: str, rt) -> str | None:
    """The first-paint page of the embed at ``path`` (None: not an embed with a map)."""
    from dashboard.app import LIVE, full_path, page_view
    from dashboard.as_of import as_of_line
    from dashboard.callbacks.claims import claims_panel
    from dashboard.meta import meta_tags, page_meta
    from dashboard.pages.explorer import story_sentences
    from dashboard.pages.measures import MEASURE_VIEWS
    from dashboard.pages.story import embed_footer, story_events, story_intro
    from dashboard.picture_view import picture_texts
    from dashboard.state import (
        DEFAULT_EMBED_VIEWS,
        DEFAULT_STORY_EMBED_VIEWS,
        lang_from_accept_language,
    )

    request = flask.request
    lang = lang_from_accept_language(request.headers.get("Accept-Language"))
    page, state, errors = page_view(path, search, lang, rt)
    if not page.embedded or page.kind == "missing" or errors:
        return None  # the live page says what was wrong with the link
    story = page.story
    views = state.views or (DEFAULT_STORY_EMBED_VIEWS if story else DEFAULT_EMBED_VIEWS)
    if "map" not in views or set(views) & {*MEASURE_VIEWS, "check"}:
        return None  # the measures and the sentence box are live (charts, a text field)
    lang = state.lang
    scope = rt.scope(session=False)
    query = search.lstrip("?")
    live = path + "?" + (query + "&" if query else "") + f"{LIVE}=1"
    texts = picture_texts(scope, state)
    parts = []
    if story is not None:
        parts.append(to_html(story_intro(story, lang)))
    parts.append(_picture(state, live, texts, lang))
    if "claims" in views:
        only = tuple(story.claims) if story is not None else None
        sentences = story_sentences(story) if story is not None else ()
        claims = [html.H2(t("claims.title", lang)), *claims_panel(scope, lang, only, sentences)]
        parts.append(f'<section class="panel claims">{to_html(claims)}</section>')
    if story is not None:
        parts.append(to_html(story_events(story, lang)))
    footer = embed_footer(lang, full_path(page), state)
    footer.children = [*footer.children, as_of_line(rt.as_of(scope.data), lang)]
    footer = to_html(footer)
    meta = page_meta(path, search, request.host_url, rt, request.headers.get("Accept-Language"))
    title = meta.title if meta is not None else "Frontline"
    tags = meta_tags(meta, request.host_url) if meta is not None else ""
    root = "/"
    shown = " ".join(f"show-{v}" for v in views)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No favicon request: the page is inside someone else's article.
        '<link rel="icon" href="data:,">\n'
        f"<title>{escape(title)}</title>\n{tags}\n"
        f'<link rel="stylesheet" href="{root}assets/explorer.css">\n</head>\n<body>\n'
        f'<div class="app theme-{state.theme} mode-embed poster {shown}" id="app-root">\n'
        + f'<main><h1 class="visually-hidden">{escape(title)}</h1>\n'
        + "\n".join(parts)
        + f"\n</main>\n{footer}"
        + f'\n</div>\n<script src="{root}assets/embed-height.js" async></script>\n'
        "</body>\n</html>\n"
    )


def _picture(state, live: str, texts: dict, lang: str) -> str:
    """The map as a ``<picture>`` whose size follows the iframe's width, in a link to the
    interactive map."""
    params = {k: v for k, v in state.to_params().items() if k not in _NOT_IN_PICTURE}
    sources = []
    for least, width, height in PICTURE_SIZES:
        url = "/api/v1/map.png?" + urlencode(
            {**params, "width": width, "height": height}, safe=",:"
        )
        attrs = f'srcset="{escape(url)}" width="{width}" height="{height}"'
        if least:
            sources.append(f'<source media="(min-width: {least}px)" {attrs}>')
        else:
            alt = f"{texts['title']}. {texts['subtitle']}"
            sources.append(
                f'<img src="{escape(url)}" width="{width}" height="{height}" '
                f'alt="{escape(alt)}" fetchpriority="high" decoding="async">'
            )
    cta = escape(t("poster.open", lang))
    return (
        f'<figure class="poster-map"><a href="{escape(live)}" class="poster-link">'
        f"<picture>{''.join(sources)}</picture>"
        f'<span class="poster-cta">{cta}</span></a></figure>'
    )
