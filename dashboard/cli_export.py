"""``frontline export events|changes|snapshot``: the API's files, from the command line.

The same filters and writers as ``/api/v1/...``: canonical CSV with a ``.meta.json``
provenance twin, or RFC 7946 GeoJSON with a top-level ``provenance`` member.
"""

from __future__ import annotations

import json
from pathlib import Path

from geo import export
from geo.errors import FrontlineError
from geo.query import Query

__all__ = ["COMMANDS", "add_parser", "cmd_export"]

FILTERS = ("from", "to", "datasets", "types", "actors", "regions", "precision", "q", "bbox")


def add_parser(sub) -> None:
    """Add ``export`` to the ``frontline`` argument parser."""
    p = sub.add_parser(
        "export",
        help="write events, territory changes or a snapshot as CSV or GeoJSON",
        description="Write the same files as /api/v1 with the same filters. CSV gets a "
        "FILE.meta.json twin with sources, licences, the query and the data version.",
    )
    p.add_argument("what", choices=["events", "changes", "snapshot"])
    p.add_argument("--format", default="csv", choices=["csv", "geojson"])
    p.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    for name in FILTERS:
        p.add_argument(f"--{name}", dest=f"f_{name}", metavar="VALUE",
                       help=f"filter '{name}', as in the API and the explorer URL")  # fmt: skip
    p.add_argument("--by", choices=["day", "week", "month"], help="changes: one row per period")
    p.add_argument("--layer", default="russian_held", help="changes/snapshot: the layer")
    p.add_argument("--date", help="snapshot: the date (the nearest snapshot on or before it)")


def cmd_export(args, out) -> int:
    """Write the requested export and say what was written."""
    from geo.store import FileStore

    store = FileStore()
    params = {k: getattr(args, f"f_{k}") for k in FILTERS if getattr(args, f"f_{k}")}
    query = Query.from_params(params)
    store.regions.check_codes(query.regions)
    version = export.data_version(store.data_dir)
    if args.what == "events":
        events = store.events(query)
        names = list(dict.fromkeys(events["dataset"].astype(str)))
        prov = export.provenance(query.to_params(), version, ["naturalearth", *names], names)
        if args.format == "csv":
            body, rows = export.events_csv(events), len(events)
        else:
            body, rows = json.dumps(export.events_geojson(events, prov)), len(events)
    elif args.what == "changes":
        if not (query.date_from and query.date_to):
            raise FrontlineError("changes need --from and --to", param="from")
        terr = store.territory
        if args.by:
            changes = terr.series(
                query.date_from, query.date_to, args.by, query.regions, args.layer
            )
        else:
            changes = [terr.changes(query.date_from, query.date_to, query.regions, args.layer)]
        prov = export.provenance(query.to_params() | {"by": args.by or "", "layer": args.layer},
                                 version, ["deepstate", "naturalearth"])  # fmt: skip
        rows = len(changes)
        if args.format == "csv":
            body = export.changes_table(changes).to_csv(index=False, lineterminator="\n")
        else:
            body = json.dumps(export.changes_geojson(changes, prov))
    else:
        if not args.date:
            raise FrontlineError("snapshot needs --date", param="date")
        if args.format != "geojson":
            raise FrontlineError("a snapshot is geometry: use --format geojson", param="format")
        snap = store.territory.snapshot(args.date, args.layer)
        prov = export.provenance({"date": args.date, "layer": args.layer}, version,
                                 ["deepstate", "naturalearth"])  # fmt: skip
        body, rows = json.dumps(export.snapshot_geojson(snap, prov)), 1
    args.output.write_text(body, encoding="utf-8")
    out.write(f"wrote {args.output} ({rows:,d} rows)\n")
    if args.format == "csv":
        meta = args.output.with_name(args.output.name + ".meta.json")
        meta.write_text(json.dumps(dict(prov, rows=rows), indent=2), encoding="utf-8")
        out.write(f"wrote {meta}\n")
    return 0


COMMANDS = {"export": cmd_export}
