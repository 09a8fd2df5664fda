"""Hostile query strings against the real server: every API parameter, arbitrary values.

Whatever a client sends (any Unicode, NUL, invalid UTF-8 percent-escapes, huge values,
empty or repeated parameters), the API answers 2xx/304 or a 4xx in the one JSON error
shape naming the parameter at fault, never a 500. The server is the real ``frontline
serve`` of ``tests/conftest.py``; examples are bounded so the module runs in well under a
minute.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.api import QUERY_PARAMS, VIEW_PARAMS

EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values a parser is most likely to trip on, mixed with arbitrary text below. The longest
# is 1,200 characters: six of them stay under the production server's 8 kB request line
# (gunicorn's largest, and nginx's default); beyond it the server itself answers 414
# before the app runs (test_an_overlong_request_line_is_414_not_500).
NASTY = [
    "",
    " ",
    "\x00",
    "%",
    "\ufeff",
    "\u202e",
    "𝟚𝟘𝟚𝟜-𝟙𝟘-𝟘𝟙",
    "２０２４-１０-０１",
    "1",
    "１",
    "1.0",
    "-1",
    "0",
    "4",
    "1e308",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "9" * 400,
    "x" * 1_200,
    "0001-01-01",
    "9999-12-31",
    "1677-09-21",
    "2262-04-12",
    "1970-01-01",
    "2024-02-30",
    "2024-10-01T00:00",
    "20241001",
    "2024-W40-1",
    "2024-10-01\n",
    "2024-10-01\x00",
    "nan,nan,nan,nan",
    "-inf,-90,inf,90",
    "30,45,40,52",
    "40,52,30,45",
    "1,2,3",
    ",,,",
    "UA-14",
    "ua-14",
    "UA-99",
    "UA-14,UA-14",
    "RU-KRS",
    "Battles",
    "ucdp",
    "story",
    "day",
    "Day",
    "WEEK",
    "month",
    "year",
    "russian_held",
    "Russian_Held",
    "occupied",
    "ua_held_in_russia",
    "json",
    "JSON",
    "xml",
    "<script>alert(1)</script>",
    "'; DROP--",
]
VALID_DATES = ["2024-09-30", "2024-10-01", "2024-10-15", "2024-11-01", "2024-11-05"]


def text_value():
    """A parameter value: plausible, nasty, arbitrary text, or raw (maybe invalid) bytes."""
    return st.one_of(
        st.sampled_from(NASTY + VALID_DATES),
        st.text(max_size=60),
        st.binary(max_size=12),  # percent-encoded as is: %ff%fe is not UTF-8
    )


def encode(pairs) -> str:
    return "&".join(
        urllib.parse.quote(k, safe="") + "=" + urllib.parse.quote(v, safe="") for k, v in pairs
    )


def query(names, value=None):
    """A list of (name, value) pairs over ``names``: any subset, values possibly repeated."""
    pair = st.tuples(st.sampled_from(sorted(names)), text_value() if value is None else value)
    return st.lists(pair, max_size=6)


def get(server, path):
    try:
        with urllib.request.urlopen(server + path, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def check(server, path: str, pairs, implied=()):
    """The property: no 5xx; a 4xx is the JSON error shape naming a parameter we sent
    (or one the endpoint requires, ``implied``)."""
    status, body = get(server, f"{path}?{encode(pairs)}")
    assert status < 500 or (path == "/oembed" and status == 501), (status, body[:300])
    if status < 400:
        return status, body
    doc = json.loads(body)
    assert doc["ok"] is False and doc["status"] == status, doc
    assert isinstance(doc["error"], str) and doc["error"], doc
    sent = {k for k, _ in pairs}
    assert doc.get("param") in sent | set(implied) or not sent <= VIEW_PARAMS | {"url"}, doc
    assert doc["param"] in doc["error"], doc
    return status, body


EVENTS = ["/api/v1/events.csv", "/api/v1/events.geojson", "/api/v1/events.meta.json"]
CHANGES = [
    "/api/v1/territory/changes.csv",
    "/api/v1/territory/changes.geojson",
    "/api/v1/territory/changes.meta.json",
]


@EXAMPLES
@given(path=st.sampled_from(EVENTS), pairs=query(VIEW_PARAMS | {"bogus", "From"}))
def test_events_endpoints(server, path, pairs):
    check(server, path, pairs)


def territory_value():
    # Valid dates only near October 2024: a period costs ~0.2 s of clipping, and the
    # property is about parsing, not about how long a legitimate year of days takes.
    return st.one_of(st.sampled_from(NASTY + VALID_DATES * 4), st.text(max_size=30))


@EXAMPLES
@given(
    path=st.sampled_from(CHANGES),
    pairs=query(QUERY_PARAMS | {"by", "layer", "lang", "bogus"}, territory_value()),
)
def test_territory_changes(server, path, pairs):
    check(server, path, pairs, implied={"from"})


@settings(EXAMPLES, max_examples=100)
@given(pairs=query({"date", "layer", "from", "bogus"}, territory_value()))
def test_territory_snapshot(server, pairs):
    check(server, "/api/v1/territory/snapshot.geojson", pairs, implied={"date"})


@settings(EXAMPLES, max_examples=40)
@given(pairs=query(VIEW_PARAMS | {"bogus"}))
def test_claims(server, pairs):
    check(server, "/api/v1/claims.json", pairs)


def oembed_url(server):
    """Target URLs: this server's views and stories with odd paths, other hosts, junk."""
    host = server.replace("127.0.0.1", "localhost")
    paths = st.sampled_from(["/", "/embed", "/story/", "/embed/story/", "/story/x/", "/api/v1/"])
    tails = st.one_of(st.sampled_from(["", "..", "%2e%2e", "a\n", "%00", "?q=<b>"]), st.text())
    own = st.builds(lambda p, t: f"{server}{p}{t}", paths, tails)
    return st.one_of(
        own,
        st.builds(lambda p: f"{host}{p}", paths),
        st.sampled_from(["http://[::1/", "https://evil.example/", "javascript:alert(1)"]),
        text_value(),
    )


@EXAMPLES
@given(data=st.data())
def test_oembed(server, data):
    names = st.sampled_from(["url", "maxwidth", "maxheight", "format", "bogus"])
    pairs = data.draw(
        st.lists(
            st.one_of(
                st.tuples(st.just("url"), oembed_url(server)),
                st.tuples(names, text_value()),
            ),
            max_size=6,
        )
    )
    status, body = check(server, "/oembed", pairs, implied={"url"})
    if status == 200:
        doc = json.loads(body)
        assert 1 <= doc["width"] <= 1200 and 1 <= doc["height"] <= 20_000
        # One script only: Frontline's own resize script, never anything from the request.
        iframe, _, script = doc["html"].partition("\n")
        assert "<script" not in iframe
        assert script == f'<script src="{server}/assets/embed.js" async></script>'


def test_an_overlong_request_line_is_414_not_500(server):
    status, _ = get(server, "/api/v1/events.csv?q=" + "x" * 9000)
    assert status == 414
