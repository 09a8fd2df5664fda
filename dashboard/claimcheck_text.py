"""A checked sentence in words, English and German: what was read (:func:`parsed_fields`),
the figures (:func:`figure_rows`) and the verdict (:func:`sentence_verdict`), from the codes
of :mod:`geo.claimtext` and :mod:`geo.claimcheck`. Numbers and dates come from
:mod:`dashboard.formatting`, so they read as everywhere else in Frontline. Plain text only:
callers show it as text, never as markup."""

from __future__ import annotations

from dashboard.formatting import fmt_date, fmt_date_range, fmt_km2, fmt_number

__all__ = [
    "assumption_text",
    "figure_rows",
    "language_name",
    "parsed_fields",
    "parsed_notes",
    "problem_text",
    "problems_text",
    "sentence_verdict",
    "text",
]

#: Every string: key -> (English, German); German None: the English is used.
_T = {
    "measure.area_gained": ("ground gained", "Geländegewinn"),
    "measure.area_lost": ("ground lost", "Geländeverlust"),
    "measure.area_net": ("net change of ground", "Netto-Veränderung des Geländes"),
    "measure.settlements": ("settlements taken", "eingenommene Ortschaften"),
    "measure.distance": ("distance to a place", "Entfernung zu einem Ort"),
    "side.russia": ("Russia (Russian forces)", "Russland (russische Truppen)"),
    "side.ukraine": ("Ukraine (Ukrainian forces)", "Ukraine (ukrainische Truppen)"),
    "who.russia": ("Russia", "Russland"),
    "who.ukraine": ("Ukraine", "die Ukraine"),
    "field.measure": ("Measure", "Messgröße"),
    "field.figure": ("Figure", "Zahl"),
    "field.hedge": ("Hedge", "Einschränkung"),
    "field.side": ("Side", "Seite"),
    "field.region": ("Region", "Region"),
    "field.place": ("Place", "Ort"),
    "field.period": ("Period", "Zeitraum"),
    "field.data_source": ("Data source", "Datenquelle"),
    "field.reporter": ("Reported by", "Berichtet von"),
    "field.date": ("Publication date", "Veröffentlicht am"),
    "field.lang": ("Language", "Sprache"),
    "field.assumptions": ("Assumptions", "Annahmen"),
    "field.problems": ("Problems", "Probleme"),
    "lang.en": ("English", "Englisch"),
    "lang.de": ("German", "Deutsch"),
    "lang.fr": ("French", "Französisch"),
    "lang.es": ("Spanish", "Spanisch"),
    "lang.it": ("Italian", "Italienisch"),
    "lang.pl": ("Polish", "Polnisch"),
    "lang.nl": ("Dutch", "Niederländisch"),
    "lang.pt": ("Portuguese", "Portugiesisch"),
    "lang.ru": ("Russian", "Russisch"),
    "lang.uk": ("Ukrainian", "Ukrainisch"),
    "none": ("–", "–"),
    "settlements": ("settlements", "Ortschaften"),
    "all.russian_held": ("all of Ukraine", "die ganze Ukraine"),
    "all.ua_held_in_russia": (
        "all Ukrainian-held ground in Russia",
        "das ganze ukrainisch gehaltene Gebiet in Russland",
    ),
    "or": (" or ", " oder "),
    "part.measure": ("measure", "Messgröße"),
    "part.number": ("number", "Zahl"),
    "part.unit": ("unit", "Einheit"),
    "part.side": ("side", "Seite"),
    "part.region": ("region", "Region"),
    "part.period": ("period", "Zeitraum"),
    "part.language": ("language", "Sprache"),
    "part.length": ("length", "Länge"),
    "code.missing": ("no {part} found", "keine {part} gefunden"),
    "code.ambiguous": (
        "{part} ambiguous (several readings)",
        "{part} mehrdeutig (mehrere Lesarten)",
    ),
    "code.unsure": ("{part} read with doubt", "{part} unsicher gelesen"),
    "code.unsupported": ("{part} not supported", "{part} nicht unterstützt"),
    "measure.missing": (
        "no measure found (km², settlements or a distance to a place)",
        "keine Messgröße gefunden (km², Ortschaften oder eine Entfernung zu einem Ort)",
    ),
    "side.missing": (
        "no side found (Russian or Ukrainian forces)",
        "keine Seite gefunden (russische oder ukrainische Truppen)",
    ),
    "unit.missing": (
        "no unit found (km², settlements or km)",
        "keine Einheit gefunden (km², Ortschaften oder km)",
    ),
    "unit.unsupported": (
        "unit not supported (a share, not an area)",
        "Einheit nicht unterstützt (ein Anteil, keine Fläche)",
    ),
    "measure.unsupported": (
        "a depth of advance (“advanced 5 km”), not a distance to a place",
        "eine Vorstoßtiefe („5 km vorgerückt“), keine Entfernung zu einem Ort",
    ),
    "language.unsupported": (
        "language not supported: only English and German are read",
        "Sprache nicht unterstützt: nur Deutsch und Englisch werden gelesen",
    ),
    "language.unsure": ("language not recognised", "Sprache nicht erkannt"),
    "length.too_long": ("longer than 1,000 characters", "länger als 1.000 Zeichen"),
    "period.after_date": (
        "the period starts on or after the publication date",
        "der Zeitraum beginnt am oder nach dem Veröffentlichungstag",
    ),
    "assume.region/all_ukraine": (
        "no region named: all of Ukraine",
        "keine Region genannt: die ganze Ukraine",
    ),
    "assume.period/cut_at_date": (
        "period cut at the publication date",
        "Zeitraum am Veröffentlichungstag abgeschnitten",
    ),
    "assume.period/as_of_date": (
        "as it stood on the publication date",
        "Stand am Veröffentlichungstag",
    ),
    "assume.period/assumed_today": (
        "no publication date given: today",
        "kein Veröffentlichungsdatum angegeben: heute",
    ),
    "refused": ("Not checked: {problems}.", "Nicht geprüft: {problems}."),
    "unreadable": (
        "This sentence cannot be checked: {problems}.",
        "Dieser Satz lässt sich nicht prüfen: {problems}.",
    ),
    "kind.net.area_gained": ("a net gain for {who}", "einen Nettogewinn für {who}"),
    "kind.gross.area_gained": ("a gross gain for {who}", "einen Bruttogewinn für {who}"),
    "kind.net.area_lost": ("a net loss for {who}", "einen Nettoverlust für {who}"),
    "kind.gross.area_lost": ("a gross loss for {who}", "einen Bruttoverlust für {who}"),
    "kind.net.area_net": ("a net change for {who}", "eine Netto-Veränderung für {who}"),
    "show": (
        "DeepState's maps show {what} of {km2} in {area}, {period} ({other}).",
        "DeepStates Karten zeigen in {area}, {period}, {what} von {km2} ({other}).",
    ),
    "show_none": (
        "DeepState's maps show no {what} in {area}, {period} (net {net}, gross {gross}).",
        "DeepStates Karten zeigen in {area}, {period}, keinen {what} "
        "(netto {net}, brutto {gross}).",
    ),
    "gain": ("gain for {who}", "Gewinn für {who}"),
    "loss": ("loss for {who}", "Verlust für {who}"),
    "rel.match": (
        "The reported {fig} match it (within 5 %).",
        "Die gemeldeten {fig} stimmen damit überein (innerhalb von 5 %).",
    ),
    "rel.match_km": (
        "The reported {fig} match it (within 5 % or 1 km).",
        "Die gemeldeten {fig} stimmen damit überein (innerhalb von 5 % oder 1 km).",
    ),
    "rel.more": (
        "The reported {fig} are {r} times that.",
        "Die gemeldeten {fig} sind {r}-mal so viel.",
    ),
    "rel.more_than_none": (
        "The reported {fig} are more than that.",
        "Die gemeldeten {fig} sind mehr als das.",
    ),
    "rel.less": ("The reported {fig} are {p} % of that.", "Die gemeldeten {fig} sind {p} % davon."),
    "rel.none": (
        "There is no figure to compare the reported {fig} with.",
        "Es gibt keine Zahl, mit der sich die gemeldeten {fig} vergleichen lassen.",
    ),
    "all.match": (
        "For {everywhere} they show {km2}, which the claim matches (within 5 %).",
        "Für {everywhere} zeigen sie {km2}; damit stimmt die Angabe überein (innerhalb von 5 %).",
    ),
    "all.closer": (
        "For {everywhere} they show {km2}, closer to the claim.",
        "Für {everywhere} zeigen sie {km2}; daran liegt die Angabe näher.",
    ),
    "all.other": ("For {everywhere} they show {km2}.", "Für {everywhere} zeigen sie {km2}."),
    "why": ("Likely reasons: {reasons}.", "Mögliche Gründe: {reasons}."),
    "reason.region_vs_country": (
        "figures for a region are sometimes given for the whole front",
        "Zahlen für eine Region beziehen sich manchmal auf die ganze Front",
    ),
    "reason.source": (
        "the claim uses {ds} data, and {ds} draws the front differently from DeepState",
        "die Angabe beruht auf {ds}-Daten, und {ds} zeichnet die Front anders als DeepState",
    ),
    "reason.period_edges": (
        "the maps nearest the period's edges are from {a} and {b}",
        "die Karten an den Rändern des Zeitraums stammen vom {a} und vom {b}",
    ),
    "reason.period_neighbour": (
        "the figure for {period} matches ({value})",
        "die Zahl für {period} passt ({value})",
    ),
    "reason.gross_vs_net": (
        "the claim matches the {other} figure, not the {kind} one",
        "die Angabe entspricht der {other}zahl, nicht der {kind}zahl",
    ),
    "reason.place_coverage": (
        "Frontline counts only the places of its gazetteer "
        "(in Ukraine, those of 1,000 inhabitants or more)",
        "Frontline zählt nur die Orte seines Ortsverzeichnisses "
        "(in der Ukraine solche ab 1.000 Einwohnern)",
    ),
    "newest_map": (
        "This is the newest map Frontline has, {days} days older than the date the sentence "
        "speaks of ({date}): the front may have moved since. Update the data to check it.",
        "Das ist die neueste Karte in Frontline, {days} Tage älter als das Datum, von dem der "
        "Satz spricht ({date}): Die Front kann sich seither verschoben haben. Aktualisieren "
        "Sie die Daten, um ihn zu prüfen.",
    ),
    "reason.no_data": (
        "the maps do not cover this period or place",
        "die Karten decken diesen Zeitraum oder Ort nicht ab",
    ),
    "kindword.net": ("net", "Netto"),
    "kindword.gross": ("gross", "Brutto"),
    "kindlow.net": ("net", "netto"),
    "kindlow.gross": ("gross", "brutto"),
    "in_all.russian_held": ("all of Ukraine", "der ganzen Ukraine"),
    "in_all.ua_held_in_russia": (
        "all Ukrainian-held ground in Russia",
        "dem ganzen ukrainisch gehaltenen Gebiet in Russland",
    ),
    "who_by.russia": ("Russia", "Russland"),
    "who_by.ukraine": ("Ukraine", "der Ukraine"),
    "maps": ("Maps compared: {a} and {b}.", "Verglichene Karten: {a} und {b}."),
    "map": ("Map of {a}.", "Karte vom {a}."),
    "sources_match": (
        "The maps of {names} match the claim.",
        "Die Karten von {names} stimmen mit der Angabe überein.",
    ),
    "bound.lower_bound.True": (
        "The claim gives a lower bound, and the maps' figure is above it.",
        "Die Angabe nennt eine Untergrenze, und die Zahl der Karten liegt darüber.",
    ),
    "bound.lower_bound.False": (
        "The claim gives a lower bound, and the maps' figure is below it.",
        "Die Angabe nennt eine Untergrenze, und die Zahl der Karten liegt darunter.",
    ),
    "bound.upper_bound.True": (
        "The claim gives an upper bound, and the maps' figure is below it.",
        "Die Angabe nennt eine Obergrenze, und die Zahl der Karten liegt darunter.",
    ),
    "bound.upper_bound.False": (
        "The claim gives an upper bound, and the maps' figure is above it.",
        "Die Angabe nennt eine Obergrenze, und die Zahl der Karten liegt darüber.",
    ),
    "set.show": (
        "DeepState's maps show {n} settlements taken by {who_by} in {area}, {period}"
        "{contested}{names}.",
        "DeepStates Karten zeigen in {area}, {period}, {n} von {who_by} eingenommene "
        "Ortschaften{contested}{names}.",
    ),
    "set.contested": (", {c} more contested", ", dazu {c} umkämpfte"),
    "set.all": ("For {everywhere}: {n}.", "Für {everywhere}: {n}."),
    "dist.show": (
        "On DeepState's map of {date}, {held} is {km} from {place}.",
        "Auf DeepStates Karte vom {date} ist {held} {km} von {place} entfernt.",
    ),
    "dist.inside": (
        "On DeepState's map of {date}, {place} lies inside {held}.",
        "Auf DeepStates Karte vom {date} liegt {place} im {held}.",
    ),
    "held.russian_held": ("Russian-held ground", "das russisch gehaltene Gebiet"),
    "held.ua_held_in_russia": (
        "Ukrainian-held ground in Russia",
        "das ukrainisch gehaltene Gebiet in Russland",
    ),
    "dist.error": (
        "The distance was not measured: {error}.",
        "Die Entfernung wurde nicht gemessen: {error}.",
    ),
    "set.error": (
        "The settlements were not counted: {error}.",
        "Die Ortschaften wurden nicht gezählt: {error}.",
    ),
    "table.source": ("source", "Quelle"),
    "table.area": ("area", "Gebiet"),
    "table.maps": ("maps", "Karten"),
    "table.gained": ("gained", "gewonnen"),
    "table.lost": ("lost", "verloren"),
    "table.net": ("net", "netto"),
    "table.count": ("count", "Anzahl"),
    "table.contested": ("contested", "umkämpft"),
    "table.km": ("km", "km"),
    "table.place": ("place", "Ort"),
    "period.missing": ("no period found", "kein Zeitraum gefunden"),
}
# "im russisch gehaltenen Gebiet": the dative after "liegt ... im".
_DATIVE = {"das russisch gehaltene Gebiet": "russisch gehaltenen Gebiet",
           "das ukrainisch gehaltene Gebiet in Russland": "ukrainisch gehaltenen Gebiet in "
           "Russland"}  # fmt: skip


def text(key: str, lang: str = "en", **values) -> str:
    """The string ``key`` in ``lang`` (English where German has none), filled in."""
    en, de = _T.get(key, (key, None))
    raw = (de if lang == "de" else None) or en
    return raw.format(**values) if values else raw


def _lang(lang: str | None) -> str:
    return "de" if lang == "de" else "en"


def language_name(code: str, lang: str = "en") -> str:
    """A language detected by :func:`geo.claimtext.detect_language`, named in ``lang``."""
    return text(f"lang.{code}", lang) if f"lang.{code}" in _T else code


def problem_text(problem: dict, lang: str = "en") -> str:
    """One problem code of :mod:`geo.claimtext` in words: ``{"part": "period", "code":
    "missing"}`` is "no period found" / "kein Zeitraum gefunden"."""
    part, code = problem.get("part", ""), problem.get("code", "")
    if f"{part}.{code}" in _T:
        return text(f"{part}.{code}", lang)
    return text(f"code.{code}", lang, part=text(f"part.{part}", lang))


def problems_text(problems, lang: str = "en") -> str:
    """Every problem in words, separated by semicolons."""
    return "; ".join(problem_text(p, lang) for p in problems)


def assumption_text(assumption: dict, lang: str = "en") -> str:
    """One assumption code in words: "no region named: all of Ukraine"."""
    return text(f"assume.{assumption['part']}/{assumption['code']}", lang)


def parsed_notes(parsed, lang: str = "en") -> list[str]:
    """What the parser could not read, then what it assumed, one line each in ``lang``."""
    return [problem_text(p, lang) for p in parsed.problems] + [
        assumption_text(a, lang) for a in parsed.assumptions
    ]


def _figure(value: float, unit: str | None, lang: str) -> str:
    digits = 0 if float(value).is_integer() else 1
    number = fmt_number(value, lang, digits)
    if unit == "settlements":
        return f"{number} {text('settlements', lang)}"
    return f"{number} " + {"km2": "km²", "mi2": "sq mi", "km": "km"}.get(unit or "", "")


def parsed_fields(parsed, lang: str = "en", regions=None) -> list[tuple[str, str]]:
    """What the parser read, as ``(label, value)`` rows for a table or editable fields.

    ``regions`` (:class:`geo.regions.Regions`) names the region in ``lang``; without it
    the code is shown.
    """
    lang = _lang(lang)
    none = text("none", lang)

    def region_name(code: str) -> str:
        return f"{regions.name(code, lang)} ({code})" if regions is not None else code

    if parsed.region:
        region = region_name(parsed.region)
    elif parsed.region_candidates:
        region = text("or", lang).join(region_name(c) for c in parsed.region_candidates)
    elif parsed.region_text:
        region = f"? ({parsed.region_text})"
    elif any(a["part"] == "region" for a in parsed.assumptions):
        region = text("all.russian_held", lang)
    else:
        region = none
    figure = none
    if parsed.value is not None:
        figure = _figure(parsed.value, parsed.unit, lang)
        if parsed.unit == "mi2" and parsed.value_km2 is not None:
            figure += f" ({fmt_km2(parsed.value_km2, lang)})"
    period = none
    if parsed.period_start and parsed.period_end:
        period = fmt_date_range(parsed.period_start, parsed.period_end, lang)
        if parsed.period_text:
            period += f" („{parsed.period_text}“)" if lang == "de" else f" (“{parsed.period_text}”)"
    rows = [
        ("measure", text(f"measure.{parsed.measure}", lang) if parsed.measure else none),
        ("figure", figure),
        ("hedge", parsed.hedge or none),
        ("side", text(f"side.{parsed.side}", lang) if parsed.side else none),
        ("region", region),
        ("period", period),
        ("data_source", parsed.data_source or none),
        ("reporter", parsed.reporter or none),
        ("date", fmt_date(parsed.anchor_date, lang) if parsed.anchor_date else none),
        ("lang", language_name(parsed.lang, lang) if parsed.lang else none),
        ("assumptions", "; ".join(assumption_text(a, lang) for a in parsed.assumptions) or none),
        ("problems", problems_text(parsed.problems, lang) or none),
    ]
    if parsed.measure == "distance":
        rows.insert(5, ("place", parsed.place or none))
    return [(text(f"field.{key}", lang), value) for key, value in rows]


def _in_area(check, compared: str, layer: str, lang: str) -> str:
    """The area after "in": "Donetsk Oblast", "der Oblast Donezk", "der ganzen Ukraine"."""
    if compared != "region":
        return text(f"in_all.{layer}", lang)
    name = check.region_name.get(lang) or check.parsed.region or ""
    if lang == "de" and name.startswith(("Oblast", "Autonome")):
        return "der " + name.replace("Autonome ", "Autonomen ")
    return name


def _maps(a: str | None, b: str | None, lang: str) -> str:
    if not a:
        return ""
    if a == b or b is None:
        return text("map", lang, a=fmt_date(a, lang))
    return text("maps", lang, a=fmt_date(a, lang), b=fmt_date(b, lang))


def _relation(verdict, fig: str, lang: str) -> str:
    if verdict.relation == "more" and not verdict.ratio:
        # Compared with nothing (0 km: the place is taken; no settlement): no ratio.
        return text("rel.more_than_none", lang, fig=fig)
    ratio = verdict.ratio or 0
    return text(f"rel.{verdict.relation}", lang, fig=fig, r=fmt_number(ratio, lang, 1),
                p=fmt_number(100 * ratio, lang, 0))  # fmt: skip


def _reasons(check, fig: dict | None, lang: str) -> str:
    verdict, parts = check.verdict, []
    for code in verdict.reasons:
        if code == "source":
            parts.append(text("reason.source", lang, ds=verdict.data_source))
        elif code == "period_edges" and verdict.neighbour:
            n = verdict.neighbour
            period = fmt_date_range(n["period_start"], n["period_end"], lang)
            parts.append(text("reason.period_neighbour", lang, period=period,
                              value=fmt_km2(n["value"], lang)))  # fmt: skip
        elif code == "period_edges" and fig:
            a = fig.get("from_snapshot") or fig.get("snapshot")
            b = fig.get("to_snapshot") or a
            parts.append(text("reason.period_edges", lang, a=fmt_date(a, lang),
                              b=fmt_date(b, lang)))  # fmt: skip
        elif code == "newest_map":
            continue  # a caveat of its own, said beside the map's date
        elif code == "gross_vs_net":
            other = "gross" if verdict.kind == "net" else "net"
            parts.append(text("reason.gross_vs_net", lang, other=text(f"kindword.{other}", lang),
                              kind=text(f"kindword.{verdict.kind}", lang)))  # fmt: skip
        else:
            parts.append(text(f"reason.{code}", lang))
    return text("why", lang, reasons="; ".join(parts)) if parts else ""


def _extras(check, lang: str) -> list[str]:
    verdict, out = check.verdict, []
    if verdict.matching_sources:
        out.append(text("sources_match", lang, names=", ".join(verdict.matching_sources)))
    if verdict.bound_holds is not None:
        out.append(text(f"bound.{check.parsed.hedge_kind}.{verdict.bound_holds}", lang))
    return out


def sentence_verdict(check, lang: str = "en") -> str:
    """The verdict on a :class:`geo.claimcheck.SentenceCheck` as plain sentences: what the
    maps show, how the claim compares, the likely reasons, the maps compared."""
    lang = _lang(lang)
    p = check.parsed
    if check.status in ("refused", "unreadable"):
        return text(check.status, lang, problems=problems_text(check.problems, lang))
    if check.unit == "km":
        return _distance_verdict(check, lang)
    if check.unit == "settlements":
        return _settlement_verdict(check, lang)
    verdict = check.verdict
    ours = check.areas[0]
    fig = ours.get(verdict.compared)
    claimed = _figure(p.value, p.unit, lang)
    if p.unit == "mi2":
        claimed += f" ({fmt_km2(check.claimed, lang)})"
    if fig is None:
        return " ".join([_relation(verdict, claimed, lang), _reasons(check, None, lang)])
    layer = fig["layer"]
    everywhere = text(f"all.{layer}", lang)
    area = _in_area(check, verdict.compared, layer, lang)
    period = fmt_date_range(p.period_start, p.period_end, lang)
    who = text(f"who.{p.side}", lang)
    values = dict(area=area, period=period, net=fmt_km2(fig["net_km2"], lang),
                  gross=fmt_km2(fig["gained_km2" if p.measure != "area_lost" else "lost_km2"],
                                lang))  # fmt: skip
    if fig["km2"] > 0:
        what = text(f"kind.{verdict.kind}.{p.measure}", lang, who=who)
        other = f"{text('kindlow.' + fig['other'], lang)} {fmt_km2(fig['other_km2'], lang)}"
        first = text("show", lang, what=what, km2=fmt_km2(fig["km2"], lang), other=other,
                     **values)  # fmt: skip
    else:
        word = "loss" if p.measure == "area_lost" else "gain"
        first = text("show_none", lang, what=text(word, lang, who=who), **values)
    parts = [first, _relation(verdict, claimed, lang)]
    if verdict.all_relation and ours["all"]["km2"] > 0:
        whole = ours["all"]
        parts.append(text(f"all.{verdict.all_relation}", lang, everywhere=everywhere,
                          km2=fmt_km2(whole["km2"], lang)))  # fmt: skip
    parts += [_reasons(check, fig, lang), *_extras(check, lang)]
    parts.append(_maps(fig["from_snapshot"], fig["to_snapshot"], lang))
    return " ".join(x for x in parts if x)


def _settlement_verdict(check, lang: str) -> str:
    p, verdict, s = check.parsed, check.verdict, check.settlements
    claimed = _figure(p.value, "settlements", lang)
    if s is None:
        error = check.errors[0] if check.errors else ""
        return " ".join([text("set.error", lang, error=error), _reasons(check, None, lang)])
    fig = s[verdict.compared]
    everywhere = text(f"all.{s['layer']}", lang)
    area = _in_area(check, verdict.compared, s["layer"], lang)
    shown = [pl[f"name_{lang}"] or pl["name_en"] for pl in fig["places"][:10]]
    names = f" ({', '.join(shown)}{', …' if len(fig['places']) > 10 else ''})" if shown else ""
    contested = text("set.contested", lang, c=fig["contested"]) if fig["contested"] else ""
    period = fmt_date_range(p.period_start, p.period_end, lang)
    parts = [
        text("set.show", lang, n=fmt_number(fig["count"], lang),
             who_by=text(f"who_by.{p.side}", lang),
             area=area, period=period, contested=contested, names=names),
        _relation(verdict, claimed, lang),
    ]  # fmt: skip
    if verdict.all_relation:
        parts.append(text("set.all", lang, everywhere=everywhere, n=s["all"]["count"]))
    parts += [_reasons(check, s, lang), *_extras(check, lang)]
    parts.append(_maps(s["from_snapshot"], s["to_snapshot"], lang))
    return " ".join(x for x in parts if x)


def _distance_verdict(check, lang: str) -> str:
    p, verdict = check.parsed, check.verdict
    claimed = _figure(p.value, "km", lang)
    fig = check.distance[0] if check.distance else None
    if fig is None or fig["km"] is None:
        error = (fig or {}).get("error") or (check.errors[0] if check.errors else "")
        return " ".join([text("dist.error", lang, error=error), _reasons(check, None, lang)])
    place = p.place if p.place == fig["place_en"] else f"{p.place} ({fig['place_en']})"
    held = text(f"held.{fig['layer']}", lang)
    date = fmt_date(fig["snapshot"], lang)
    if fig["km"] == 0:
        held = _DATIVE.get(held, held) if lang == "de" else held
        first = text("dist.inside", lang, date=date, place=place, held=held)
    else:
        km = f"{fmt_number(fig['km'], lang, 1)} km"
        first = text("dist.show", lang, date=date, held=held, km=km, place=place)
    if fig.get("newest_map_days"):
        first += " " + text("newest_map", lang, days=fmt_number(fig["newest_map_days"], lang, 0),
                            date=fmt_date(fig["date"], lang))  # fmt: skip
    relation = _relation(verdict, claimed, lang)
    if verdict.relation == "match":
        relation = text("rel.match_km", lang, fig=claimed)
    parts = [first, relation, _reasons(check, fig, lang)]
    return " ".join(x for x in [*parts, *_extras(check, lang)] if x)


def _table_area(check, scope: str, region: str | None, layer: str, lang: str) -> str:
    if scope == "region":
        return check.region_name.get(lang) or region or ""
    return text(f"all.{layer}", lang)


def figure_rows(check, lang: str = "en") -> tuple[list[str], list[list[str]]]:
    """``(header, rows)``: every computed figure of the check for a table, one row per
    source and area (areas), per area (settlements) or per source (distance)."""
    lang = _lang(lang)
    h = [text(f"table.{k}", lang) for k in ("source", "area", "maps")]
    if check.areas:
        header = [*h, *(text(f"table.{k}", lang) for k in ("gained", "lost", "net"))]
        rows = []
        for entry in check.areas:
            for scope in ("region", "all"):
                fig = entry[scope]
                if fig is None:
                    continue
                area = _table_area(check, scope, fig["region"], fig["layer"], lang)
                maps = f"{fig['from_snapshot']} → {fig['to_snapshot']}"
                rows.append([entry["source"], area, maps,
                             *(fmt_number(fig[k], lang, 1) for k in
                               ("gained_km2", "lost_km2", "net_km2"))])  # fmt: skip
            if entry["error"]:
                rows.append([entry["source"], "–", entry["error"], "", "", ""])
        return header, rows
    if check.settlements and "all" in check.settlements:
        s = check.settlements
        header = [*h, text("table.count", lang), text("table.contested", lang)]
        maps = f"{s['from_snapshot']} → {s['to_snapshot']}"
        rows = []
        for scope in ("region", "all"):
            if s.get(scope):
                area = _table_area(check, scope, s[scope]["region"], s["layer"], lang)
                rows.append(["deepstate", area, maps, str(s[scope]["count"]),
                             str(s[scope]["contested"])])  # fmt: skip
        return header, rows
    header = [text("table.source", lang), text("table.place", lang), text("table.maps", lang),
              text("table.km", lang)]  # fmt: skip
    rows = []
    for fig in check.distance:
        km = "–" if fig["km"] is None else fmt_number(fig["km"], lang, 1)
        rows.append([fig["source"], fig["place_en"], fig.get("snapshot") or fig["error"], km])
    return header, rows
