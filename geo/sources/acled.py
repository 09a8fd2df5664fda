"""ACLED's API (myACLED, 2025+): OAuth password grant, then pages of events.

``POST {base}/oauth/token`` with the user's own e-mail and password gives an access token
(24 h) and a refresh token (14 days); ``GET {base}/api/acled/read?_format=json&...`` with
``Authorization: Bearer <token>`` gives pages of up to 5,000 events, every value a string,
in an envelope ``{"status": 200, "success": true, "count": .., "data": [...]}``.

ACLED's terms require each user to bring their own account: credentials are arguments
(the caller reads ``FRONTLINE_ACLED_USERNAME``/``_PASSWORD``), sent only in the token
request body, and never appear in a message, a log line or a repr.

Rows are not mapped here: :func:`to_events` passes the native columns through
:func:`geo.ingest.read_events` with ``format="acled"``, as ``frontline ingest`` does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from geo.errors import FrontlineError
from geo.sources.errors import SourceError
from geo.sources.http import HttpClient, resolve_base_url

__all__ = [
    "ATTRIBUTION",
    "AcledFetch",
    "AcledToken",
    "base_url",
    "fetch_events",
    "login",
    "refresh",
    "to_events",
]

SOURCE = "acled"
ATTRIBUTION = "Source: ACLED, accessed on {date}. www.acleddata.com"
CLIENT_ID = "acled"
MAX_LIMIT = 5000
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def base_url(base: str | None = None, environ=None) -> str:
    """``base``, else ``$FRONTLINE_ACLED_URL``, else https://acleddata.com."""
    return resolve_base_url(SOURCE, base, environ)


@dataclass(frozen=True)
class AcledToken:
    """An OAuth token pair; its repr shows only when it expires."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: dt.datetime | None = None


@dataclass
class AcledFetch:
    """Native ACLED rows (text) and what was fetched.

    ``report``: ``source``, ``pages`` (page number and rows of each), ``rows_read``,
    ``rows``, ``duplicates_dropped`` (an event seen on two pages, when the data changed
    while paging), ``refreshed`` (how often the token was renewed). ``token`` is the token
    last used, to reuse until it expires.
    """

    frame: pd.DataFrame
    report: dict
    token: AcledToken


def _client(client: HttpClient | None) -> HttpClient:
    return client if client is not None else HttpClient(SOURCE, timeout=60)


def login(
    username: str, password: str, base: str | None = None, *, client: HttpClient | None = None
) -> AcledToken:
    """The OAuth password grant: a new access and refresh token.

    Raises
    ------
    SourceError
        When ACLED refuses the credentials (the message says so, without them) or answers
        with something that is not a token.
    """
    if not username or not password:
        raise FrontlineError(
            "ACLED needs the account's e-mail and password (FRONTLINE_ACLED_USERNAME and "
            "FRONTLINE_ACLED_PASSWORD); every user needs their own account (ACLED's terms)",
            param="username" if not username else "password",
        )
    client = _client(client)
    client.add_secret(password, username)
    form = {"username": username, "password": password, "grant_type": "password",
            "client_id": CLIENT_ID}  # fmt: skip
    return _token(client, form, base, "login")


def refresh(
    token: AcledToken, base: str | None = None, *, client: HttpClient | None = None
) -> AcledToken:
    """Renew an access token with its refresh token (valid 14 days)."""
    if not token.refresh_token:
        raise FrontlineError("this ACLED token has no refresh token; log in again", param="token")
    client = _client(client)
    client.add_secret(token.access_token, token.refresh_token)
    form = {"grant_type": "refresh_token", "refresh_token": token.refresh_token,
            "client_id": CLIENT_ID}  # fmt: skip
    return _token(client, form, base, "token refresh")


def _token(client: HttpClient, form: dict, base: str | None, what: str) -> AcledToken:
    try:
        response = client.post_form(f"{base_url(base)}/oauth/token", form, what=what)
    except SourceError as err:
        if err.status in (400, 401, 403):
            raise SourceError(
                client.redact(
                    f"{err}; ACLED did not accept the {what}: check FRONTLINE_ACLED_USERNAME "
                    "and FRONTLINE_ACLED_PASSWORD"
                ),
                source=SOURCE,
                where=err.where,
                status=err.status,
                reason="auth",
            ) from None
        raise
    payload = client.json(response, what)
    access = payload.get("access_token") if isinstance(payload, dict) else None
    if not isinstance(access, str) or not access:
        raise client.error(
            "the answer holds no access_token", where=f"{what} (/oauth/token)",
            reason="wrong_content",
        )  # fmt: skip
    refresh_token = payload.get("refresh_token")
    client.add_secret(access, refresh_token if isinstance(refresh_token, str) else None)
    expires = payload.get("expires_in")
    expires_at = None
    if isinstance(expires, int | float) and expires > 0:
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=float(expires))
    return AcledToken(access, refresh_token if isinstance(refresh_token, str) else None,
                      expires_at)  # fmt: skip


def fetch_events(
    start: str,
    end: str,
    *,
    username: str | None = None,
    password: str | None = None,
    token: AcledToken | None = None,
    country: str = "Ukraine",
    base: str | None = None,
    client: HttpClient | None = None,
    limit: int = MAX_LIMIT,
    max_pages: int = 200,
    params: Mapping[str, str] | None = None,
) -> AcledFetch:
    """Every event of ``country`` with ``start <= event_date <= end``, page by page.

    Parameters
    ----------
    start, end : ``YYYY-MM-DD``
    username, password : the user's ACLED account (used when ``token`` is None or expired)
    token : a token from an earlier call, reused while valid
    country : ACLED country name(s), ``|``-separated
    limit : rows per page (at most 5,000); a page with fewer rows is the last
    max_pages : stop with an error beyond this many pages
    params : further ACLED filters (e.g. ``{"event_type": "Battles"}``)

    Returns
    -------
    AcledFetch

    Raises
    ------
    SourceError
        403 "access denied" (the account's tier has no API access), 401 after one renewal
        of the token, 429/5xx after retries, a timeout, or an envelope with
        ``success: false`` (its messages are quoted); the message names the page.
    """
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise FrontlineError(f"{name}: expected YYYY-MM-DD, got {value!r}", param=name)
    if not 0 < int(limit) <= MAX_LIMIT:
        raise FrontlineError(f"limit: expected 1 to {MAX_LIMIT}, got {limit!r}", param="limit")
    client = _client(client)
    client.add_secret(password, username)
    if token is not None:
        client.add_secret(token.access_token, token.refresh_token)
    refreshed = 0
    if token is None or _expired(token):
        token = _renew(token, username, password, base, client)
    query = {"_format": "json", "country": country, "event_date": f"{start}|{end}",
             "event_date_where": "BETWEEN", "limit": str(limit), **(params or {})}  # fmt: skip
    rows: list[dict] = []
    pages = []
    page = 1
    while True:
        what = f"page {page}"
        payload, token, renewed = _read_page(
            client, base, {**query, "page": str(page)}, token, username, password, what
        )
        refreshed += renewed
        data = payload["data"]
        rows.extend(data)
        pages.append({"page": page, "rows": len(data)})
        if len(data) < limit:
            break
        page += 1
        if page > max_pages:
            raise client.error(
                f"more than {max_pages} pages of {limit} rows (max_pages); narrow the dates",
                where=what,
                reason="too_large",
            )
    frame, duplicates = _rows_frame(rows)
    report = {"source": SOURCE, "pages": pages, "rows_read": len(rows), "rows": len(frame),
              "duplicates_dropped": duplicates, "refreshed": refreshed}  # fmt: skip
    return AcledFetch(frame, report, token)


def _expired(token: AcledToken) -> bool:
    # A minute's margin: a token that expires mid-run costs a 401 and a renewal.
    margin = dt.timedelta(minutes=1)
    return token.expires_at is not None and token.expires_at - margin <= dt.datetime.now(dt.UTC)


def _renew(token, username, password, base, client) -> AcledToken:
    if token is not None and token.refresh_token:
        try:
            return refresh(token, base, client=client)
        except SourceError:
            if not (username and password):
                raise
    return login(username or "", password or "", base, client=client)


def _read_page(client, base, query, token, username, password, what):
    renewed = 0
    while True:
        try:
            response = client.get(
                f"{base_url(base)}/api/acled/read",
                params=query,
                secret_headers={"Authorization": f"Bearer {token.access_token}"},
                what=what,
            )
            break
        except SourceError as err:
            if err.status == 403:
                raise SourceError(
                    client.redact(
                        f"{err}; access denied: the login worked but this ACLED account's "
                        "tier lacks API access (see your myACLED account)"
                    ),
                    source=SOURCE,
                    where=err.where,
                    status=403,
                    reason="forbidden",
                ) from None
            if err.status != 401 or renewed:
                raise
            token = _renew(token, username, password, base, client)
            renewed += 1
    return _envelope(client, response, what), token, renewed


def _envelope(client: HttpClient, response, what: str) -> dict:
    payload = client.json(response, what)
    if not isinstance(payload, dict):
        raise client.payload_error(
            response,
            what,
            f"expected the ACLED envelope {{'success': .., 'data': [...]}}, got "
            f"{type(payload).__name__}",
            "wrong_content",
        )
    if payload.get("success") is False or (
        "error" in payload and payload.get("success") is not True
    ):
        errors = payload.get("error") or payload.get("messages") or []
        errors = errors if isinstance(errors, list) else [errors]
        texts = [e.get("message", str(e)) if isinstance(e, dict) else str(e) for e in errors]
        status = payload.get("status")
        raise client.payload_error(
            response,
            what,
            f"ACLED answered success: false (status {status}): {'; '.join(texts) or 'no message'}",
            "http",
        )
    if not isinstance(payload.get("data"), list):
        raise client.payload_error(
            response, what, "the envelope holds no 'data' list", "wrong_content"
        )
    return payload


def _rows_frame(rows: list) -> tuple[pd.DataFrame, int]:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    frame = pd.DataFrame(
        [["" if row.get(c) is None else str(row.get(c)) for c in columns] for row in rows],
        columns=columns,
    )
    if "event_id_cnty" not in frame.columns:
        return frame, 0
    seen = frame["event_id_cnty"].duplicated(keep="first")
    return frame[~seen.to_numpy()].reset_index(drop=True), int(seen.sum())


def to_events(fetched: AcledFetch | pd.DataFrame, *, name: str = "acled", regions=None):
    """Map native ACLED rows through :func:`geo.ingest.read_events` (``format="acled"``).

    Returns
    -------
    geo.ingest.IngestResult : events and rejects exactly as ``frontline ingest`` makes them
    (rejects carry the 1-based row of ``fetched.frame``)
    """
    from geo.ingest import read_events
    from geo.ingest.acled import REQUIRED

    frame = fetched.frame if isinstance(fetched, AcledFetch) else fetched
    if frame.empty and not len(frame.columns):
        frame = pd.DataFrame(columns=list(REQUIRED))
    data = frame.to_csv(index=False).encode("utf-8")
    return read_events(data, format="acled", name=name, regions=regions)
