"""``/api/v1/map.png`` and ``/api/v1/map.svg`` against a real server over the bundled data:
the picture at the asked size, its texts (title, km² line, key, attribution) in English and
German, the API's errors, cache validators that follow the data version, and the bounded
queue of pictures waiting to be drawn."""

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from dashboard.formatting import fmt_km2
from geo.query import Query

ROOT = Path(__file__).resolve().parents[2]
OCTOBER = "from=2024-10-01&to=2024-11-01"


def get(base, path, headers=None):
    req = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def svg_texts(body: bytes) -> str:
    """Every text of an SVG, in one string (a wrapped line's parts joined by spaces)."""
    root = ET.fromstring(body)
    lines = [" ".join("".join(e.itertext()).split()) for e in root.iter() if e.tag.endswith("text")]
    return " ".join(lines)


def test_png_decodes_at_the_asked_size(server):
    status, headers, body = get(server, f"/api/v1/map.png?{OCTOBER}&width=800&height=500")
    assert status == 200, body[:300]
    assert headers["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(body))
    assert image.format == "PNG" and image.size == (800, 500)
    # Mostly not one colour: a map was drawn.
    assert len(image.convert("RGB").getcolors(1 << 20)) > 50
    assert headers["Cache-Control"] == "public, max-age=300"
    assert headers["X-Data-Version"]


def test_svg_has_title_figures_key_and_attribution_as_text(server, data):
    status, headers, body = get(server, f"/api/v1/map.svg?{OCTOBER}&regions=UA-14")
    assert status == 200 and headers["Content-Type"].startswith("image/svg+xml")
    text = svg_texts(body)
    change = data.territory.changes("2024-10-01", "2024-11-01", "UA-14")
    for expected in (
        "Front line on 1 November 2024",
        "1–31 October 2024, Donetsk Oblast",
        f"Russia gained {fmt_km2(change.gained_km2)}",
        f"net {fmt_km2(change.net_km2, sign=True)}",
        "snapshots of 1 October 2024 and 1 November 2024",
        "Russian-held",
        "Gained by Russia in period",
        "Front line",
        "Selected region",
        "Battles",
        "DeepStateMap",
        "Natural Earth",
        "UCDP GED 25.1",
        "Pokrovsk",
        " km",  # the scale bar
    ):
        assert expected in text, expected


def test_the_picture_draws_the_settlements_layer_like_the_map(server, data):
    # The same places the settlements layer and `frontline settlements` give, named once
    # beside their dot (not also as a gazetteer label), with their outcomes in the key.
    from dashboard.scope import Scope
    from dashboard.state import parse_search
    from dashboard.view_settlements import view_settlements

    state, _ = parse_search(f"?{OCTOBER}&regions=UA-14&lang=de")
    places = view_settlements(Scope.of(data), state)["places"]
    names = [p["name_de"] or p["name_en"] for p in places]
    assert len(names) >= 4
    status, _, body = get(server, f"/api/v1/map.svg?{OCTOBER}&regions=UA-14&lang=de")
    assert status == 200
    text = svg_texts(body)
    for name in names:
        assert text.count(name) == 1, name
    assert "Von russischen Truppen eingenommen" in text
    # With the layer off, neither the places' dots nor their key entries are drawn.
    layers = "territory,changes,events,borders"
    status, _, body = get(server, f"/api/v1/map.svg?{OCTOBER}&regions=UA-14&layers={layers}")
    assert status == 200
    assert "Taken by Russian forces" not in svg_texts(body)


def test_german_picture(server):
    status, _, body = get(server, f"/api/v1/map.svg?{OCTOBER}&lang=de&theme=dark")
    assert status == 200
    text = svg_texts(body)
    for expected in (
        "Frontverlauf am 1. November 2024",
        "1.–31. Oktober 2024, alle Regionen: Russland gewann",
        "Russisch kontrolliert",
        "Von Russland gewonnen",
        "Gefechte",
        "Frontlinie: DeepStateMap",
        "Ereignisse: UCDP GED 25.1",
        "Kiew",
    ):
        assert expected in text, expected
    assert "Russian-held" not in text and "Front line on" not in text


def test_a_map_position_zooms_in(server):
    # Pokrovsk at zoom 9, as the explorer's URL gives it: towns near the front are named.
    status, _, body = get(server, f"/api/v1/map.svg?{OCTOBER}&lat=48.28&lon=37.18&z=9")
    assert status == 200
    text = svg_texts(body)
    assert "Pokrovsk" in text and "Myrnohrad" in text and "Kyiv" not in text
    assert "10 km" in text or "20 km" in text


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("width=100", "width"),
        ("width=12e2", "width"),
        ("width=%EF%BC%91%EF%BC%92%EF%BC%90%EF%BC%90", "width"),  # fullwidth digits
        ("height=99999", "height"),
        ("width=800&width=900", "width"),
        ("width=320&height=240", "height"),  # no room for the map under the key
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=30,-89,40,50", "bbox"),  # beyond Web Mercator
        ("bbox=37,48,37.001,48.001", "bbox"),  # smaller than a kilometre
        ("regions=UA-99", "regions"),
        ("datasets=nope", "datasets"),
        ("from=2024-13-01", "from"),
        ("layers=events,roads", "layers"),
        ("lang=fr", "lang"),
        ("theme=sepia", "theme"),
        ("basemap=http://evil.example/", "basemap"),
        ("lat=48&lon=37", "lat"),
        ("lat=48&lon=37&z=30", "z"),
        ("precision=9", "precision"),
        ("q=" + "x" * 300, "q"),
        ("size=800", "size"),
    ],
)
def test_bad_parameters_are_json_400_naming_them(server, query, param):
    for fmt in ("png", "svg"):
        status, headers, body = get(server, f"/api/v1/map.{fmt}?{OCTOBER}&{query}")
        assert status == 400, body[:300]
        assert headers["Content-Type"] == "application/json"
        doc = json.loads(body)
        assert doc["ok"] is False and doc["status"] == 400 and doc["param"] == param
        assert param in doc["error"]


def test_etag_and_304(server):
    path = f"/api/v1/map.png?{OCTOBER}&width=700&height=450"
    status, headers, body = get(server, path)
    assert status == 200 and headers["ETag"]
    status, again, empty = get(server, path, {"If-None-Match": headers["ETag"]})
    assert status == 304 and empty == b"" and again["ETag"] == headers["ETag"]
    other, changed, _ = get(server, path + "&lang=de", {"If-None-Match": headers["ETag"]})
    assert other == 200 and changed["ETag"] != headers["ETag"]
    # The same picture again: the same bytes (drawn once, then from the cache).
    assert get(server, path)[2] == body


def test_svg_is_gzipped_under_its_own_etag(server):
    path = f"/api/v1/map.svg?{OCTOBER}&width=700&height=450"
    plain = get(server, path)
    req = urllib.request.Request(server + path, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        packed, headers = resp.read(), dict(resp.headers)
    import gzip

    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(packed) == plain[2]
    assert len(packed) < len(plain[2]) / 2
    assert headers["ETag"] != plain[1]["ETag"] and "Accept-Encoding" in headers["Vary"]


# -- a new data version ---------------------------------------------------------------------


def _write_events(path: Path, data, name: str, n: int) -> None:
    """``n`` real UCDP events of October 2024 copied under new ids: a dataset of our own."""
    query = Query.from_params({"from": "2024-10-01", "to": "2024-11-01", "datasets": "ucdp"})
    events = data.events(query).head(n)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "date", "latitude", "longitude", "event_type", "location"])
        for i, (_, row) in enumerate(events.iterrows()):
            writer.writerow([f"{name}-{i}", row["date"].date().isoformat(), row.geometry.y,
                             row.geometry.x, row["event_type"], row["location"]])  # fmt: skip


def test_new_data_changes_the_etag_and_the_picture(start_server, tmp_path, data):
    user = tmp_path / "user"
    env = {"FRONTLINE_DATA_DIR": str(user), "FRONTLINE_REFRESH_SECONDS": "1"}
    base = start_server(env)
    path = f"/api/v1/map.svg?{OCTOBER}&width=800&height=500"
    status, before, old_body = get(base, path)
    assert status == 200 and "analysts-file" not in svg_texts(old_body)
    source = tmp_path / "events.csv"
    _write_events(source, data, "analysts-file", 5)
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "ingest", str(source), "--name", "analysts-file"],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status, after, body = get(base, path, {"If-None-Match": before["ETag"]})
        if status == 200:
            break
        assert status == 304
        time.sleep(0.5)
    assert status == 200, "the ETag did not change within 30 s of the ingest"
    assert after["ETag"] != before["ETag"]
    assert after["X-Data-Version"] != before["X-Data-Version"]
    # The new dataset is credited under the map.
    assert "analysts-file" in svg_texts(body)


# -- the queue ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app in this process (its renderer's lock and its queue are this process's)."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    return create_app(Settings(data_dir=tmp_path_factory.mktemp("user")))


@pytest.fixture(scope="module")
def app_client(app):
    return app.server.test_client()


def test_a_sessions_upload_is_in_its_picture_only_and_kept_private(app, data, tmp_path):
    from geo.ingest import read_events

    rt = app.server.config["FRONTLINE_RUNTIME"]
    source = tmp_path / "mine.csv"
    _write_events(source, data, "mine", 4)
    result = read_events(source.read_bytes(), format="auto", name="mine", regions=data.regions)
    sid = "test-session-0123456789"
    rt.store.sessions.save(sid, result.dataset, result.events)
    reader = app.server.test_client()
    with reader.session_transaction() as session:
        session["sid"] = sid
    path = f"/api/v1/map.svg?{OCTOBER}&width=800&height=500"
    mine = reader.get(path)
    assert mine.status_code == 200 and mine.headers["Cache-Control"] == "private, no-store"
    assert "your dataset “mine”" in svg_texts(mine.data)
    other = app.server.test_client().get(path)
    assert other.status_code == 200 and other.headers["Cache-Control"] == "public, max-age=300"
    assert "your dataset" not in svg_texts(other.data)
    assert other.headers["ETag"] != mine.headers["ETag"]


def test_a_long_queue_is_refused_at_once_with_503(app_client):
    from dashboard import picture
    from dashboard.figures import static

    answers = {}
    drawn = f"/api/v1/map.png?{OCTOBER}&width=804&height=600"
    assert app_client.get(drawn).status_code == 200

    def ask(width):
        resp = app_client.get(f"/api/v1/map.png?{OCTOBER}&width={width}&height=600")
        answers[width] = resp.status_code

    # While a picture is being drawn (the renderer's lock held), two requests fill the
    # queue (one drawing, one waiting); the next is refused without waiting.
    with static._LOCK:
        threads = [threading.Thread(target=ask, args=(w,)) for w in (801, 802)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(picture.QUEUE) < picture.QUEUE.most and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(picture.QUEUE) == picture.QUEUE.most == 1 + picture.MAX_WAITING
        started = time.monotonic()
        resp = app_client.get(f"/api/v1/map.png?{OCTOBER}&width=803&height=600")
        assert time.monotonic() - started < 5
        assert resp.status_code == 503 and resp.headers["Retry-After"].isdigit()
        assert resp.headers["Cache-Control"] == "no-store"
        doc = resp.get_json()
        assert doc["ok"] is False and doc["status"] == 503 and "busy" in doc["error"]
        # A picture drawn before is answered from the cache meanwhile.
        assert app_client.get(drawn).status_code == 200
    for thread in threads:
        thread.join(120)
    assert answers == {801: 200, 802: 200}
    assert len(picture.QUEUE) == 0
    assert app_client.get(f"/api/v1/map.png?{OCTOBER}&width=803&height=600").status_code == 200
