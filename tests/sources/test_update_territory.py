"""``frontline update territory`` and ``frontline territory import`` as a user runs them: the
real CLI against the loopback imitation of DeepState's API, serving the three real recorded
versions of 1-3 August 2025, into a fresh user data folder.

Where a test needs a version DeepState published later, it serves the recorded 3 August map
under a later id and time: generated for the test, never shown as real data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
import urllib.error
import urllib.request

import pandas as pd
import pytest
from imitation_server import Reply, read_recorded
from pyproj import Geod
from shapely.geometry import shape

from dashboard.cli import main
from geo.areas import area_km2
from geo.stores.files import FileStore

IDS = (1754077960, 1754166026, 1754251105)  # published 1, 2 and 3 August 2025, UTC evenings


def _published(vid: int) -> str:
    return dt.datetime.fromtimestamp(vid, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class DeepState:
    """The imitation's DeepState: ``/public`` (with an ETag) and ``/{id}/geojson``."""

    def __init__(self, imitation, recorded, versions=IDS, bodies=None):
        self.imitation = imitation
        self.bodies = bodies or {
            v: read_recorded(recorded / "deepstate", f"api_history_{v}_geojson.json.xz")
            for v in versions
        }
        self.listed = [{"id": v, "createdAt": _published(v)} for v in versions]
        imitation.route("/public", handler=self.public)
        for v in versions:
            imitation.route(f"/{v}/geojson", Reply(body=self.bodies[v]))

    def public(self, request) -> Reply:
        etag = f'"list-{len(self.listed)}"'
        if request.headers.get("if-none-match") == etag:
            return Reply(304, b"", headers={"ETag": etag})
        return Reply(body=self.listed, headers={"ETag": etag})


@pytest.fixture
def user(tmp_path, monkeypatch, imitation):
    """A fresh user data folder, and DeepState's address pointing at the imitation."""
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FRONTLINE_DEEPSTATE_URL", imitation.url)
    monkeypatch.delenv("FRONTLINE_STORE", raising=False)
    return tmp_path


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def net(capsys, start: str, end: str, *extra) -> float:
    code, out, err = run(capsys, "area", "--from", start, "--to", end, "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)[0]["net_km2"]


def test_the_recorded_versions_replace_the_mornings_of_2_to_4_august(
    imitation, recorded, user, capsys
):
    DeepState(imitation, recorded)
    store = FileStore(user_dir=user)
    before = {d: store.current().territory.snapshot(dt.date(2025, 8, d)) for d in (2, 3, 4)}
    assert {s.source for s in before.values()} == {"deepstate-layers"}

    code, out, err = run(capsys, "update", "territory", "--since", "2025-08-02")
    assert code == 0, err
    assert "3 map(s) stored, 2025-08-02 to 2025-08-04: 3 version(s) fetched" in out
    assert "deepstatemap.live/license" in err  # DeepState's terms, shown on first use
    # Each stored morning is the last version of the day before, with its id and time.
    stored = pd.read_parquet(user / "territory" / "deepstate.parquet")
    held = stored[stored["layer"] == "russian_held"].sort_values("date")
    assert held["version"].tolist() == [str(v) for v in IDS]
    assert [d.date().isoformat() for d in held["date"]] == ["2025-08-02", "2025-08-03",
                                                            "2025-08-04"]  # fmt: skip
    assert held["source_time"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2025-08-01 19:52", "2025-08-02 20:20", "2025-08-03 19:58"]  # fmt: skip
    # Classified by colour, minus Tuzla island: within 5 km² of the bundled layered maps.
    for (day, old), area in zip(before.items(), held["area_km2"], strict=True):
        assert abs(area - float(area_km2(old.geometry))) < 5, day
    assert net(capsys, "2025-08-02", "2025-08-04") == pytest.approx(37.9, abs=1)
    assert net(capsys, "2025-06-01", "2025-07-01") == pytest.approx(556.5, abs=1)
    assert net(capsys, "2025-07-01", "2025-08-01") == pytest.approx(564.2, abs=1)
    # Polite: Frontline's User-Agent, at most one request a second (server's clock).
    received = imitation.requests()
    assert all("Frontline" in r.headers.get("user-agent", "") for r in received)
    gaps = [b.time - a.time for a, b in itertools.pairwise(received)]
    assert len(received) == 4 and min(gaps) >= 0.95

    # Again: a conditional list request (304), nothing written, the record says when.
    version = FileStore(user_dir=user).data_version()
    code, out, _ = run(capsys, "update", "territory")
    assert code == 0 and "up to date" in out
    assert imitation.requests("/public")[-1].headers.get("if-none-match") == '"list-3"'
    assert FileStore(user_dir=user).data_version() == version
    code, out, _ = run(capsys, "status", "--format", "json")
    deepstate = next(s for s in json.loads(out)["sources"] if s["source"] == "deepstate")
    assert deepstate["last_success"] and deepstate["last_error"] is None


def test_a_run_stopped_half_way_changes_nothing_and_the_next_continues(
    imitation, recorded, user, capsys
):
    ds = DeepState(imitation, recorded)
    imitation.route(f"/{IDS[1]}/geojson", Reply(body=ds.bodies[IDS[1]], cut=True))
    store = FileStore(user_dir=user)
    version = store.data_version()
    code, before, _ = run(capsys, "area", "--from", "2025-08-01", "--to", "2025-08-05")

    code, out, err = run(capsys, "update", "territory", "--since", "2025-08-02")
    assert code == 2 and out == ""
    assert re.search(r"deepstate.*version 1754166026", err), err
    assert FileStore(user_dir=user).data_version() == version
    assert run(capsys, "area", "--from", "2025-08-01", "--to", "2025-08-05")[1] == before
    state = json.loads((user / "updates.json").read_text())["sources"]["deepstate"]
    assert "1754166026" in state["last_error"] and state["last_success"] is None
    assert len(list((user / "territory" / "staging" / "deepstate").glob("*.parquet"))) == 1

    # The source recovers: the next run takes the staged map and fetches the other two.
    imitation.route(f"/{IDS[1]}/geojson", Reply(body=ds.bodies[IDS[1]]))
    fetched = len(imitation.requests(f"/{IDS[0]}/geojson"))
    code, out, err = run(capsys, "update", "territory", "--since", "2025-08-02")
    assert code == 0, err
    assert "2 version(s) fetched (1 from a stopped run)" in out
    assert len(imitation.requests(f"/{IDS[0]}/geojson")) == fetched
    assert net(capsys, "2025-08-02", "2025-08-04") == pytest.approx(37.9, abs=1)
    assert not list((user / "territory" / "staging" / "deepstate").glob("*.parquet"))


def test_a_polygon_of_unknown_colour_and_http_errors_change_nothing(
    imitation, recorded, user, capsys
):
    ds = DeepState(imitation, recorded, versions=IDS[:1])
    collection = json.loads(ds.bodies[IDS[0]])
    feature = next(f for f in collection["features"] if f["geometry"]["type"] == "Polygon")
    feature["properties"] = {"name": "test: a colour DeepState never used", "fill": "#123456"}
    imitation.route(f"/{IDS[0]}/geojson", Reply(body=collection))
    version = FileStore(user_dir=user).data_version()
    code, _, err = run(capsys, "update", "territory", "--since", "2025-08-02")
    assert code == 2 and "#123456" in err and "1754077960" in err
    imitation.route("/public", Reply(401, {"message": "Unauthorized"}))
    code, _, err = run(capsys, "update", "territory", "--since", "2025-08-02")
    assert code == 2 and "deepstate" in err and "401" in err and "version list" in err
    assert FileStore(user_dir=user).data_version() == version


def test_a_429_is_retried_after_the_delay_the_source_asks_for(imitation, recorded, user, capsys):
    ds = DeepState(imitation, recorded, versions=IDS[:1])
    imitation.route(
        f"/{IDS[0]}/geojson",
        Reply(429, {"message": "slow down"}, headers={"Retry-After": "2"}),
        Reply(body=ds.bodies[IDS[0]]),
    )
    code, _, err = run(capsys, "update", "territory", "--since", "2025-08-02")
    assert code == 0, err
    first, retry = imitation.requests(f"/{IDS[0]}/geojson")
    assert retry.time - first.time >= 1.95


def test_imported_control_polygons_are_a_source_of_their_own(user, tmp_path, capsys):
    # Generated for the test: two squares near Pokrovsk, "occupied" on 2 and 9 August 2025.
    features = [
        {"type": "Feature", "properties": {"day": "2025-08-02", "status": "Russian"},
         "geometry": _square(37.0, 48.2, 0.1)},
        {"type": "Feature", "properties": {"day": "2025-08-09", "status": "Russian"},
         "geometry": _square(37.0, 48.2, 0.2)},
        {"type": "Feature", "properties": {"day": "2025-08-09", "status": "contested"},
         "geometry": _square(37.3, 48.2, 0.1)},
    ]  # fmt: skip
    path = tmp_path / "newsroom-map.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    code, out, err = run(capsys, "territory", "import", str(path), "--source", "newsroom",
                         "--date-field", "day", "--layer-field", "status",
                         "--layer-map", "Russian=occupied,contested=")  # fmt: skip
    assert code == 0, err
    assert "2 of 3 polygons stored as territory source 'newsroom'" in out
    geod = Geod(ellps="WGS84")
    sizes = [abs(geod.geometry_area_perimeter(shape(f["geometry"]))[0]) / 1e6
             for f in features[:2]]  # fmt: skip
    assert net(capsys, "2025-08-02", "2025-08-09", "--source", "newsroom") == pytest.approx(
        sizes[1] - sizes[0], rel=0.002
    )
    # DeepState's figure is unchanged beside it, and a name that is no source is named.
    assert net(capsys, "2025-08-02", "2025-08-04") == pytest.approx(37.9, abs=1)
    code, _, err = run(capsys, "area", "--from", "2025-08-02", "--to", "2025-08-09",
                       "--source", "isw")  # fmt: skip
    assert code == 2 and "unknown territory source 'isw'" in err and "newsroom" in err
    code, _, err = run(capsys, "territory", "import", str(path), "--source", "newsroom")
    assert code == 2 and "no field 'date'" in err  # the default field is missing: named
    code, _, err = run(capsys, "territory", "import", str(path), "--source", "newsroom",
                       "--date-field", "day", "--layer-field", "status",
                       "--layer-map", "Russian=occupied,contested=")  # fmt: skip
    assert code == 2 and "--replace" in err


def test_the_figure_check_names_every_loaded_source_beside_deepstate(
    user, tmp_path, capsys, start_server
):
    # Generated for the test: "occupied" squares in Donetsk oblast on 1 Oct and 1 Nov 2024.
    small, large = _square(37.0, 48.2, 0.1), _square(37.0, 48.2, 0.2)
    features = [
        {"type": "Feature", "properties": {"date": "2024-10-01", "layer": "occupied"},
         "geometry": small},
        {"type": "Feature", "properties": {"date": "2024-11-01", "layer": "occupied"},
         "geometry": large},
    ]  # fmt: skip
    path = tmp_path / "own.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert run(capsys, "territory", "import", str(path), "--source", "own-map")[0] == 0
    geod = Geod(ellps="WGS84")
    gained = (abs(geod.geometry_area_perimeter(shape(large))[0])
              - abs(geod.geometry_area_perimeter(shape(small))[0])) / 1e6  # fmt: skip

    base = start_server({"FRONTLINE_DATA_DIR": str(user)})
    with urllib.request.urlopen(f"{base}/api/v1/claims.json") as resp:
        claims = json.load(resp)["claims"]
    donetsk = next(c for c in claims if c["id"] == "afp-isw-donetsk-2024-10")
    (other,) = donetsk["other_sources"]
    assert other["source"] == "own-map" and other["checked"]
    assert other["region"]["km2"] == pytest.approx(gained, rel=0.002)
    assert (other["from_snapshot"], other["to_snapshot"]) == ("2024-10-01", "2024-11-01")
    assert donetsk["region"]["km2"] == pytest.approx(398.6, abs=1)  # DeepState's, unchanged
    # The card a reader sees (the story embed's first paint) names the source and its dates.
    slug = "worldscope-2024-11-04-north-korean-troops"
    with urllib.request.urlopen(f"{base}/embed/story/{slug}?lang=de") as resp:
        page = resp.read().decode()
    assert "Karten von own-map, gleiche Region und Daten" in page
    assert "1. Oktober 2024 – 1. November 2024" in page
    # Figures of the source through the API, and a source that does not exist named.
    query = "from=2024-10-01&to=2024-11-01&regions=UA-14"
    with urllib.request.urlopen(f"{base}/api/v1/territory/changes.csv?{query}&source=own-map") as r:
        rows = list(csv.DictReader(io.StringIO(r.read().decode())))
    assert float(rows[0]["net_km2"]) == pytest.approx(gained, rel=0.002)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{base}/api/v1/territory/changes.csv?{query}&source=isw")
    body = json.load(err.value)
    assert err.value.code == 400 and body["param"] == "source" and "own-map" in body["error"]


def _square(x0, y0, size):
    """A closed square ring as a GeoJSON Polygon (generated test geometry)."""
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}
