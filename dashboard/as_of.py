"""How current the data is, as a reader sees it: one line under every page and embed, and a
warning at the top of a page when the newest map is older than ``FRONTLINE_STALE_DAYS``."""

from __future__ import annotations

import datetime as dt

from dash import html

from dashboard.formatting import fmt_date
from dashboard.i18n import t

__all__ = ["as_of_line", "as_of_text", "stale_text", "stale_warning"]


def _when(updated: str | None, lang: str) -> str:
    if not updated:
        return t("asof.never", lang)
    at = dt.datetime.fromisoformat(updated).astimezone(dt.UTC)
    return f"{fmt_date(at.date(), lang)}, {at:%H:%M} UTC"


def as_of_text(as_of, lang: str = "en") -> str:
    """ "Data as of 22 August 2026 (newest front-line map); events to ...; last update ..."."""
    dash = "–"
    return t(
        "asof.text",
        lang,
        map=fmt_date(as_of.newest_map, lang) if as_of.newest_map else dash,
        event=fmt_date(as_of.newest_event, lang) if as_of.newest_event else dash,
        updated=_when(as_of.updated, lang),
    )


def stale_text(as_of, lang: str = "en") -> str | None:
    """The warning when the newest map is older than the stale age, else None."""
    if not as_of.stale:
        return None
    return t("asof.stale", lang, map=fmt_date(as_of.newest_map, lang), days=as_of.age_days)


def as_of_line(as_of, lang: str) -> html.P:
    """The as-of line of a page's or an embed's footer."""
    return html.P(as_of_text(as_of, lang), id="data-as-of", className="note as-of")


def stale_warning(as_of, lang: str) -> html.P | None:
    """The page's warning that the data is old (None when it is current)."""
    text = stale_text(as_of, lang)
    if text is None:
        return None
    return html.P(text, id="stale-warning", className="stale-warning", role="status")
