"""A page's ``<title>``, description, Open Graph and Twitter tags, and oEmbed discovery link.

Dash writes a page's HTML in ``app.index()``, which hands the head's parts to
``app.interpolate_index(metas=..., title=..., ...)``. :func:`install_page_meta` wraps that
method on the app, so each request's page gets its own title and tags, from the page's
URL (``flask.request``), in the page's language (its ``lang`` parameter, else
Accept-Language, as :func:`dashboard.app.page_layout` chooses it):

- the explorer: "Frontline – map of the war in Ukraine" without a view in its URL, else
  the view's regions and period ("Donetsk Oblast, 1–31 October 2024 · Frontline");
- a story: the story's title; an embed: the same as its full page.

``og:image`` is the picture of the view (:mod:`dashboard.picture`), 1200 x 630 px. Every
value is escaped: a query string is the reader's (or an attacker's) text. Previews never
include a browser session's uploads: whoever sees a link's preview is somebody else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qsl, quote, urlencode

import flask

from dashboard.i18n import t
from dashboard.state import lang_from_accept_language, parse_search
from geo.errors import FrontlineError, StoreUnavailable

__all__ = ["IMAGE_SIZE", "PageMeta", "install_page_meta", "meta_tags", "page_meta"]

log = logging.getLogger(__name__)

#: The preview picture's size: what Facebook, LinkedIn and X show without cropping.
IMAGE_SIZE = (1200, 630)
#: Parameters that make an explorer URL a view of its own (a period, a filter).
_VIEW_KEYS = ("from", "to", "datasets", "types", "actors", "regions", "precision", "q")
#: View parameters that do not change the picture (or would make previews dark).
_NOT_IN_PICTURE = ("views", "event", "by", "alerts", "theme", "basemap")
_LOCALES = {"en": "en_GB", "de": "de_DE"}


@dataclass(frozen=True)
class PageMeta:
    """What a page says about itself (plain text; :func:`meta_tags` escapes it).

    ``title`` is the ``<title>``, ``headline`` the ``og:title`` (without the site's name),
    ``url`` the full page's absolute URL (an embed's is its full page's), ``image`` the
    absolute URL of the view's picture.
    """

    kind: str  # explorer | embed | story
    lang: str
    title: str
    headline: str
    description: str
    url: str
    image: str
    story: object = None


def page_meta(path: str, search: str, base_url: str, rt, accept_language: str | None = None):
    """The :class:`PageMeta` of the page at ``path`` with the query string ``search`` on
    the server at ``base_url`` (``request.host_url``), or None when there is no such page."""
    from dashboard.formatting import fmt_date_range, fmt_int
    from dashboard.pages.routes import resolve
    from dashboard.picture_view import picture_texts
    from dashboard.view import compute_view

    scope = rt.scope(session=False)
    page = resolve(path, scope)
    if page.kind == "missing":
        return None
    given = dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=True))
    merged = "?" + urlencode({**page.defaults, **given})
    state, _ = parse_search(
        merged, lang=lang_from_accept_language(accept_language), basemap=rt.settings.basemap
    )
    # A link may name regions that do not exist (the page says so); a title cannot.
    known = set(scope.data.regions.codes)
    state = state.replace(regions=tuple(c for c in state.regions if c in known))
    lang = state.lang
    base = base_url.rstrip("/")
    full_path = f"/story/{page.story.slug}" if page.story is not None else "/"
    url = base + full_path + (f"?{search.lstrip('?')}" if search.lstrip("?") else "")
    params = {k: v for k, v in state.to_params().items() if k not in _NOT_IN_PICTURE}
    params |= {"width": str(IMAGE_SIZE[0]), "height": str(IMAGE_SIZE[1])}
    image = f"{base}/api/v1/map.png?{urlencode(params, safe=',:')}"
    kind = "story" if page.story is not None else ("embed" if page.embedded else "explorer")
    if page.story is not None:
        headline = page.story.title.get(lang) or page.story.title["en"]
        summary = " ".join((page.story.summary.get(lang) or page.story.summary["en"]).split())
        title = f"{headline} · Frontline"
        return PageMeta(kind, lang, title, headline, summary, url, image, page.story)
    if any(given.get(k) for k in _VIEW_KEYS):
        where = (
            ", ".join(scope.data.regions.name(c, lang) for c in state.regions)
            if state.regions
            else t("meta.ukraine", lang)
        )
        headline = f"{where}, {fmt_date_range(state.date_from, state.date_to, lang)}"
        title = f"{headline} · Frontline"
    else:
        headline = title = t("meta.title", lang)
    view = compute_view(scope, state)
    events = t("meta.events", lang, n=fmt_int(view["totals"]["events"], lang))
    figures = picture_texts(scope, state)["subtitle"]
    description = f"{t('app.tagline', lang)} {figures}. {events}"
    return PageMeta(kind, lang, title, headline, description, url, image)


def meta_tags(meta: PageMeta, base_url: str) -> str:
    """The ``<meta>`` and ``<link>`` tags of ``meta``, escaped, one per line."""
    og_type = "article" if meta.story is not None else "website"
    oembed = f"{base_url.rstrip('/')}/oembed?url={quote(meta.url, safe='')}&format=json"
    tags = [
        ("meta", {"name": "description", "content": meta.description}),
        ("meta", {"property": "og:site_name", "content": "Frontline"}),
        ("meta", {"property": "og:title", "content": meta.headline}),
        ("meta", {"property": "og:description", "content": meta.description}),
        ("meta", {"property": "og:type", "content": og_type}),
        ("meta", {"property": "og:url", "content": meta.url}),
        ("meta", {"property": "og:locale", "content": _LOCALES.get(meta.lang, "en_GB")}),
        ("meta", {"property": "og:image", "content": meta.image}),
        ("meta", {"property": "og:image:type", "content": "image/png"}),
        ("meta", {"property": "og:image:width", "content": str(IMAGE_SIZE[0])}),
        ("meta", {"property": "og:image:height", "content": str(IMAGE_SIZE[1])}),
        ("meta", {"property": "og:image:alt",
                  "content": t("meta.image_alt", meta.lang, title=meta.headline)}),
        ("meta", {"name": "twitter:card", "content": "summary_large_image"}),
        ("link", {"rel": "canonical", "href": meta.url}),
        ("link", {"rel": "alternate", "type": "application/json+oembed", "href": oembed,
                  "title": meta.headline}),
    ]  # fmt: skip
    return "\n      ".join(
        f"<{tag} " + " ".join(f'{k}="{escape(v, quote=True)}"' for k, v in attrs.items()) + ">"
        for tag, attrs in tags
    )


def install_page_meta(app, rt) -> None:
    """Give every page of ``app`` (a Dash app) its own title and meta tags, per request."""
    original = app.interpolate_index

    def interpolate_index(**kwargs):
        meta = _current(rt)
        if meta is None:
            return original(**kwargs)
        kwargs["title"] = escape(meta.title)
        tags = meta_tags(meta, flask.request.host_url)
        kwargs["metas"] = f"{kwargs.get('metas') or ''}\n      {tags}"
        html = original(**kwargs)
        # The document's language, for screen readers and translation prompts.
        return html.replace("<html>", f'<html lang="{meta.lang}">', 1)

    app.interpolate_index = interpolate_index


def _current(rt) -> PageMeta | None:
    """The meta of the page this request renders; None outside a request or when it
    cannot be worked out (the page then keeps Dash's plain title rather than failing)."""
    if not flask.has_request_context():
        return None
    request = flask.request
    try:
        return page_meta(
            request.path,
            request.query_string.decode("utf-8", "replace"),
            request.host_url,
            rt,
            request.headers.get("Accept-Language"),
        )
    except (FrontlineError, StoreUnavailable) as exc:  # the page says what is wrong
        log.info("page meta left out for %s: %s", request.path, exc)
        return None
    except Exception:  # a bug; but a preview is never worth a broken page
        log.exception("page meta failed for %s", request.path)
        return None
