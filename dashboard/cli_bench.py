"""``frontline bench``: speed at 100k / 1M / 10M GENERATED events, beside a naive Dash app.

GENERATED data only, labelled as such, written to a temp folder and deleted afterwards.
"""

from __future__ import annotations

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
    p.add_argument("--sizes", default="100k,1M,10M", help="comma-separated, e.g. 100k,1M")
    p.add_argument("--quick", action="store_true", help="100k only, few iterations (smoke)")
    p.add_argument("--changes", type=int, default=60, help="filter changes per size")
    p.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    p.add_argument("--json", type=Path, metavar="FILE", help="write the results here")
    p.add_argument("--seed", type=int, default=0)


def cmd_bench(args, out) -> int:
    """Run the benchmark; prints a table, writes ``--json``."""
    from dashboard.bench.generate import SOURCE, generate_events, parse_size, write_dataset
    from dashboard.bench.measure import measure_server
    from dashboard.bench.report import ratios, table
    from geo.stores import FileStore

    sizes = ["100k"] if args.quick else [s for s in args.sizes.split(",") if s.strip()]
    changes = 10 if args.quick else args.changes
    store = FileStore().current()  # the bundled data the generator draws from
    results = []
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
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    doc = {
        "dataset": "generated",
        "source": SOURCE,
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "results": results,
    }
    out.write("\n" + table(results) + "\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=2, default=str))
        out.write(f"wrote {args.json}\n")
    return 0


COMMANDS = {"bench": cmd_bench}
