"""A claim's verdict in words, English and German, from the structured
:class:`geo.claims.Verdict` (the figures and dates come from :mod:`dashboard.formatting`,
so a card shows a period and a number one way only)."""

from __future__ import annotations

from dashboard.formatting import fmt_date, fmt_date_range, fmt_km2, fmt_number

__all__ = ["verdict_text"]

# Sentence parts per language; {placeholders} are filled by verdict_text.
_TEXT = {
    "en": {
        "match": "matches (within 5 %) what",
        "more": "is {r} times what",
        "less": "is {p} % of what",
        "none": "compares with what",
        "s1": "The reported {fig} {rel} DeepState's map shows for {area} ({comp}, {period})",
        "all_match": " and matches (within 5 %) the {comp} it shows for {everywhere}.",
        "all_closer": " and is closer to the {comp} it shows for {everywhere}.",
        "all_other": "; for {everywhere} it shows {comp}.",
        "everywhere": "all of Ukraine",
        "source": "The claim uses {ds} data; {ds} and DeepState draw the front differently.",
        "source_and_region": "The claim uses {ds} data; {ds} and DeepState draw the front "
        "differently, and figures for 'the {short} region' are sometimes given for the whole "
        "front.",
        "same_maps": "The claim is DeepState's own figure, measured on the same maps.",
        "map_dates": "The claim is DeepState's own figure; map dates may explain the difference.",
        "unknown_source": "The claim does not say whose map it was measured on.",
        "maps": "Maps compared: {a} and {b}.",
        "sq": {"km2": "km²", "mi2": "sq mi"},
    },
    "de": {
        "match": "stimmen (innerhalb von 5 %) mit dem überein, was",
        "more": "sind {r}-mal so viel, wie",
        "less": "sind {p} % dessen, was",
        "none": "stehen dem gegenüber, was",
        "s1": "Die gemeldeten {fig} {rel} DeepStates Karte für {area} zeigt ({comp}, {period})",
        "all_match": ", und stimmen (innerhalb von 5 %) mit den {comp} für {everywhere} überein.",
        "all_closer": ", und liegen näher an den {comp}, die sie für {everywhere} zeigt.",
        "all_other": "; für {everywhere} zeigt sie {comp}.",
        "everywhere": "die ganze Ukraine",
        "source": "Die Angabe beruht auf {ds}-Daten; {ds} und DeepState zeichnen die Front anders.",
        "source_and_region": "Die Angabe beruht auf {ds}-Daten; {ds} und DeepState zeichnen die "
        "Front anders, und Zahlen für „die Region {short}“ beziehen sich manchmal auf die ganze "
        "Front.",
        "same_maps": "Die Angabe ist DeepStates eigene Zahl, gemessen auf denselben Karten.",
        "map_dates": "Die Angabe ist DeepStates eigene Zahl; die Kartentage können abweichen.",
        "unknown_source": "Die Angabe nennt nicht, auf welcher Karte sie gemessen wurde.",
        "maps": "Verglichene Karten: {a} und {b}.",
        "sq": {"km2": "km²", "mi2": "Quadratmeilen"},
    },
}


def verdict_text(check, lang: str = "en") -> str:
    """Three plain sentences for a :class:`geo.claims.ClaimCheck`: how the claim compares
    with DeepState's figures, the likely reason for a difference, and which daily maps were
    compared."""
    text = _TEXT["de" if lang == "de" else "en"]
    claim, verdict = check.claim, check.verdict()
    digits = 0 if claim.figure.is_integer() else 1
    fig = f"{fmt_number(claim.figure, lang, digits)} {text['sq'][claim.unit]}"
    if claim.unit != "km2":
        fig += f" ({fmt_km2(claim.figure_km2, lang)})"
    ratio = verdict.ratio
    rel = text[verdict.relation].format(
        r=fmt_number(ratio or 0, lang, 1), p=fmt_number(100 * (ratio or 0), lang, 0)
    )
    name = check.region_name.get(lang) or claim.region or ""
    everywhere = text["everywhere"]
    if verdict.compared == "region":
        area = f"die {name}" if lang == "de" and name.startswith(("Oblast", "Autonome")) else name
        comp = fmt_km2(check.region_km2, lang)
    else:
        area, comp = everywhere, fmt_km2(check.all_km2, lang)
    period = fmt_date_range(claim.period_start, claim.period_end, lang)
    first = text["s1"].format(fig=fig, rel=rel, area=area, comp=comp, period=period)
    if verdict.all_relation is None:
        first += "."
    else:
        first += text[f"all_{verdict.all_relation}"].format(
            comp=fmt_km2(check.all_km2, lang), everywhere=everywhere
        )
    short = name.removesuffix(" Oblast").removeprefix("Oblast ")
    second = text[verdict.reason].format(ds=verdict.data_source, short=short)
    change = check.all_change
    maps = text["maps"].format(
        a=fmt_date(change.from_snapshot, lang), b=fmt_date(change.to_snapshot, lang)
    )
    return " ".join([first, second, maps])
