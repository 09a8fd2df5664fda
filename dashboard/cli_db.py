"""``frontline db init|load``: create the PostGIS schema and load data into it.

``init`` creates the ``postgis`` extension and the ``frontline`` schema (idempotent).
``load`` loads the bundled data (events, territory, boundaries) and/or one event file read
through :func:`geo.ingest.read_events` (the same checks as ``frontline ingest``).
"""

from __future__ import annotations

from pathlib import Path

from geo.errors import FrontlineError, StoreUnavailable

__all__ = ["COMMANDS", "add_parser", "cmd_db"]


def add_parser(sub) -> None:
    """Add ``db`` and its actions to the ``frontline`` argument parser."""
    p = sub.add_parser(
        "db",
        help="create and fill the PostGIS store (see README, Deploy)",
        description="Create the PostGIS schema and load data into it.",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = actions.add_parser("init", help="create the postgis extension and the tables")
    load = actions.add_parser(
        "load",
        help="load the bundled data, or an event file with --file",
        description="Without --file: the bundled events, territory and boundaries. With "
        "--file: that event file (any format `frontline ingest` reads) as dataset --name; "
        "add --bundled to load both.",
    )
    for action in (init, load):
        action.add_argument(
            "--store", default=None, help="postgresql:// URL (default $FRONTLINE_STORE)"
        )
    load.add_argument("--file", type=Path, help="an event file to validate and load")
    load.add_argument("--name", help="dataset name for --file (default: from the file)")
    load.add_argument(
        "--format", default="auto", choices=["auto", "acled", "ucdp", "csv", "geojson"]
    )
    load.add_argument(
        "--bundled", action="store_true", help="with --file: also (re)load the bundled data"
    )
    mode = load.add_mutually_exclusive_group()
    mode.add_argument("--replace", action="store_true", help="with --file: replace the dataset")
    mode.add_argument(
        "--append", action="store_true", help="with --file: add to the dataset (ids replace)"
    )
    for action in (init, load):
        action.add_argument(
            "--data-dir", type=Path, help="bundled data folder (default: the packaged data/)"
        )


def _open(args):
    from dashboard.settings import Settings
    from geo.stores import open_store

    settings = Settings.from_env().replace(store=args.store)
    url = settings.store
    if not (url or "").startswith(("postgresql://", "postgres://")):
        raise FrontlineError(
            f"store: expected a postgresql:// URL (--store or FRONTLINE_STORE), got {url!r}",
            param="store",
        )
    return open_store(url, data_dir=args.data_dir, user_dir=settings.data_dir)


def cmd_db(args, out) -> int:
    """``frontline db init|load``; exit 0 on success, 2 on bad input or no database."""
    try:
        store = _open(args)
        store.init()
        if args.action == "init":
            out.write(f"{store!r}: schema frontline ready\n")
            return 0
        return _load(store, args, out)
    except StoreUnavailable as exc:
        out.write(f"frontline db: {exc} ({exc.__cause__})\n")
        return 2
    finally:
        if "store" in locals():
            store.close()


def _load(store, args, out) -> int:
    from geo.stores.postgis_load import load_bundled

    if args.file is None or args.bundled:
        with store.connection() as conn:
            counts = load_bundled(conn, store.data_dir)
        for name, n in counts.items():
            out.write(f"  {name:<22s} {n:>9,d}\n")
    if args.file is None:
        return 0
    from geo.ingest import read_events
    from geo.stores import check_dataset_name

    if args.name:
        check_dataset_name(args.name)
    if not args.file.exists():
        raise FrontlineError(f"{args.file}: no such file", param="file")
    result = read_events(args.file, format=args.format, name=args.name)
    mode = "replace" if args.replace else "append" if args.append else "new"
    if len(result.events):
        change = store.save_dataset(result.dataset, result.events, mode)
        out.write(f"{args.file}: {change.describe()}\n")
    out.write(
        f"{args.file}: dataset {result.dataset}: {len(result.events):,d} accepted, "
        f"{len(result.rejects):,d} rejected (`frontline ingest --rejects` lists them)\n"
    )
    return 1 if len(result.rejects) else 0


COMMANDS = {"db": cmd_db}
