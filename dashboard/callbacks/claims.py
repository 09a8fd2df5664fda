"""The figure check: each bundled claim ("610 km² in the Donetsk region in October 2024")
beside what DeepState's maps give for its region and for all of Ukraine, with a verdict.

The panel and ``/api/v1/claims.json`` show the same list from :func:`claim_checks`: a claim
that cannot be checked (its period lies outside the map record) is listed with the reason,
in both."""

from __future__ import annotations

from dash import Input, Output, State, html

from dashboard import ids
from dashboard.claims_text import verdict_text
from dashboard.formatting import fmt_date, fmt_date_range, fmt_km2
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


def source_checks(scope, claim) -> list[tuple]:
    """``(source, check, error)`` for ``claim`` against every imported source of control
    polygons (``frontline territory import``): their figures for the same region and
    dates, beside DeepState's."""
    sources = getattr(scope.data, "sources", {}) or {}

    def compute():
        out = []
        for name in sorted(sources):
            try:
                out.append((name, check_claim(claim, sources[name]), None))
            except FrontlineError as exc:
                out.append((name, None, str(exc)))
        return out

    return scope.cached(("claim-sources", claim.id), compute) if sources else []


def _source_record(name: str, check, error) -> dict:
    if check is None:
        return {"source": name, "checked": False, "error": error}
    rec = check.as_record()
    return {"source": name, "checked": True, "region": rec["region"], "all": rec["all"],
            "from_snapshot": rec["from_snapshot"], "to_snapshot": rec["to_snapshot"]}  # fmt: skip


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
        record["other_sources"] = [_source_record(*c) for c in source_checks(scope, claim)]
        records.append(record)
    prov = export.provenance({}, scope.version, ["deepstate", "naturalearth"])
    return {"ok": True, "provenance": prov, "claims": records}


def claims_panel(scope, lang: str, only: tuple[str, ...] | None = None, sentences=()) -> list:
    """A card per claim (``only``: these claim ids, e.g. a story's): reported figure, data
    for its region and for Ukraine, verdict, and where the figure was published; then a
    card per claim a story gives as its sentence alone (``sentences``: ``(text, date)``)."""
    checks = [c for c in claim_checks(scope) if only is None or c[0].id in only]
    extra = [_sentence_card(scope, text, date, lang) for text, date in sentences or ()]
    if not checks and not extra:
        return [html.P(t("claims.none", lang))]
    if not checks:
        return extra
    cards = [_card(claim, check, error, lang, source_checks(scope, claim))
             for claim, check, error in checks]  # fmt: skip
    return cards + extra


def _card(claim, check, error, lang: str, others=()) -> html.Article:
    period = fmt_date_range(claim.period_start, claim.period_end, lang)
    region = (check.region_name.get(lang) if check else None) or claim.region
    where = region or t("claims.ukraine", lang)
    # Named by what was claimed, in the page's language: the headline it was published
    # under is in the article's language and goes to the source line.
    title = html.H3(f"{fmt_km2(claim.figure_km2, lang)} · {where} · {period}")
    basis = (claim.claimed_by_de if lang == "de" else "") or claim.claimed_by
    rows = [(t("claims.reported", lang), f"{fmt_km2(claim.figure_km2, lang)} ({basis})")]
    if check is None:
        verdict = t("claims.unchecked", lang, reason=error)
    else:
        if claim.region:
            region_km2 = check.region_km2
            rows.append((f"{t('claims.region', lang)}: {region}",
                         fmt_km2(region_km2, lang) if region_km2 is not None else "–"))  # fmt: skip
        rows.append((t("claims.all", lang), fmt_km2(check.all_km2, lang)))
        verdict = verdict_text(check, lang)
    for name, other, problem in others:
        # Another source's maps for the same region and dates, beside DeepState's.
        if other is None:
            rows.append((t("claims.other_source", lang, source=name), problem))
            continue
        km2 = other.region_km2 if claim.region else other.all_km2
        dates = (
            f"{fmt_date(other.all_change.from_snapshot, lang)} – "
            f"{fmt_date(other.all_change.to_snapshot, lang)}"
        )
        rows.append((t("claims.other_source", lang, source=name),
                     f"{fmt_km2(km2, lang) if km2 is not None else '–'} ({dates})"))  # fmt: skip
    parts = [
        title,
        html.Dl([el for k, v in rows for el in (html.Dt(k), html.Dd(v))]),
        html.P([html.Strong(t("claims.verdict", lang) + ": "), verdict], className="verdict"),
    ]
    if claim.publication:
        source = claim.publication
        if claim.published:
            source += ", " + fmt_date(claim.published.isoformat(), lang)
        if claim.title:
            quoted = f"„{claim.title}“" if claim.quote_lang == "de" else f"“{claim.title}”"
            source += f": {quoted}"
        if claim.quote_lang and claim.quote_lang != lang:
            source += " " + t(
                "claims.in_language", lang, language=t(f"language.{claim.quote_lang}", lang)
            )
        parts.append(html.P(t("claims.published", lang, source=source), className="note"))
    return html.Article(parts, className="claim", id=f"claim-{claim.id}")


def _sentence_card(scope, text: str, date: str | None, lang: str) -> html.Article:
    """A story's claim given as its sentence: the sentence quoted, and the data's answer
    (:func:`geo.claimcheck.check_sentence`) in the page's language."""
    from dashboard.claimcheck_text import sentence_verdict
    from geo.claimcheck import check_sentence
    from geo.claimtext import parse_claim

    def compute():
        parsed = parse_claim(text, date=date, regions=scope.data.regions)
        return sentence_verdict(check_sentence(parsed, scope.data), lang)

    verdict = scope.cached(("sentence-claim", text, date, lang), compute)
    return html.Article(
        [
            html.Blockquote(text, className="claim-sentence"),
            html.P([html.Strong(t("claims.verdict", lang) + ": "), verdict], className="verdict"),
        ],
        className="claim claim-from-sentence",
    )


def register(app, rt) -> None:
    """Attach the claims callback (depends only on the language)."""

    @app.callback(Output(ids.CLAIMS, "children"), Input(ids.UI, "data"), State(ids.PAGE, "data"))
    def update_claims(ui, page):
        # A story's page checks the story's claims; the explorer all of them.
        only = tuple(page["claims"]) if page and "claims" in page else None
        sentences = [tuple(s) for s in (page or {}).get("sentences") or ()]
        return claims_panel(rt.scope(session=False), (ui or {}).get("lang", "en"), only,
                            sentences)  # fmt: skip
