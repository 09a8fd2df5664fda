"""Settlements and distances for :func:`geo.claimcheck.check_sentence`: the claims about
places rather than ground ("took 12 villages", "8 km from Pokrovsk").

Both are DeepState's figures only: settlements from the precomputed status table
(:mod:`geo.settlements`), the distance from each loaded series of polygons
(:mod:`geo.distance`).
"""

from __future__ import annotations

from dataclasses import replace

from geo.claimcheck import (
    DISTANCE_FLOOR_KM,
    MAX_PLACES,
    SentenceCheck,
    _no_data,
    _relation,
    _rounded,
    _series,
    _verdict,
)
from geo.claimtext import ParsedClaim
from geo.errors import FrontlineError, NoSnapshotError

__all__ = ["check_distance", "check_settlements"]


# --- settlements ----------------------------------------------------------------------------
def check_settlements(p: ParsedClaim, data, version: str) -> SentenceCheck:
    """Count the places that changed hands to the claimed side in the claim's period.

    Parameters
    ----------
    p : a readable claim of ``measure == "settlements"``.
    data : :class:`geo.stores.base.Data`.
    version : the data version to record.

    Returns
    -------
    SentenceCheck whose ``settlements`` has the count (``to_ru`` / ``to_ua`` outcomes;
    contested places apart) for the claim's region and for its country, the places, and
    the snapshots used; its verdict compares the claim with the count.
    """
    from geo.measures import settlement_table
    from geo.settlements import settlement_changes

    side = "ru" if p.side == "russia" else "ua"
    country = p.region[:2] if p.region else "UA"
    layer = "russian_held" if country == "UA" else "ua_held_in_russia"
    which = "region" if p.region else "all"
    base = SentenceCheck(p, "checked", claimed=p.value, unit="settlements", version=version)
    try:
        table = settlement_table(data, p.period_start, p.period_end)
        changes = settlement_changes(table, p.period_start, p.period_end, None, side=side)
    except FrontlineError as exc:
        return replace(base, verdict=_no_data(p, which, "count"), errors=(str(exc),))
    frame = changes.frame
    scopes = {"all": frame[frame["country"] == country]}
    if p.region:
        scopes["region"] = frame[frame["admin1"] == p.region]
    first, last, series = changes.snapshots.get(layer) or (None, None, None)
    out = {"side": side, "layer": layer, "series": series, "region": None,
           "from_snapshot": first and str(first), "to_snapshot": last and str(last)}  # fmt: skip
    columns = ["name_en", "name_de", "admin1", "outcome", "first_held"]
    for key, part in scopes.items():
        count = int((part["outcome"] == f"to_{side}").sum())
        relation, ratio = _relation(p.value, count, positive=False)
        shown = part[part["outcome"].isin([f"to_{side}", "contested"])].head(MAX_PLACES)
        shown = shown[columns].assign(first_held=shown["first_held"].map(str))
        out[key] = {"region": p.region if key == "region" else None, "count": count,
                    "contested": int((part["outcome"] == "contested").sum()),
                    "relation": relation, "ratio": _rounded(ratio),
                    "places": shown.to_dict("records")}  # fmt: skip
    fig = out[which]
    extra = ["place_coverage"] if fig["relation"] == "more" else []
    own = (out["from_snapshot"], out["to_snapshot"])
    if fig["relation"] != "match" and own != (str(p.period_start), str(p.period_end)):
        extra.append("period_edges")
    verdict = _verdict(p, which, "count", fig, out["all"], "count", extra)
    return replace(base, settlements=out, verdict=verdict)


# --- distance -------------------------------------------------------------------------------
def check_distance(p: ParsedClaim, data, version: str) -> SentenceCheck:
    """Measure how far the named place is from the side's ground.

    Parameters
    ----------
    p : a readable claim of ``measure == "distance"``.
    data : :class:`geo.stores.base.Data`.
    version : the data version to record.

    Returns
    -------
    SentenceCheck whose ``distance`` has one figure per loaded series: km on the map of the
    period's end or of the publication date, whichever is earlier, with the snapshot used.
    """
    from geo.distance import distance_figure

    # Russian forces approach places in Ukraine, Ukrainian forces places in Russia; the
    # other way round the distance would be to the edge of one's own ground, not measured here.
    layer, country = ("russian_held", "UA") if p.side == "russia" else ("ua_held_in_russia", "RU")
    # As it stood at the end of the period, or on the publication day if that is earlier.
    on = min(p.period_end, p.anchor_date) if p.anchor_date else p.period_end
    if p.period_start and (p.period_end - p.period_start).days == 1:
        on = p.period_start  # "on 1 November": that day's map
    base = SentenceCheck(p, "checked", claimed=p.value, unit="km", version=version)
    try:
        place = data.gazetteer.resolve(p.place, country=country)
    except FrontlineError as exc:
        return replace(base, verdict=_no_data(p, "place", "km"), errors=(str(exc),))
    figures = []
    for name, terr in _series(data):
        fig = {"source": name, "error": None, "place_en": place.name, "place_de": place.name_de,
               "admin1": place.admin1, "layer": layer, "date": str(on), "km": None}  # fmt: skip
        try:
            found = distance_figure(terr, place, on, on, layer=layer)
        except NoSnapshotError as exc:
            # "Now" in a sentence read today may lie after the newest map: measure on that
            # map and say how much older it is, rather than measure nothing.
            newest = terr.newest(layer)
            if newest is None or newest >= on:
                figures.append({**fig, "error": str(exc)})
                continue
            found = distance_figure(terr, place, newest, newest, layer=layer)
            fig["newest_map_days"] = (on - newest).days
        except FrontlineError as exc:
            figures.append({**fig, "error": str(exc)})
            continue
        relation, ratio = _relation(p.value, found["km_now"], DISTANCE_FLOOR_KM, positive=False)
        fig.update(snapshot=found["now_snapshot"], series=found["source"], km=found["km_now"],
                   relation=relation, ratio=_rounded(ratio))  # fmt: skip
        figures.append(fig)
    base = replace(base, distance=tuple(figures))
    if figures[0]["km"] is None:
        return replace(base, verdict=_no_data(p, "place", "km"), errors=(figures[0]["error"],))
    extra = []
    if figures[0].get("newest_map_days"):
        extra.append("newest_map")
    elif figures[0]["relation"] != "match" and figures[0]["snapshot"] != str(on):
        extra.append("period_edges")
    matching = tuple(f["source"] for f in figures[1:] if f.get("relation") == "match")
    verdict = _verdict(p, "place", "km", figures[0], None, "km", extra)
    return replace(base, verdict=replace(verdict, matching_sources=matching))
