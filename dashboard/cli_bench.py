"""``frontline bench``: speed at 100k / 1M / 10M GENERATED events, beside a naive Dash app,
and what a reader feels in headless Chromium on the bundled data (and at 1M).

GENERATED data only, labelled as such, written to a temp folder and deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import tempfile
import time
from pathlib import Path

__all__ = ["COMMANDS", "add_parser", "cmd_bench"]

#: The naive app holds every event as Python objects and ships them all: above this it
#: would take tens of GiB and minutes per view, so it is skipped (and the JSON says why).
NAIVE_MAX = 1_000_000
#: Generated sizes measured in the browser too, besides the bundled data. Each browser pass
#: took under 3 minutes here (2 cores; the whole bench 7.5 minutes). Not at 10M: the naive
#: app cannot run there (NAIVE_MAX), and Frontline sends a browser at most 5,000 marks a
#: view at any size, as at 1M.
BROWSER_SIZES = ("1M",)


def add_parser(sub) -> None:
    """Register ``frontline bench``."""
    p = sub.add_parser(
        "bench",
        help="benchmark the real server on GENERATED events against a naive Dash app",
        description=(
            "Generates events (GENERATED FOR BENCHMARK — not real events) into a temp "
            "folder, starts the real server and a naive baseline on each size and measures "
            "cold start, filter-change server time, bytes per view and per playback step, "
            "peak memory and CSV export throughput."
        ),
    )
    p.add_argument(
        "--sizes", default="100k,1M,10M", help="comma-separated, e.g. 100k,1M ('': none)"
    )
    p.add_argument("--quick", action="store_true", help="100k only, few iterations (smoke)")
    p.add_argument("--changes", type=int, default=60, help="filter changes per size")
    p.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    p.add_argument(
        "--browser",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure in headless Chromium (first map, filter change to map redrawn, "
        "playback step, embed transfer) on the bundled data and at "
        + ", ".join(BROWSER_SIZES)
        + "; --quick: bundled data, fewest runs",
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="write the results here")
    p.add_argument("--seed", type=int, default=0)


def cmd_bench(args, out) -> int:
    """Run the benchmark; prints a table, writes ``--json``."""
    from dashboard.bench.generate import SOURCE, generate_events, parse_size, write_dataset
    from dashboard.bench.measure import measure_server
    from dashboard.bench.report import browser_table, ratios, table
    from geo.stores import FileStore

    sizes = ["100k"] if args.quick else [s for s in args.sizes.split(",") if s.strip()]
    changes = 10 if args.quick else args.changes
    store = FileStore().current()  # the bundled data the generator draws from
    results, browser, browser_skipped = [], [], None
    if args.browser:
        from dashboard.bench.browser import browser_missing

        browser_skipped = browser_missing()
        if browser_skipped:
            out.write(f"browser figures skipped: {browser_skipped}\n")
        else:
            browser.append(_browser_bundled(store, args, out))
    for label in sizes:
        n = parse_size(label)
        tmp = Path(tempfile.mkdtemp(prefix=f"frontline-bench-{label}-"))
        try:
            t = time.perf_counter()
            write_dataset(generate_events(store, n, seed=args.seed), tmp)
            gen_s = time.perf_counter() - t
            out.write(f"{label}: generated {n:,} events in {gen_s:.1f} s ({SOURCE})\n")
            out.flush()
            # The same number of changes at every size: p95 needs at least 50 of them.
            k = changes
            entry = {"size": label, "events": n, "generate_s": round(gen_s, 1)}
            entry["frontline"] = measure_server(
                "frontline", tmp, changes=k, n_events=n, log_dir=tmp
            )
            if args.no_naive:
                entry["naive"], entry["naive_skipped"] = None, "--no-naive"
            elif n > NAIVE_MAX:
                entry["naive"] = None
                entry["naive_skipped"] = (
                    f"above {NAIVE_MAX:,} events the naive app would ship every point "
                    "(~11 bytes each, hundreds of MB per view) and hold them as Python "
                    "objects; it exhausts memory and time on this machine"
                )
            else:
                entry["naive"] = measure_server("naive", tmp, changes=k, n_events=n, log_dir=tmp)
            entry["ratios"] = ratios(entry["frontline"], entry["naive"])
            results.append(entry)
            out.write(table([entry]) + "\n")
            out.flush()
            if args.browser and not browser_skipped and not args.quick and label in BROWSER_SIZES:
                naive_dir = None if args.no_naive or n > NAIVE_MAX else tmp
                browser.append(_browser_pass(label, tmp, naive_dir, args, out))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    doc = {
        "dataset": "generated",
        "source": SOURCE,
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "results": results,
        "browser": browser,
        "browser_skipped": browser_skipped,
    }
    if results:
        out.write("\n" + table(results) + "\n")
    if browser:
        out.write("\n" + browser_table(browser) + "\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=2, default=str))
        out.write(f"wrote {args.json}\n")
    return 0


def _browser_bundled(store, args, out) -> dict:
    """The browser pass on the bundled (real) events: Frontline over them as shipped, the
    naive app over the same events copied to the one file it reads."""
    tmp = Path(tempfile.mkdtemp(prefix="frontline-bench-bundled-"))
    try:
        user, naive = tmp / "user", tmp / "naive"
        user.mkdir()
        naive_dir = None
        if not args.no_naive:
            # The naive app reads only <dir>/datasets/generated.parquet: the real events go
            # there under that name, in this temp folder only, for it alone.
            (naive / "datasets").mkdir(parents=True)
            store.events().to_parquet(naive / "datasets" / "generated.parquet")
            naive_dir = naive
        return _browser_pass("bundled", user, naive_dir, args, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _browser_pass(label: str, frontline_dir: Path, naive_dir: Path | None, args, out) -> dict:
    """Frontline and (when ``naive_dir``) the naive app, each served over its folder and
    measured in headless Chromium; prints the table, returns the entry."""
    from dashboard.bench.browser import PLANS, measure_browser
    from dashboard.bench.measure import running
    from dashboard.bench.report import BROWSER_FIELDS, browser_table, ratios

    plan = PLANS["quick" if args.quick else "full"]
    entry: dict = {"data": label, "plan": "quick" if args.quick else "full"}
    work = Path(tempfile.mkdtemp(prefix=f"frontline-bench-browser-{label}-"))
    t = time.perf_counter()
    try:
        for kind, folder in (("frontline", frontline_dir), ("naive", naive_dir)):
            if folder is None:
                entry[kind] = None
                entry[f"{kind}_skipped"] = "--no-naive" if args.no_naive else "above NAIVE_MAX"
                continue
            out.write(f"{label}: {kind} in headless Chromium\n")
            out.flush()
            try:
                with running(kind, folder, work) as (base, _proc, _t0):
                    entry[kind] = measure_browser(
                        base, kind, plan=plan, work_dir=work / kind, log=out
                    )
            except RuntimeError as exc:  # the server did not start: say so, go on
                entry[kind] = {"na": {}, "errors": {"server": str(exc)}}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    entry["seconds"] = round(time.perf_counter() - t)
    entry["ratios"] = ratios(entry["frontline"] or {}, entry["naive"], BROWSER_FIELDS)
    out.write(browser_table([entry]) + f"\n({label}: browser pass {entry['seconds']} s)\n")
    out.flush()
    return entry


COMMANDS = {"bench": cmd_bench}
