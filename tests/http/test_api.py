"""The HTTP API against a real server: exports read back by real readers, one error shape,
cache validators, oEmbed and the framing rules."""

import io
import json
import urllib.error
import urllib.parse
import urllib.request

import pandas as pd
import pyogrio
import pytest

from geo.query import Query


def get(server, path, headers=None):
    req = urllib.request.Request(server + path, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


OCTOBER = "from=2024-10-01&to=2024-11-01"


def test_events_csv_equals_the_same_query_in_geo(server, data):
    status, headers, body = get(server, f"/api/v1/events.csv?{OCTOBER}&regions=UA-14")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    df = pd.read_csv(io.BytesIO(body), keep_default_na=False)
    expected = data.events(
        Query.from_params({"from": "2024-10-01", "to": "2024-11-01", "regions": "UA-14"})
    )
    assert len(df) == len(expected) > 0
    assert list(df["event_id"]) == list(expected["event_id"])
    assert set(df["admin1"]) == {"UA-14"}
    assert df["date"].str.match(r"^2024-10-\d\d$").all()
    assert (
        "DeepStateMap" not in headers["X-Attribution"] or True
    )  # events need no front-line credit
    assert "UCDP" in headers["X-Attribution"]
    assert 'rel="describedby"' in headers["Link"]
    status, _, meta = get(server, f"/api/v1/events.meta.json?{OCTOBER}&regions=UA-14")
    meta = json.loads(meta)
    assert meta["rows"] == len(expected) and meta["query"]["regions"] == "UA-14"
    assert meta["data_version"] == headers["X-Data-Version"]


def test_events_geojson_read_by_gdal(server, tmp_path):
    status, headers, body = get(server, f"/api/v1/events.geojson?{OCTOBER}&types=Battles")
    assert status == 200 and headers["Content-Type"].startswith("application/geo+json")
    doc = json.loads(body)
    assert "crs" not in doc and doc["provenance"]["query"]["types"] == "Battles"
    path = tmp_path / "events.geojson"
    path.write_bytes(body)
    gdf = pyogrio.read_dataframe(path)
    assert len(gdf) == len(doc["features"]) > 0
    assert set(gdf["event_type"]) == {"Battles"}
    lon, lat = doc["features"][0]["geometry"]["coordinates"]
    assert 22 < lon < 41 and 44 < lat < 53  # longitude first (RFC 7946)


def test_changes_by_month_and_snapshot(server, data):
    status, _, body = get(
        server, "/api/v1/territory/changes.csv?from=2024-08-01&to=2024-11-01&by=month"
    )
    df = pd.read_csv(io.BytesIO(body))
    assert list(df["period_start"]) == ["2024-08-01", "2024-09-01", "2024-10-01"]
    assert df.loc[0, "net_km2"] == pytest.approx(363, rel=0.03)
    status, _, body = get(
        server, "/api/v1/territory/changes.geojson?from=2024-10-01&to=2024-11-01&regions=UA-14"
    )
    doc = json.loads(body)
    expected = data.territory.changes("2024-10-01", "2024-11-01", "UA-14")
    assert doc["features"][0]["properties"]["net_km2"] == round(expected.net_km2, 1)
    status, _, body = get(
        server, "/api/v1/territory/snapshot.geojson?date=2024-08-18&layer=ua_held_in_russia"
    )
    snap = json.loads(body)["features"][0]
    assert status == 200 and snap["properties"]["snapshot_date"] == "2024-08-18"
    assert snap["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_claims_json_sets_the_computed_figure_beside_each_claim(server):
    status, _, body = get(server, "/api/v1/claims.json")
    assert status == 200
    doc = json.loads(body)
    claim = next(c for c in doc["claims"] if c["id"] == "afp-isw-donetsk-2024-10")
    assert claim["figure"] == 610
    text = json.dumps(claim)
    assert "398.6" in text and "502.8" in text
    assert "ISW" in claim["verdict_en"] and "ISW" in claim["verdict_de"]


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/v1/events.csv?from=2024-13-01", "from"),
        ("/api/v1/events.csv?from=2024-11-01&to=2024-10-01", "to"),
        ("/api/v1/events.csv?regions=UA-99", "regions"),
        ("/api/v1/events.csv?precision=9", "precision"),
        ("/api/v1/events.csv?bbox=a,b,c,d", "bbox"),
        ("/api/v1/events.csv?datasets=nope", "datasets"),
        ("/api/v1/events.csv?regoins=UA-14", "regoins"),
        ("/api/v1/territory/changes.csv?from=2024-10-01&to=2024-11-01&by=year", "by"),
        ("/api/v1/territory/changes.csv?from=2024-10-01&to=2024-11-01&layer=x", "layer"),
        ("/api/v1/territory/changes.csv?to=2024-11-01", "from"),
        ("/api/v1/territory/snapshot.geojson", "date"),
        ("/api/v1/territory/snapshot.geojson?date=1999-01-01", "date"),
        ("/api/v1/events.csv?q=" + "x" * 300, "q"),
        ("/api/v1/events.csv?from=%00%ff", "from"),
    ],
)
def test_errors_have_one_shape_and_name_the_parameter(server, path, param):
    status, _headers, body = get(server, path)
    assert status == 400, body
    doc = json.loads(body)
    assert doc["ok"] is False and doc["status"] == 400 and doc["param"] == param
    assert param in doc["error"]


def test_unknown_api_path_is_json_404(server):
    status, _, body = get(server, "/api/v1/nothing/here.csv")
    assert status == 404 and json.loads(body)["status"] == 404


def test_etag_and_304(server):
    path = f"/api/v1/events.csv?{OCTOBER}"
    status, headers, _ = get(server, path)
    assert status == 200 and headers["ETag"] and "max-age" in headers["Cache-Control"]
    status, again, body = get(server, path, {"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b"" and again["ETag"] == headers["ETag"]
    other, _, _ = get(
        server, f"/api/v1/events.csv?{OCTOBER}&types=Battles", {"If-None-Match": headers["ETag"]}
    )
    assert other == 200


def test_oembed(server):
    url = urllib.parse.quote(f"{server}/?{OCTOBER}&regions=UA-14", safe="")
    status, _, body = get(server, f"/oembed?url={url}&maxwidth=600&maxheight=500&format=json")
    doc = json.loads(body)
    assert status == 200 and doc["type"] == "rich" and doc["version"] == "1.0"
    assert doc["width"] == 600 and doc["height"] == 500
    assert "/embed?from=2024-10-01&amp;to=2024-11-01&amp;regions=UA-14" in doc["html"]
    assert get(server, "/oembed?url=https%3A%2F%2Fevil.example%2F")[0] == 404
    assert get(server, f"/oembed?url={url}&format=xml")[0] == 501


def test_security_and_framing_headers(server):
    _, explorer, _ = get(server, "/")
    _, embed, _ = get(server, "/embed")
    _, api, _ = get(server, f"/api/v1/events.csv?{OCTOBER}")
    for headers in (explorer, embed, api):
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'self'" in explorer["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in api["Content-Security-Policy"]
    assert explorer["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed


# -- oEmbed: the page's title, a height that fits, the resize script, a thumbnail ------------


def _story_file():
    import yaml

    from geo.paths import bundled_data_dir

    path = sorted((bundled_data_dir() / "stories").glob("*.yaml"))[0]
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _oembed(server, url, **params):
    query = urllib.parse.urlencode({"url": url, **params})
    status, _, body = get(server, f"/oembed?{query}")
    assert status == 200, body
    return json.loads(body)


def test_oembed_gives_the_story_title_in_its_language(server):
    story = _story_file()
    slug = story["slug"]
    doc = _oembed(server, f"{server}/story/{slug}")
    assert doc["title"] == story["title"]["en"]
    assert f'title="{story["title"]["en"]}"' in doc["html"]
    assert _oembed(server, f"{server}/story/{slug}?lang=de")["title"] == story["title"]["de"]
    assert _oembed(server, f"{server}/embed/story/{slug}")["title"] == story["title"]["en"]
    view = _oembed(server, f"{server}/?{OCTOBER}&regions=UA-14")
    assert view["title"] == "Donetsk Oblast, 1–31 October 2024"
    assert view["provider_name"] == "Frontline" and view["provider_url"] == f"{server}/"


def test_oembed_height_fits_the_page_and_its_width(server):
    from dashboard.http import EMBED_HEIGHTS, embed_height

    slug = _story_file()["slug"]
    story = _oembed(server, f"{server}/story/{slug}")
    view = _oembed(server, f"{server}/?{OCTOBER}")
    assert story["width"] == view["width"] == 800
    assert (
        story["height"] == embed_height("story", 800) > view["height"] == embed_height("embed", 800)
    )
    # Narrower: the page is taller, and the story at a phone's width taller than 3,000 px.
    narrow = _oembed(server, f"{server}/story/{slug}", maxwidth="320")
    assert narrow["width"] == 320 and narrow["height"] == EMBED_HEIGHTS["story"][0][1] > 3000
    assert _oembed(server, f"{server}/?{OCTOBER}", maxwidth="400")["height"] > view["height"]
    # maxheight is a ceiling, not a size.
    capped = _oembed(server, f"{server}/story/{slug}", maxheight="900")
    assert capped["height"] == 900
    assert f'height="{capped["height"]}"' in capped["html"]


def test_oembed_html_loads_the_resize_script_after_the_iframe(server):
    doc = _oembed(server, f"{server}/?{OCTOBER}")
    iframe, _, script = doc["html"].partition("</iframe>")
    assert iframe.startswith("<iframe ") and "data-frontline-embed" in iframe
    assert script.strip() == f'<script src="{server}/assets/embed.js" async></script>'
    status, headers, _ = get(server, "/assets/embed.js")
    assert status == 200 and "javascript" in headers["Content-Type"]


def test_oembed_thumbnail_is_the_views_picture(server):
    from PIL import Image

    doc = _oembed(server, f"{server}/?{OCTOBER}&regions=UA-14&lang=de")
    assert doc["thumbnail_url"].startswith(f"{server}/api/v1/map.png?")
    assert "regions=UA-14" in doc["thumbnail_url"] and "lang=de" in doc["thumbnail_url"]
    assert doc["thumbnail_width"] <= doc["width"]
    status, headers, body = get(server, doc["thumbnail_url"][len(server) :])
    assert status == 200 and headers["Content-Type"] == "image/png"
    size = Image.open(io.BytesIO(body)).size
    assert size == (doc["thumbnail_width"], doc["thumbnail_height"])
    # A thumbnail respects maxwidth and maxheight, or there is none.
    small = _oembed(server, f"{server}/?{OCTOBER}", maxwidth="400")
    assert "thumbnail_url" not in small or small["thumbnail_width"] <= 400
    low = _oembed(server, f"{server}/?{OCTOBER}", maxheight="300")
    assert "thumbnail_url" not in low or low["thumbnail_height"] <= 300


def test_embed_js_sets_heights_above_4000_px_from_its_own_frames_only(server, tmp_path):
    """The script oEmbed's html loads, run by Node against a stand-in for the host page."""
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    _, _, script = get(server, "/assets/embed.js")
    harness = tmp_path / "run.js"
    harness.write_text(
        """
const listeners = [];
const frame = {src: "https://maps.example/embed", contentWindow: {}, style: {},
               setAttribute(k, v) { this[k] = v; }};
global.window = {addEventListener: (t, f) => listeners.push(f),
                 location: {href: "https://news.example/article"}};
global.document = {querySelectorAll: () => [frame]};
require(process.argv[2]);
const send = (origin, source, height) =>
  listeners.forEach(f => f({origin, source, data: {type: "frontline:height", height}}));
const out = {};
send("https://maps.example", frame.contentWindow, 4267); out.tall = frame.style.height;
send("https://maps.example", frame.contentWindow, 1e9); out.huge = frame.style.height;
send("https://evil.example", frame.contentWindow, 900); out.other_origin = frame.style.height;
send("https://maps.example", {}, 900); out.other_window = frame.style.height;
send("https://maps.example", frame.contentWindow, NaN); out.nan = frame.style.height;
console.log(JSON.stringify(out));
"""
    )
    (tmp_path / "embed.js").write_bytes(script)
    done = subprocess.run(
        [node, str(harness), str(tmp_path / "embed.js")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["tall"] == "4267px"  # the story at 320 px wide is no longer cut at 4,000
    assert out["huge"] == "20000px"
    assert out["other_origin"] == out["other_window"] == out["nan"] == "20000px"
