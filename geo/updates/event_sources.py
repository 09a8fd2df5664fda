"""What ``frontline update events`` reads from each source, and in which order.

Each source gives native rows (text, in the source's own columns) for
:func:`geo.updates.events.update_events`, which validates them as ``frontline ingest`` does
and applies them to the store:

- ``ucdp-ged``: the newest yearly GED file on UCDP's downloads page (it holds every year
  up to the year before its release, revised);
- ``ucdp-candidate``: the monthly and cumulative Candidate files on the downloads page;
- ``ucdp-api``: the same releases through the token-protected API (``gedevents/{version}``):
  the newest GED version, then each monthly Candidate version for the months after it;
- ``acled``: ACLED's API, every event of the country from ``since`` (or ACLED's first
  year) to today.

UCDP releases are read oldest first and a later one revises an earlier one's events under
the same id. Which releases were read is kept in the updater's record, so a run reads only
from the first release it has not read yet (with a ``since`` at least as early); the
releases before that one are older than everything it reads, so nothing they hold can
overwrite a newer revision.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from geo.errors import FrontlineError
from geo.sources import acled, ucdp
from geo.sources.http import HttpClient, resolve_base_url
from geo.sources.ucdp import Download
from geo.sources.ucdp_release import merge_releases, read_release

__all__ = [
    "ACLED_FIRST_DATE",
    "ACLED_LIMIT",
    "HTTP_OPTIONS",
    "SOURCES",
    "UCDP_COUNTRIES",
    "UCDP_PAGESIZE",
    "SourceRows",
    "credentials",
    "fetch_rows",
    "plan_releases",
    "ucdp_country_ids",
]

#: The sources ``frontline update events`` reads, as ``--source`` names them.
SOURCES = ("ucdp-ged", "ucdp-candidate", "ucdp-api", "acled")
#: How the updater's HTTP clients behave (:class:`geo.sources.http.HttpClient` options).
#: Release files are tens of MB, hence the long timeout.
HTTP_OPTIONS: dict = {"timeout": 120.0, "min_interval": 1.0, "retries": 2, "backoff": 2.0}
#: Rows per page asked of ACLED (its maximum) and of the UCDP API.
ACLED_LIMIT = 5000
UCDP_PAGESIZE = 1000
#: ACLED's earliest events (Africa, 1997): without ``since`` the whole history is asked for.
ACLED_FIRST_DATE = dt.date(1997, 1, 1)
#: Gleditsch-Ward codes, as UCDP numbers countries (``country_id``), for the countries of
#: Frontline's coverage area (Ukraine, Russia and their neighbours).
UCDP_COUNTRIES = {
    "ukraine": 369, "russia": 365, "belarus": 370, "moldova": 359, "romania": 360,
    "poland": 290, "slovakia": 317, "hungary": 310, "bulgaria": 355, "turkey": 640,
    "georgia": 372, "armenia": 371, "azerbaijan": 373, "lithuania": 368, "latvia": 367,
    "estonia": 366, "finland": 375, "kazakhstan": 705,
}  # fmt: skip
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class SourceRows:
    """Native rows from one source, and what was read to get them.

    Attributes
    ----------
    format : ``"ucdp"`` or ``"acled"``: how :func:`geo.ingest.read_events` maps the rows
    frame : the rows as text, in the source's columns; None when there was nothing new
    read : what was read, for a person ("GEDEvent_v26_0_8.csv: 1,806 rows", "page 1-3")
    applied : release -> the ``since`` it was read with ("" for all dates), to keep in the
        updater's record
    """

    format: str
    frame: pd.DataFrame | None
    read: tuple[str, ...] = ()
    applied: dict[str, str] = field(default_factory=dict)

    @property
    def up_to_date(self) -> bool:
        """True when every release was read before: nothing was fetched."""
        return self.frame is None


def credentials(source: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The credentials ``source`` needs, from ``environ`` (empty values when unset)."""
    if source == "ucdp-api":
        return {"token": environ.get("FRONTLINE_UCDP_TOKEN", "")}
    if source == "acled":
        return {
            "username": environ.get("FRONTLINE_ACLED_USERNAME", ""),
            "password": environ.get("FRONTLINE_ACLED_PASSWORD", ""),
        }
    return {}


def ucdp_country_ids(country: str) -> tuple[int, ...]:
    """UCDP's Gleditsch-Ward codes of ``country`` (names separated by ``|`` or ``,``).

    Examples
    --------
    >>> ucdp_country_ids("Ukraine|Russia")
    (369, 365)
    """
    names = [n.strip() for n in re.split(r"[|,]", country or "") if n.strip()]
    unknown = [n for n in names if n.lower() not in UCDP_COUNTRIES]
    if not names or unknown:
        known = ", ".join(n.title() for n in UCDP_COUNTRIES)
        raise FrontlineError(
            f"country: UCDP has no country {(unknown or [country])[0]!r} in Frontline's "
            f"coverage area; expected one of {known}",
            param="country",
        )
    return tuple(dict.fromkeys(UCDP_COUNTRIES[n.lower()] for n in names))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _covers(download: Download) -> tuple[dt.date, dt.date]:
    """The event dates a release holds, as far as its name tells."""
    if download.kind == "ged":
        yy = int(download.version.split(".")[0])
        return dt.date(1989, 1, 1), dt.date(2000 + yy - 1, 12, 31)
    if download.kind == "candidate":
        yy, _, month = (int(p) for p in download.version.split("."))
        return dt.date(2000 + yy, month, 1), _month_end(2000 + yy, month)
    yy, month = (int(p) for p in download.version.split("-")[1].split("."))
    return dt.date(2000 + yy, 1, 1), _month_end(2000 + yy, month)


def _key(source: str, download: Download) -> str:
    return f"gedevents/{download.version}" if source == "ucdp-api" else download.name


def plan_releases(
    source: str,
    downloads: Sequence[Download],
    since: dt.date | None = None,
    applied: Mapping[str, str] | None = None,
) -> list[Download]:
    """The UCDP releases a run of ``source`` reads, oldest first.

    Parameters
    ----------
    source : ``ucdp-ged``, ``ucdp-candidate`` or ``ucdp-api``
    downloads : the releases on the downloads page (:func:`geo.sources.ucdp.list_downloads`)
    since : leave out releases that end before this date
    applied : what earlier runs read (release -> the ``since`` it was read with, "" for
        all dates): the plan starts at the first release not read with a ``since`` at
        least as early as this one

    Examples
    --------
    >>> page = '<a href="ged/ged251-csv.zip">x</a> <a href="candidateged/GEDEvent_v26_0_7.csv">'
    >>> found = ucdp.discover_downloads(page, "https://ucdp.uu.se/downloads")
    >>> [d.name for d in plan_releases("ucdp-candidate", found)]
    ['GEDEvent_v26_0_7.csv']
    """
    if source == "ucdp-ged":
        geds = [d for d in downloads if d.kind == "ged"]
        wanted = [max(geds, key=lambda d: d.order)] if geds else []
    elif source == "ucdp-candidate":
        wanted = [d for d in downloads if d.kind in ("candidate", "candidate-cumulative")]
    else:
        geds = [d for d in downloads if d.kind == "ged"]
        ged = max(geds, key=lambda d: d.order) if geds else None
        after = _covers(ged)[1] if ged else dt.date.min
        wanted = [d for d in downloads if d.kind == "candidate" and _covers(d)[0] > after]
        wanted += [ged] if ged else []
    if since is not None:
        wanted = [d for d in wanted if _covers(d)[1] >= since]
    wanted.sort(key=lambda d: d.order)
    applied = applied or {}
    asked = since.isoformat() if since else ""

    def done(d: Download) -> bool:
        read_with = applied.get(_key(source, d))
        # "" (all dates) covers any since; an ISO date covers itself and later ones.
        return read_with is not None and (read_with == "" or (asked != "" and read_with <= asked))

    first = next((i for i, d in enumerate(wanted) if not done(d)), len(wanted))
    return wanted[first:]


def fetch_rows(
    source: str,
    *,
    country: str = "Ukraine",
    since: dt.date | None = None,
    environ: Mapping[str, str],
    client: HttpClient | None = None,
    applied: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> SourceRows:
    """Read what is new at ``source``: native rows for :func:`geo.ingest.read_events`.

    Parameters
    ----------
    source : one of :data:`SOURCES`
    country : the country (UCDP: a name of :data:`UCDP_COUNTRIES`; ACLED: its own name)
    since : only events on or after this date
    environ : where the base URLs (``FRONTLINE_UCDP_DOWNLOADS_URL``, ``FRONTLINE_UCDP_URL``,
        ``FRONTLINE_ACLED_URL``) and credentials come from
    client : the HTTP client (default: one named after ``source``, :data:`HTTP_OPTIONS`)
    applied : UCDP releases read before (see :func:`plan_releases`)
    today : the last date asked of ACLED (default: today, UTC)

    Raises
    ------
    SourceError
        When the source cannot be read or sends something unusable; nothing is kept.
    FrontlineError
        A missing credential or an unknown country.
    """
    if source not in SOURCES:
        raise FrontlineError(
            f"source: expected one of {', '.join(SOURCES)}, got {source!r}", param="source"
        )
    secrets = credentials(source, environ)
    client = client if client is not None else HttpClient(source, **HTTP_OPTIONS)
    client.add_secret(*secrets.values())
    if source == "acled":
        return _acled(country, since, environ, client, secrets, today)
    ids = ucdp_country_ids(country)
    if source == "ucdp-api" and not secrets["token"]:
        raise FrontlineError(
            "ucdp-api: the UCDP API needs an access token: set FRONTLINE_UCDP_TOKEN (UCDP "
            "issues tokens on request, see https://ucdp.uu.se/apidocs/)",
            param="FRONTLINE_UCDP_TOKEN",
        )
    listing = ucdp.list_downloads(ucdp.downloads_url(None, environ), client=client).value
    plan = plan_releases(source, listing, since, applied)
    if not plan:
        return SourceRows("ucdp", None)
    asked = since.isoformat() if since else ""
    releases, read = [], []
    for download in plan:
        if source == "ucdp-api":
            fetched = ucdp.fetch_api(
                download.version, secrets["token"], ucdp.api_url(None, environ), client=client,
                country_ids=ids, start=asked or None, pagesize=UCDP_PAGESIZE,
            )  # fmt: skip
            frame = fetched.frame
            pages = len(fetched.report["pages"])
            read.append(f"gedevents/{download.version}: {len(frame):,d} rows, {pages} page(s)")
        else:
            response = client.get(download.url, what=download.name, accept="*/*")
            frame = read_release(response.body, download.name, country_ids=ids,
                                 source=client.source)  # fmt: skip
            read.append(f"{download.name}: {len(frame):,d} rows")
        releases.append((_key(source, download), frame))
    frame, _ = merge_releases(releases)
    if since is not None and len(frame):
        frame = _on_or_after(frame, "date_start", since)
    applied_now = {key: asked for key, _ in releases}
    return SourceRows("ucdp", frame.reset_index(drop=True), tuple(read), applied_now)


def _on_or_after(frame: pd.DataFrame, column: str, since: dt.date) -> pd.DataFrame:
    """Rows dated on or after ``since``; rows whose date cannot be read stay, so that
    validation rejects them and they are counted."""
    day = frame[column].astype(str).str.strip().str[:10]
    readable = day.str.fullmatch(_DAY.pattern)
    return frame[(~readable | (day >= since.isoformat())).to_numpy()]


def _acled(country, since, environ, client, secrets, today) -> SourceRows:
    start = since or ACLED_FIRST_DATE
    end = today or dt.datetime.now(dt.UTC).date()
    fetched = acled.fetch_events(
        start.isoformat(), max(start, end).isoformat(), username=secrets["username"],
        password=secrets["password"], country=country,
        base=resolve_base_url("acled", None, environ), client=client, limit=ACLED_LIMIT,
    )  # fmt: skip
    pages = fetched.report["pages"]
    read = f"{len(fetched.frame):,d} rows, {len(pages)} page(s) of at most {ACLED_LIMIT:,d}"
    return SourceRows("acled", fetched.frame, (f"acled/read {start} to {end}: {read}",))
