"""The polite HTTP client, against the loopback imitation: throttle, User-Agent, conditional
requests, retries, timeouts, truncation, and credentials kept out of every message."""

from __future__ import annotations

import email.utils
import itertools
import logging
import time
import tomllib
from pathlib import Path

import pytest
from imitation_server import Reply

from geo.errors import FrontlineError
from geo.sources import deepstate, ucdp
from geo.sources.errors import SourceError
from geo.sources.http import USER_AGENT, HttpClient, body_excerpt, retry_after_seconds
from geo.sources.urls import resolve_base_url

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "tok-7f3a9c1e5b2d4a6f8e0c"


def fast(source="test", **kw) -> HttpClient:
    """A client without the one-second gap, for tests that are not about politeness."""
    return HttpClient(source, min_interval=0, backoff=0.05, **kw)


def test_user_agent_names_frontline_its_version_and_a_url(imitation):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert USER_AGENT.startswith(f"Frontline/{version} (+https://")
    imitation.route("/x", Reply(body={"ok": True}))
    fast().get(imitation.url + "/x")
    assert imitation.requests("/x")[0].headers["user-agent"] == USER_AGENT


def test_two_requests_to_one_host_are_at_least_a_second_apart_at_the_server(imitation):
    imitation.route("/a", Reply(body=[1]))
    client = HttpClient("test")  # the default: one request a second per host
    other = HttpClient("other")  # another client for the same host shares the gap
    client.get(imitation.url + "/a")
    other.get(imitation.url + "/a")
    client.get(imitation.url + "/a")
    times = [r.time for r in imitation.requests("/a")]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 2 and min(gaps) >= 1.0, gaps
    assert max(gaps) < 1.5, gaps  # polite, not idle


def test_etag_and_last_modified_make_a_conditional_request_and_304_is_not_modified(imitation):
    stamp = "Fri, 01 Aug 2025 19:52:40 GMT"

    def answer(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(body=[{"id": 1}], headers={"ETag": '"v1"', "Last-Modified": stamp})

    imitation.route("/public", handler=answer)
    client = fast()
    first = client.get(imitation.url + "/public")
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', stamp)
    again = client.get(imitation.url + "/public", etag=first.etag, last_modified=stamp)
    assert again.not_modified and again.body == b""
    sent = imitation.requests("/public")[1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == stamp
    assert "if-none-match" not in imitation.requests("/public")[0].headers


def test_429_is_retried_after_the_seconds_the_server_asks(imitation):
    imitation.route("/r", Reply(429, "slow down", {"Retry-After": "1"}), Reply(body={"ok": 1}))
    started = time.monotonic()
    response = fast().get(imitation.url + "/r")
    assert response.status == 200
    times = [r.time for r in imitation.requests("/r")]
    assert len(times) == 2 and times[1] - times[0] >= 1.0
    assert time.monotonic() - started < 3


def test_429_with_an_http_date_and_one_beyond_the_cap(imitation):
    # HTTP dates have whole seconds: "in 2 s" is between 1 and 2 s from now.
    soon = email.utils.formatdate(time.time() + 2, usegmt=True)
    imitation.route("/d", Reply(429, "", {"Retry-After": soon}), Reply(body=[]))
    assert fast().get(imitation.url + "/d").status == 200
    first, second = (r.time for r in imitation.requests("/d"))
    assert 0.95 <= second - first < 2.5
    imitation.route("/far", Reply(429, "", {"Retry-After": "3600"}))
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        fast(max_retry_after=60).get(imitation.url + "/far", what="version list")
    assert time.monotonic() - started < 1  # no hour-long sleep
    err = caught.value
    assert (err.status, err.reason) == (429, "rate_limited")
    assert "test: version list (/far): HTTP 429" in str(err) and "3600 s" in str(err)
    assert "60 s allowed" in str(err)


def test_5xx_is_retried_with_backoff_then_reported_with_status_and_body(imitation):
    imitation.route("/flaky", Reply(502, "bad gateway"), Reply(body={"ok": 1}))
    assert fast().get(imitation.url + "/flaky").status == 200
    imitation.route("/down", Reply(500, "<html><body><h1>Internal error</h1></body></html>"))
    with pytest.raises(SourceError) as caught:
        fast(retries=2).get(imitation.url + "/down", what="page 3")
    assert len(imitation.requests("/down")) == 3
    message = str(caught.value)
    assert message.startswith("test: page 3 (/down): HTTP 500 Internal Server Error after 3")
    assert "'Internal error'" in message  # the body excerpt, without its HTML tags
    assert caught.value.status == 500 and caught.value.reason == "http"


def test_a_body_cut_in_half_is_truncated(imitation):
    imitation.route("/cut", Reply(body={"features": list(range(2000))}, cut=True))
    with pytest.raises(SourceError) as caught:
        fast().get(imitation.url + "/cut", what="version 1754077960")
    assert caught.value.reason == "truncated"
    assert "version 1754077960 (/cut): the body was cut off after" in str(caught.value)


def test_json_that_ends_early_or_is_html_is_named_as_such(imitation):
    client = fast()
    whole = b'{"type": "FeatureCollection", "features": [1, 2, 3]}'
    imitation.route("/half", Reply(body=whole[:20]))
    with pytest.raises(SourceError, match=r"version 1 \(/half\): truncated JSON: .* of 20\)"):
        client.json(client.get(imitation.url + "/half"), "version 1")
    imitation.route("/short", Reply(body=whole[:44]))
    with pytest.raises(
        SourceError, match=r"truncated JSON: Expecting ',' delimiter \(character 44 of 44"
    ):
        client.json(client.get(imitation.url + "/short"))
    imitation.route("/bad", Reply(body=b'{"type": FeatureCollection}'))
    with pytest.raises(SourceError, match=r"malformed JSON: Expecting value \(character 9 of 27"):
        client.json(client.get(imitation.url + "/bad"))
    page = "<!DOCTYPE html><p>Just a moment</p>"
    imitation.route("/html", Reply(body=page, content_type="text/html"))
    with pytest.raises(SourceError, match="expected JSON, got text/html: 'Just a moment'"):
        client.json(client.get(imitation.url + "/html"))


def test_a_slow_answer_times_out(imitation):
    imitation.route("/slow", Reply(body=[1], delay=1.5))
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        fast(timeout=0.3).get(imitation.url + "/slow", what="version list")
    assert time.monotonic() - started < 1.2
    assert caught.value.reason == "timeout"
    assert "version list (/slow): no answer within 0.3 s (timeout)" in str(caught.value)


def test_an_unreachable_host_is_a_network_error():
    with pytest.raises(SourceError) as caught:
        fast(timeout=1).get("http://127.0.0.1:9/nothing")
    assert caught.value.reason == "network" and "cannot connect to 127.0.0.1:9" in str(caught.value)


def test_credentials_never_appear_in_errors_logs_or_reprs(imitation, caplog):
    # The server echoes what it was sent, as careless servers do.
    def echo(request):
        sent = request.headers.get("x-ucdp-access-token", "")
        return Reply(401, f"API token required. You sent {sent}")

    imitation.route("/api/gedevents/25.1", handler=echo)
    client = fast("ucdp-api")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SourceError) as caught:
        ucdp.fetch_api("25.1", TOKEN, imitation.url + "/api", client=client)
    assert imitation.requests()[0].headers["x-ucdp-access-token"] == TOKEN  # it was sent
    message = str(caught.value)
    assert "HTTP 401" in message and "the access token is missing or wrong" in message
    assert "[redacted]" in message
    texts = [message, repr(caught.value), repr(client), caplog.text, caught.value.where]
    assert caplog.records  # something was logged, and none of it holds the token
    assert not any(TOKEN in t for t in texts)


def test_a_redirect_does_not_carry_credentials_on(imitation):
    imitation.route("/old", Reply(302, b"", {"Location": "/new"}))
    imitation.route("/new", Reply(body=[]))
    fast().get(imitation.url + "/old", secret_headers={"Authorization": f"Bearer {TOKEN}"})
    old, new = imitation.requests("/old")[0], imitation.requests("/new")[0]
    assert old.headers["authorization"] == f"Bearer {TOKEN}"
    assert "authorization" not in new.headers


def test_base_urls_come_from_the_argument_then_the_environment_then_the_default():
    env = {"FRONTLINE_DEEPSTATE_URL": "http://127.0.0.1:1/api/history/"}
    assert deepstate.base_url("http://example.test/h/", env) == "http://example.test/h"
    assert deepstate.base_url(None, env) == "http://127.0.0.1:1/api/history"
    assert deepstate.base_url(None, {}) == "https://deepstatemap.live/api/history"
    assert ucdp.api_url(None, {}) == "https://ucdpapi.pcr.uu.se/api"
    assert ucdp.downloads_url(None, {}) == "https://ucdp.uu.se/downloads"
    assert resolve_base_url("acled", None, {}) == "https://acleddata.com"
    with pytest.raises(FrontlineError, match="FRONTLINE_UCDP_URL: expected an http") as caught:
        ucdp.api_url(None, {"FRONTLINE_UCDP_URL": "ftp://ucdp"})
    assert caught.value.param == "FRONTLINE_UCDP_URL"
    with pytest.raises(FrontlineError, match="must not contain a user name") as caught:
        resolve_base_url("acled", "https://me:pa55word@acleddata.com", {})
    assert "pa55word" not in str(caught.value)


def test_retry_after_and_excerpt_helpers():
    assert retry_after_seconds("1") == 1.0
    assert retry_after_seconds("garbage") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert body_excerpt(b"x" * 500).endswith("…") and len(body_excerpt(b"x" * 500)) == 200


@pytest.mark.parametrize(
    "module",
    ["errors", "http", "responses", "deepstate", "deepstate_layers", "ucdp"],
)
def test_the_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"geo.sources.{module}"))
    assert result.failed == 0
    assert result.attempted > 0 or module == "http"
