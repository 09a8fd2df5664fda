"""``frontline update territory``, ``frontline territory import`` and ``frontline status``
(the parsers are in :mod:`dashboard.cli_update`)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from dashboard.cli import store_of
from geo.errors import FrontlineError

__all__ = ["cmd_status", "cmd_territory_import", "cmd_update_territory", "parse_layer_map"]


def cmd_update_territory(args, out) -> int:
    """``frontline update territory``: DeepState's new versions, or a file or URL."""
    store = store_of(args)
    if args.source != "deepstate":
        return _update_from_file(store, args, out)
    from geo.sources.deepstate import TERMS_NOTICE
    from geo.updates.state import read_states
    from geo.updates.territory import update_territory

    if "deepstate" not in read_states(store):
        print(f"Note: {TERMS_NOTICE}", file=sys.stderr)  # shown on first use

    def progress(line: str) -> None:
        print(f"  {line}", file=sys.stderr, flush=True)

    report = update_territory(store, since=args.since, progress=progress)
    if report.up_to_date:
        out.write(f"deepstate: up to date; DeepState's series runs {report.first} to "
                  f"{report.last}\n")  # fmt: skip
        return 0
    resumed = f" ({report.resumed} from a stopped run)" if report.resumed else ""
    out.write(
        f"deepstate: {len(report.dates)} map(s) stored, {report.dates[0]} to "
        f"{report.dates[-1]}: {report.fetched} version(s) fetched{resumed}; "
        f"{report.periods:,d} period(s) computed. Series now {report.first} to {report.last}.\n"
    )
    if report.dropped:
        parts = ", ".join(f"{k} {v:,d}" for k, v in sorted(report.dropped.items()))
        out.write(f"  features left out: {parts}\n")
    return 0


def _update_from_file(store, args, out) -> int:
    """``--source FILE|URL``: a series of control polygons, stored as its own source."""
    source = args.source
    if source.startswith(("http://", "https://")):
        from geo.sources.http import HttpClient

        name = args.name or Path(source.split("?")[0]).stem
        suffix = Path(source.split("?")[0]).suffix or ".geojson"
        body = HttpClient(name).get(source, what=source, accept="*/*").body
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{name}{suffix}"
            path.write_bytes(body)
            return _import(store, path, name, args, out, replace=True)
    path = Path(source)
    if not path.exists():
        raise FrontlineError(f"{source}: no such file (expected 'deepstate', a file or a URL)",
                             param="source")  # fmt: skip
    return _import(store, path, args.name or path.stem, args, out, replace=True)


def cmd_territory_import(args, out) -> int:
    """``frontline territory import FILE --source NAME``."""
    if not args.file.exists():
        raise FrontlineError(f"{args.file}: no such file", param="file")
    return _import(store_of(args), args.file, args.source, args, out, replace=args.replace)


def parse_layer_map(text: str | None) -> dict | None:
    """``VALUE=LAYER,...`` as a dict (``VALUE=`` leaves those polygons out).

    Examples
    --------
    >>> parse_layer_map("Russian-controlled=occupied,Contested=")
    {'Russian-controlled': 'occupied', 'Contested': None}
    """
    if not text:
        return None
    mapping = {}
    for item in text.split(","):
        value, sep, layer = item.partition("=")
        if not sep or not value.strip():
            raise FrontlineError(f"--layer-map: expected VALUE=LAYER, got {item!r}",
                                 param="layer-map")  # fmt: skip
        mapping[value.strip()] = layer.strip() or None
    return mapping


def _import(store, path: Path, name: str, args, out, *, replace: bool) -> int:
    from geo.updates.territory import import_territory

    report = import_territory(
        store, path, name,
        date_field=getattr(args, "date_field", None) or "date",
        layer_field=getattr(args, "layer_field", None) or "layer",
        layers=parse_layer_map(getattr(args, "layer_map", None)), replace=replace,
    )  # fmt: skip
    dates = report.get("dates") or {}
    layers = ", ".join(f"{k} {v:,d}" for k, v in sorted((report.get("layers") or {}).items()))
    out.write(
        f"{name}: {report['features_used']:,d} of {report['features_read']:,d} polygons "
        f"stored as territory source {name!r}: {dates.get('count', 0):,d} dates, "
        f"{dates.get('first')} to {dates.get('last')}; layers: {layers}\n"
    )
    if report.get("crs") and report["crs"] != "EPSG:4326":
        out.write(f"  CRS: {report['crs']}\n")
    if report.get("dropped_by_mapping"):
        out.write(f"  left out by --layer-map: {report['dropped_by_mapping']:,d}\n")
    out.write(f"  figures: frontline area --source {name} ...; URLs: sources={name}\n")
    return 0


def cmd_status(args, out) -> int:
    """``frontline status``: each source's range, last update, last error, next run."""
    from dashboard.cli import settings_of
    from geo.updates.status import data_status

    status = data_status(store_of(args), settings_of(args).stale_days)
    if args.format == "json":
        json.dump(status, out, indent=2)
        out.write("\n")
        return 0
    out.write(f"Data version {status['data_version']}; newest map {status['newest_map']}"
              f" ({status['age_days']} day(s) old"
              f"{', STALE' if status['stale'] else ''})\n")  # fmt: skip
    header = ("source", "kind", "range", "last success", "last error", "next run")
    rows = []
    for s in status["sources"]:
        span = f"{s['first'] or '?'} to {s['last'] or '?'}"
        rows.append((s["source"], s["kind"], span, s["last_success"] or "never",
                     (s["last_error"] or "-")[:80], s["next_run"] or "-"))  # fmt: skip
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    for i, row in enumerate([header, *rows]):
        out.write("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        out.write("\n")
        if i == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    return 0
