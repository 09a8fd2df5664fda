"""Event details: the clicked event's fields, shown as text (data files are never HTML)."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, State, html

from dashboard import ids
from dashboard.formatting import fmt_date, fmt_int
from dashboard.i18n import STRINGS, t

__all__ = ["details_panel", "register"]


def _text(value) -> str:
    return "–" if value is None or pd.isna(value) or str(value) == "" else str(value)


def _num(value, lang) -> str:
    return "–" if value is None or pd.isna(value) else fmt_int(int(value), lang)


def details_panel(scope, event_id: str | None, lang: str) -> list:
    """The detail list for ``event_id`` (or a hint to click one)."""
    if not event_id:
        return [html.P(t("details.none", lang))]
    row = scope.data.event(event_id)
    if row is None:
        return [html.P(t("details.missing", lang, id=event_id))]
    etype = str(row["event_type"])
    type_key = f"type.{etype}"
    type_label = t(type_key, lang) if type_key in STRINGS else etype
    date = fmt_date(pd.Timestamp(row["date"]).date(), lang)
    date_prec = t(f"date_precision.{int(row['date_precision'])}", lang)
    geo_prec = t(f"geo_precision.{int(row['geo_precision'])}", lang)
    region = row["admin1"]
    regions = scope.data.regions
    region_name = regions.name(region, lang) if _text(region) in regions.codes else ""
    place = ", ".join(p for p in (_text(row["location"]), region_name) if p and p != "–")
    actors = " – ".join(_text(row[c]) for c in ("actor1", "actor2") if _text(row[c]) != "–")
    fatalities = " / ".join(
        _num(row[c], lang) for c in ("fatalities_low", "fatalities", "fatalities_high")
    )
    source = _text(row["source"])
    if _text(row["source_url"]) != "–":
        source = f"{source} ({row['source_url']})"
    items = [
        ("date", f"{date} ({date_prec})"),
        (
            "type",
            f"{type_label}"
            + (f" / {row['sub_event_type']}" if _text(row["sub_event_type"]) != "–" else ""),
        ),
        ("actors", actors or "–"),
        ("place", f"{place or '–'} ({geo_prec})"),
        ("fatalities", fatalities),
        ("notes", _text(row["notes"])),
        ("source", source),
        ("dataset", f"{row['dataset']} · {row['event_id']}"),
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
