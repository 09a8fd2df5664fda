"""``frontline serve --workers 2 --update-every 1h`` as deployed: exactly one worker fetches
DeepState's new map, both workers then serve the new data version, and a reader's page says
how current the data is.

The imitation of DeepState's API serves one version published 20 August 2025 18:00 UTC,
whose map is the real recorded 3 August 2025 version: generated for the test (a real map
under a made-up date), never shown as real data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_kit import open_explorer, text
from browser_wait import wait_for

from dashboard.formatting import fmt_date
from geo.stores.files import FileStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sources"))
from imitation_server import RECORDED, Imitation, Reply, read_recorded

PUBLISHED = dt.datetime(2025, 8, 20, 18, 0, tzinfo=dt.UTC)
VID = int(PUBLISHED.timestamp())


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.read().decode()


def test_one_scheduled_update_across_two_workers_and_the_page_says_as_of(
    page, start_server, tmp_path
):
    if not RECORDED.is_dir():
        pytest.skip("recorded DeepState payloads not found next to the repository")
    imitation = Imitation()
    try:
        body = read_recorded(RECORDED / "deepstate", "api_history_1754251105_geojson.json.xz")
        imitation.route("/public", Reply(body=[{"id": VID, "createdAt":
                                                "2025-08-20T18:00:00.000Z"}]))  # fmt: skip
        imitation.route(f"/{VID}/geojson", Reply(body=body))
        bundled = FileStore(user_dir=tmp_path).data_version()
        base = start_server(
            {"FRONTLINE_DATA_DIR": str(tmp_path), "FRONTLINE_DEEPSTATE_URL": imitation.url},
            args=("--workers", "2", "--update-every", "1h"),
        )
        # Until both workers answer with the new version (the watcher switches each whole).
        seen: dict[int, str] = {}
        deadline = time.time() + 90
        while time.time() < deadline:
            health = json.loads(_get(f"{base}/healthz"))
            seen[health["pid"]] = health["data_version"]
            if len(seen) == 2 and bundled not in seen.values():
                break
            time.sleep(0.2)
        assert len(seen) == 2 and bundled not in seen.values(), seen
        assert len(set(seen.values())) == 1
        time.sleep(3)  # the other worker's scheduler has ticked by now: it must not run
        assert len(imitation.requests("/public")) == 1
        assert len(imitation.requests(f"/{VID}/geojson")) == 1

        # The morning of 21 August now comes from DeepState's version, not the daily series.
        csv_text = _get(f"{base}/api/v1/territory/changes.csv?from=2025-08-20&to=2025-08-21")
        (row,) = csv.DictReader(io.StringIO(csv_text))
        assert row["source"] == "deepstate-cyterat+deepstate-layers"
        # Figures beyond km² extend over the new map too, for any length of period (the
        # settlement table is rebuilt for the new data version, not refused beyond 92 days).
        settled = _get(f"{base}/api/v1/territory/settlements.csv?from=2025-06-01&to=2025-12-01")
        places = list(csv.DictReader(io.StringIO(settled)))
        assert places and all(p["first_held"] for p in places)
        # The reader's page says how current the data is, and that the newest map is old.
        open_explorer(page, base, "?lang=en", 40)
        today = fmt_date(dt.datetime.now(dt.UTC).date(), "en")
        line = text(page, "#data-as-of")
        assert "Data as of 22 August 2026 (newest front-line map)" in line
        assert f"Last update: {today}" in line
        warning = text(page, "#stale-warning")
        assert "The newest front-line map is from 22 August 2026" in warning
        wait_for(page, lambda d: d.find_element("id", "stale-warning").is_displayed(),
                 "stale warning hidden", 5)  # fmt: skip
        head = urllib.request.urlopen(f"{base}/api/v1/events.csv?from=2024-10-01&to=2024-10-02")
        assert head.headers["X-Data-As-Of"].startswith("map=2026-08-22; updated=")
        assert "never" not in head.headers["X-Data-As-Of"]
    finally:
        imitation.close()
