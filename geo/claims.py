"""Reported figures ("610 km² in October") checked against the control polygons.

A claim is a figure someone published: how much ground, where, when, on whose map.
:func:`check_claim` puts DeepState's figures for the same days beside it, for the claim's
region and for all of Ukraine (figures for "the Donetsk region" are sometimes for the whole
front), and :meth:`ClaimCheck.verdict` says how far apart they are and the likely reason, as
structured values: the wording, in English and German, is the dashboard's
(``dashboard/claims_text.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from geo.errors import FrontlineError
from geo.regions import Regions
from geo.territory import LAYERS, Change, Territory, as_date

__all__ = [
    "DIRECTIONS",
    "MATCH_TOLERANCE",
    "UNITS",
    "Claim",
    "ClaimCheck",
    "Verdict",
    "check_claim",
    "load_claims",
]

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
    #: ``claimed_by`` in German, when the claim's file gives it (else the English is shown).
    claimed_by_de: str = ""
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
        claimed_by_de=text("claimed_by_de"),
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
class Verdict:
    """How a claim compares with the computed figures, as values (no wording).

    Attributes
    ----------
    compared : ``"region"`` (the claim's region) or ``"all"`` (all of Ukraine: the claim
        names no region).
    relation : ``"match"`` (within :data:`MATCH_TOLERANCE`), ``"more"`` (the claim is
        ``ratio`` times the computed figure), ``"less"`` (it is ``ratio`` of it) or
        ``"none"`` (no positive computed figure to compare with).
    ratio : claimed / computed, or None.
    all_relation : for a regional claim, how it compares with all of Ukraine: ``"match"``,
        ``"closer"`` (nearer the whole-country figure than the region's) or ``"other"``;
        None for a claim about all of Ukraine.
    reason : the likely reason for a difference: ``"source"`` (measured on another map,
        ``data_source``), ``"source_and_region"`` (another map, and a figure for the
        whole front given for one region), ``"same_maps"`` (the data source's own figure on
        the same maps), ``"map_dates"`` (its own figure; the dates of the maps may
        differ) or ``"unknown_source"``.
    """

    compared: str
    relation: str
    ratio: float | None
    all_relation: str | None
    reason: str
    data_source: str


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

    def verdict(self) -> Verdict:
        """How the claim compares with the computed figures, and the likely reason."""
        which = "region" if self.region_change is not None else "all"
        ratio = self.ratio(which)
        if ratio is None:
            relation = "none"
        elif self.matches(which):
            relation = "match"
        else:
            relation = "more" if ratio > 1 else "less"
        all_relation = None
        if which == "region":
            all_relation = "closer" if self.closest == "all" else "other"
            all_relation = "match" if self.matches("all") else all_relation
        ds = self.claim.data_source
        if ds and ds.lower() != "deepstate":
            front = which == "region" and self.closest == "all"
            reason = "source_and_region" if front else "source"
        elif ds:
            reason = "same_maps" if self.matches(which) else "map_dates"
        else:
            reason = "unknown_source"
        return Verdict(which, relation, ratio, all_relation, reason, ds)

    def as_record(self) -> dict:
        """Claim fields, computed figures, snapshot dates, sources and the verdict."""
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
            verdict=asdict(self.verdict()),
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
