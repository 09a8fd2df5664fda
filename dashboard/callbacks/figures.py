"""The figures panel: events, fatalities and km² gained/lost/net for the period and the
selected regions, each with its source and the snapshot dates it rests on."""

from __future__ import annotations

from dash import html

from dashboard.formatting import fmt_date, fmt_date_range, fmt_int, fmt_km2
from dashboard.i18n import STRINGS, t
from dashboard.state import ViewState
from dashboard.view import compute_view
from dashboard.view_settlements import view_settlements

__all__ = ["dataset_label", "figures_panel"]


def _card(key: str, label: str, value: str, source: str) -> html.Div:
    return html.Div(
        [
            html.Div(label, className="figure-label"),
            html.Div(value, id=f"fig-{key}-value", className="figure-value"),
            html.Div(source, id=f"fig-{key}-source", className="figure-source"),
        ],
        className="figure-card",
        id=f"fig-{key}",
    )


def dataset_label(name: str, lang: str) -> str:
    """What a dataset is, as a source line: bundled ones by their full name (the UCDP file
    is a sample, and must say so), a user's upload by its name."""
    key = f"dataset.{name}"
    return t(key, lang) if key in STRINGS else t("dataset.user", lang, name=name)


def figures_panel(scope, state: ViewState) -> list:
    """Components of the figures panel for ``state`` (all text, never HTML)."""
    lang = state.lang
    view = compute_view(scope, state)
    totals = view["totals"]
    datasets = ", ".join(dataset_label(d, lang) for d in view["datasets"]) or "–"
    where = (
        ", ".join(scope.data.regions.name(c, lang) for c in state.regions)
        if state.regions
        else t("figures.all_regions", lang)
    )
    events_source = t("figures.events_source", lang, datasets=datasets)
    cards = [
        html.P(
            [
                t(
                    "figures.period",
                    lang,
                    range=fmt_date_range(state.date_from, state.date_to, lang),
                ),
                " · ",
                t("figures.where", lang, regions=where),
            ],
            className="note",
            id="fig-context",
        ),
        _card("events", t("figures.events", lang), fmt_int(totals["events"], lang), events_source),
        _card(
            "fatalities",
            t("figures.fatalities", lang),
            fmt_int(totals["fatalities"], lang),
            f"{events_source}; "
            + t("figures.fatalities_known", lang, n=fmt_int(totals["fatalities_known"], lang)),
        ),
    ]
    change = view["change"]
    if change is None:
        cards.append(
            html.P(
                t("figures.no_territory", lang, reason=view["change_error"]),
                className="note",
                id="fig-territory-missing",
            )
        )
        return cards
    source = t(
        "figures.territory_source",
        lang,
        sources=", ".join(change.sources),
        start=fmt_date(change.from_snapshot, lang),
        end=fmt_date(change.to_snapshot, lang),
    )
    cards += [
        _card("gained", t("figures.gained", lang), fmt_km2(change.gained_km2, lang), source),
        _card("lost", t("figures.lost", lang), fmt_km2(change.lost_km2, lang), source),
        _card("net", t("figures.net", lang), fmt_km2(change.net_km2, lang, sign=True), source),
    ]
    return cards + _settlements(scope, state, change)


def _count(n: int, lang: str) -> str:
    if n == 1:
        return t("figures.settlement_one", lang)
    return t("figures.settlement_count", lang, n=fmt_int(n, lang))


def _settlements(scope, state: ViewState, change) -> list:
    """ "Russian forces took 505.3 km² and 12 settlements", and a card with the counts by
    outcome, their source and the maps they were read from (nothing when the period has
    no settlement figures)."""
    lang = state.lang
    found = view_settlements(scope, state)
    summary = found.get("summary")
    if not summary:
        return []
    ru, ua = summary.get("to_ru", 0), summary.get("to_ua", 0)
    line = [t("figures.took", lang, km2=fmt_km2(change.gained_km2, lang), n=_count(ru, lang))]
    if ua:
        line.append(" " + t("figures.retook", lang, n=_count(ua, lang)))
    snaps = (found.get("snapshots") or {}).get("russian_held") or {}
    source = t(
        "figures.settlements_source",
        lang,
        ru=fmt_int(ru, lang),
        ua=fmt_int(ua, lang),
        contested=fmt_int(summary.get("contested", 0), lang),
        start=fmt_date(snaps["from_snapshot"], lang) if snaps else "–",
        end=fmt_date(snaps["to_snapshot"], lang) if snaps else "–",
        sources=snaps.get("source", "") if snaps else "",
    )
    # One card: the sentence a reader quotes, then where its count comes from.
    return [
        html.Div(
            [
                html.Div(t("settlements.title", lang), className="figure-label"),
                html.P(line, className="figure-summary", id="fig-summary"),
                html.Div(source, id="fig-settlements-source", className="figure-source"),
            ],
            className="figure-card",
            id="fig-settlements",
        )
    ]
