"""Load and fault test of `frontline serve --workers 2` on loopback (``make loadtest``).

Phases, each bounded in time:

1. steady: ``--readers`` embed readers (GET /embed, its /_dash-layout and
   /_dash-dependencies, and the CSV an embed links to) plus ``--analysts`` analysts, for
   ``--duration`` s. Half the analysts use the explorer as a browser does: they load it and
   change filters, which sends the explorer's own callback requests
   (/_dash-update-component, through :class:`dashboard.bench.client.DashClient`); a page
   whose error banner comes up counts as an error ("alert"), even when every request
   answered 200. The other half call the API with varied filters.
2. worker-kill: the same load for ``--fault-duration`` s; half-way one gunicorn worker gets
   SIGKILL. Only requests in flight on it may fail; gunicorn starts a new one.
3. pg-restart (only with ``--store postgresql://...``): half-way, PostGIS is stopped for
   ``--pg-down`` seconds (longer than the pool waits) and started again. Requests fail with
   503 JSON while the database is down, then recover.

Prints a table; ``--json FILE`` writes the numbers. Python standard library and the
bench's Dash client only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EMBEDS = [
    "from=2024-10-01&to=2024-11-01&regions=UA-14",
    "from=2024-08-01&to=2024-09-01",
    "from=2023-01-01&to=2024-01-01&types=Battles",
]
ANALYST_PATHS = [
    "/api/v1/events.geojson?from={a}&to={b}&regions={r}",
    "/api/v1/events.csv?from={a}&to={b}&precision=1&types=Battles",
    "/api/v1/territory/changes.csv?from={a}&to={b}&regions={r}&by=month",
    "/api/v1/events.geojson?from={a}&to={b}&q=oblast",
]
REGIONS = ["UA-14", "UA-23", "UA-09", "UA-65", "UA-14,UA-23"]
# From May 2022: the territory record starts in April 2022 (earlier months are a 400).
MONTHS = [f"{y}-{m:02d}-01" for y in (2022, 2023, 2024) for m in range(1, 13)][4:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    def __init__(self):
        self.rows: list[tuple[float, float, int, str]] = []  # start, seconds, status, kind
        self.lock = threading.Lock()

    def add(self, start, seconds, status, kind):
        with self.lock:
            self.rows.append((start, seconds, status, kind))


def request(conn_box, port, path, rec, kind, headers=None):
    start = time.time()
    status = 0
    for attempt in (1, 2):
        reused = conn_box[0] is not None
        status = _once(conn_box, port, path, headers)
        # Like a browser, retry once when a kept-alive connection turns out to be dead
        # before it answered (its worker was killed while it sat idle).
        if status != -1 or not reused or attempt == 2:
            break
        rec.add(start, 0.0, -2, kind)
    rec.add(start, time.time() - start, status, kind)


def _once(conn_box, port, path, headers):
    try:
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn = conn_box[0]
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        resp.read()
        status = resp.status
        if resp.will_close:
            conn.close()
            conn_box[0] = None
        return status
    except (OSError, http.client.HTTPException):
        if conn_box[0] is not None:
            conn_box[0].close()
        conn_box[0] = None
        return -1  # connection reset / refused / timed out


def reader(port, deadline, rec):
    box = [None]
    while time.time() < deadline:
        qs = random.choice(EMBEDS)
        url = f"/embed?{qs}"
        request(box, port, url, rec, "embed")
        request(box, port, "/_dash-layout", rec, "layout",
                {"Referer": f"http://127.0.0.1:{port}{url}"})  # fmt: skip
        request(box, port, "/_dash-dependencies", rec, "deps")
        request(box, port, f"/api/v1/events.csv?{qs}", rec, "csv")
        time.sleep(random.uniform(0.5, 1.5))  # a reader looks at the map


def analyst(port, deadline, rec):
    box = [None]
    while time.time() < deadline:
        i = random.randrange(len(MONTHS) - 3)
        path = random.choice(ANALYST_PATHS).format(
            a=MONTHS[i], b=MONTHS[i + random.randint(1, 3)], r=random.choice(REGIONS)
        )
        request(box, port, path, rec, "analyst")
        time.sleep(random.uniform(0.1, 0.5))


def explorer(port, deadline, rec):
    """An analyst in the explorer: a page load, then filter changes, each firing the
    callbacks a browser would."""
    import urllib.error

    from dashboard.bench.client import DashClient, Traffic

    while time.time() < deadline:
        client = DashClient(f"http://127.0.0.1:{port}")
        actions = [("load", None)] + [
            ("change", {("date-from", "value"): MONTHS[i], ("regions", "value"): [r]})
            for i, r in ((random.randrange(len(MONTHS) - 4), random.choice(REGIONS)),
                         (random.randrange(len(MONTHS) - 4), random.choice(REGIONS)))
        ]  # fmt: skip
        for kind, updates in actions:
            if time.time() >= deadline:
                return
            traffic, start, status = Traffic(), time.time(), 200
            try:
                if kind == "load":
                    client.load(traffic, "/?lang=en")
                else:
                    client.change(updates, traffic)
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                status = -1
            alert = client.props.get("error-alert", {})
            if status == 200 and alert.get("hidden") is False:
                status = "alert"  # every request answered, and the page shows an error
            # One row per request the action made (their mean time: the client times each).
            n = max(traffic.requests, 1)
            for _ in range(n):
                rec.add(start, traffic.seconds / n, status, "explorer")
            time.sleep(random.uniform(0.2, 0.8))  # an analyst reads the map


def workers_of(master: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            out.append(int(stat.parent.name))
    return sorted(out)


def run_phase(name, port, duration, readers, analysts, fault=None):
    rec = Recorder()
    t0 = time.time()
    deadline = t0 + duration
    threads = [threading.Thread(target=reader, args=(port, deadline, rec), daemon=True)
               for _ in range(readers)]  # fmt: skip
    # Half the analysts in the explorer (callback requests), half on the API.
    threads += [threading.Thread(target=explorer if i % 2 == 0 else analyst,
                                 args=(port, deadline, rec), daemon=True)
                for i in range(analysts)]  # fmt: skip
    for t in threads:
        t.start()
    fault_at, fault_info = None, {}
    if fault:
        time.sleep(duration / 2)
        fault_at = time.time()
        fault_info = fault()
    for t in threads:
        t.join(timeout=duration + 60)
    return summarise(name, rec.rows, time.time() - t0, fault_at, fault_info)


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def summarise(name, rows, elapsed, fault_at, fault_info):
    retried = sum(1 for r in rows if r[2] == -2)
    rows = [r for r in rows if r[2] != -2]
    ok = [r for r in rows if isinstance(r[2], int) and 200 <= r[2] < 400]
    lat = [r[1] * 1000 for r in ok]
    by_status: dict[str, int] = {}
    for r in rows:
        if not (isinstance(r[2], int) and 200 <= r[2] < 400):
            key = "conn_error" if r[2] == -1 else str(r[2])
            by_status[key] = by_status.get(key, 0) + 1
    out = {
        "phase": name, "requests": len(rows), "seconds": round(elapsed, 1),
        "rps": round(len(rows) / elapsed, 1), "ok": len(ok),
        "p50_ms": round(pct(lat, 50) or 0, 1), "p95_ms": round(pct(lat, 95) or 0, 1),
        "p99_ms": round(pct(lat, 99) or 0, 1), "errors": by_status,
        "retried_stale_keepalive": retried, **fault_info,
    }  # fmt: skip
    if fault_at:
        failed = [r for r in rows if not (isinstance(r[2], int) and 200 <= r[2] < 400)]
        last_fail = max((r[0] + r[1] for r in failed), default=None)
        out["fault_at_s"] = round(fault_at - min(r[0] for r in rows), 1)
        out["failures_after_fault"] = sum(1 for r in failed if r[0] + r[1] >= fault_at)
        # A database outage must fail cleanly: 503 with the JSON error, nothing else.
        out["failures_not_503"] = sum(1 for r in failed if r[2] != 503)
        # Seconds from the fault to the end of the last failed request.
        out["recovered_after_s"] = round(last_fail - fault_at, 1) if last_fail else 0.0
        tail = [r for r in rows if r[0] > (last_fail or fault_at)]
        out["ok_after_recovery"] = sum(1 for r in tail if r in ok)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=60, help="steady phase, seconds")
    p.add_argument("--fault-duration", type=float, default=20, help="each fault phase, s")
    p.add_argument("--readers", type=int, default=200)
    p.add_argument("--analysts", type=int, default=20)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--store", help="postgresql:// URL (adds the PostGIS restart phase)")
    p.add_argument("--cache", help="e.g. redis://127.0.0.1:6379/0")
    p.add_argument("--pg-down", type=float, default=8, help="seconds PostGIS stays stopped")
    p.add_argument("--json", type=Path, help="write the results here")
    args = p.parse_args(argv)

    port = free_port()
    (ROOT / "bench-results").mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "dashboard.cli", "serve", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(args.workers)]  # fmt: skip
    for key in ("store", "cache"):
        if getattr(args, key):
            cmd += [f"--{key}", getattr(args, key)]
    log = open(ROOT / "bench-results" / "loadtest-server.log", "w")  # noqa: SIM115 (open for the whole run)
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    results = []
    try:
        wait_ready(port, server)
        results.append(run_phase("steady", port, args.duration, args.readers, args.analysts))

        def kill_worker():
            victims = workers_of(server.pid)
            os.kill(victims[0], signal.SIGKILL)
            return {"killed_pid": victims[0]}

        results.append(run_phase("worker-kill", port, args.fault_duration, args.readers,
                                 args.analysts, kill_worker))  # fmt: skip
        results[-1]["workers_after"] = len(workers_of(server.pid))
        if args.store:

            def restart_pg():
                # Down for longer than the store's pool waits (3 s), as a slow restart or a
                # failover is: requests must then get a clean 503, and recover after.
                t = time.time()
                subprocess.run(["pg_ctlcluster", "15", "main", "stop"], check=True)
                time.sleep(args.pg_down)
                subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=True)
                return {"pg_down_s": round(time.time() - t, 1)}

            results.append(run_phase("pg-restart", port, args.fault_duration, args.readers,
                                     args.analysts, restart_pg))  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    print_table(results, args)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def wait_ready(port, server, limit=180):
    deadline = time.time() + limit
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited: see {ROOT / 'bench-results' / 'loadtest-server.log'}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("server did not become ready")


def print_table(results, args):
    # Never print a password from the URL.
    store = re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", args.store or "file")
    cache = args.cache or "memory"
    print(f"frontline serve --workers {args.workers} store={store} cache={cache}; "
          f"{args.readers} readers + {args.analysts} analysts")  # fmt: skip
    head = ("phase", "reqs", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
    rows = [
        (r["phase"], r["requests"], r["rps"], r["p50_ms"], r["p95_ms"], r["p99_ms"],
         ", ".join(f"{k}:{v}" for k, v in r["errors"].items()) or "0")
        for r in results
    ]  # fmt: skip
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    for row in [head, *rows]:
        print("  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))
    for r in results:
        extra = {k: v for k, v in r.items() if k in (
            "killed_pid", "workers_after", "pg_down_s", "fault_at_s", "retried_stale_keepalive",
            "failures_after_fault", "failures_not_503", "recovered_after_s",
            "ok_after_recovery")}  # fmt: skip
        if extra:
            print(f"{r['phase']}: {extra}")


if __name__ == "__main__":
    sys.exit(main())
