"""UCDP events: GED yearly and Candidate monthly files, and the token-protected API.

Files (no key) are found on the downloads page by pattern: ``ged/ged{YY}{n}-csv.zip``
(GED, final, yearly) and ``candidateged/GEDEvent_v{...}.csv`` (Candidate, monthly, or
cumulative Jan-to-month). Some releases have no header row (the 49 GED columns are then
applied in their known order), and a later release revises events already published under
the same ``id``: releases are read oldest first and the last version of each id is kept.

The API (``GET {base}/gedevents/{version}``) needs a token in ``x-ucdp-access-token``;
pages are zero-based.

Rows are never mapped here: they go, as native UCDP columns, through
:func:`geo.ingest.read_events` with ``format="ucdp"``, the same mapping, validation and
rejects as ``frontline ingest`` (:func:`to_events`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from geo.errors import FrontlineError
from geo.sources.errors import SourceError
from geo.sources.http import Fetched, HttpClient, resolve_base_url
from geo.sources.ucdp_release import GED_COLUMNS, UKRAINE, merge_releases, read_release

__all__ = [
    "ATTRIBUTION",
    "GED_COLUMNS",
    "UKRAINE",
    "Download",
    "UcdpFetch",
    "api_url",
    "discover_downloads",
    "downloads_url",
    "fetch_api",
    "fetch_files",
    "list_downloads",
    "merge_releases",
    "read_release",
    "to_events",
]

ATTRIBUTION = "UCDP Georeferenced Event Dataset (GED), CC BY 4.0"
_GED = re.compile(r"ged/ged(\d{2})(\d)-csv\.zip")
_CANDIDATE = re.compile(r"candidateged/GEDEvent_v(\d{2})_0_(\d{1,2})\.csv")
_CUMULATIVE = re.compile(r"candidateged/GEDEvent_v(\d{2})_01_(\d{2})_(\d{2})\.csv")
_VERSION = re.compile(r"\d{2}\.\d{1,2}(\.\d{1,2})?")
# Within one release month: monthly Candidate, then cumulative Candidate, then final GED.
_RANK = {"candidate": 0, "candidate-cumulative": 1, "ged": 2}


def downloads_url(base: str | None = None, environ=None) -> str:
    """``base``, else ``$FRONTLINE_UCDP_DOWNLOADS_URL``, else https://ucdp.uu.se/downloads."""
    return resolve_base_url("ucdp", base, environ)


def api_url(base: str | None = None, environ=None) -> str:
    """``base``, else ``$FRONTLINE_UCDP_URL``, else https://ucdpapi.pcr.uu.se/api."""
    return resolve_base_url("ucdp-api", base, environ)


@dataclass(frozen=True)
class Download:
    """One release file on the downloads page.

    ``released`` is the (year, month) UCDP publishes it in, as far as the name tells: GED
    YY.1 in June of 20YY, Candidate YY.0.M in month M+1, cumulative Jan-MM in month MM+1.
    Sorting by :attr:`order` puts releases oldest first.
    """

    kind: str
    version: str
    url: str
    released: tuple[int, int]

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    @property
    def order(self) -> tuple:
        return (*self.released, _RANK[self.kind], self.version)


@dataclass
class UcdpFetch:
    """Native UCDP rows (text, one column per UCDP field) and what was fetched.

    ``report`` holds ``source``, ``files`` or ``pages`` (each with its rows), ``rows_read``
    (before revisions), ``rows`` (after), ``revised_ids`` (ids found in more than one
    release) and, for the API, ``total_count`` as the API gave it.
    """

    frame: pd.DataFrame
    report: dict = field(default_factory=dict)


def discover_downloads(html: str, base: str | None = None) -> list[Download]:
    """The GED and Candidate files linked from the downloads page, oldest first.

    Parameters
    ----------
    html : the page's HTML
    base : the downloads base URL the links are resolved against (default
        :func:`downloads_url`)

    Examples
    --------
    >>> page = '<a href="/downloads/ged/ged251-csv.zip">GED 25.1</a> '
    >>> page += '<a href="candidateged/GEDEvent_v26_0_8.csv">August</a>'
    >>> [(d.kind, d.version) for d in discover_downloads(page, "https://ucdp.uu.se/downloads")]
    [('ged', '25.1'), ('candidate', '26.0.8')]
    """
    root = downloads_url(base) + "/"
    found: dict[str, Download] = {}
    for match in _GED.finditer(html):
        yy, n = int(match[1]), int(match[2])
        found[match[0]] = Download("ged", f"{yy}.{n}", root + match[0], (2000 + yy, 6))
    for match in _CANDIDATE.finditer(html):
        yy, month = int(match[1]), int(match[2])
        released = (2000 + yy + month // 12, month % 12 + 1)
        found[match[0]] = Download("candidate", f"{yy}.0.{month}", root + match[0], released)
    for match in _CUMULATIVE.finditer(html):
        yy, month = int(match[2]), int(match[3])
        released = (2000 + yy + month // 12, month % 12 + 1)
        version = f"{match[1]}.01-{match[2]}.{match[3]}"
        found[match[0]] = Download("candidate-cumulative", version, root + match[0], released)
    return sorted(found.values(), key=lambda d: d.order)


def list_downloads(
    base: str | None = None,
    *,
    client: HttpClient | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """Fetch the downloads page; ``value`` is :func:`discover_downloads` of it (or None
    when ``not_modified``)."""
    client = client or HttpClient("ucdp")
    response = client.get(
        downloads_url(base) + "/",
        etag=etag,
        last_modified=last_modified,
        what="downloads page",
        accept="text/html",
    )
    if response.not_modified:
        return Fetched.of(response, None)
    html = response.body.decode("utf-8", errors="replace")
    found = discover_downloads(html, base)
    if not found:
        raise client.payload_error(
            response,
            "downloads page",
            "no GED (ged/gedNNN-csv.zip) or Candidate (candidateged/GEDEvent_v*.csv) links "
            "found on the page; has the page changed?",
            "wrong_content",
        )
    return Fetched.of(response, found)


def fetch_files(
    downloads: Iterable[Download],
    *,
    client: HttpClient | None = None,
    country_ids: Sequence[int] | None = (UKRAINE,),
) -> UcdpFetch:
    """Download release files, read them and apply revisions (oldest first by
    :attr:`Download.order`, whatever order they are given in)."""
    client = client or HttpClient("ucdp", timeout=120)
    releases = []
    for download in sorted(downloads, key=lambda d: d.order):
        response = client.get(download.url, what=download.name, accept="*/*")
        frame = read_release(response.body, download.name, country_ids=country_ids)
        releases.append((download.name, frame))
    frame, report = merge_releases(releases)
    return UcdpFetch(frame, {"source": "ucdp", **report})


def fetch_api(
    version: str,
    token: str,
    base: str | None = None,
    *,
    client: HttpClient | None = None,
    country_ids: Sequence[int] = (UKRAINE,),
    start: str | None = None,
    end: str | None = None,
    pagesize: int = 1000,
    max_pages: int = 500,
) -> UcdpFetch:
    """Events of one API version (``gedevents/{version}``), every page from page 0.

    Parameters
    ----------
    version : ``"25.1"`` (GED) or ``"26.0.7"`` (Candidate); versions never change
    token : the access token (``FRONTLINE_UCDP_TOKEN``); sent only as a header, never shown
    country_ids : Gleditsch-Ward codes (``Country=369,365``)
    start, end : ``YYYY-MM-DD`` limits (``StartDate``/``EndDate``)
    pagesize : rows per page; max_pages : stop with an error beyond this many pages

    Raises
    ------
    SourceError
        401 (token missing or wrong), 400 (UCDP also answers 400 when throttling), 429,
        5xx, timeouts, or a page that is not the expected JSON; the message names the page.
    """
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise FrontlineError(
            f"version: expected a UCDP version such as 25.1 or 26.0.7, got {version!r}",
            param="version",
        )
    if not token:
        raise FrontlineError(
            "the UCDP API needs an access token (set FRONTLINE_UCDP_TOKEN); request one from "
            "the API maintainer, see https://ucdp.uu.se/apidocs/",
            param="token",
        )
    client = client or HttpClient("ucdp-api", timeout=60)
    url = f"{api_url(base)}/gedevents/{version}"
    params = {"pagesize": int(pagesize), "Country": ",".join(str(int(c)) for c in country_ids)}
    if start:
        params["StartDate"] = start
    if end:
        params["EndDate"] = end
    rows, pages, total_count, page = [], [], None, 0
    while True:
        what = f"gedevents/{version} page {page}"
        try:
            response = client.get(
                url,
                params={**params, "page": page},
                secret_headers={"x-ucdp-access-token": token},
                what=what,
            )
        except SourceError as err:
            raise _api_hint(err, client) from None
        payload = client.json(response, what)
        result = payload.get("Result") if isinstance(payload, dict) else None
        if not isinstance(result, list):
            raise client.payload_error(
                response,
                what,
                "expected {'TotalCount', 'TotalPages', 'NextPageUrl', 'Result': [...]}",
                "wrong_content",
            )
        total_count = payload.get("TotalCount", total_count)
        rows.extend(result)
        pages.append({"page": page, "rows": len(result)})
        total_pages = payload.get("TotalPages")
        more = bool(payload.get("NextPageUrl")) and result
        if isinstance(total_pages, int):
            more = page + 1 < total_pages and bool(result)
        if not more:
            break
        page += 1
        if page >= max_pages:
            raise client.error(
                f"more than {max_pages} pages (max_pages); narrow the dates or raise the limit",
                where=what,
                reason="too_large",
            )
    frame = _rows_frame(rows)
    report = {"source": "ucdp-api", "version": version, "pages": pages, "rows_read": len(rows),
              "rows": len(frame), "total_count": total_count, "revised_ids": 0}  # fmt: skip
    return UcdpFetch(frame, report)


def _api_hint(err: SourceError, client: HttpClient) -> SourceError:
    hints = {
        401: "the access token is missing or wrong (header x-ucdp-access-token, from "
        "FRONTLINE_UCDP_TOKEN)",
        400: "UCDP also answers 400 when requests come too fast; wait and retry",
    }
    if err.status not in hints:
        return err
    return SourceError(
        client.redact(f"{err}; {hints[err.status]}"),
        source=err.source,
        where=err.where,
        status=err.status,
        reason=err.reason,
    )


def _rows_frame(rows: list) -> pd.DataFrame:
    """API rows (JSON values) as text columns, GED's columns first."""
    extra = []
    for row in rows:
        extra.extend(k for k in row if k not in GED_COLUMNS and k not in extra)
    columns = [*GED_COLUMNS, *extra]
    return pd.DataFrame([[_text(row.get(c)) for c in columns] for row in rows], columns=columns)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def to_events(fetched: UcdpFetch | pd.DataFrame, *, name: str = "ucdp", regions=None):
    """Map native UCDP rows through :func:`geo.ingest.read_events` (``format="ucdp"``).

    The same mapping, validation and rejects as ``frontline ingest``: rejects carry the
    1-based row of ``fetched.frame``.

    Returns
    -------
    geo.ingest.IngestResult
    """
    from geo.ingest import read_events

    frame = fetched.frame if isinstance(fetched, UcdpFetch) else fetched
    if frame.empty:
        frame = pd.DataFrame(columns=list(GED_COLUMNS))
    data = frame.to_csv(index=False).encode("utf-8")
    return read_events(data, format="ucdp", name=name, regions=regions)
