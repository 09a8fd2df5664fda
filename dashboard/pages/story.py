"""Story and embed chrome: the story's head (title, summary), the article's events in the
reader's language with the source (below the map and the figure check), and the embed
footer (source and licence line, link to the full view). Every text from a story file is
rendered as text, never as HTML."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import html

from dashboard.formatting import fmt_date
from dashboard.i18n import t

__all__ = ["embed_footer", "story_events", "story_intro"]


def story_intro(story, lang: str) -> html.Header:
    """The head of a story page: its title and summary, above the map."""
    return html.Header(
        [
            html.H2(story.title.get(lang) or story.title["en"]),
            html.P(story.summary.get(lang) or story.summary["en"]),
        ],
        className="story-intro",
        id="story-intro",
    )


def story_events(story, lang: str) -> html.Section:
    """What the article reports, event by event, with the article as the source; below
    the map and the figure check."""
    items = []
    for e in story.events:
        approx = "≈ " if e.date_precision > 1 else ""
        items.append(
            html.Li(
                [
                    html.Strong(f"{approx}{fmt_date(e.date, lang)} · {_place(e, lang)}"),
                    html.Br(),
                    html.Span(e.text.get(lang) or e.text["en"]),
                ]
            )
        )
    article = story.article
    source = f"{article.get('publication', '')}, {fmt_date(str(article['date']), lang)}: "
    source += f"„{article.get('title', '')}“" if lang == "de" else f"“{article.get('title', '')}”"
    if article.get("lang") and article["lang"] != lang:
        source += " " + t(
            "claims.in_language", lang, language=t(f"language.{article['lang']}", lang)
        )
    return html.Section(
        [
            html.H2(t("story.events", lang)),
            html.Ol(items, className="story-events"),
            html.P(t("story.source", lang, source=source), className="note"),
            html.P(t("story.note", lang), className="note"),
        ],
        className="panel story-events-panel",
        id="story-events",
    )


def _place(event, lang: str) -> str:
    return (event.place_de if lang == "de" else "") or event.place


def embed_footer(lang: str, full_path: str, state) -> html.Footer:
    """Source and licence line of an embed, with a link to the same view in the explorer."""
    params = state.to_params()
    params.pop("views", None)
    href = full_path + ("?" + urlencode(params, safe=",:") if params else "")
    return html.Footer(
        [
            html.P(t("attribution", lang)),
            html.P(t("embed.licence", lang), className="note"),
            html.A(t("embed.full", lang), href=href, target="_blank", rel="noopener"),
        ],
        className="footer embed-footer",
    )
