"""Hostile values for every parameter of the measures endpoints (settlements, front, speed,
oblasts, distance) against the real server: each answer is a 2xx, or a 4xx in the one JSON
error shape naming a parameter that was sent; never a 5xx, and never slow.

Each request starts from a valid query of one week and replaces one parameter (the sweep)
or several (hypothesis) with hostile text, so that the error, when there is one, belongs
to the hostile value. Valid dates stay near October 2024 to keep the module short.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NASTY = [
    "", " ", "\x00", "%", "%00", "\ufeff", "\u202e", "２０２４-１０-０１", "𝟚𝟘𝟚𝟜-𝟙𝟘-𝟘𝟙",
    "1", "-1", "0", "1.5", "1e308", "nan", "inf", "9" * 400, "x" * 1_200,
    "0001-01-01", "9999-12-31", "2024-02-30", "2024-10-01T00:00", "20241001", "2024-W40-1",
    "2024-10-01\n", "2024-10-01\x00", "2022-04-04", "2026-08-29", "2026-08-30",
    "UA-14", "ua-14", "UA-99", "UA-14,UA-14", "RU-KRS", "UA-14,RU-KRS", ",,,", "XX",
    "day", "Day", "WEEK", "month", "year", "russian_held", "occupied", "ua_held_in_russia",
    "en", "de", "uk", "fr", "7", "7,30", "7,,30", "30,7,90,1", "92", "93", "٧",
    "Kramatorsk", "Donetsk", "Pokrovsk", "Pyongyang", "Київ", "Lviv", "Kaliningrad",
    "UA", "ua", "RU", "Ukraine", "deepstate", "isw",
    "<script>alert(1)</script>", "'; DROP--", '=HYPERLINK("x")',
]  # fmt: skip

WEEK = {"from": "2024-10-01", "to": "2024-10-08"}
#: Path -> (a valid query, the parameters the endpoint reads).
ENDPOINTS = {
    "/api/v1/territory/settlements.csv": (WEEK, ("from", "to", "regions", "lang")),
    "/api/v1/territory/settlements.geojson": (WEEK, ("from", "to", "regions", "lang")),
    "/api/v1/territory/front.csv": (WEEK, ("from", "to", "by", "source")),
    "/api/v1/territory/front.json": (WEEK, ("from", "to", "by", "source")),
    "/api/v1/territory/speed.json": (WEEK, ("from", "to", "regions", "windows", "source")),
    "/api/v1/territory/speed.csv": (WEEK, ("from", "to", "regions", "windows", "source")),
    "/api/v1/territory/oblasts.csv": (
        {"from": "2024-09-01", "to": "2024-11-01"},
        ("from", "to", "by", "regions", "layer", "source", "lang"),
    ),
    "/api/v1/territory/oblasts.json": (
        {"from": "2024-09-01", "to": "2024-11-01"},
        ("from", "to", "by", "regions", "layer", "source", "lang"),
    ),
    "/api/v1/distance.json": (
        {**WEEK, "place": "Kramatorsk"},
        ("place", "admin1", "country", "from", "to", "by"),
    ),
    "/api/v1/distance.csv": (
        {**WEEK, "place": "Kramatorsk"},
        ("place", "admin1", "country", "from", "to", "by"),
    ),
}
#: The sweep covers one format of each endpoint; hypothesis below covers every path.
SWEEP = [
    (path, param)
    for path in ENDPOINTS
    if path.endswith((".csv", "distance.json")) and not path.endswith("distance.csv")
    for param in ENDPOINTS[path][1]
]


def request(server, path: str, pairs) -> tuple[int, bytes, float]:
    query = "&".join(
        urllib.parse.quote(k, safe="") + "=" + urllib.parse.quote(v, safe="") for k, v in pairs
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(f"{server}{path}?{query}", timeout=60) as resp:
            status, body = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, body = err.code, err.read()
    return status, body, time.perf_counter() - start


def check(server, path: str, pairs) -> int:
    """No 5xx, within 20 s; a 4xx names a parameter that was sent; a 200 is readable."""
    status, body, seconds = request(server, path, pairs)
    assert status < 500, (path, pairs, body[:300])
    assert seconds < 20, (path, pairs, seconds)
    if status == 200:
        if path.endswith("json"):
            assert json.loads(body)["provenance"]["data_version"]
        else:
            assert body.decode("utf-8").split("\n", 1)[0].count(",") >= 3
        return status
    doc = json.loads(body)
    assert doc["ok"] is False and doc["status"] == status == 400, doc
    assert doc["param"] in {k for k, _ in pairs}, (pairs, doc)
    assert doc["param"] in doc["error"], doc
    return status


@pytest.mark.parametrize(("path", "param"), SWEEP)
def test_every_parameter_with_hostile_values(server, path, param):
    base, _ = ENDPOINTS[path]
    answered = set()
    for value in NASTY:
        pairs = [(k, v) for k, v in base.items() if k != param] + [(param, value)]
        answered.add(check(server, path, pairs))
    assert 400 in answered  # the property was tested on errors, not only on answers


def test_repeated_and_unknown_parameters(server):
    for path, (base, params) in ENDPOINTS.items():
        pairs = [*base.items(), (params[-1], "x"), (params[-1], "y")]
        assert check(server, path, pairs) == 400
        assert check(server, path, [*base.items(), ("From", "2024-10-01")]) == 400


def hostile():
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=40),
        st.binary(max_size=8).map(lambda b: b.decode("latin-1")),
    )


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_several_hostile_parameters_at_once(server, data):
    path = data.draw(st.sampled_from(sorted(ENDPOINTS)))
    base, params = ENDPOINTS[path]
    changed = data.draw(st.dictionaries(st.sampled_from(params), hostile(), max_size=3))
    check(server, path, list({**base, **changed}.items()))
