"""Event details: the clicked event's fields, shown as text (data files are never HTML).

Every field reads as words in the reader's language: dates, precision, event type, region
and dataset by name; a source URL is a link only when it is a web address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd
from dash import Input, Output, State, html

from dashboard import ids
from dashboard.callbacks.figures import dataset_label
from dashboard.callbacks.table import region_names
from dashboard.figures.events import tidy_text
from dashboard.formatting import fmt_date, fmt_int
from dashboard.i18n import STRINGS, t

__all__ = ["details_panel", "register", "web_link"]


def _text(value) -> str:
    return tidy_text(value) or "–"


def _num(value, lang) -> str:
    return "–" if value is None or pd.isna(value) else fmt_int(int(value), lang)


def _words(prefix: str, value, lang: str) -> str:
    """``value`` in words by the key ``prefix.value`` ("–" when missing, the value itself
    when no string exists for it, so an unexpected code is shown rather than lost)."""
    if value is None or pd.isna(value):
        return "–"
    key = f"{prefix}.{int(value) if pd.api.types.is_number(value) else value}"
    return t(key, lang) if key in STRINGS else str(value)


def web_link(url) -> html.A | None:
    """A link that opens ``url`` in a new tab without giving it this page (``noopener
    noreferrer``), or None unless ``url`` is an http(s) address with a host: a data file
    could carry ``javascript:`` or ``data:`` URLs, which must never become links."""
    text = tidy_text(url)
    if text is None or any(c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return html.A(text, href=text, target="_blank", rel="noopener noreferrer")


def _source(row) -> list | str:
    source, url = _text(row["source"]), tidy_text(row["source_url"])
    if url is None:
        return source
    link = web_link(url)
    # Not a web address: still shown, as text.
    tail = [" (", link, ")"] if link is not None else [f" ({url})"]
    return [source, *tail] if source != "–" else ([link] if link is not None else url)


def details_panel(scope, event_id: str | None, lang: str) -> list:
    """The detail list for ``event_id`` (or a hint to click one)."""
    if not event_id:
        return [html.P(t("details.none", lang))]
    row = scope.data.event(event_id)
    if row is None:
        return [html.P(t("details.missing", lang, id=event_id))]
    data = scope.data
    names = data.derived(("region-names", lang), lambda: region_names(data.regions, lang))
    etype = _text(row["event_type"])
    type_label = _words("type", etype, lang) if etype != "–" else etype
    sub = tidy_text(row["sub_event_type"])
    if sub is not None:
        type_label = f"{type_label} / {_words('subtype', sub, lang)}"
    date = fmt_date(pd.Timestamp(row["date"]).date(), lang)
    date_prec = _words("date_precision", row["date_precision"], lang)
    geo_prec = _words("geo_precision", row["geo_precision"], lang)
    region = names.get(tidy_text(row["admin1"]) or "") or names.get(
        tidy_text(row.get("country")) or ""
    )
    location = tidy_text(row["location"])
    same = location and region and location.casefold() == region.casefold()
    place = ", ".join(p for p in (location, None if same else region) if p)
    actors = " – ".join(_text(row[c]) for c in ("actor1", "actor2") if _text(row[c]) != "–")
    fatalities = " / ".join(
        _num(row[c], lang) for c in ("fatalities_low", "fatalities", "fatalities_high")
    )
    items = [
        ("date", f"{date} ({date_prec})"),
        ("type", type_label),
        ("actors", actors or "–"),
        ("place", f"{place or '–'} ({geo_prec})"),
        ("fatalities", fatalities),
        # Notes are free text: kept exactly as given (the browser folds their white space).
        ("notes", "–" if tidy_text(row["notes"]) is None else str(row["notes"])),
        ("source", _source(row)),
        ("dataset", f"{dataset_label(str(row['dataset']), lang)} · {row['event_id']}"),
    ]
    # Plain strings as children: React escapes them, so markup in a data file stays text.
    return [
        html.Dl(
            [
                el
                for key, value in items
                for el in (html.Dt(t(f"details.{key}", lang)), html.Dd(value, id=f"detail-{key}"))
            ],
            className="details-list",
        )
    ]


def register(app, rt) -> None:
    """Attach the details callback."""
    from dashboard.callbacks.panels import scope_for

    @app.callback(
        Output(ids.DETAILS, "children"),
        Input(ids.OPEN_EVENT, "data"),
        Input(ids.UI, "data"),
        Input(ids.DATA_VERSION, "data"),
        State(ids.PAGE, "data"),
    )
    def update_details(event_id, ui, _version, page):
        return details_panel(scope_for(rt, page), event_id, (ui or {}).get("lang", "en"))
