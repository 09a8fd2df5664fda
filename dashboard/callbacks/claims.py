"""The figure check: each bundled claim ("610 km² in the Donetsk region in October 2024")
beside what DeepState's maps give for its region and for all of Ukraine, with a verdict.

The panel and ``/api/v1/claims.json`` show the same list from :func:`claim_checks`: a claim
that cannot be checked (its period lies outside the map record) is listed with the reason,
in both."""

from __future__ import annotations

from dash import Input, Output, html

from dashboard import ids
from dashboard.claims_text import verdict_text
from dashboard.formatting import fmt_date_range, fmt_km2
from dashboard.i18n import t
from geo.claims import check_claim, load_claims
from geo.errors import FrontlineError

__all__ = ["claim_checks", "claim_records", "claims_panel", "register"]


def claim_checks(scope) -> list[tuple]:
    """``(claim, check, error)`` for every bundled claim: the check, or why there is none
    (computed once per data version)."""

    def compute():
        path = scope.data.data_dir / "claims.yaml"
        if not path.exists():
            return []
        out = []
        for claim in load_claims(path, scope.data.regions):
            try:
                out.append((claim, check_claim(claim, scope.data.territory), None))
            except FrontlineError as exc:
                out.append((claim, None, str(exc)))
        return out

    return scope.cached(("claims",), compute)


def claim_records(scope) -> dict:
    """The body of ``/api/v1/claims.json``: every claim, checked or with the reason why not."""
    from geo import export

    records = []
    for claim, check, error in claim_checks(scope):
        if check is None:
            records.append({**claim.as_record(), "checked": False, "error": error})
            continue
        record = check.as_record()
        record.update(checked=True, verdict_en=verdict_text(check, "en"),
                      verdict_de=verdict_text(check, "de"))  # fmt: skip
        records.append(record)
    prov = export.provenance({}, scope.version, ["deepstate", "naturalearth"])
    return {"ok": True, "provenance": prov, "claims": records}


def claims_panel(scope, lang: str) -> list:
    """A card per claim: reported figure, data for its region and for Ukraine, verdict."""
    checks = claim_checks(scope)
    if not checks:
        return [html.P(t("claims.none", lang))]
    cards = []
    for claim, check, error in checks:
        period = fmt_date_range(claim.period_start, claim.period_end, lang)
        # The headline it was published under, else who claimed it.
        title = html.H3(f"{claim.title or claim.claimed_by or claim.id} · {period}")
        reported = f"{fmt_km2(claim.figure_km2, lang)} ({claim.claimed_by})"
        if check is None:
            rows = [(t("claims.reported", lang), reported)]
            verdict = t("claims.unchecked", lang, reason=error)
        else:
            region = check.region_name.get(lang) or claim.region or ""
            rows = [
                (t("claims.reported", lang), reported),
                (
                    f"{t('claims.region', lang)}: {region}",
                    fmt_km2(check.region_km2, lang) if check.region_km2 is not None else "–",
                ),
                (t("claims.all", lang), fmt_km2(check.all_km2, lang)),
            ]
            verdict = verdict_text(check, lang)
        cards.append(
            html.Article(
                [
                    title,
                    html.Dl([el for k, v in rows for el in (html.Dt(k), html.Dd(v))]),
                    html.P(
                        [html.Strong(t("claims.verdict", lang) + ": "), verdict],
                        className="verdict",
                    ),
                ],
                className="claim",
                id=f"claim-{claim.id}",
            )
        )
    return cards


def register(app, rt) -> None:
    """Attach the claims callback (depends only on the language)."""

    @app.callback(Output(ids.CLAIMS, "children"), Input(ids.UI, "data"))
    def update_claims(ui):
        return claims_panel(rt.scope(session=False), (ui or {}).get("lang", "en"))
