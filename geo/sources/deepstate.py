"""DeepStateMap's history API: the list of map versions, one version, and the day rule.

``GET {base}/public`` lists every published version (oldest first), ``GET {base}/{id}/geojson``
returns one as a FeatureCollection, ``GET {base}/last`` the newest as ``{id, datetime, map}``.
The polygons are turned into Frontline's layers by :mod:`geo.sources.deepstate_layers`.

Terms: DeepState's licence (https://deepstatemap.live/license-en.html) forbids passing its
API output on to third parties and asks commercial users for prior approval;
:data:`TERMS_NOTICE` says so on first use, and :data:`ATTRIBUTION` travels with every figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from geo.sources.deepstate_layers import ClassifiedVersion, classify
from geo.sources.http import Fetched, HttpClient, resolve_base_url

__all__ = [
    "ATTRIBUTION",
    "TERMS_NOTICE",
    "DailyVersion",
    "Version",
    "base_url",
    "fetch_last",
    "fetch_version",
    "list_versions",
    "morning_versions",
    "parse_versions",
    "plan_days",
]

SOURCE = "deepstate"
ATTRIBUTION = "Front-line data: DeepStateMap (deepstatemap.live)"
TERMS_NOTICE = (
    "Front-line data comes from DeepStateMap (deepstatemap.live). Its licence "
    "(https://deepstatemap.live/license-en.html) forbids distributing, publishing or proxying "
    "its API output to third parties, and entities operating on a commercial basis need the "
    "rights holder's prior approval (https://api.deepstatemap.live/request). Frontline keeps "
    "the data on this machine and names DeepStateMap on every figure."
)


def base_url(base: str | None = None, environ=None) -> str:
    """``base``, else ``$FRONTLINE_DEEPSTATE_URL``, else https://deepstatemap.live/api/history."""
    return resolve_base_url(SOURCE, base, environ)


@dataclass(frozen=True)
class Version:
    """One published map version: ``id`` (Unix seconds) and its UTC publication time."""

    id: int
    published: dt.datetime
    description: str = ""


@dataclass(frozen=True)
class DailyVersion:
    """The version that stands for ``date`` ("the map as it stood early that day")."""

    date: dt.date
    version: Version


def _client(client: HttpClient | None) -> HttpClient:
    return client if client is not None else HttpClient(SOURCE)


def list_versions(
    base: str | None = None,
    *,
    client: HttpClient | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """Every published version, oldest first (``GET {base}/public``).

    Parameters
    ----------
    base : base URL (default :func:`base_url`)
    client : the HTTP client to use (default a new polite one)
    etag, last_modified : from the previous call's :class:`Fetched`; an unchanged list then
        comes back as ``not_modified`` with ``value`` None

    Returns
    -------
    Fetched whose ``value`` is a list of :class:`Version` (see :func:`parse_versions`).

    Examples
    --------
    >>> listed = list_versions()  # doctest: +SKIP
    >>> newer = [v for v in listed.value if v.id > 1754251105]  # doctest: +SKIP
    """
    client = _client(client)
    response = client.get(
        f"{base_url(base)}/public", etag=etag, last_modified=last_modified, what="version list"
    )
    if response.not_modified:
        return Fetched.of(response, None)
    payload = client.json(response, "version list")
    return Fetched.of(response, parse_versions(payload, client=client))


def parse_versions(payload: Any, *, client: HttpClient | None = None) -> list[Version]:
    """The versions of a ``/public`` payload: a JSON array or ``{"result": [...]}``.

    Each entry needs an integer ``id``; the publication time is ``createdAt`` (ISO 8601)
    or, without it, ``id`` read as Unix seconds (the two are equal in every recorded entry).
    The result is sorted by publication time, then id, with duplicate ids removed.

    Raises
    ------
    SourceError
        When the payload is not such a list, or an entry lacks a usable id or time (the
        message names the entry's index).
    """
    client = _client(client)
    entries = payload.get("result") if isinstance(payload, dict) else payload
    if not isinstance(entries, list):
        raise client.error(
            f"expected a JSON array of versions (or {{'result': [...]}}), got "
            f"{type(payload).__name__}",
            where="version list",
            reason="wrong_content",
        )
    versions: dict[int, Version] = {}
    for i, entry in enumerate(entries):
        vid = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(vid, str) and vid.isdigit():
            vid = int(vid)
        if not isinstance(vid, int) or isinstance(vid, bool) or vid <= 0:
            raise client.error(
                f"entry {i} has no positive integer 'id' (got {vid!r})",
                where="version list",
                reason="malformed",
            )
        published = _published(entry.get("createdAt"), vid)
        if published is None:
            raise client.error(
                f"entry {i} (id {vid}) has an unreadable createdAt {entry.get('createdAt')!r}; "
                "expected ISO 8601 such as 2025-08-01T19:52:40.000Z",
                where="version list",
                reason="malformed",
            )
        text = entry.get("descriptionEn") or entry.get("description") or ""
        versions[vid] = Version(vid, published, str(text))
    return sorted(versions.values(), key=lambda v: (v.published, v.id))


def _published(created: Any, vid: int) -> dt.datetime | None:
    if created in (None, ""):
        return dt.datetime.fromtimestamp(vid, dt.UTC)
    try:
        when = dt.datetime.fromisoformat(str(created).replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return when.astimezone(dt.UTC)


def fetch_version(
    version_id: int | Version,
    base: str | None = None,
    *,
    client: HttpClient | None = None,
    classify_it: bool = True,
    published: dt.datetime | None = None,
    colours: Mapping[str, str | None] | None = None,
    regions=None,
) -> ClassifiedVersion | dict:
    """One version (``GET {base}/{id}/geojson``), classified into Frontline's layers.

    Versions never change once published, so no conditional request is made.

    Parameters
    ----------
    version_id : the version's id, or a :class:`Version` (whose ``published`` is then used)
    classify_it : False returns the FeatureCollection as received (a dict)
    published : the version's publication time (default: ``version_id`` as Unix seconds)
    colours, regions : passed to :func:`geo.sources.deepstate_layers.classify`

    Raises
    ------
    SourceError
        On any HTTP or payload problem (naming the version), and
        :class:`~geo.sources.errors.ClassificationError` for a polygon of unknown colour.
    """
    if isinstance(version_id, Version):
        published = published or version_id.published
        version_id = version_id.id
    client = _client(client)
    what = f"version {version_id}"
    response = client.get(f"{base_url(base)}/{int(version_id)}/geojson", what=what)
    collection = client.json(response, what)
    _check_collection(collection, what, client, response)
    if not classify_it:
        return collection
    return classify(collection, version_id, published=published, colours=colours, regions=regions)


def fetch_last(
    base: str | None = None,
    *,
    client: HttpClient | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """The newest version (``GET {base}/last``): ``value`` is ``(Version, FeatureCollection)``.

    Cheap to poll with ``etag``: an unchanged map answers 304 (``not_modified``).
    """
    client = _client(client)
    response = client.get(
        f"{base_url(base)}/last", etag=etag, last_modified=last_modified, what="last version"
    )
    if response.not_modified:
        return Fetched.of(response, None)
    payload = client.json(response, "last version")
    vid = payload.get("id") if isinstance(payload, dict) else None
    if not isinstance(vid, int) or not isinstance(payload.get("map"), dict):
        raise client.payload_error(
            response,
            "last version",
            "expected {'id': <int>, 'datetime': ..., 'map': <FeatureCollection>}",
            "wrong_content",
        )
    _check_collection(payload["map"], f"version {vid}", client, response)
    version = Version(vid, dt.datetime.fromtimestamp(vid, dt.UTC))
    return Fetched.of(response, (version, payload["map"]))


def _check_collection(collection: Any, what: str, client: HttpClient, response) -> None:
    if (
        not isinstance(collection, dict)
        or collection.get("type") != "FeatureCollection"
        or not isinstance(collection.get("features"), list)
    ):
        got = collection.get("type") if isinstance(collection, dict) else type(collection).__name__
        raise client.payload_error(
            response,
            what,
            f"expected a GeoJSON FeatureCollection with a 'features' list, got {got!r}",
            "wrong_content",
        )


def morning_versions(versions: Iterable[Version | tuple[int, dt.datetime]]) -> list[DailyVersion]:
    """The day rule: the LAST version of each UTC day stands for the NEXT day.

    A snapshot of a date is "the map as it stood early that day"; the last map published
    on UTC day D is what stood early on D+1. This is the rule of the bundled layered series
    (``data/SOURCES.md``, ``scripts/build_data.py`` ``build_territory``).

    Parameters
    ----------
    versions : :class:`Version` objects or ``(id, published UTC datetime)`` pairs, any order;
        naive datetimes are taken as UTC

    Returns
    -------
    One :class:`DailyVersion` per date, ascending.

    Examples
    --------
    >>> utc = dt.timezone.utc
    >>> days = morning_versions([
    ...     (1, dt.datetime(2025, 8, 1, 8, 0, tzinfo=utc)),
    ...     (2, dt.datetime(2025, 8, 1, 19, 52, tzinfo=utc)),
    ...     (3, dt.datetime(2025, 8, 2, 23, 59, tzinfo=utc)),
    ... ])
    >>> [(d.date.isoformat(), d.version.id) for d in days]
    [('2025-08-02', 2), ('2025-08-03', 3)]
    """
    last: dict[dt.date, Version] = {}
    for item in versions:
        version = item if isinstance(item, Version) else Version(int(item[0]), item[1])
        when = version.published
        when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
        version = Version(version.id, when, version.description)
        day = when.date()
        kept = last.get(day)
        if kept is None or (when, version.id) > (kept.published, kept.id):
            last[day] = version
    return [DailyVersion(day + dt.timedelta(days=1), last[day]) for day in sorted(last)]


def plan_days(
    versions: Iterable[Version | tuple[int, dt.datetime]],
    have: Mapping[dt.date, int] | None = None,
    *,
    since: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[DailyVersion]:
    """Which dates need a (new) version: the day rule, minus what is already stored.

    Parameters
    ----------
    versions : the version list (:func:`list_versions`)
    have : date -> version id already stored for that date
    since : only dates on or after this one
    now : the current time (UTC); dates after ``now``'s UTC date are left out, because
        the last version of today is not known until the day is over

    Returns
    -------
    The :class:`DailyVersion` entries whose date has no stored version or a different one
    (a version published later the same UTC day replaces the earlier one), ascending.
    """
    have = have or {}
    today = None if now is None else now.astimezone(dt.UTC).date()
    out = []
    for day in morning_versions(versions):
        if since is not None and day.date < since:
            continue
        if today is not None and day.date > today:
            continue
        if have.get(day.date) != day.version.id:
            out.append(day)
    return out
