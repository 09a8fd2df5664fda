"""Security headers on every kind of response, and paths that try to leave their folders."""

import json
import urllib.error
import urllib.request

import pytest


def get(server, path):
    try:
        with urllib.request.urlopen(server + path, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.mark.parametrize(
    "path",
    ["/", "/embed", "/api/v1/events.meta.json", "/api/v1/nope", "/assets/embed.js",
     "/story/no-such-story", "/oembed?url=x", "/healthz"],
)  # fmt: skip
def test_every_response_has_the_security_headers(server, path):
    status, headers, _ = get(server, path)
    assert status < 500
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp


@pytest.mark.parametrize(
    "path",
    ["/story/..%2f..%2fetc%2fpasswd", "/embed/story/%2e%2e", "/story/%00", "/story/x%0a",
     "/embed/story/..%2F..%2Fdata%2Fclaims", "/story/%2e%2e%2f%2e%2e%2fetc%2fpasswd"],
)  # fmt: skip
def test_story_paths_cannot_leave_the_stories_folder(server, path):
    status, _, body = get(server, path)
    assert status == 404 and b"root:" not in body


@pytest.mark.parametrize("path", ["/%ff", "/%00", "/a/b/..%2f..%2f", "/embed/%ff%fe"])
def test_weird_page_paths_are_not_500(server, path):
    assert get(server, path)[0] < 500


@pytest.mark.parametrize(
    ("query", "status", "param"),
    [
        ("url=http%3A%2F%2F%5B%3A%3A1%2F", 400, "url"),  # http://[::1/ used to be a 500
        ("", 400, "url"),
        ("url={s}/&maxheight=nan", 400, "maxheight"),
        ("url={s}/&maxwidth=%EF%BC%91", 400, "maxwidth"),  # fullwidth 1
        ("url={s}/&maxwidth=1&maxwidth=2", 400, "maxwidth"),
    ],
)
def test_oembed_refuses_malformed_parameters(server, query, status, param):
    got, _, body = get(server, "/oembed?" + query.replace("{s}", server))
    doc = json.loads(body)
    assert got == status and doc["status"] == status and doc["param"] == param


def test_oembed_clamps_huge_sizes(server):
    # 3,000 digits: far past int()'s 4,300-digit limit for a sum, within gunicorn's 4 kB
    # request line (a longer URL is refused by the server itself with 414).
    status, _, body = get(server, f"/oembed?url={server}/&maxwidth={'9' * 3000}")
    assert status == 200 and json.loads(body)["width"] == 1200


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("from=2024-10-01&from=2024-10-02", "from"),
        ("from=2022-05-01&to=2026-08-01&by=day", "by"),  # 1,553 periods: minutes of CPU
        ("from=0001-01-01&to=9999-12-31&by=day", "from"),  # no snapshot: refused at once
    ],
)
def test_changes_refuses_repeats_and_runaway_series(server, query, param):
    status, _, body = get(server, "/api/v1/territory/changes.csv?" + query)
    assert status == 400 and json.loads(body)["param"] == param


def test_oembed_for_a_missing_story_is_404(server):
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    url = urllib.parse.quote(f"{server}/story/no-such-story", safe="")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{server}/oembed?url={url}")
    assert err.value.code == 404
    assert json.loads(err.value.read())["param"] == "url"
    ok = urllib.parse.quote(f"{server}/story/worldscope-2024-11-04-north-korean-troops", safe="")
    with urllib.request.urlopen(f"{server}/oembed?url={ok}") as resp:
        assert (
            "/embed/story/worldscope-2024-11-04-north-korean-troops"
            in json.loads(resp.read())["html"]
        )
