"""ACLED: the OAuth password grant, pages of events with a bearer token, refresh on 401,
403 for an account without API access, and rows through the same ingest as the CLI.

The events served are ACLED's own recorded envelope (legacy API, 2024-01-01, Ukraine): 4 of
its events from ``tests/fixtures/sources``, or all 8 from the recorded folder.
"""

from __future__ import annotations

import json
import logging
import urllib.parse

import pandas as pd
import pytest
from imitation_server import FIXTURES, Reply, read_recorded

from geo.errors import FrontlineError
from geo.ingest import read_events
from geo.paths import bundled_data_dir
from geo.regions import Regions
from geo.sources import acled
from geo.sources.errors import SourceError
from geo.sources.http import HttpClient

USER = "analyst@newsroom.example"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="module")
def regions():
    return Regions.from_data_dir(bundled_data_dir())


@pytest.fixture(scope="module")
def envelope() -> dict:
    return json.loads((FIXTURES / "acled_read_2024-01-01_excerpt.json").read_text())


def fast() -> HttpClient:
    return HttpClient("acled", min_interval=0, backoff=0.05)


class Acled:
    """The imitation's ACLED: a token endpoint and a paged read endpoint."""

    def __init__(self, imitation, events: list[dict], *, denied: bool = False):
        self.events, self.denied, self.issued = events, denied, 0
        self.valid: set[str] = set()
        imitation.route("/oauth/token", handler=self.token)
        imitation.route("/api/acled/read", handler=self.read)

    def token(self, request) -> Reply:
        form = dict(urllib.parse.parse_qsl(request.body.decode()))
        if form.get("client_id") != "acled":
            return Reply(400, {"error": "invalid_client"})
        grant = form.get("grant_type")
        if grant == "password" and (form.get("username"), form.get("password")) != (USER, PASSWORD):
            sent = form.get("password")
            return Reply(401, {"error": "invalid_grant", "message": f"bad password {sent}"})
        if grant == "refresh_token" and form.get("refresh_token") != "refresh-1":
            return Reply(401, {"error": "invalid_grant"})
        self.issued += 1
        access = f"access-token-{self.issued:03d}"
        self.valid = {access}
        return Reply(body={"token_type": "Bearer", "expires_in": 86400,
                           "access_token": access, "refresh_token": "refresh-1"})  # fmt: skip

    def read(self, request) -> Reply:
        auth = request.headers.get("authorization", "")
        if auth.removeprefix("Bearer ") not in self.valid:
            return Reply(401, {"message": "Unauthorized"})
        if self.denied:
            return Reply(403, {"message": "access denied"})
        limit, page = int(request.query["limit"][0]), int(request.query["page"][0])
        data = self.events[(page - 1) * limit : page * limit]
        return Reply(body={"status": 200, "success": True, "count": len(data), "data": data})


def test_login_and_pages_until_a_short_page(imitation, envelope, regions, tmp_path):
    server = Acled(imitation, envelope["data"])
    got = acled.fetch_events(
        "2024-01-01", "2024-01-01", username=USER, password=PASSWORD,
        base=imitation.url, client=fast(), limit=3,
    )  # fmt: skip
    login = imitation.requests("/oauth/token")[0]
    assert login.method == "POST"
    assert login.headers["content-type"] == "application/x-www-form-urlencoded"
    assert dict(urllib.parse.parse_qsl(login.body.decode())) == {
        "username": USER, "password": PASSWORD, "grant_type": "password", "client_id": "acled",
    }  # fmt: skip
    reads = imitation.requests("/api/acled/read")
    assert [r.query["page"] for r in reads] == [["1"], ["2"]]
    assert {k: v[0] for k, v in reads[0].query.items() if k != "page"} == {
        "_format": "json", "country": "Ukraine", "event_date": "2024-01-01|2024-01-01",
        "event_date_where": "BETWEEN", "limit": "3",
    }  # fmt: skip
    assert reads[0].headers["authorization"] == "Bearer access-token-001"
    pages = [{"page": 1, "rows": 3}, {"page": 2, "rows": 1}]
    assert got.report == {"source": "acled", "pages": pages, "rows_read": 4, "rows": 4,
                          "duplicates_dropped": 0, "refreshed": 0}  # fmt: skip
    assert got.frame.loc[0, "fatalities"] == "2" and got.frame.loc[0, "latitude"] == "48.5008"
    assert server.issued == 1 and "access-token" not in repr(got.token)
    result = acled.to_events(got, regions=regions)
    assert result.summary()["accepted"] == 4
    assert sorted(result.events["event_id"]) == [f"acled:{r['event_id_cnty']}"
                                                 for r in envelope["data"]]  # fmt: skip
    # The same rows given to `frontline ingest` as a file: the same events.
    path = tmp_path / "acled.csv"
    got.frame.to_csv(path, index=False)
    assert read_events(path, format="acled", regions=regions).events.equals(result.events)


def test_a_401_renews_the_token_once_and_the_new_token_is_returned(imitation, envelope):
    server = Acled(imitation, envelope["data"])
    stale = acled.login(USER, PASSWORD, imitation.url, client=fast())
    server.valid = set()  # ACLED revoked it
    got = acled.fetch_events("2024-01-01", "2024-01-01", token=stale, base=imitation.url,
                             client=fast())  # fmt: skip
    assert got.report["refreshed"] == 1 and len(got.frame) == 4
    assert got.token.access_token == "access-token-002"
    grants = [dict(urllib.parse.parse_qsl(r.body.decode()))["grant_type"]
              for r in imitation.requests("/oauth/token")]  # fmt: skip
    assert grants == ["password", "refresh_token"]


def test_403_says_the_account_tier_lacks_api_access(imitation, envelope):
    Acled(imitation, envelope["data"], denied=True)
    with pytest.raises(SourceError) as caught:
        acled.fetch_events("2024-01-01", "2024-01-31", username=USER, password=PASSWORD,
                           base=imitation.url, client=fast())  # fmt: skip
    message = str(caught.value)
    assert caught.value.status == 403 and caught.value.reason == "forbidden"
    assert message.startswith("acled: page 1 (/api/acled/read): HTTP 403 Forbidden")
    assert "tier lacks API access" in message


def test_a_refused_login_keeps_the_password_out_of_messages_and_logs(imitation, envelope, caplog):
    Acled(imitation, envelope["data"])
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SourceError) as caught:
        acled.fetch_events("2024-01-01", "2024-01-31", username=USER, password="wrong-password1",
                           base=imitation.url, client=fast())  # fmt: skip
    assert imitation.requests("/oauth/token")  # the wrong password was really sent
    message = str(caught.value)
    assert "did not accept the login" in message and caught.value.reason == "auth"
    assert "bad password [redacted]" in message
    # The server echoed the password it was sent; it and the user name are redacted.
    good = acled.login(USER, PASSWORD, imitation.url, client=fast())
    texts = [message, caplog.text, repr(good), repr(caught.value)]
    for secret in ("wrong-password1", PASSWORD, USER, good.access_token, good.refresh_token):
        assert not any(secret in t for t in texts), secret
    with pytest.raises(FrontlineError, match="FRONTLINE_ACLED_USERNAME and FRONTLINE_ACLED_PASS"):
        acled.fetch_events("2024-01-01", "2024-01-31", base=imitation.url, client=fast())


def test_an_error_envelope_is_quoted(imitation, envelope):
    Acled(imitation, envelope["data"])
    imitation.route(
        "/api/acled/read",
        Reply(body={"status": 400, "success": False, "error": [{"message": "Invalid field: x"}]}),
    )
    with pytest.raises(SourceError, match=r"page 1 \(/api/acled/read\): ACLED answered success: "
                                          r"false \(status 400\): Invalid field: x"):  # fmt: skip
        acled.fetch_events("2024-01-01", "2024-01-31", username=USER, password=PASSWORD,
                           base=imitation.url, client=fast())  # fmt: skip
    with pytest.raises(FrontlineError, match="start: expected YYYY-MM-DD"):
        acled.fetch_events("1 January 2024", "2024-01-31", username=USER, password=PASSWORD)


def test_the_whole_recorded_envelope(recorded, imitation, regions):
    whole = json.loads(
        read_recorded(recorded, "acled/api_acled_read_2024-01-01_Ukraine_excerpt.json")
    )
    assert whole["success"] is True and len(whole["data"]) == 8
    assert all(isinstance(v, str) for row in whole["data"] for v in row.values())
    Acled(imitation, whole["data"])
    got = acled.fetch_events("2024-01-01", "2024-01-01", username=USER, password=PASSWORD,
                             base=imitation.url, client=fast())  # fmt: skip
    assert got.report["pages"] == [{"page": 1, "rows": 8}]
    result = acled.to_events(got, regions=regions)
    assert result.rows_read == 8
    assert result.summary()["accepted"] + result.summary()["rejected"] == 8
    assert set(result.events["date"]) == {pd.Timestamp("2024-01-01")}
