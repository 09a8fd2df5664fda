"""``frontline export events|changes|snapshot``: the API's files, from the command line.

The same checks and writers as ``/api/v1/...`` (:func:`geo.downloads.prepare`): canonical
CSV with a ``.meta.json`` provenance twin, or RFC 7946 GeoJSON with a top-level
``provenance`` member, cut from the store the settings name (``--store``).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["COMMANDS", "add_parser", "cmd_export"]

FILTERS = ("from", "to", "datasets", "types", "actors", "regions", "precision", "q", "bbox")


def add_parser(sub) -> None:
    """Add ``export`` to the ``frontline`` argument parser."""
    from dashboard.cli import add_store_options

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
    add_store_options(p)


def cmd_export(args, out) -> int:
    """Write the requested export and say what was written."""
    from dashboard.cli import store_of
    from geo.downloads import prepare

    params = {k: getattr(args, f"f_{k}") for k in FILTERS if getattr(args, f"f_{k}")}
    for key in ("by", "date"):
        if getattr(args, key):
            params[key] = getattr(args, key)
    params["layer"] = args.layer
    data = store_of(args).current()
    download = prepare(data, args.what, args.format, params)
    with open(args.output, "w", encoding="utf-8", newline="") as target:
        for chunk in download.chunks():
            target.write(chunk)
    out.write(f"wrote {args.output} ({download.rows:,d} rows)\n")
    if args.format == "csv":
        meta = args.output.with_name(args.output.name + ".meta.json")
        meta.write_text(download.meta(), encoding="utf-8")
        out.write(f"wrote {meta}\n")
    return 0


COMMANDS = {"export": cmd_export}
