"""The ``frontline`` command: serve the app, compute territorial figures, ingest events.

Exit status: 0 success, 1 done but with rejected rows, 2 bad input or unreadable file.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from geo.errors import FrontlineError, StoreUnavailable
from geo.territory import FIGURE_LAYERS
from geo.territory_series import DAILY, edge_may_be_late

ATTRIBUTION = "Front-line data: DeepStateMap (deepstatemap.live). Boundaries: Natural Earth."


def add_store_options(p) -> None:
    """``--store`` and ``--data-dir``, as every command that reads data takes them."""
    p.add_argument(
        "--store",
        default=None,
        help="'file' (default) or a postgresql:// URL (default $FRONTLINE_STORE)",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder of ingested datasets (default $FRONTLINE_DATA_DIR or "
        "~/.local/share/frontline)",
    )


def date_arg(param: str):
    """An argparse ``type`` for an ISO date: a bad one is a usage error (exit 2) whose
    message names ``param`` and what was expected."""

    def parse(value: str):
        from geo.territory import as_date

        try:
            return as_date(value, param)
        except ValueError as exc:  # FrontlineError is a ValueError
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = param
    return parse


def settings_of(args):
    """The settings of this command: the environment, then its options (read once)."""
    from dashboard.settings import Settings

    settings = Settings.from_env()
    every = getattr(args, "update_every", None)
    if every:
        from dashboard.settings import every_seconds

        try:
            every_seconds(every)
        except ValueError as exc:
            raise FrontlineError(str(exc), param="update-every") from None
    return settings.replace(
        store=getattr(args, "store", None),
        data_dir=getattr(args, "data_dir", None),
        cache=getattr(args, "cache", None),
        update_every=every,
    )


def store_of(args):
    """The store the settings of this command name."""
    from geo.stores import open_store

    settings = settings_of(args)
    return open_store(settings.store, user_dir=settings.data_dir)


def _add_area(sub) -> None:
    p = sub.add_parser(
        "area",
        help="km² gained, lost and net between two dates, from the control polygons",
        description=(
            "Territory gained and lost between the snapshot for --from and the snapshot for "
            "--to (each the nearest on or before the date; the dates used are printed). "
            "Areas are measured in an equal-area projection (EPSG:6933). A month is "
            "--from YYYY-MM-01 --to <1st of next month>."
        ),
    )
    p.add_argument(
        "--from",
        dest="date_from",
        required=True,
        metavar="DATE",
        help="start date, ISO (e.g. 2024-10-01)",
    )
    p.add_argument(
        "--to",
        dest="date_to",
        required=True,
        metavar="DATE",
        help="end date, ISO, exclusive (e.g. 2024-11-01 for October)",
    )
    p.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="ISO",
        help="clip to an admin-1 region by ISO 3166-2 code, e.g. UA-14 (Donetsk); "
        "repeat for several (figures for their union)",
    )
    p.add_argument(
        "--source",
        default="deepstate",
        help="whose control polygons: 'deepstate' (default) or a source added with "
        "`frontline territory import`",
    )
    p.add_argument(
        "--layer",
        default="russian_held",
        choices=FIGURE_LAYERS,
        help="russian_held = occupied ∪ occupied before 2022 (default); "
        "ua_held_in_russia = the Kursk incursion",
    )
    p.add_argument(
        "--by",
        choices=["day", "week", "month"],
        help="one row per day, ISO week or calendar month instead of one total",
    )
    p.add_argument(
        "--per-region",
        action="store_true",
        help="one row per oblast (admin-1 region) and period (--by week or month, default "
        "month); the rows of a period add up to its total",
    )
    p.add_argument("--format", default="table", choices=["table", "csv", "json"])
    add_store_options(p)


def _add_ingest(sub) -> None:
    p = sub.add_parser(
        "ingest",
        help="validate an event file and store its accepted events as a dataset",
        description=(
            "Read an ACLED export, a UCDP GED CSV, any CSV with date and coordinate columns, "
            "or GeoJSON points. Every row is accepted or rejected with its row number, column, "
            "value and reason. Exit 0 if all rows were accepted, 1 if some were rejected, "
            "2 if the file could not be read. A dataset that exists already is kept unless "
            "--replace or --append says what to do with it."
        ),
    )
    p.add_argument("file", type=Path, help="the file to read")
    p.add_argument(
        "--format",
        default="auto",
        choices=["auto", "acled", "ucdp", "csv", "geojson"],
        help="input format (default: detected from the header)",
    )
    p.add_argument("--name", help="dataset name (default: the format or the file name)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--replace", action="store_true", help="replace the dataset of that name if there is one"
    )
    mode.add_argument(
        "--append",
        action="store_true",
        help="add to the dataset of that name (an event whose id is there already replaces it)",
    )
    add_store_options(p)
    p.add_argument(
        "--rejects",
        type=Path,
        help="write rejected rows here as CSV (default: <data-dir>/rejects/<name>.csv)",
    )
    for key in ("date", "lat", "lon", "id", "event_type", "location", "notes"):
        p.add_argument(
            f"--{key.replace('_', '-')}-column",
            dest=f"map_{key}",
            metavar="COLUMN",
            help=f"for --format csv: the column holding {key}",
        )


def _add_serve(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the explorer on http://HOST:PORT",
        description="Serve the Frontline explorer and API.",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument(
        "--debug",
        action="store_true",
        help="Dash's development server in debug mode (reloads on edit); never in production",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="gunicorn worker processes (default 1; about one per CPU core)",
    )
    add_store_options(p)
    p.add_argument(
        "--cache",
        default=None,
        help="'memory' (default, per process) or a redis:// URL shared by all workers",
    )
    p.add_argument(
        "--update-every",
        default=None,
        metavar="PERIOD",
        help="fetch DeepState's new maps this often, e.g. 6h (one updater across all "
        "workers and hosts; default $FRONTLINE_UPDATE_EVERY, else never)",
    )


def _add_story(sub) -> None:
    p = sub.add_parser(
        "story",
        help="work with story files (data/stories/*.yaml)",
        description="Stories are what a newsroom embeds beside an article.",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="validate a story file: names every unknown place, bad date or bad claim",
        description="Validate a story file against the offline gazetteer, the admin-1 "
        "regions and data/claims.yaml; print every problem. Exit 0 if none, 2 otherwise.",
    )
    check.add_argument("file", type=Path)
    add_store_options(check)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``frontline`` command."""
    parser = argparse.ArgumentParser(
        prog="frontline",
        description="Frontline: conflict events and front-line changes on a map. "
        "Territorial figures come from DeepStateMap's daily control polygons.",
        epilog=ATTRIBUTION,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_serve(sub)
    _add_area(sub)
    _add_ingest(sub)
    _add_story(sub)
    for module in _extensions():
        module.add_parser(sub)
    return parser


#: Subcommands that live in their own modules (each has add_parser(sub) and COMMANDS).
EXTENSIONS = (
    "dashboard.cli_bench",
    "dashboard.cli_db",
    "dashboard.cli_export",
    "dashboard.cli_measures",
    "dashboard.cli_update",
    "dashboard.cli_check",
)


def _extensions():
    import importlib

    for name in EXTENSIONS:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def cmd_area(args, out) -> int:
    """``frontline area``: print gained/lost/net km² with the snapshot dates used
    (``--per-region``: one row per oblast and period, :func:`geo.measures.per_region`)."""
    if args.per_region:
        from dashboard.cli_measures import write_records
        from geo.measures import PER_REGION_FIELDS, per_region

        records = per_region(store_of(args).current(), args.date_from, args.date_to,
                             args.by or "month", regions=args.region, layer=args.layer,
                             source=args.source)  # fmt: skip
        if args.format == "csv":
            write_records(records, out, PER_REGION_FIELDS)
            return 0
    else:
        territory = store_of(args).current().territory_of(args.source)
        if args.by:
            changes = territory.series(args.date_from, args.date_to, args.by, args.region,
                                       args.layer)  # fmt: skip
        else:
            changes = [territory.changes(args.date_from, args.date_to, args.region, args.layer)]
        records = [c.as_record() for c in changes]
    if args.format == "json":
        json.dump(records, out, indent=2)
        out.write("\n")
    elif args.format == "csv":
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    else:
        _print_area_table(records, args, out)
    return 0


def _print_area_table(records, args, out) -> None:
    region = ",".join(args.region) if args.region else "all"
    out.write(f"Layer {args.layer}, region {region}; km² in EPSG:6933 (equal-area)\n")
    header = ("period", "snapshots used", "gained", "lost", "net")
    rows = [
        (
            f"{r['period_start']} → {r['period_end']}",
            f"{r['from_snapshot']} → {r['to_snapshot']}",
            f"{r['gained_km2']:,.1f}",
            f"{r['lost_km2']:,.1f}",
            f"{r['net_km2']:+,.1f}",
        )
        for r in records
    ]
    left = 2
    if getattr(args, "per_region", False):
        from dashboard.cli_measures import per_region_rows

        header, rows, left = per_region_rows(records, bool(args.region))
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    for i, row in enumerate([header, *rows]):
        cells = [
            c.ljust(w) if j < left else c.rjust(w)
            for j, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.write("  ".join(cells) + "\n")
        if i == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    sources = sorted({s for r in records for s in r["source"].split("+")})
    if args.source in (None, "", "deepstate"):
        out.write(f"Source: {', '.join(sources) or '-'}. {ATTRIBUTION}\n")
    else:
        out.write(f"Source: {args.source} (frontline territory import).\n")
    if any(edge_may_be_late(r["source"]) for r in records):
        out.write(
            f"Note: a snapshot above comes from {DAILY}, fetched each day at about 03:00 "
            "UTC, often before that day's map was out: its edge may be a day late "
            "(`frontline update territory` replaces such days with DeepState's versions).\n"
        )


def cmd_ingest(args, out) -> int:
    """``frontline ingest``: validate, store accepted events, write rejects, summarise."""
    from geo.ingest import read_events, rejects_csv
    from geo.stores import check_dataset_name

    if args.name:
        check_dataset_name(args.name)
    mapping = {k[4:]: v for k, v in vars(args).items() if k.startswith("map_") and v}
    if not args.file.exists():
        raise FrontlineError(f"{args.file}: no such file", param="file")
    store = store_of(args)
    data = store.current()
    result = read_events(args.file, format=args.format, name=args.name, mapping=mapping or None,
                         regions=data.regions)  # fmt: skip
    mode = "replace" if args.replace else "append" if args.append else "new"
    change = None
    if len(result.events):
        change = store.save_dataset(result.dataset, result.events, mode)
    summary = result.summary()
    rejects_path = None
    if len(result.rejects):
        rejects_path = args.rejects or store.user_dir / "rejects" / f"{result.dataset}.csv"
        rejects_path.parent.mkdir(parents=True, exist_ok=True)
        rejects_path.write_text(rejects_csv(result.rejects), encoding="utf-8")
    out.write(f"{args.file}: format {result.format}, dataset {result.dataset}\n")
    out.write(f"  rows read  {summary['rows_read']:>9,d}\n")
    out.write(f"  accepted   {summary['accepted']:>9,d}\n")
    out.write(f"  rejected   {summary['rejected']:>9,d}\n")
    for reason, count in sorted(summary["rejected_by_reason"].items()):
        out.write(f"    {reason:<26s} {count:>7,d}\n")
    if change is not None:
        out.write(f"stored: {change.describe()}\n")
    else:
        out.write("stored: nothing (no row was accepted)\n")
    if rejects_path:
        out.write(f"rejects: {rejects_path}\n")
    return 1 if len(result.rejects) else 0


def cmd_story(args, out) -> int:
    """``frontline story check FILE``: list every problem of a story file."""
    from geo.claims import load_claims
    from geo.stories import check_story

    data = store_of(args).current()
    claims = [c.id for c in load_claims(data.data_dir / "claims.yaml", data.regions)]
    story, problems = check_story(args.file, data.gazetteer, data.regions, claims)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{args.file}: {len(problems)} problem(s)", file=sys.stderr)
        return 2
    out.write(f"{args.file}: ok: {len(story.events)} events, {len(story.claims)} claim(s)\n")
    for e in story.events:
        out.write(f"  {e.n}. {e.date} {e.place} ({e.lat:.4f}, {e.lon:.4f})\n")
    return 0


def cmd_serve(args, out) -> int:
    """``frontline serve``: gunicorn with ``--workers`` processes (Dash's development
    server with ``--debug``)."""
    import logging

    settings = settings_of(args)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if not args.debug:
        from dashboard.serving import serve_with_gunicorn

        return serve_with_gunicorn(settings, args.host, args.port, args.workers)
    from dashboard.app import create_app

    app = create_app(settings)
    out.write(f"Frontline (development server) on http://{args.host}:{args.port}/\n")
    out.flush()
    app.run(host=args.host, port=args.port, debug=True)
    return 0


COMMANDS = {
    "area": cmd_area,
    "ingest": cmd_ingest,
    "serve": cmd_serve,
    "story": cmd_story,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``frontline`` console script."""
    args = build_parser().parse_args(argv)
    commands = dict(COMMANDS)
    for module in _extensions():
        commands.update(module.COMMANDS)
    try:
        return commands[args.command](args, sys.stdout)
    except FrontlineError as exc:
        print(f"frontline {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"frontline {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # a setting with a bad value (Settings.from_env names it)
        if "FRONTLINE_" not in str(exc):
            raise
        print(f"frontline {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
