"""The parameters of :mod:`geo.measures`, checked before any work is done.

Each check returns the normalised value or raises :class:`~geo.errors.FrontlineError`
naming the parameter (``from``, ``to``, ``by``, ``lang``, ``windows``, ``place``,
``admin1``, ``country``) with what was expected and what was received.
"""

from __future__ import annotations

import datetime as dt
import math

from geo.calendar import check_period, period_bounds
from geo.errors import FrontlineError, NoSnapshotError, UnknownRegionError
from geo.territory import MAX_GAP_DAYS, as_date

__all__ = [
    "LANGS",
    "MAX_PERIODS",
    "MAX_WINDOW_DAYS",
    "check_by",
    "check_lang",
    "check_range",
    "check_windows",
    "joined_sources",
    "plain",
    "resolve_place",
]

#: Languages of place and region names.
LANGS = ("en", "de")
#: Most periods one series may have (a year of days, the whole record in weeks).
MAX_PERIODS = 400
#: Longest rolling window, in days (a window is looked up in weekly pieces for every day).
MAX_WINDOW_DAYS = 92


def check_range(territory, start, end, layer: str = "russian_held") -> tuple[dt.date, dt.date]:
    """``(start, end)`` as dates: ISO dates, ``end`` after ``start``, both inside the
    record of ``layer`` (``end`` at most :data:`~geo.territory.MAX_GAP_DAYS` after its last
    snapshot, as :meth:`geo.territory.Territory.snapshot` allows).

    Examples
    --------
    >>> check_range(terr, "2024-10-01", "2024-11-01")                     # doctest: +SKIP
    (datetime.date(2024, 10, 1), datetime.date(2024, 11, 1))
    """
    start, end = as_date(start, "from"), as_date(end, "to")
    if end <= start:
        raise FrontlineError(f"to ({end}) must be after from ({start})", param="to")
    first, last = territory.coverage(layer)
    if start < first:
        raise NoSnapshotError(
            f"from: {start} is before the record, which runs from {first} to {last}",
            param="from",
        )
    if end > last + dt.timedelta(days=MAX_GAP_DAYS):
        raise NoSnapshotError(
            f"to: {end} is after the record, which runs from {first} to {last} "
            f"(a date up to {MAX_GAP_DAYS} days after the last snapshot uses it)",
            param="to",
        )
    return start, end


def check_by(start: dt.date, end: dt.date, by: str | None) -> str:
    """The period length of a series over ``[start, end)``.

    Parameters
    ----------
    start, end : the checked range (:func:`check_range`).
    by : ``"day"``, ``"week"``, ``"month"``, or None (or "") for days, or weeks when the
        range is longer than :data:`MAX_PERIODS` days.

    Returns
    -------
    str: ``by``. A series of more than :data:`MAX_PERIODS` periods is refused (``by``).
    """
    if by in (None, ""):
        by = "day" if (end - start).days <= MAX_PERIODS else "week"
    check_period(by)
    # Cheap: the range lies inside the record (a few thousand days at most).
    n = len(period_bounds(start, end, by))
    if n > MAX_PERIODS:
        raise FrontlineError(
            f"by: {n} {by} periods from {start} to {end} are more than {MAX_PERIODS}; "
            "ask for a shorter range or a longer period",
            param="by",
        )
    return by


def check_lang(lang) -> str:
    """``lang`` when it is one of :data:`LANGS` (else an error naming ``lang``).

    Examples
    --------
    >>> check_lang("de")
    'de'
    """
    if lang not in LANGS:
        raise FrontlineError(f"lang: expected one of {', '.join(LANGS)}, got {lang!r}",
                             param="lang")  # fmt: skip
    return lang


def check_windows(windows) -> tuple[int, ...]:
    """Rolling window lengths in whole days.

    Parameters
    ----------
    windows : a number, text such as ``"7,30"``, or a sequence of either.

    Returns
    -------
    tuple of one to three ints from 1 to :data:`MAX_WINDOW_DAYS`, repeats dropped.

    Examples
    --------
    >>> check_windows("30, 7,30")
    (30, 7)
    """
    if isinstance(windows, str):
        windows = windows.split(",")
    elif isinstance(windows, int):
        windows = [windows]
    out = []
    for w in windows or ():
        text = str(w).strip()
        days = int(text) if text.isascii() and text.isdigit() and len(text) < 4 else 0
        if not 1 <= days <= MAX_WINDOW_DAYS:
            raise FrontlineError(
                f"windows: expected whole numbers of days from 1 to {MAX_WINDOW_DAYS}, got {w!r}",
                param="windows",
            )
        out.append(days)
    out = tuple(dict.fromkeys(out))
    if not 1 <= len(out) <= 3:
        raise FrontlineError(f"windows: expected one to three windows, got {len(out)}",
                             param="windows")  # fmt: skip
    return out


def resolve_place(data, place, admin1=None, country=None):
    """The gazetteer place meant by ``place`` (:meth:`geo.gazetteer.Gazetteer.resolve`:
    unknown and ambiguous names are errors listing the candidates), and its display names.

    Parameters
    ----------
    data : geo.stores.base.Data.
    place : a name in English, German, Ukrainian or Russian.
    admin1 : one ISO 3166-2 code the place must lie in, or None.
    country : an ISO 3166-1 alpha-2 code the place must lie in, or None.

    Returns
    -------
    ``(place, names)``: the :class:`geo.gazetteer.Place` and ``{"name_en", "name_de",
    "name_uk"}`` (:func:`geo.settlement_table.display_names`).
    """
    from geo.settlement_table import display_names

    if not isinstance(place, str) or not place.strip():
        raise FrontlineError(f"place: expected a place name, got {place!r}", param="place")
    if admin1 not in (None, ""):
        try:
            codes = data.regions.check_codes(admin1)
        except UnknownRegionError as exc:
            raise FrontlineError(f"admin1: {str(exc).removeprefix('regions: ')}",
                                 param="admin1") from None  # fmt: skip
        if len(codes) != 1:
            raise FrontlineError(f"admin1: expected one ISO 3166-2 code, got {admin1!r}",
                                 param="admin1")  # fmt: skip
        admin1 = codes[0]
    if country not in (None, ""):
        country = str(country).strip().upper()
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise FrontlineError(
                f"country: expected an ISO 3166-1 alpha-2 code such as UA, got {country!r}",
                param="country",
            )
    found = data.files.gazetteer.resolve(place, country=country or None, admin1=admin1 or None)
    places = data.files.places
    row = next(places[places["geonameid"] == found.geonameid].itertuples(index=False))
    en, de, uk = display_names(row)
    return found, {"name_en": en, "name_de": de or en, "name_uk": uk}


def joined_sources(sources) -> str:
    """Source series joined with ``+``, each once, in the order first seen.

    Examples
    --------
    >>> joined_sources(["deepstate-layers", "deepstate-layers+deepstate-cyterat", None])
    'deepstate-layers+deepstate-cyterat'
    """
    return "+".join(dict.fromkeys(s for text in sources if text for s in str(text).split("+")))


def plain(value):
    """A JSON value: dates as ISO text, numpy scalars as Python ones, NaN as None.

    Examples
    --------
    >>> plain(dt.date(2024, 10, 1)), plain(float("nan"))
    ('2024-10-01', None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value
