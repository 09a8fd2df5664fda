"""The HTTP layer's details, as the red-team pass found them: every answer is the one a
client can use (JSON errors under /api/, 404 for what is not there, one charset, plain
ASCII headers), and no URL parameter reaches the page unchecked."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest


def call(server, path, method="GET", headers=None):
    req = urllib.request.Request(server + path, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_wrong_methods_get_the_json_error_shape(server, method):
    status, headers, body = call(server, "/api/v1/events.csv", method)
    assert status == 405 and headers["Content-Type"] == "application/json"
    doc = json.loads(body)
    assert doc == {"ok": False, "status": 405, "error": doc["error"]} and method in doc["error"]
    assert headers["Allow"] == "GET, HEAD"


def test_a_parameter_without_a_name_is_named(server):
    status, _, body = call(server, "/api/v1/events.csv?=1")
    doc = json.loads(body)
    assert status == 400 and doc["param"] and "''" in doc["error"]


@pytest.mark.parametrize(
    "path", ["/.env", "/anything", "/wp-login.php", "/story/nope", "/embed/story/nope", "/x/y"]
)
def test_what_is_not_a_page_is_a_404(server, path):
    status, headers, body = call(server, path)
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert b"No such page" in body and b'href="/"' in body


def test_unknown_api_paths_are_json_404(server):
    status, _, body = call(server, "/api/v1/nope")
    assert status == 404 and json.loads(body)["status"] == 404


@pytest.mark.parametrize(
    "path", ["/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/nope.js"]
)
def test_unknown_script_bundles_are_404_not_500(server, path):
    assert call(server, path)[0] == 404


def test_one_charset_and_ascii_headers(server):
    status, headers, _ = call(server, "/api/v1/events.csv?from=2024-10-01&to=2024-10-05")
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    attribution = headers["X-Attribution"]
    assert attribution.isascii() and "?" not in attribution and "; " in attribution


def test_the_production_server_names_no_versions(server):
    _, headers, _ = call(server, "/healthz")
    assert "Werkzeug" not in headers.get("Server", "") and "Python" not in headers.get("Server", "")


@pytest.mark.parametrize(
    "value", ["javascript:alert('bm')", "https://evil.example/style.json", "<b>", "x" * 300]
)
def test_a_bad_basemap_in_a_link_is_refused_and_never_copied(server, value):
    from urllib.parse import quote

    status, _, body = call(server, "/api/v1/events.csv?basemap=" + quote(value))
    assert status == 400 and json.loads(body)["param"] == "basemap"
    # The page opens with the default basemap and says what it ignored.
    from dashboard.state import parse_search

    state, errors = parse_search("?basemap=" + quote(value))
    assert state.basemap == "offline" and any("basemap" in e for e in errors)
    assert value not in state.to_search()
