"""Story and embed chrome: the story header (title, summary, the article's events in the
reader's language, the source) and the embed footer (source and licence line, link to the
full view). Every text from a story file is rendered as text, never as HTML."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import html

from dashboard.formatting import fmt_date
from dashboard.i18n import t

__all__ = ["embed_footer", "story_intro"]


def story_intro(story, lang: str) -> html.Section:
    """The header of a story page."""
    items = []
    for e in story.events:
        approx = "≈ " if e.date_precision > 1 else ""
        items.append(
            html.Li(
                [
                    html.Strong(f"{approx}{fmt_date(e.date, lang)} · {e.place}"),
                    html.Br(),
                    html.Span(e.text.get(lang) or e.text["en"]),
                ]
            )
        )
    article = story.article
    source = f"{article.get('publication', '')}, {fmt_date(str(article['date']), lang)}: "
    source += f"„{article.get('title', '')}“" if lang == "de" else f"“{article.get('title', '')}”"
    return html.Section(
        [
            html.H2(story.title.get(lang) or story.title["en"]),
            html.P(story.summary.get(lang) or story.summary["en"]),
            html.H3(t("story.events", lang)),
            html.Ol(items, className="story-events"),
            html.P(t("story.source", lang, source=source), className="note"),
            html.P(t("story.note", lang), className="note"),
        ],
        className="story-intro",
        id="story-intro",
    )


def embed_footer(lang: str, full_path: str, params: dict) -> html.Footer:
    """Source and licence line of an embed, with a link to the same view in the explorer."""
    href = full_path + ("?" + urlencode(params, safe=",:") if params else "")
    return html.Footer(
        [
            html.P(t("attribution", lang)),
            html.P(t("embed.licence", lang), className="note"),
            html.A(t("embed.full", lang), href=href, target="_blank", rel="noopener"),
        ],
        className="footer embed-footer",
    )
