"""Build the tables derived from the bundled snapshots and gazetteer: settlements that
changed hands (settlements.parquet) and the front's length (front_length.parquet).

Run from the repository root:  python scripts/build_derived.py [--data data] [--only front]

Reads only data/ (territory.parquet, admin1.parquet, countries.parquet, places.parquet) and
writes each table atomically next to them, with the fingerprints of the snapshots it was
computed from in the Parquet metadata (a table that does not match is not used by the app).
Re-running it on the same data gives the same files.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.front import FRONT_FILE, ContactLine, FrontTable, build_front_table  # noqa: E402
from geo.regions import Regions  # noqa: E402
from geo.settlements import SETTLEMENTS_FILE, build_settlement_table  # noqa: E402
from geo.territory import Territory  # noqa: E402

PARTS = ("settlements", "front")


def _atomic(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``: a
    server reading the folder sees the old file or the new one, never half of one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_settlements(data: Path, territory: Territory, regions: Regions) -> str:
    places = pd.read_parquet(data / "places.parquet")
    table = build_settlement_table(territory, places, regions)
    _atomic(data / SETTLEMENTS_FILE, table.write)
    moves = table.changes[(table.changes["kind"] == "side") & table.changes["prev_date"].notna()]
    return (
        f"{len(table.changes):,d} rows, {len(moves):,d} changes of side, "
        f"{len(table.places):,d} places"
    )


def build_front(data: Path, territory: Territory, regions: Regions) -> str:
    frame, prints = build_front_table(territory, ContactLine(regions))
    _atomic(data / FRONT_FILE, lambda p: FrontTable.write(frame, prints, p))
    return f"{len(frame):,d} rows"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the data folder")
    parser.add_argument("--only", nargs="*", choices=PARTS, help="build only these tables")
    args = parser.parse_args(argv)
    data = args.data
    regions = Regions.from_data_dir(data)
    territory = Territory.from_data_dir(data, regions)
    builders = {"settlements": build_settlements, "front": build_front}
    for part in args.only or PARTS:
        started = time.perf_counter()
        what = builders[part](data, territory, regions)
        print(f"{part:12s} {what} in {time.perf_counter() - started:.1f} s")
    for name in (SETTLEMENTS_FILE, FRONT_FILE):
        path = data / name
        if path.exists():
            print(f"{name:28s} {path.stat().st_size:>10,d} bytes")


if __name__ == "__main__":
    main()
