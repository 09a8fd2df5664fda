"""Reported figures ("610 km² in October") checked against the control polygons.

A claim is a figure someone published: how much ground, where, when, on whose map.
:func:`check_claim` puts DeepState's figures for the same days beside it, for the claim's
region and for all of Ukraine (figures for "the Donetsk region" are sometimes for the whole
front), and says in English and German how far apart they are and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from geo.errors import FrontlineError
from geo.regions import Regions
from geo.territory import LAYERS, Change, Territory, as_date

__all__ = ["DIRECTIONS", "MATCH_TOLERANCE", "UNITS", "Claim", "ClaimCheck", "check_claim"]
__all__ += ["load_claims"]

#: Units a claim may be given in, with their size in km².
UNITS = {"km2": 1.0, "mi2": 2.589988110336}
#: What the figure measures: net gain or loss of the layer, or the gross gain or loss.
DIRECTIONS = ("advance", "retreat", "gained", "lost")
#: A claim "matches" a computed figure when they differ by at most this share of it.
MATCH_TOLERANCE = 0.05
_REQUIRED = ("id", "figure", "unit", "period", "layer", "direction", "claimed_by")


@dataclass(frozen=True)
class Claim:
    """One published figure and where it was published. Periods are ``[start, end)``."""

    id: str
    figure: float
    unit: str
    period_start: dt.date
    period_end: dt.date
    region: str | None
    layer: str
    direction: str
    claimed_by: str
    data_source: str = ""
    publication: str = ""
    title: str = ""
    published: dt.date | None = None
    url: str = ""
    quote: str = ""
    quote_lang: str = ""
    note: str = ""

    @property
    def figure_km2(self) -> float:
        """The figure converted to km²."""
        return self.figure * UNITS[self.unit]

    def as_record(self) -> dict:
        """The claim's fields, JSON-ready (dates as ISO strings)."""
        out = asdict(self)
        for key in ("period_start", "period_end", "published"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


def load_claims(path, regions: Regions | None = None) -> list[Claim]:
    """Read and check a claims file (a YAML list, see ``data/claims.yaml``).

    Parameters
    ----------
    path : the YAML file.
    regions : when given, region codes are checked against it.

    Returns
    -------
    list of Claim, in file order.

    Raises
    ------
    FrontlineError
        Naming the file, the claim's id (or position) and the field, e.g.
        ``claims.yaml: claim 'x': period.from: expected an ISO date ...``.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise FrontlineError(f"{path}: cannot read claims: {err}", param="path") from None
    if isinstance(data, dict) and "claims" in data:
        data = data["claims"]
    if not isinstance(data, list):
        raise FrontlineError(f"{path}: expected a list of claims", param="path")
    claims = [_parse_claim(item, path, i, regions) for i, item in enumerate(data, start=1)]
    ids = [c.id for c in claims]
    twice = [i for n, i in enumerate(ids) if i in ids[:n]]
    if twice:
        raise FrontlineError(f"{path}: claim {twice[0]!r}: id: used twice", param="id")
    return claims


def _parse_claim(item, path: Path, position: int, regions: Regions | None) -> Claim:
    where = f"{path}: claim #{position}"
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"].strip():
        where = f"{path}: claim {item['id'].strip()!r}"

    def fail(name: str, message: str):
        raise FrontlineError(f"{where}: {name}: {message}", param=name)

    if not isinstance(item, dict):
        fail("id", f"expected a mapping of fields, got {type(item).__name__}")
    for name in _REQUIRED:
        if item.get(name) in (None, ""):
            fail(name, "missing")
    for name in ("period", "reported_in"):
        if not isinstance(item.get(name) or {}, dict):
            fail(name, f"expected a mapping of fields, got {item[name]!r}")
    period, reported = item["period"], item.get("reported_in") or {}

    def text(name: str, allowed=None, where_from=item, key=None) -> str:
        value = where_from.get(key or name)
        if value is not None and not isinstance(value, str):
            fail(name, f"expected text, got {value!r}")
        value = (value or "").strip()
        if allowed is not None and value not in allowed:
            fail(name, f"unknown value {value!r}; expected one of {', '.join(allowed)}")
        return value

    def date(name: str, value) -> dt.date | None:
        try:
            return None if value in (None, "") else as_date(value, name)
        except FrontlineError:
            fail(name, f"expected an ISO date such as 2024-10-01, got {value!r}")

    figure = item["figure"]
    if isinstance(figure, bool) or not isinstance(figure, int | float) or not figure > 0:
        fail("figure", f"expected a positive number, got {figure!r}")
    start, end = date("period.from", period.get("from")), date("period.to", period.get("to"))
    if start is None or end is None or end <= start:
        fail("period", f"expected {{from: date, to: later date}} (half-open), got {period!r}")
    region = text("region").upper() or None
    if region and regions is not None and region not in regions.codes:
        fail("region", f"unknown region {region!r}; expected an ISO 3166-2 code such as UA-14")
    return Claim(
        id=text("id"),
        figure=float(figure),
        unit=text("unit", UNITS),
        period_start=start,
        period_end=end,
        region=region,
        layer=text("layer", LAYERS),
        direction=text("direction", DIRECTIONS),
        claimed_by=text("claimed_by"),
        data_source=text("data_source"),
        publication=text("reported_in.publication", None, reported, "publication"),
        title=text("reported_in.title", None, reported, "title"),
        published=date("reported_in.date", reported.get("date")),
        url=text("reported_in.url", None, reported, "url"),
        quote=text("quote"),
        quote_lang=text("quote_lang", ("", "en", "de", "uk", "ru", "fr")),
        note=text("note"),
    )


# --- checking ----------------------------------------------------------------------------


def _figure(change: Change, direction: str) -> float:
    """The number in ``change`` that a claim of ``direction`` describes."""
    net, gained, lost = change.net_km2, change.gained_km2, change.lost_km2
    return {"advance": net, "retreat": -net, "gained": gained, "lost": lost}[direction]


@dataclass(frozen=True)
class ClaimCheck:
    """A claim beside DeepState's figures for its region and for all of Ukraine."""

    claim: Claim
    region_change: Change | None
    all_change: Change
    region_name: dict[str, str] = field(default_factory=dict)

    @property
    def region_km2(self) -> float | None:
        """DeepState's figure for the claim's region (None without a region)."""
        change = self.region_change
        return None if change is None else _figure(change, self.claim.direction)

    @property
    def all_km2(self) -> float:
        """DeepState's figure for all of Ukraine (the whole layer)."""
        return _figure(self.all_change, self.claim.direction)

    def difference(self, which: str = "region") -> float | None:
        """Claimed minus computed km² (``which`` = ``"region"`` or ``"all"``)."""
        computed = self.region_km2 if which == "region" else self.all_km2
        return None if computed is None else self.claim.figure_km2 - computed

    def ratio(self, which: str = "region") -> float | None:
        """Claimed / computed; None when the computed figure is not positive."""
        computed = self.region_km2 if which == "region" else self.all_km2
        return None if computed is None or computed <= 0 else self.claim.figure_km2 / computed

    def matches(self, which: str = "region") -> bool:
        """Whether the claim is within :data:`MATCH_TOLERANCE` of the computed figure."""
        ratio = self.ratio(which)
        return ratio is not None and abs(ratio - 1) <= MATCH_TOLERANCE

    @property
    def closest(self) -> str:
        """``"region"`` or ``"all"``: which computed figure is nearer the claim."""
        if self.region_change is None:
            return "all"
        return "region" if abs(self.difference("region")) <= abs(self.difference("all")) else "all"

    def verdict(self, lang: str = "en") -> str:
        """Three plain sentences in English (``en``) or German (``de``): how the claim
        compares with DeepState's figures ("matches (within 5 %)" when it does), why they can
        differ (whose map it was measured on) and which daily maps were compared."""
        if lang not in _TEXT:
            raise FrontlineError(f"lang: expected en or de, got {lang!r}", param="lang")
        return _verdict(self, lang)

    def as_record(self) -> dict:
        """Claim fields, computed figures, snapshot dates, sources and both verdicts."""
        out = self.claim.as_record()
        for which, change in (("region", self.region_change), ("all", self.all_change)):
            ratio, diff = self.ratio(which), self.difference(which)
            out[which] = None
            if change is not None:
                out[which] = {
                    **change.as_record(),
                    "km2": round(_figure(change, self.claim.direction), 1),
                    "difference_km2": round(diff, 1),
                    "ratio": None if ratio is None else round(ratio, 3),
                    "matches": self.matches(which),
                }
        out.update(
            figure_km2=round(self.claim.figure_km2, 1),
            closest=self.closest,
            from_snapshot=self.all_change.from_snapshot.isoformat(),
            to_snapshot=self.all_change.to_snapshot.isoformat(),
            sources=list(self.all_change.sources),
            verdict_en=self.verdict("en"),
            verdict_de=self.verdict("de"),
        )
        return out


def check_claim(claim: Claim, territory: Territory) -> ClaimCheck:
    """Compute DeepState's figures for a claim's period, region and layer.

    Parameters
    ----------
    claim : from :func:`load_claims`.
    territory : the control snapshots (``FileStore().territory``), with regions.

    Returns
    -------
    ClaimCheck; its ``verdict(lang)`` explains the comparison. A period outside the map
    record raises :class:`geo.errors.NoSnapshotError`.

    Examples
    --------
    >>> check = check_claim(claims[0], store.territory)     # doctest: +SKIP
    >>> round(check.region_km2, 1), round(check.all_km2, 1)  # doctest: +SKIP
    (398.6, 502.8)
    """
    start, end = claim.period_start, claim.period_end
    region_change = None
    names: dict[str, str] = {}
    if claim.region:
        region_change = territory.changes(start, end, claim.region, claim.layer)
        if territory.regions is not None:
            names = {lang: territory.regions.name(claim.region, lang) for lang in ("en", "de")}
    all_change = territory.changes(start, end, None, claim.layer)
    return ClaimCheck(claim, region_change, all_change, names)


# --- plain-language verdicts ------------------------------------------------------------

_MONTHS = {
    # Split strings keep the twelve names on two lines each instead of twenty-four.
    "en": "January February March April May June July August September October November "  # noqa: SIM905
    "December".split(),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November "  # noqa: SIM905
    "Dezember".split(),
}
# Sentence parts per language; {placeholders} are filled by _verdict.
_TEXT = {
    "en": {
        "match": "matches (within 5 %) what",
        "times": "is {r} times what",
        "share": "is {p} % of what",
        "none": "compares with what",
        "s1": "The reported {fig} {rel} DeepState's map shows for {area} ({comp}, {period})",
        "all_match": " and matches (within 5 %) the {comp} it shows for {everywhere}.",
        "all_closer": " and is closer to the {comp} it shows for {everywhere}.",
        "all_other": "; for {everywhere} it shows {comp}.",
        "everywhere": "all of Ukraine",
        "src": "The claim uses {ds} data; {ds} and DeepState draw the front differently",
        "front": ", and figures for 'the {short} region' are sometimes given for the whole front",
        "own_same": "The claim is DeepState's own figure, measured on the same maps.",
        "own_diff": "The claim is DeepState's own figure; map dates may explain the difference.",
        "unknown": "The claim does not say whose map it was measured on.",
        "maps": "Maps compared: {a} and {b}.",
        "sq": {"km2": "km²", "mi2": "sq mi"},
    },
    "de": {
        "match": "stimmen (innerhalb von 5 %) mit dem überein, was",
        "times": "sind {r}-mal so viel, wie",
        "share": "sind {p} % dessen, was",
        "none": "stehen dem gegenüber, was",
        "s1": "Die gemeldeten {fig} {rel} DeepStates Karte für {area} zeigt ({comp}, {period})",
        "all_match": ", und stimmen (innerhalb von 5 %) mit den {comp} für {everywhere} überein.",
        "all_closer": ", und liegen näher an den {comp}, die sie für {everywhere} zeigt.",
        "all_other": "; für {everywhere} zeigt sie {comp}.",
        "everywhere": "die ganze Ukraine",
        "src": "Die Angabe beruht auf {ds}-Daten; {ds} und DeepState zeichnen die Front anders",
        "front": ", und Zahlen für „die Region {short}“ beziehen sich manchmal auf die ganze Front",
        "own_same": "Die Angabe ist DeepStates eigene Zahl, gemessen auf denselben Karten.",
        "own_diff": "Die Angabe ist DeepStates eigene Zahl; die Kartentage können abweichen.",
        "unknown": "Die Angabe nennt nicht, auf welcher Karte sie gemessen wurde.",
        "maps": "Verglichene Karten: {a} und {b}.",
        "sq": {"km2": "km²", "mi2": "Quadratmeilen"},
    },
}


def _num(value: float, lang: str, decimals: int = 1) -> str:
    """``1,234.5`` in English, ``1.234,5`` in German; a real minus sign."""
    text = f"{value:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text.replace("-", "−")


def _day(day: dt.date, lang: str, year: bool = True, month: bool = True) -> str:
    parts = [f"{day.day}." if lang == "de" else str(day.day)]
    parts += [_MONTHS[lang][day.month - 1]] * month + [str(day.year)] * year
    return " ".join(parts)


def _period(start: dt.date, end: dt.date, lang: str) -> str:
    """The days of ``[start, end)`` for readers: "1–31 October 2024", "1.–31. Oktober 2024"."""
    last = end - dt.timedelta(days=1)
    if last == start:
        return _day(start, lang)
    if (start.year, start.month) == (last.year, last.month):
        return f"{_day(start, lang, year=False, month=False)}–{_day(last, lang)}"
    return f"{_day(start, lang, year=start.year != last.year)} – {_day(last, lang)}"


def _verdict(check: ClaimCheck, lang: str) -> str:
    text, claim = _TEXT[lang], check.claim
    digits = 0 if claim.figure.is_integer() else 1
    fig = f"{_num(claim.figure, lang, digits)} {text['sq'][claim.unit]}"
    if claim.unit != "km2":
        fig += f" ({_num(claim.figure_km2, lang)} km²)"
    everywhere = text["everywhere"]
    which = "region" if check.region_change is not None else "all"
    ratio = check.ratio(which)
    if ratio is None:
        rel = text["none"]
    elif check.matches(which):
        rel = text["match"]
    elif ratio > 1:
        rel = text["times"].format(r=_num(ratio, lang))
    else:
        rel = text["share"].format(p=_num(100 * ratio, lang, 0))
    name = check.region_name.get(lang) or claim.region
    if which == "region":
        area = f"die {name}" if lang == "de" and name.startswith(("Oblast", "Autonome")) else name
    else:
        area = everywhere  # the whole layer: Crimea and the pre-2022 areas included
    comp = f"{_num(check.region_km2 if which == 'region' else check.all_km2, lang)} km²"
    period = _period(claim.period_start, claim.period_end, lang)
    first = text["s1"].format(fig=fig, rel=rel, area=area, comp=comp, period=period)
    if which == "all":
        first += "."
    else:
        kind = "all_closer" if check.closest == "all" else "all_other"
        kind = "all_match" if check.matches("all") else kind
        first += text[kind].format(comp=f"{_num(check.all_km2, lang)} km²", everywhere=everywhere)
    ds = claim.data_source
    if ds and ds.lower() != "deepstate":
        second = text["src"].format(ds=ds)
        if which == "region" and check.closest == "all":
            short = name.removesuffix(" Oblast").removeprefix("Oblast ")
            second += text["front"].format(short=short)
        second += "."
    elif ds:
        second = text["own_same" if check.matches(which) else "own_diff"]
    else:
        second = text["unknown"]
    change = check.all_change
    dates = _day(change.from_snapshot, lang), _day(change.to_snapshot, lang)
    return " ".join([first, second, text["maps"].format(a=dates[0], b=dates[1])])
