"""Every deploy shape the README offers, run as its users run it: ``frontline serve
--workers 2`` over (file store, memory cache), (file store, Redis) and (PostGIS, Redis),
driven by real Chromium.

For each shape: the explorer works on the very first request to each worker; a filter
change redraws the map, the timeline and the figures; Donetsk in October 2024 shows the
same km² everywhere; data loaded while the server runs (``frontline ingest`` or ``db load
--file``) reaches every worker within 10 s, with a new ETag; and a reader's upload is seen
by that reader only, from another browser neither in the page nor through the API.
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from browser_kit import (
    EVENT_POINTS_JS,
    alert_shown,
    choose,
    dropdown_options,
    new_browser,
    open_explorer,
    severe_console_errors,
    text,
)
from browser_wait import settle, wait_for
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.formatting import fmt_km2
from geo.query import Query

ROOT = Path(__file__).resolve().parents[2]
SHAPES = ["file-memory", "file-redis", "postgis-redis"]
OCTOBER = "from=2024-10-01&to=2024-11-01"


class Shape:
    """A running deploy shape: its base URL, environment and store."""

    def __init__(self, name, base, env):
        self.name, self.base, self.env = name, base, env
        self.host, self.port = urllib.parse.urlsplit(base).netloc.split(":")

    def connection(self) -> http.client.HTTPConnection:
        """A new connection: the operating system hands it to one of the workers."""
        return http.client.HTTPConnection(self.host, int(self.port), timeout=30)

    def frontline(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "dashboard.cli", *map(str, args)],
            cwd=ROOT, env={**os.environ, **self.env}, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip


@pytest.fixture(scope="module", params=SHAPES)
def shape(request, start_server, tmp_path_factory):
    name = request.param
    env = {
        "FRONTLINE_DATA_DIR": str(tmp_path_factory.mktemp(f"shape-{name}")),
        # In memory too, every cached value must pickle, as it would in Redis.
        "FRONTLINE_CACHE_CHECK": "1",
        "FRONTLINE_REFRESH_SECONDS": "1",
    }
    if name.endswith("redis"):
        redis_url = request.getfixturevalue("redis_url")
        env["FRONTLINE_CACHE"] = redis_url.rsplit("/", 1)[0] + "/14"
        import redis

        redis.Redis.from_url(env["FRONTLINE_CACHE"]).flushdb()
    if name.startswith("postgis"):
        env["FRONTLINE_STORE"] = request.getfixturevalue("pg_url")
    return Shape(name, start_server(env, ("--workers", "2"), ready="tcp"), env)


@pytest.fixture
def reader(tmp_path):
    """A new reader: a fresh Chromium profile (no cookies, no cache)."""
    driver = new_browser(tmp_path / "profile")
    yield driver
    driver.quit()


def _pid_and(shape, path, headers=None):
    """Which worker answered (``/healthz``) and its answer to ``path``, on one connection."""
    conn = shape.connection()
    try:
        conn.request("GET", "/healthz")
        pid = json.loads(conn.getresponse().read())["pid"]
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return pid, resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def _every_worker(shape, path, check, timeout=10.0, headers=None):
    """Ask on new connections until both workers have answered ``path`` and ``check``
    holds for each; the answers by worker."""
    deadline, answers = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        pid, status, resp_headers, body = _pid_and(shape, path, headers)
        if check(status, resp_headers, body):
            answers[pid] = (status, resp_headers, body)
            if len(answers) == 2:
                return answers
        else:
            answers.pop(pid, None)
            time.sleep(0.2)
    pytest.fail(f"{shape.name}: not every worker answered {path} as expected within "
                f"{timeout} s (good answers from {sorted(answers)})")  # fmt: skip


def _get(base: str, path: str) -> tuple[int, bytes]:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_first_requests_to_every_worker_work(shape, server, tmp_path):
    # The first test of each shape, right after the server listens and before any request:
    # what a browser does on a first visit, Dash's script bundles fetched at once on
    # several connections. A worker that had not rendered a page yet answered 500 ("dash
    # is not a registered library") to all but the first of them, and the page was white.
    # (The bundles' addresses come from another server of the same install.)
    page = _get(server, "/")[1].decode()
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page)
    assert scripts, "the page names no Dash scripts"
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda p=path: statuses.append(_get(shape.base, p)[0]))
        for path in scripts * 3
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [200] * len(threads)
    for n in range(3):
        driver = new_browser(tmp_path / f"first-{n}")
        try:
            open_explorer(driver, shape.base, "?lang=en")
            assert severe_console_errors(driver) == []
            assert alert_shown(driver) is None, alert_shown(driver)
        finally:
            driver.quit()


def test_filter_change_redraws_map_timeline_and_figures(shape, reader, data):
    open_explorer(reader, shape.base, f"?{OCTOBER}&lang=en")
    settle(reader)
    figures = text(reader, "#fig-net-value")
    timeline = reader.execute_script(
        "return JSON.stringify(document.querySelector('#timeline .js-plotly-plot').data"
        ".map(t => t.x))"
    )
    box = reader.find_element(By.ID, "date-from")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("2024-08-01", Keys.ENTER)
    after = fmt_km2(data.territory.changes("2024-08-01", "2024-11-01").net_km2, "en", sign=True)
    wait_for(reader, lambda d: text(d, "#fig-net-value") == after, f"figures != {after}")
    assert after != figures
    wait_for(
        reader,
        lambda d: (
            d.execute_script(
                "return JSON.stringify(document.querySelector('#timeline .js-plotly-plot').data"
                ".map(t => t.x))"
            )
            != timeline
        ),
        "the timeline was not redrawn",
    )
    expected = len(data.events(Query.from_params({"from": "2024-08-01", "to": "2024-11-01"})))
    wait_for(reader, lambda d: d.execute_script(EVENT_POINTS_JS) == expected, "map not redrawn")
    assert severe_console_errors(reader) == [] and alert_shown(reader) is None


def test_donetsk_october_2024_is_the_same_in_every_shape(shape, reader, data):
    expected = fmt_km2(data.territory.changes("2024-10-01", "2024-11-01", "UA-14").net_km2,
                       "en", sign=True)  # fmt: skip
    assert expected == "+398.6 km²"
    open_explorer(reader, shape.base, f"?{OCTOBER}&regions=UA-14&lang=en")
    wait_for(reader, lambda d: text(d, "#fig-net-value") == expected, f"net != {expected}")
    _, status, _, body = _pid_and(shape, f"/api/v1/territory/changes.csv?{OCTOBER}&regions=UA-14")
    assert status == 200 and b",398.6,deepstate-layers" in body


def _write_events(path: Path, data, name: str, n: int) -> list[str]:
    """A small event file: ``n`` real UCDP events of October 2024 under new ids."""
    events = data.events(Query.from_params({**dict(urllib.parse.parse_qsl(OCTOBER)),
                                            "datasets": "ucdp"})).head(n)  # fmt: skip
    ids = [f"{name}-{i}" for i in range(len(events))]
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "date", "latitude", "longitude", "event_type", "location"])
        for i, (_, row) in zip(ids, events.iterrows(), strict=True):
            writer.writerow([i, row["date"].date().isoformat(), row.geometry.y, row.geometry.x,
                             row["event_type"], row["location"]])  # fmt: skip
    return ids


def test_data_loaded_while_serving_reaches_every_worker(shape, reader, data, tmp_path):
    name = f"loaded-{shape.name}"
    export = f"/api/v1/events.csv?{OCTOBER}"
    before = _every_worker(shape, export, lambda s, h, b: s == 200)
    old_etag = next(iter(before.values()))[1]["ETag"]
    source = tmp_path / "new-events.csv"
    _write_events(source, data, name, 5)
    if shape.name.startswith("postgis"):
        done = shape.frontline("db", "load", "--file", source, "--name", name, "--replace")
    else:
        done = shape.frontline("ingest", source, "--name", name, "--replace")
    assert done.returncode == 0, done.stdout + done.stderr
    try:
        mine = f"/api/v1/events.csv?{OCTOBER}&datasets={name}"
        answers = _every_worker(shape, mine, lambda s, h, b: s == 200 and b.count(b"\n") == 6)
        # A client holding the old ETag gets the new data, from every worker.
        fresh = _every_worker(shape, export, lambda s, h, b: s == 200,
                              headers={"If-None-Match": old_etag})  # fmt: skip
        assert all(h["ETag"] != old_etag for _, h, _ in fresh.values())
        assert len({h["X-Data-Version"] for _, h, _ in answers.values()}) == 1
        open_explorer(reader, shape.base, f"?{OCTOBER}&lang=en")
        assert name in dropdown_options(reader, "datasets")
        choose(reader, "datasets", name)
        wait_for(reader, lambda d: text(d, "#fig-events-value") == "5", "5 events not shown")
        wait_for(reader, lambda d: f"datasets={name}" in d.current_url, "URL not updated")
    finally:
        _remove(shape, name)


def _remove(shape, name: str) -> None:
    from geo.stores import open_store

    store = open_store(shape.env.get("FRONTLINE_STORE", "file"),
                       user_dir=Path(shape.env["FRONTLINE_DATA_DIR"]))  # fmt: skip
    store.remove_dataset(name)
    store.close()


def test_an_upload_is_seen_by_its_reader_only(shape, data, tmp_path):
    alice, bob = new_browser(tmp_path / "alice"), new_browser(tmp_path / "bob")
    try:
        upload = tmp_path / "my-confidential-events.csv"
        _write_events(upload, data, "secret", 4)
        name = "my-confidential-events"
        open_explorer(alice, shape.base, f"?{OCTOBER}&lang=en")
        settle(alice)
        alice.find_element(By.CSS_SELECTOR, "#upload input[type=file]").send_keys(str(upload))
        wait_for(alice, lambda d: "4" in (text(d, "#upload-status") or "") and name in (
            text(d, "#upload-status") or ""), "the upload was not accepted", 60)  # fmt: skip
        assert name in dropdown_options(alice, "datasets")
        choose(alice, "datasets", name)
        wait_for(alice, lambda d: text(d, "#fig-events-value") == "4", "upload not on the map")
        # Alice's own download has her events, and no cache may keep it for others.
        got = alice.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0]).then(r => r.text().then(t => done([r.status,"
            " r.headers.get('Cache-Control'), t])));",
            f"/api/v1/events.csv?{OCTOBER}&datasets={name}",
        )
        assert got[0] == 200 and got[2].count("\n") == 5 and got[1] == "private, no-store"
        # Bob, in another browser, sees none of it: not in the page, not through the API.
        open_explorer(bob, shape.base, f"?{OCTOBER}&lang=en")
        assert name not in dropdown_options(bob, "datasets")
        open_explorer(bob, shape.base, f"?{OCTOBER}&datasets={name}&lang=en")
        assert text(bob, "#fig-events-value") != "4"
        for _ in range(4):  # whichever worker answers
            _, status, _, body = _pid_and(shape, f"/api/v1/events.csv?datasets={name}")
            assert status == 400 and b"unknown dataset" in body
        assert severe_console_errors(alice) == [] and severe_console_errors(bob) == []
    finally:
        alice.quit()
        bob.quit()
