"""Measure one running server: cold start, filter changes, bytes per view, memory, export.

The server is a real subprocess (``frontline serve`` or the naive app) on a free localhost
port; every figure comes from its HTTP endpoints (:mod:`dashboard.bench.client`) and from
``/proc/<pid>/status`` (VmHWM, the peak resident set), so nothing in-process is trusted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

from dashboard.bench.client import DashClient, Traffic, fetch
from dashboard.bench.generate import END, START

__all__ = ["filter_changes", "measure_server", "running"]

ROOT = Path(__file__).resolve().parents[2]
TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")
REGIONS = ("UA-14", "UA-63", "UA-23", "UA-65", "RU-BEL")
TEXTS = ("", "Kharkiv", "front", "Kupiansk", "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def filter_changes(n: int, seed: int = 1) -> list[dict]:
    """``n`` varied single-control changes (dates, types, regions, precision, text), as a
    reader makes them one after another; the same list for every server."""
    rng = random.Random(seed)
    span = (END - START).days
    out = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            start = START + dt.timedelta(days=rng.randrange(0, span - 120))
            length = rng.choice([7, 31, 31, 92])
            out.append(
                {
                    ("date-from", "value"): start.isoformat(),
                    ("date-to", "value"): (start + dt.timedelta(days=length)).isoformat(),
                }
            )
        elif kind == 1:
            out.append({("types", "value"): rng.sample(TYPES, rng.randrange(0, 3))})
        elif kind == 2:
            out.append({("regions", "value"): rng.sample(REGIONS, rng.randrange(0, 2))})
        elif kind == 3:
            out.append({("exact-only", "value"): rng.choice(["all", "2", "1"])})
        else:
            out.append({("text-search", "value"): rng.choice(TEXTS)})
    return out


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _wait(base: str, proc, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"server did not answer in {timeout:.0f} s")
        time.sleep(0.01)  # the cold start is timed to the first answer: poll closely


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def measure_server(
    kind: str,
    data_dir: Path,
    *,
    changes: int,
    n_events: int,
    log_dir: Path,
    timeout: float = 600,
) -> dict:
    """Start ``kind`` ("frontline" or "naive") over ``data_dir`` and measure it.

    Returns a dict with ``cold_start_s``, ``filter_p50_ms``, ``filter_p95_ms``,
    ``view_bytes``, ``view_bytes_gzip``, ``step_bytes``, ``step_bytes_gzip``,
    ``peak_rss_bytes``, ``export_rows_per_s`` (None when the app has no export).
    """
    with running(kind, data_dir, log_dir, timeout) as (base, proc, t0):
        client = DashClient(base)
        view = Traffic()
        client.load(view)
        result = {"cold_start_s": time.perf_counter() - t0}
        result |= {"view_bytes": view.raw_bytes, "view_bytes_gzip": view.wire_bytes}
        times = []
        for change in filter_changes(changes):
            traffic = Traffic()
            client.change(change, traffic)
            times.append(traffic.seconds * 1000)
        result |= {"filter_p50_ms": _pct(times, 50), "filter_p95_ms": _pct(times, 95)}
        result["filter_changes"] = len(times)
        result |= _step(client, kind)
        result["export_rows_per_s"] = _export(base, n_events) if kind == "frontline" else None
        result["peak_rss_bytes"] = _peak_rss(proc.pid)
        return result


@contextlib.contextmanager
def running(kind: str, data_dir: Path, log_dir: Path, timeout: float = 600):
    """Run ``kind`` ("frontline" or "naive") over ``data_dir`` on a free localhost port
    until the block ends; yields (base URL, process, start time) once it answers ``/``.
    Its output goes to ``<log_dir>/<kind>.log``."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if kind == "frontline":
        cmd = [sys.executable, "-m", "dashboard.cli", "serve", "--port", str(port)]
    else:
        cmd = [sys.executable, "-m", "dashboard.bench.naive_app", "--port", str(port)]
    env = {**os.environ, "FRONTLINE_DATA_DIR": str(data_dir)}
    log = Path(log_dir) / f"{kind}.log"
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(base, proc, timeout)
        yield base, proc, t0
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


#: The view a playback step is measured on: October 2024, every event (the filters the
#: filter changes left behind, such as a text search, would leave almost nothing to draw).
STEP_VIEW = {
    ("date-from", "value"): "2024-10-01",
    ("date-to", "value"): "2024-11-01",
    ("types", "value"): [],
    ("regions", "value"): [],
    ("exact-only", "value"): "all",
    ("text-search", "value"): "",
}


def _step(client: DashClient, kind: str) -> dict:
    """Bytes of playback on :data:`STEP_VIEW`. Frontline sends the whole period's frames
    once (the browser draws each day itself): that answer over its 32 days is one step's
    share. For the naive app, what one step costs it (the whole figure rebuilt for one
    more week)."""
    client.change(STEP_VIEW, Traffic())
    traffic = Traffic()
    if kind == "frontline":
        client.change({("play-request", "data"): {"n": 1, "step": "day"}}, traffic)
        days = 32  # 1 October to 1 November 2024, both drawn
        return {
            "step_bytes": traffic.raw_bytes / days,
            "step_bytes_gzip": traffic.wire_bytes / days,
        }
    else:
        client.change({("date-to", "value"): "2024-10-08"}, traffic)
    return {"step_bytes": traffic.raw_bytes, "step_bytes_gzip": traffic.wire_bytes}


def _export(base: str, n_events: int) -> float:
    """Rows per second of ``/api/v1/events.csv`` over about a million rows."""
    span = (END - START).days + 1
    days = max(1, int(span * min(1.0, 1_000_000 / max(n_events, 1))))
    params = f"from={START.isoformat()}&to={(START + dt.timedelta(days=days)).isoformat()}"
    raw, _wire, secs = fetch(f"{base}/api/v1/events.csv?{params}")
    # Rows of generated events (ids "generated:…", quoted or not; notes have no newlines).
    rows = raw.count(b"generated:")
    return rows / secs if secs else float("nan")
