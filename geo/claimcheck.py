"""Check any sentence: what a parsed claim (:mod:`geo.claimtext`) says beside the data.

For a figure of ground ("610 km² in the Donetsk region in October") the check computes
the same figure from every loaded series of control polygons (DeepState's first, then each
imported source), for the claim's region and for all of Ukraine, gross and net, with the
snapshots used. For settlements it counts the places that changed hands to the claimed
side (:mod:`geo.settlements`); for a distance it measures from the named place to the
front on the publication date (:mod:`geo.distance`). The verdict is codes only, as in
:mod:`geo.claims`: the words, English and German, are the dashboard's.

Which figure a claim of ground is compared with: the net change in the side's favour (as
``direction: advance`` in ``data/claims.yaml``: the monthly figures of DeepState and of
AFP's analyses of ISW maps are net changes), the gross one beside it. Where the net is not
positive but the gross is (a counter-attack inside a region where the other side advanced
more), the gross. ``gross_vs_net`` says when the claim matches the other one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace

from geo.claims import MATCH_TOLERANCE
from geo.claimtext import MEASURES, MI2_KM2, ParsedClaim
from geo.errors import FrontlineError

__all__ = [
    "DISTANCE_FLOOR_KM",
    "REASONS",
    "RELATIONS",
    "SentenceCheck",
    "SentenceVerdict",
    "check_sentence",
    "neighbour_periods",
]

RELATIONS = ("match", "more", "less", "none")
#: Likely reasons for a difference. ``place_coverage``: the settlement count covers the
#: bundled gazetteer's places only (in Ukraine, 1,000 inhabitants or more);
#: ``no_data``: the map record has no snapshot for the period.
REASONS = ("region_vs_country", "source", "period_edges", "gross_vs_net", "place_coverage",
           "no_data")  # fmt: skip
#: A distance matches within this many km at least: reported distances are whole km, and
#: a front line is drawn no closer than that.
DISTANCE_FLOOR_KM = 1.0
AREAS = ("area_gained", "area_lost", "area_net")
#: Places listed with a settlement count (the count itself is never cut).
MAX_PLACES = 100
#: A claim counts as "closer" to the all-Ukraine figure only within this factor of it.
CLOSER_FACTOR = 2.0


@dataclass(frozen=True)
class SentenceVerdict:
    """How the claim compares with DeepState's figure, and the likely reasons (codes).

    Attributes
    ----------
    compared : ``"region"``, ``"all"`` (all of Ukraine, or the whole layer in Russia) or
        ``"place"`` (a distance).
    kind : ``"net"`` or ``"gross"`` (km²), ``"count"`` (settlements) or ``"km"``.
    relation : one of :data:`RELATIONS`: ``match`` within :data:`geo.claims.MATCH_TOLERANCE`,
        the claim ``more`` or ``less`` than the computed figure, or ``none`` (no figure).
    ratio : claimed / computed, or None.
    all_relation : a regional claim against the all-Ukraine figure; None otherwise.
    reasons : codes of :data:`REASONS`, most telling first.
    matching_sources : loaded sources whose figure matches the claim.
    neighbour : the neighbouring period whose figure matches (``period_start``,
        ``period_end``, ``value``), when one does and the claim's own does not.
    bound_holds : for "more than" / "up to" claims, whether the computed figure lies on
        the claimed side of the bound; None for other claims.
    """

    compared: str
    kind: str
    relation: str
    ratio: float | None
    all_relation: str | None = None
    reasons: tuple[str, ...] = ()
    data_source: str | None = None
    matching_sources: tuple[str, ...] = ()
    neighbour: dict | None = None
    bound_holds: bool | None = None


@dataclass(frozen=True)
class SentenceCheck:
    """A parsed sentence beside the computed figures.

    ``status`` is ``"checked"``, ``"unreadable"`` (the parser named a problem: ``problems``
    has its codes and there are no figures) or ``"refused"`` (too long, or in another
    language). ``areas`` has one entry per source series (DeepState first): ``region`` and
    ``all`` figures, or ``error``. ``settlements`` and ``distance`` are DeepState's figures
    for those measures.
    """

    parsed: ParsedClaim
    status: str
    problems: tuple[dict, ...] = ()
    claimed: float | None = None
    unit: str | None = None
    areas: tuple[dict, ...] = ()
    settlements: dict | None = None
    distance: tuple[dict, ...] = ()
    verdict: SentenceVerdict | None = None
    version: str = ""
    errors: tuple[str, ...] = ()
    #: The claim's region by language (``{"en": "Donetsk Oblast", "de": "Oblast Donezk"}``).
    region_name: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the sentence was read and checked."""
        return self.status == "checked"

    def as_record(self) -> dict:
        """Status, problems, the claim's figure, every computed figure and the verdict,
        JSON-ready (dates as ISO strings, km² to 0.1)."""
        p = self.parsed
        fields = ("measure", "side", "region", "place", "period_start", "period_end",
                  "data_source")  # fmt: skip
        return {
            "status": self.status, "ok": self.ok, "problems": [dict(x) for x in self.problems],
            "claimed": self.claimed, "unit": self.unit,
            **{k: getattr(p, k) and str(getattr(p, k)) for k in fields},
            "region_name": dict(self.region_name), "areas": [dict(a) for a in self.areas],
            "settlements": self.settlements, "distance": [dict(d) for d in self.distance],
            "verdict": asdict(self.verdict) if self.verdict else None,
            "errors": list(self.errors), "data_version": self.version,
        }  # fmt: skip


def check_sentence(parsed: ParsedClaim, data) -> SentenceCheck:
    """Set the data's figures beside what one sentence claims.

    Parameters
    ----------
    parsed : from :func:`geo.claimtext.parse_claim`, or its fields edited by a person
        (``dataclasses.replace``, with ``problems=()`` once they are settled).
    data : :class:`geo.stores.base.Data` (``store.current()``).

    Returns
    -------
    SentenceCheck
        ``status`` ``"unreadable"`` / ``"refused"`` with the parser's problem codes and no
        figures when the sentence was not read whole; else the figures and the verdict.

    Raises
    ------
    FrontlineError
        For an edited field that cannot be checked (an unknown measure, side or region, a
        period that ends before it starts), naming the field.

    Examples
    --------
    >>> c = check_sentence(parse_claim(SEED, date="2024-11-04"), store.current())  # doctest: +SKIP
    >>> c.areas[0]["region"]["net_km2"], c.verdict.reasons                          # doctest: +SKIP
    (398.6, ('region_vs_country', 'source'))
    """
    version = getattr(data, "version", "")
    codes = {(x["part"], x["code"]) for x in parsed.problems}
    if codes & {("length", "too_long"), ("language", "unsupported")}:
        return SentenceCheck(parsed, "refused", parsed.problems, version=version)
    if parsed.problems or not parsed.ok:
        problems = parsed.problems or tuple(
            {"part": k, "code": "missing"}
            for k, v in (("measure", parsed.measure), ("number", parsed.value),
                         ("period", parsed.period_start)) if v is None
        )  # fmt: skip
        return SentenceCheck(parsed, "unreadable", problems, version=version)
    _check_fields(parsed, data)
    if parsed.measure in AREAS:
        if parsed.value_km2 is None:  # a figure edited by hand
            factor = MI2_KM2 if parsed.unit == "mi2" else 1.0
            parsed = replace(parsed, value_km2=parsed.value * factor)
        check = _check_area(parsed, data, version)
    else:
        from geo.claimcheck_places import check_distance, check_settlements

        run = check_settlements if parsed.measure == "settlements" else check_distance
        check = run(parsed, data, version)
    if parsed.region:
        names = {lang: data.regions.name(parsed.region, lang) for lang in ("en", "de")}
        check = replace(check, region_name=names)
    return check


def _check_fields(p: ParsedClaim, data) -> None:
    def fail(name, message):
        raise FrontlineError(f"{name}: {message}", param=name)

    if p.measure not in MEASURES:
        fail("measure", f"expected one of {', '.join(MEASURES)}, got {p.measure!r}")
    if p.side not in ("russia", "ukraine"):
        fail("side", f"expected 'russia' or 'ukraine', got {p.side!r}")
    if not isinstance(p.value, int | float) or not p.value >= 0:
        fail("value", f"expected a number of 0 or more, got {p.value!r}")
    if p.region is not None and p.region not in data.regions.codes:
        fail("region", f"unknown region {p.region!r}; expected an ISO 3166-2 code such as UA-14")
    if p.period_end is None or p.period_end <= p.period_start:
        fail("period", f"expected an end after {p.period_start}, got {p.period_end}")
    if p.measure == "distance" and not p.place:
        fail("place", "a distance needs the place it is measured to")


def _series(data) -> list[tuple[str, object]]:
    """DeepState's snapshots first, then each imported source by name."""
    return [("deepstate", data.territory), *sorted((data.sources or {}).items())]


def _relation(claimed, computed, floor: float = 0.0, positive: bool = True):
    """``(relation, ratio)`` as :class:`geo.claims.Verdict` has them; counts and distances
    (``positive=False``) may be compared with 0."""
    if computed is None or (positive and computed <= 0):
        return "none", None
    ratio = claimed / computed if computed > 0 else None
    if abs(claimed - computed) <= max(MATCH_TOLERANCE * computed, floor):
        return "match", ratio
    return ("more" if claimed > computed else "less"), ratio


def _bound_holds(kind: str | None, claimed: float, computed) -> bool | None:
    if computed is None or kind not in ("lower_bound", "upper_bound"):
        return None
    if kind == "lower_bound":
        return computed >= claimed * (1 - MATCH_TOLERANCE)
    return computed <= claimed * (1 + MATCH_TOLERANCE)


def _km(value: float) -> float:
    return round(value, 1) + 0.0  # no "-0.0"


def _rounded(value, digits: int = 3):
    return None if value is None else round(value, digits)


# --- ground ---------------------------------------------------------------------------------
def _layer(region: str | None) -> tuple[str, str]:
    """The layer a claim's region is measured in, and the side that layer belongs to."""
    if region and region.startswith("RU-"):
        return "ua_held_in_russia", "ukraine"
    return "russian_held", "russia"


def _candidates(measure: str, gained: float, lost: float, net: float) -> dict[str, float]:
    """The net and the gross figure a claim of ``measure`` may mean (in the side's view)."""
    if measure == "area_net":
        return {"net": abs(net), "gross": gained if net >= 0 else lost}
    if measure == "area_gained":
        return {"net": net, "gross": gained}
    return {"net": -net, "gross": lost}


def _area_figure(p: ParsedClaim, terr, start, end, region, layer: str, flip: bool) -> dict:
    change = terr.changes(start, end, region, layer)
    g, lo, n = change.gained_km2, change.lost_km2, change.net_km2
    if flip:  # the claim speaks for the side that does not hold the layer
        g, lo, n = lo, g, -n
    return {
        "region": region,
        "layer": layer,
        "from_snapshot": change.from_snapshot.isoformat(),
        "to_snapshot": change.to_snapshot.isoformat(),
        "series": "+".join(change.sources),
        "gained_km2": _km(g),
        "lost_km2": _km(lo),
        "net_km2": _km(n),
        "_values": _candidates(p.measure, g, lo, n),
    }


def _compare(fig: dict | None, kind: str, claimed: float) -> None:
    """Add the compared figure of ``kind``, the other one, and how the claim relates."""
    if fig is None:
        return
    values = fig.pop("_values")
    other = "gross" if kind == "net" else "net"
    relation, ratio = _relation(claimed, values[kind])
    fig.update(compared=kind, km2=_km(values[kind]), relation=relation, ratio=_rounded(ratio),
               other=other, other_km2=_km(values[other]),
               other_relation=_relation(claimed, values[other])[0])  # fmt: skip


def _check_area(p: ParsedClaim, data, version: str) -> SentenceCheck:
    start, end = p.period_start, p.period_end
    layer, holder = _layer(p.region)
    flip = p.side != holder
    areas = []
    for name, terr in _series(data):
        entry = {"source": name, "region": None, "all": None, "error": None}
        try:
            if p.region:
                entry["region"] = _area_figure(p, terr, start, end, p.region, layer, flip)
            entry["all"] = _area_figure(p, terr, start, end, None, layer, flip)
        except FrontlineError as exc:
            entry.update(region=None, all=None, error=str(exc))
        areas.append(entry)
    which = "region" if p.region else "all"
    fig = areas[0][which]
    # One kind for every figure, chosen on DeepState's: a gain is compared with a gross
    # figure only where the net one is no gain at all.
    kind = "net"
    if fig is not None and p.measure != "area_net":
        kind = "gross" if fig["_values"]["net"] <= 0 < fig["_values"]["gross"] else "net"
    for entry in areas:
        _compare(entry["region"], kind, p.value_km2)
        _compare(entry["all"], kind, p.value_km2)
    base = SentenceCheck(p, "checked", claimed=p.value_km2, unit="km2", areas=tuple(areas),
                         version=version)  # fmt: skip
    if fig is None:
        return replace(base, verdict=_no_data(p, which, kind), errors=(areas[0]["error"],))
    extra = []
    neighbour = None
    if fig["relation"] != "match":
        neighbour = _neighbour(p, data.territory, which, layer, flip, kind)
        if neighbour or (fig["from_snapshot"], fig["to_snapshot"]) != (str(start), str(end)):
            extra.append("period_edges")
        both = (fig, areas[0]["all"])
        if any(f and f["other_relation"] == "match" and f["relation"] != "match" for f in both):
            extra.append("gross_vs_net")
    matching = tuple(a["source"] for a in areas[1:] if a[which] and a[which]["relation"] == "match")
    verdict = _verdict(p, which, kind, fig, areas[0]["all"], "km2", extra)
    return replace(base, verdict=replace(verdict, matching_sources=matching, neighbour=neighbour))


def _verdict(
    p, which: str, kind: str, fig: dict, whole: dict | None, key: str, extra
) -> SentenceVerdict:
    """The verdict on DeepState's figure ``fig`` (``whole``: all of Ukraine); ``extra``
    reasons go after region and source."""
    claimed = p.value_km2 if key == "km2" else p.value
    reasons, all_relation = [], None
    if which == "region":
        all_relation = _all_relation(claimed, fig[key], whole, key)
        if fig["relation"] != "match" and all_relation in ("match", "closer"):
            reasons.append("region_vs_country")
    if p.data_source and p.data_source.lower() != "deepstate":
        reasons.append("source")
    return SentenceVerdict(which, kind, fig["relation"], fig["ratio"], all_relation,
                           (*reasons, *extra), p.data_source,
                           bound_holds=_bound_holds(p.hedge_kind, claimed, fig[key]))  # fmt: skip


def _no_data(p: ParsedClaim, which: str, kind: str) -> SentenceVerdict:
    return SentenceVerdict(which, kind, "none", None, reasons=("no_data",),
                           data_source=p.data_source)  # fmt: skip


def _all_relation(claimed: float, region_value: float, whole: dict, key: str) -> str:
    """``match``, ``closer`` (nearer the all-Ukraine figure than the region's, and within
    :data:`CLOSER_FACTOR` of it: 15 km² is not "closer" to 2.5 than to 0) or ``other``."""
    value = whole[key]
    if whole["relation"] == "match":
        return "match"
    near = abs(claimed - value) < abs(claimed - region_value)
    within = value > 0 and 1 / CLOSER_FACTOR <= claimed / value <= CLOSER_FACTOR
    return "closer" if near and within else "other"


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def neighbour_periods(start: dt.date, end: dt.date, until: dt.date | None) -> list[tuple]:
    """The periods just before and after ``[start, end)`` of the same length.

    Parameters
    ----------
    start, end : the period (half-open); whole months stay whole months.
    until : the publication date: a period ending after it is left out (its maps did not
        exist when the sentence was written); None keeps both.

    Returns
    -------
    list of ``(start, end)``: the one before, then the one after.

    Examples
    --------
    >>> neighbour_periods(dt.date(2024, 10, 1), dt.date(2024, 11, 1), dt.date(2024, 11, 4))
    [(datetime.date(2024, 9, 1), datetime.date(2024, 10, 1))]
    """
    if start.day == 1 and end.day == 1:
        n = (end.year - start.year) * 12 + end.month - start.month
        pairs = [(_add_months(start, -n), start), (end, _add_months(end, n))]
    else:
        span = end - start
        pairs = [(start - span, start), (end, end + span)]
    return [(a, b) for a, b in pairs if until is None or b <= until]


def _neighbour(p: ParsedClaim, terr, which: str, layer: str, flip: bool, kind: str):
    """The first neighbouring period whose figure matches the claim, or None."""
    region = p.region if which == "region" else None
    for a, b in neighbour_periods(p.period_start, p.period_end, p.anchor_date):
        try:
            fig = _area_figure(p, terr, a, b, region, layer, flip)
        except FrontlineError:
            continue  # outside the map record
        value = fig["_values"][kind]
        if _relation(p.value_km2, value)[0] == "match":
            return {"period_start": a.isoformat(), "period_end": b.isoformat(),
                    "value": _km(value), "from_snapshot": fig["from_snapshot"],
                    "to_snapshot": fig["to_snapshot"]}  # fmt: skip
    return None
