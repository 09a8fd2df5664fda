"""The figure check: each bundled claim ("610 km² in the Donetsk region in October 2024")
beside what DeepState's maps give for its region and for all of Ukraine, with a verdict."""

from __future__ import annotations

from dash import Input, Output, html

from dashboard import ids
from dashboard.formatting import fmt_date_range, fmt_km2
from dashboard.i18n import t
from dashboard.view import cached
from geo.claims import check_claim, load_claims
from geo.errors import FrontlineError

__all__ = ["claim_checks", "claims_panel", "register"]


def claim_checks(store) -> list:
    """Every bundled claim checked against the territory data (computed once per store)."""

    def compute():
        path = store.data_dir / "claims.yaml"
        if not path.exists():
            return []
        checks = []
        for claim in load_claims(path, store.regions):
            try:
                checks.append(check_claim(claim, store.territory))
            except FrontlineError:
                continue  # a claim outside the map record cannot be checked; not shown
        return checks

    return cached(store, ("claims",), compute)


def claims_panel(store, lang: str) -> list:
    """A card per claim: reported figure, data for its region and for Ukraine, verdict."""
    checks = claim_checks(store)
    if not checks:
        return [html.P(t("claims.none", lang))]
    cards = []
    for check in checks:
        claim = check.claim
        region = check.region_name.get(lang) or claim.region or ""
        rows = [
            (t("claims.reported", lang), f"{fmt_km2(claim.figure_km2, lang)} ({claim.claimed_by})"),
            (
                f"{t('claims.region', lang)}: {region}",
                fmt_km2(check.region_km2, lang) if check.region_km2 is not None else "–",
            ),
            (t("claims.all", lang), fmt_km2(check.all_km2, lang)),
        ]
        cards.append(
            html.Article(
                [
                    html.H3(
                        # The headline it was published under, else who claimed it.
                        f"{claim.title or claim.claimed_by or claim.id} · "
                        f"{fmt_date_range(claim.period_start, claim.period_end, lang)}"
                    ),
                    html.Dl([el for k, v in rows for el in (html.Dt(k), html.Dd(v))]),
                    html.P(
                        [html.Strong(t("claims.verdict", lang) + ": "), check.verdict(lang)],
                        className="verdict",
                    ),
                ],
                className="claim",
                id=f"claim-{claim.id}",
            )
        )
    return cards


def register(app, store, settings) -> None:
    """Attach the claims callback (depends only on the language)."""

    @app.callback(Output(ids.CLAIMS, "children"), Input(ids.UI, "data"))
    def update_claims(ui):
        return claims_panel(store, (ui or {}).get("lang", "en"))
