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
