"""The measures beyond km²: settlements that changed hands, the front's length, its speed,
the distance from a place, and the figures per oblast, as JSON-ready records.

One place that turns a store's :class:`geo.stores.base.Data` and plain parameters (ISO
dates, region codes, a place name) into the records the CLI, the HTTP API and the pages
show. Every record names its source series (the snapshots' ``source`` values, such as
``"deepstate-layers+deepstate-cyterat"``) and the snapshot dates used. The expensive
look-ups (the precomputed settlement, front-length and period tables, checked against the
snapshots by their fingerprints) are made once per data generation with
:meth:`~geo.stores.base.Data.derived`; a table that does not match the snapshots is not used
and the figures are computed live (see :func:`geo.settlements.table_for`,
:func:`geo.front.front_table_for` and :class:`geo.speed.RegionPeriods`).

Every parameter is checked before any work is done; errors are
:class:`~geo.errors.FrontlineError` naming the parameter (``from``, ``to``, ``regions``,
``lang``, ``by``, ``windows``, ``place``, ``admin1``, ``country``, ``source``).
"""

from __future__ import annotations

import datetime as dt
import logging

from geo.errors import FrontlineError, NoSnapshotError
from geo.measure_params import (
    LANGS,
    MAX_PERIODS,
    MAX_WINDOW_DAYS,
    check_by,
    check_lang,
    check_range,
    check_windows,
    joined_sources,
    plain,
    resolve_place,
)

__all__ = [
    "LANGS",
    "MAX_PERIODS",
    "MAX_PLACE_KM",
    "MAX_WINDOW_DAYS",
    "PER_REGION_FIELDS",
    "PLACE_FIELDS",
    "distance",
    "front_length",
    "per_region",
    "settlement_table",
    "settlements",
    "speed",
    "warm",
]

log = logging.getLogger(__name__)

#: Farthest a place may lie from Russian-held ground for :func:`distance`: far away, every
#: snapshot's whole outline must be measured (~15 ms each, 25 s for the whole record), and
#: the distance is no longer news. All of Ukraine lies within ~750 km.
MAX_PLACE_KM = 1000.0
#: Fields of a :func:`per_region` row, in order.
PER_REGION_FIELDS = (
    "period_start", "period_end", "from_snapshot", "to_snapshot", "layer", "region",
    "region_name", "gained_km2", "lost_km2", "net_km2", "source",
)  # fmt: skip
_LAYER = "russian_held"
_KURSK = "ua_held_in_russia"


def _regions(data, regions) -> tuple[str, ...]:
    return data.regions.check_codes(regions or ())


def _region_name(data, code: str | None, lang: str = "en") -> str | None:
    try:
        return data.regions.name(code, lang) if code else None
    except KeyError:  # "outside": ground outside every admin-1 polygon
        return None


# -- settlements -----------------------------------------------------------------------------


def settlement_table(data, start: dt.date, end: dt.date):
    """The settlement table of this data generation that answers ``start`` to ``end``: the
    bundled one when it matches the snapshots, else one rebuilt once for the generation
    (:meth:`geo.stores.base.Data.derived`: one thread builds it, the others wait)."""
    from geo.settlements import SETTLEMENTS_FILE, SettlementTable, table_for

    def load():
        table = SettlementTable.read(data.data_dir / SETTLEMENTS_FILE)
        if table is not None and table.matches(data.territory, data.files.places):
            return table, True
        # The maps changed since the bundled table was built (frontline update territory):
        # read every place on every snapshot once for this generation (~2.5 s for the whole
        # record) rather than per request, so every period extends with the new maps.
        from geo.settlements import build_settlement_table

        log.info("settlements table does not match these snapshots: rebuilding it")
        return build_settlement_table(data.territory, data.files.places, data.regions), True

    table, ok = data.derived(("measures", "settlement-table"), load)
    if ok:
        return table
    # Live for this period alone (logged; refused beyond geo.settlements.LIVE_MAX_DAYS).
    return table_for(data.territory, data.files.places, data.regions, start, end, table)


#: Fields of a :func:`settlements` place, in order.
PLACE_FIELDS = (
    "geonameid", "name", "name_en", "name_de", "name_uk", "country", "admin1", "region_name",
    "outcome", "contested", "from_side", "to_side", "new_side", "last_before", "first_held",
    "last_change", "changes", "via_grey", "layer", "from_snapshot", "to_snapshot", "source",
    "lon", "lat", "population",
)  # fmt: skip
_PLACE_FIELDS = [k for k in PLACE_FIELDS if k not in ("name", "region_name", "source")]


def settlements(data, start, end, regions=(), lang: str = "en") -> dict:
    """Every gazetteer settlement that changed hands between the snapshots for ``start``
    and ``end`` (:func:`geo.settlements.settlement_changes`).

    Parameters
    ----------
    data : geo.stores.base.Data.
    start, end : ISO dates (``end`` exclusive, after ``start``), inside the record.
    regions : ISO 3166-2 codes (a list or ``"UA-14,UA-23"``); places in any of them.
    lang : ``"en"`` or ``"de"``: the language of ``name`` and ``region_name``.

    Returns
    -------
    dict with ``measure`` (``"settlements"``), ``period_start``, ``period_end``,
    ``regions``, ``lang``, ``summary`` (counts per outcome: ``to_ru``, ``to_ua``,
    ``contested``, ``reverted``, and ``total``), ``snapshots`` (per layer: ``from_snapshot``,
    ``to_snapshot``, ``source``; None where the layer has no snapshot), ``source`` and
    ``places``: one dict per place, ordered by the first snapshot held by the new side,
    with ``geonameid``, ``name`` (in ``lang``), ``name_en``, ``name_de``, ``name_uk``,
    ``country``, ``admin1``, ``region_name``, ``outcome``, ``contested``, ``from_side``,
    ``to_side``, ``new_side``, ``last_before``, ``first_held``, ``last_change``,
    ``changes``, ``via_grey`` (None where unknown), ``layer`` and the ``from_snapshot``,
    ``to_snapshot`` and ``source`` of that layer, ``lon``, ``lat``, ``population``
    (:data:`PLACE_FIELDS`).

    Examples
    --------
    >>> rec = settlements(data, "2024-10-01", "2024-11-01", "UA-14")        # doctest: +SKIP
    >>> rec["summary"]["to_ru"], [p["name"] for p in rec["places"]][:2]      # doctest: +SKIP
    (4, ['Vuhledar', 'Tsukuryne'])
    """
    from geo.settlements import settlement_changes

    lang = check_lang(lang)
    codes = _regions(data, regions)
    start, end = check_range(data.territory, start, end)
    result = settlement_changes(settlement_table(data, start, end), start, end, codes)
    record = result.as_record()
    snaps = record["snapshots"]
    places = []
    for row in result.frame.to_dict("records"):
        rec = {k: plain(row[k]) for k in _PLACE_FIELDS}
        rec["name"] = rec[f"name_{lang}"] or rec["name_en"]
        rec["region_name"] = _region_name(data, rec["admin1"], lang)
        rec["lon"], rec["lat"] = round(rec["lon"], 6), round(rec["lat"], 6)
        rec["source"] = snaps[rec["layer"]]["source"]
        places.append({k: rec[k] for k in PLACE_FIELDS})
    return {
        "measure": "settlements",
        "period_start": record["period_start"],
        "period_end": record["period_end"],
        "regions": list(codes),
        "lang": lang,
        "summary": dict(result.summary),
        "snapshots": snaps,
        "source": joined_sources(s["source"] for s in snaps.values() if s),
        "places": places,
    }


# -- the front's length ----------------------------------------------------------------------

#: Up to this many snapshots a record without a matching table is measured live per request
#: (small test records); beyond, the table is rebuilt once per data generation.
_LIVE_SNAPSHOTS = 200


def warm(data) -> None:
    """Load (or, after an update, rebuild) the settlement and front-length tables of this
    generation, so the first reader does not wait for them (a server runs this in the
    background when it switches to new data)."""
    if "russian_held" not in data.territory.layers:
        return
    first, last = data.territory.coverage(_LAYER)
    settlement_table(data, first, last)
    _front_table(data)


def _front_table(data):
    from geo.front import (
        FRONT_FILE,
        ContactLine,
        FrontTable,
        build_front_table,
        front_table_for,
    )

    def load():
        contact = ContactLine(data.regions)
        bundled = FrontTable.read(data.data_dir / FRONT_FILE)
        if bundled is not None and bundled.matches(data.territory, contact):
            return bundled
        if len(data.territory.dates(_LAYER)) > _LIVE_SNAPSHOTS:
            # New maps (an update): measure every snapshot once for this generation
            # (~11 s for the whole record) instead of live per request, which is limited.
            log.info("front-length table does not match these snapshots: rebuilding it")
            return FrontTable(*build_front_table(data.territory, contact))
        return front_table_for(data.territory, contact, bundled)

    return data.derived(("measures", "front-table"), load)


def front_length(data, start, end, by: str | None = None) -> list[dict]:
    """The length of the line of contact at the start of each day, ISO week or month
    (:func:`geo.front.front_length_series`), in km on the WGS84 ellipsoid.

    Parameters
    ----------
    data : geo.stores.base.Data.
    start, end : ISO dates (``end`` exclusive), inside the record.
    by : ``"day"``, ``"week"`` or ``"month"``; None for days, or weeks when the range is
        longer than :data:`MAX_PERIODS` days.

    Returns
    -------
    list of ``{"period_start", "period_end", "by", "snapshot", "km", "kursk_snapshot",
    "kursk_km", "source"}``: ``km`` is the front in Ukraine, ``kursk_km`` the line of the
    Kursk salient (``ua_held_in_russia``) while it held ground, else None (also where the
    layered series has no snapshot, from 2025-08-12 on); km rounded to 0.1.

    Examples
    --------
    >>> front_length(data, "2024-11-01", "2024-11-02")[0]["km"]            # doctest: +SKIP
    1100.6
    """
    from geo.front import front_length_series

    start, end = check_range(data.territory, start, end)
    by = check_by(start, end, by)
    table = _front_table(data)
    out = []
    for rec in front_length_series(table, start, end, by):
        kursk = _kursk(data, table, dt.date.fromisoformat(rec["period_start"]))
        out.append(
            {
                "period_start": rec["period_start"],
                "period_end": rec["period_end"],
                "by": by,
                "snapshot": rec["snapshot"],
                "km": rec["km"],
                "kursk_snapshot": kursk["snapshot"].isoformat() if kursk else None,
                "kursk_km": round(kursk["km"], 1) if kursk else None,
                "source": joined_sources([rec["source"], kursk["source"] if kursk else None]),
            }
        )
    return out


def _kursk(data, table, day: dt.date):
    if _KURSK not in data.territory.layers:
        return None
    try:
        rec = table.lookup(_KURSK, day, "from")
    except NoSnapshotError:
        return None
    return rec if rec["km"] > 0 else None


# -- speed -----------------------------------------------------------------------------------


def speed(data, start, end, regions=(), windows=(7, 30), *, source=None) -> dict:
    """Net km² a day over rolling windows (:func:`geo.speed.rolling_speed`) for each day
    of ``[start, end)``, and how the last whole month up to ``end`` ranks
    (:func:`geo.speed.largest_since`).

    Parameters
    ----------
    data : geo.stores.base.Data.
    start, end : ISO dates (``end`` exclusive), inside the record; the first window needs
        a snapshot ``max(windows)`` days before ``start``.
    regions : ISO 3166-2 codes whose sum is measured; none for the whole front.
    windows : one to three window lengths in days (1 to :data:`MAX_WINDOW_DAYS`).
    source : territory source (None for DeepState's).

    Returns
    -------
    dict with ``measure`` (``"speed"``), ``period_start``, ``period_end``, ``regions``,
    ``windows``, ``series`` (records of :func:`~geo.speed.rolling_speed`, window by window,
    each with ``date``, ``window_days``, ``from_snapshot``, ``to_snapshot``, ``net_km2``,
    ``km2_per_day``, ``source``), ``largest_monthly_gain`` (:func:`~geo.speed.largest_since`
    of the month, with ``from_snapshot``/``to_snapshot``; None when the record has no whole
    month before ``end``), ``first_snapshot``, ``last_snapshot`` and ``source``.
    """
    from geo.speed import largest_since, rolling_speed

    windows = check_windows(windows)
    codes = _regions(data, regions)
    territory = data.territory_of(source)
    start, end = check_range(territory, start, end)
    first = territory.coverage(_LAYER)[0]
    if start < first + dt.timedelta(days=max(windows)):
        raise NoSnapshotError(
            f"from: the {max(windows)}-day window before {start} begins before the record "
            f"starts ({first}); choose from on or after "
            f"{first + dt.timedelta(days=max(windows))}",
            param="from",
        )
    series = []
    for window in windows:
        series += rolling_speed(territory, start, end, window, regions=codes or None)
    return {
        "measure": "speed",
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "regions": list(codes),
        "windows": list(windows),
        "series": series,
        "largest_monthly_gain": _largest(territory, end, codes, largest_since),
        "first_snapshot": min(r["from_snapshot"] for r in series),
        "last_snapshot": max(r["to_snapshot"] for r in series),
        "source": joined_sources(r["source"] for r in series),
    }


def _largest(territory, end: dt.date, codes, largest_since) -> dict | None:
    month_end = end.replace(day=1)
    first = territory.coverage(_LAYER)[0]
    if month_end <= first:
        return None
    months = territory.series_records(first, month_end, "month", codes or None)
    whole = [r for r in months if r["period_start"][8:] == "01"]
    if not whole:
        return None
    last = whole[-1]
    out = largest_since(months, last["period_start"][:7])
    out.update(
        region=last["region"],
        from_snapshot=last["from_snapshot"],
        to_snapshot=last["to_snapshot"],
        source=joined_sources(r["source"] for r in months),
    )
    return out


# -- distance --------------------------------------------------------------------------------


def distance(data, place, start, end, by=None, admin1=None, *, country=None) -> dict:
    """The distance from a gazetteer place to Russian-held ground: a series
    (:func:`geo.distance.distance_series`) and the one-line figure
    (:func:`geo.distance.distance_figure`), in km on the WGS84 ellipsoid.

    Parameters
    ----------
    data : geo.stores.base.Data.
    place : a place name in English, German, Ukrainian or Russian; a name found in two
        countries is an error listing the candidates (choose with ``admin1`` or
        ``country``); within one country the most populous place of that name.
    start, end : ISO dates (``end`` exclusive), inside the record.
    by : ``"day"``, ``"week"`` or ``"month"``; None as in :func:`front_length`.
    admin1 : one ISO 3166-2 code that the place must lie in.
    country : ISO 3166-1 alpha-2 code that the place must lie in.

    Returns
    -------
    dict with ``measure`` (``"distance"``), ``place`` (``geonameid``, ``name``, ``name_en``,
    ``name_de``, ``name_uk``, ``country``, ``admin1``, ``lon``, ``lat``, ``matched``: the
    spelling that matched), ``period_start``, ``period_end``, ``by``, ``figure`` (``km_now``
    and ``now_snapshot``: the snapshot for ``end``; ``km_start`` and ``start_snapshot``;
    ``nearest_km`` and ``nearest_snapshot``: the nearest approach on any snapshot between;
    ``snapshots`` measured), ``series`` (one record per period: ``snapshot``, ``km``,
    ``nearest_lon``, ``nearest_lat``, ``source``) and ``source``.

    Examples
    --------
    >>> d = distance(data, "Kramatorsk", "2025-01-01", "2025-10-01", by="month")  # doctest: +SKIP
    >>> d["figure"]["km_start"], d["figure"]["km_now"]                     # doctest: +SKIP
    (22.4, 19.8)
    """
    from geo.distance import distance_figure, distance_km, distance_series

    found, names = resolve_place(data, place, admin1, country)
    start, end = check_range(data.territory, start, end)
    by = check_by(start, end, by)
    first = data.territory.snapshot(start, _LAYER, "from")
    km = distance_km(first.geometry, found.lon, found.lat)[0]
    if km > MAX_PLACE_KM:
        raise FrontlineError(
            f"place: {found.name} ({found.country_code}) is {km:,.0f} km from Russian-held "
            f"ground on {first.date}; distances are given for places within "
            f"{MAX_PLACE_KM:,.0f} km",
            param="place",
        )
    point = (found.lon, found.lat)
    series = distance_series(data.territory, point, start, end, by)
    figure = distance_figure(data.territory, point, start, end)
    for key in ("place", "lon", "lat"):
        figure.pop(key)
    return {
        "measure": "distance",
        "place": {
            "geonameid": found.geonameid,
            "name": found.name,
            **names,
            "country": found.country_code,
            "admin1": found.admin1,
            "lon": found.lon,
            "lat": found.lat,
            "matched": found.matched,
        },
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "by": by,
        "figure": figure,
        "series": [{k: v for k, v in r.items() if k != "layer"} for r in series],
        "source": joined_sources([figure["source"], *(r["source"] for r in series)]),
    }


# -- per oblast ------------------------------------------------------------------------------


def per_region(
    data, start, end, by: str = "month", *, regions=(), layer=_LAYER, source=None, lang="en"
) -> list[dict]:
    """Km² gained, lost and net per oblast and period
    (:func:`geo.speed.per_region_series`); within a period the rows add up to the total of
    the whole layer (``region == "outside"`` is ground outside every admin-1 polygon).

    Parameters
    ----------
    data : geo.stores.base.Data.
    start, end : ISO dates (``end`` exclusive), inside the record.
    by : ``"week"`` or ``"month"``.
    regions : ISO 3166-2 codes: only their rows (which then do not add up to the total).
    layer : ``"russian_held"`` or ``"ua_held_in_russia"``.
    source : territory source (None for DeepState's).
    lang : ``"en"`` or ``"de"``: the language of ``region_name``.

    Returns
    -------
    list of ``{"period_start", "period_end", "from_snapshot", "to_snapshot", "layer",
    "region", "region_name", "gained_km2", "lost_km2", "net_km2", "source"}``, by period
    then region; regions with nothing gained or lost are left out.
    """
    from geo.speed import RegionPeriods, per_region_series
    from geo.territory import FIGURE_LAYERS

    if layer not in FIGURE_LAYERS:
        raise FrontlineError(
            f"layer: expected one of {', '.join(FIGURE_LAYERS)}, got {layer!r}", param="layer"
        )
    if by not in ("week", "month"):
        raise FrontlineError(f"by: figures by oblast are by week or month, got {by!r}",
                             param="by")  # fmt: skip
    lang = check_lang(lang)
    codes = _regions(data, regions)
    territory = data.territory_of(source)
    start, end = check_range(territory, start, end)
    check_by(start, end, by)
    if territory is data.territory:
        periods = data.derived(
            ("measures", "region-periods"),
            lambda: RegionPeriods.from_data_dir(territory, data.data_dir),
        )
    else:  # another source: its periods are computed live (the table is DeepState's)
        periods = data.derived(("measures", "region-periods", source),
                               lambda: RegionPeriods(territory))  # fmt: skip
    rows = per_region_series(
        territory, start, end, by, periods=periods, layer=layer, regions=codes or None
    )
    for row in rows:
        row["region_name"] = _region_name(data, row["region"], lang)
    return [{k: row[k] for k in PER_REGION_FIELDS} for row in rows]
