"""``frontline update territory|events``, ``frontline territory import`` and
``frontline status``: keeping the data current from its sources (:mod:`geo.updates`).

Every update runs under the store's update lock (one at a time across processes and
machines), changes nothing when it fails, says what failed and where, and exits non-zero.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.cli import add_store_options, date_arg

__all__ = ["COMMANDS", "add_parser"]

EVENT_SOURCES = ("ucdp-ged", "ucdp-candidate", "ucdp-api", "acled")


def add_parser(sub) -> None:
    """Add ``update``, ``territory`` and ``status`` to the ``frontline`` parser."""
    p = sub.add_parser(
        "update",
        help="fetch what is new from a source: front lines (territory) or events",
        description="Fetch what the store does not have yet from a source, check it, and "
        "store it in one step: a run that fails or is stopped changes nothing, and the next "
        "run continues. Credentials come from the environment only.",
    )
    what = p.add_subparsers(dest="what", required=True, metavar="WHAT")
    terr = what.add_parser(
        "territory",
        help="new DeepState map versions (or a file or URL of control polygons)",
        description="Fetch DeepState's map versions the store does not have, classify their "
        "polygons by fill colour, keep the last version of each UTC day as the next "
        "morning's map (data/SOURCES.md), store them and extend the precomputed periods. "
        "With --source FILE|URL: a series of control polygons to add as its own source "
        "(see `frontline territory import`).",
    )
    terr.add_argument(
        "--source",
        default="deepstate",
        help="'deepstate' (default; $FRONTLINE_DEEPSTATE_URL overrides the address), or a "
        "GeoJSON/GeoPackage/GeoParquet file or URL",
    )
    terr.add_argument(
        "--since", type=date_arg("since"), help="only map dates on or after this date"
    )
    terr.add_argument(
        "--name", help="with a file or URL: the source name to store it under (default: file)"
    )
    events = what.add_parser(
        "events",
        help="new and revised events from UCDP or ACLED",
        description="Download events, check every row as `frontline ingest` does (rejects "
        "are counted, reported and kept), apply revisions by event id, and store them as a "
        "dataset. UCDP's API needs $FRONTLINE_UCDP_TOKEN; ACLED needs "
        "$FRONTLINE_ACLED_USERNAME and $FRONTLINE_ACLED_PASSWORD (your own account).",
    )
    events.add_argument("--source", required=True, choices=EVENT_SOURCES)
    events.add_argument("--country", default="Ukraine", help="country name (default Ukraine)")
    events.add_argument("--since", type=date_arg("since"), help="only events on or after this date")
    events.add_argument("--name", help="dataset name (default: the source)")
    for action in (terr, events):
        add_store_options(action)

    imp = sub.add_parser(
        "territory",
        help="add another source of control polygons (ISW/CTP layers, your own map)",
    )
    imp_actions = imp.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp_file = imp_actions.add_parser(
        "import",
        help="import a series of control polygons as a named source",
        description="Read a GeoJSON, GeoPackage or GeoParquet series of polygons with a date "
        "and a layer, check it, and store it as source --source. Area figures and the "
        "figure check can then name it (--source, sources= in URLs).",
    )
    imp_file.add_argument("file", type=Path)
    imp_file.add_argument("--source", required=True, help="the source's name, e.g. isw")
    imp_file.add_argument("--date-field", default="date", help="the date column (default date)")
    imp_file.add_argument("--layer-field", default="layer", help="the layer column (default layer)")
    imp_file.add_argument("--layer-map", help="VALUE=LAYER,... (default: values as layers)")
    imp_file.add_argument("--replace", action="store_true", help="replace a source of that name")
    add_store_options(imp_file)

    status = sub.add_parser(
        "status",
        help="each source's range, last update, last error and next scheduled run",
    )
    status.add_argument("--format", choices=["text", "json"], default="text")
    add_store_options(status)


def cmd_update(args, out) -> int:
    """``frontline update territory|events``."""
    if args.what == "events":
        from dashboard.cli_update_events import cmd_update_events

        return cmd_update_events(args, out)
    from dashboard.cli_territory import cmd_update_territory

    return cmd_update_territory(args, out)


def cmd_territory(args, out) -> int:
    """``frontline territory import``."""
    from dashboard.cli_territory import cmd_territory_import

    return cmd_territory_import(args, out)


def cmd_status(args, out) -> int:
    """``frontline status``."""
    from dashboard.cli_territory import cmd_status as run

    return run(args, out)


COMMANDS = {"update": cmd_update, "territory": cmd_territory, "status": cmd_status}
