"""``frontline settlements | front | speed | distance``: the measures beyond km²
(:mod:`geo.measures`) on the command line, as a table for a person, CSV or JSON.

Every table ends with the source series and the snapshot dates used, and the attribution.
"""

from __future__ import annotations

import csv
import json

from dashboard.cli import ATTRIBUTION, add_store_options, store_of

__all__ = ["COMMANDS", "add_parser", "per_region_rows", "write_records"]

GEONAMES = "Places: GeoNames (geonames.org), CC BY 4.0."
FORMATS = ("table", "csv", "json")
_OUTCOMES = {"to_ru": "to Russia", "to_ua": "to Ukraine", "contested": "contested",
             "reverted": "changed and back"}  # fmt: skip


def _dates(p) -> None:
    p.add_argument("--from", dest="date_from", required=True, metavar="DATE",
                   help="start date, ISO (e.g. 2024-10-01)")  # fmt: skip
    p.add_argument("--to", dest="date_to", required=True, metavar="DATE",
                   help="end date, ISO, exclusive (e.g. 2024-11-01 for October)")  # fmt: skip


def _common(p, by: bool = False, region: bool = False) -> None:
    _dates(p)
    if region:
        p.add_argument("--region", action="append", default=[], metavar="ISO",
                       help="an admin-1 region by ISO 3166-2 code, e.g. UA-14 (Donetsk); "
                       "repeat for several")  # fmt: skip
    if by:
        p.add_argument("--by", choices=["day", "week", "month"],
                       help="one row per day, ISO week or month (default: days, or weeks "
                       "beyond 400 days)")  # fmt: skip
    p.add_argument("--format", default="table", choices=FORMATS)
    add_store_options(p)


def add_parser(sub) -> None:
    """Add ``settlements``, ``front``, ``speed`` and ``distance`` to the ``frontline`` parser."""
    p = sub.add_parser(
        "settlements",
        help="settlements that changed hands between two dates",
        description="Every populated place of the bundled gazetteer (GeoNames; in Ukraine "
        "places of 1,000 inhabitants or more) whose point passed from Ukrainian-held to "
        "Russian-held ground or back between the snapshot for --from and the one for --to. "
        "A place that flipped back and forth within 14 days is 'contested'.",
    )
    _common(p, region=True)
    p.add_argument("--lang", default="en", choices=["en", "de"], help="language of names")
    p = sub.add_parser(
        "front",
        help="length of the front line (line of contact) in km",
        description="The length of the line of contact inside Ukraine on the snapshot in "
        "force at the start of each period, in km on the WGS84 ellipsoid, with borders and "
        "coasts left out; and the Kursk salient's line while it held ground.",
    )
    _common(p, by=True)
    p = sub.add_parser(
        "speed",
        help="km² a day over rolling 7- and 30-day windows",
        description="Net km² taken a day over the 7 and 30 days before each day, and how the "
        "last whole month up to --to ranks (the largest monthly gain since ...).",
    )
    _common(p, region=True)
    p = sub.add_parser(
        "distance",
        help="distance from a place to Russian-held ground",
        description="The shortest distance in km on the ellipsoid from a gazetteer place "
        "to Russian-held ground, per period, with the nearest approach between the dates.",
    )
    p.add_argument("place", help="place name in English, German, Ukrainian or Russian")
    p.add_argument("--admin1", metavar="ISO", help="the place's region, e.g. UA-14")
    p.add_argument("--country", metavar="CC", help="the place's country, e.g. UA")
    _common(p, by=True)


def write_records(records: list[dict], out, fields=None) -> None:
    """Records as CSV, formula-looking cells neutralised; the header is ``fields``, else
    the first record's keys."""
    from geo.export import neutralise_formula

    fields = list(fields or (records[0] if records else ()))
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({k: neutralise_formula(v) for k, v in rec.items()})


def _emit(args, out, result, rows: list[dict], table, fields=None) -> int:
    if args.format == "json":
        json.dump(result, out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif args.format == "csv":
        write_records(rows, out, fields)
    else:
        table(out)
    return 0


def _table(out, header, rows, left: int = 1) -> None:
    """Columns padded to their widths; the first ``left`` columns left-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    for i, row in enumerate([header, *rows]):
        cells = [str(c).ljust(w) if j < left else str(c).rjust(w)
                 for j, (c, w) in enumerate(zip(row, widths, strict=True))]  # fmt: skip
        out.write("  ".join(cells).rstrip() + "\n")
        if i == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def _source(out, source: str, extra: str = "") -> None:
    sources = ", ".join(sorted(set(source.split("+")))) if source else "-"
    out.write(f"Source: {sources}. {ATTRIBUTION}{' ' + extra if extra else ''}\n")


def _km(value) -> str:
    return "-" if value is None else f"{value:,.1f}"


def per_region_rows(records: list[dict], filtered: bool) -> tuple[tuple, list[tuple], int]:
    """``frontline area --per-region``'s table: header, rows (each period's oblasts, then
    their sum) and how many columns are left-aligned."""
    header = ("period", "snapshots used", "region", "gained", "lost", "net")
    rows = [] if records else [("", "", "no region gained or lost ground", "0.0", "0.0", "0.0")]
    keys = ("gained_km2", "lost_km2", "net_km2")
    for i, r in enumerate(records):
        name = r["region_name"] or "outside every oblast"
        rows.append((f"{r['period_start']} → {r['period_end']}",
                     f"{r['from_snapshot']} → {r['to_snapshot']}", f"{name} ({r['region']})",
                     f"{r['gained_km2']:,.1f}", f"{r['lost_km2']:,.1f}",
                     f"{r['net_km2']:+,.1f}"))  # fmt: skip
        if i + 1 == len(records) or records[i + 1]["period_start"] != r["period_start"]:
            mine = [x for x in records if x["period_start"] == r["period_start"]]
            g, lo, net = (round(sum(x[k] for x in mine), 1) for k in keys)
            label = "sum of these regions" if filtered else "all regions (sum)"
            rows.append(("", "", label, f"{g:,.1f}", f"{lo:,.1f}", f"{net:+,.1f}"))
    return header, rows, 3


def cmd_settlements(args, out) -> int:
    """``frontline settlements``: the places that changed hands, with names, dates, regions."""
    from geo.measures import settlements

    data = store_of(args).current()
    rec = settlements(data, args.date_from, args.date_to, args.region, args.lang)

    def table(out):
        where = ", ".join(args.region) if args.region else "all regions"
        out.write(f"Settlements that changed hands, {rec['period_start']} → "
                  f"{rec['period_end']}, {where}\n")  # fmt: skip
        header = ("first held", "place", "Ukrainian", "region", "outcome", "via grey zone")
        rows = [
            (p["first_held"], p["name"], p["name_uk"], f"{p['region_name']} ({p['admin1']})",
             _OUTCOMES[p["outcome"]], {True: "yes", False: "no"}.get(p["via_grey"], "unknown"))
            for p in rec["places"]
        ]  # fmt: skip
        if rows:
            _table(out, header, rows, left=len(header))
        c = rec["summary"]
        out.write(
            f"{c['total']} settlement(s): {c['to_ru']} to Russia, {c['to_ua']} to Ukraine, "
            f"{c['contested']} contested, {c['reverted']} changed and back\n"
        )
        for layer, s in rec["snapshots"].items():
            if s:
                out.write(f"Snapshots used ({layer}): {s['from_snapshot']} → "
                          f"{s['to_snapshot']} ({s['source']})\n")  # fmt: skip
        _source(out, rec["source"], GEONAMES)

    from geo.measures import PLACE_FIELDS

    return _emit(args, out, rec, rec["places"], table, PLACE_FIELDS)


def cmd_front(args, out) -> int:
    """``frontline front``: the front's length per day, week or month."""
    from geo.measures import front_length

    data = store_of(args).current()
    rows = front_length(data, args.date_from, args.date_to, args.by)

    def table(out):
        out.write("Length of the front line (line of contact in Ukraine; km on the WGS84 "
                  "ellipsoid, borders and coasts left out)\n")  # fmt: skip
        header = ("period", "snapshot", "km", "Kursk salient km")
        body = [(f"{r['period_start']} → {r['period_end']}", r["snapshot"], _km(r["km"]),
                 _km(r["kursk_km"])) for r in rows]  # fmt: skip
        _table(out, header, body, left=2)
        _source(out, "+".join(r["source"] for r in rows))

    return _emit(args, out, rows, rows, table)


def cmd_speed(args, out) -> int:
    """``frontline speed``: km² a day over rolling windows, and the largest monthly gain."""
    from geo.measures import speed

    data = store_of(args).current()
    rec = speed(data, args.date_from, args.date_to, args.region)

    def table(out):
        where = ", ".join(args.region) if args.region else "all regions"
        windows = rec["windows"]
        out.write(f"Net km² a day over rolling windows, {where} (km² in EPSG:6933)\n")
        by_day: dict[str, dict] = {}
        for r in rec["series"]:
            by_day.setdefault(r["date"], {})[r["window_days"]] = r
        header = ("date", *(f"{w}-day km²/day" for w in windows),
                  *(f"{w}-day snapshots" for w in windows))  # fmt: skip
        body = []
        for day, recs in by_day.items():
            speeds = [recs[w]["km2_per_day"] for w in windows]
            snaps = [f"{recs[w]['from_snapshot']} → {recs[w]['to_snapshot']}" for w in windows]
            body.append((day, *("-" if s is None else f"{s:+,.2f}" for s in speeds), *snaps))
        _table(out, header, body)
        big = rec["largest_monthly_gain"]
        if big:
            since = big["last_exceeded"]
            tail = (f"the largest since {since['month']} ({since['value']:+,.1f} km²)"
                    if since else f"the largest since the record's first month, "
                    f"{big['first_month']}")  # fmt: skip
            out.write(f"Net gain in {big['month']} ({big['from_snapshot']} → "
                      f"{big['to_snapshot']}): {big['value']:+,.1f} km², {tail}\n")  # fmt: skip
        _source(out, rec["source"])

    return _emit(args, out, rec, rec["series"], table)


def cmd_distance(args, out) -> int:
    """``frontline distance PLACE``: the distance series and the one-line figure."""
    from geo.measures import distance

    data = store_of(args).current()
    rec = distance(data, args.place, args.date_from, args.date_to, args.by, args.admin1,
                   country=args.country)  # fmt: skip

    def table(out):
        p, f = rec["place"], rec["figure"]
        out.write(f"Distance from {p['name_en']} ({p['admin1'] or p['country']}; "
                  f"{p['lat']:.4f}° N, {p['lon']:.4f}° E) to Russian-held ground, km on "
                  "the WGS84 ellipsoid\n")  # fmt: skip
        body = [(f"{r['period_start']} → {r['period_end']}", r["snapshot"], f"{r['km']:,.2f}")
                for r in rec["series"]]  # fmt: skip
        _table(out, ("period", "snapshot", "km"), body, left=2)
        out.write(f"{p['name_en']}: {_km(f['km_now'])} km on {f['now_snapshot']}, "
                  f"{_km(f['km_start'])} km on {f['start_snapshot']}; nearest "
                  f"{_km(f['nearest_km'])} km on {f['nearest_snapshot']} "
                  f"({f['snapshots']} snapshots measured)\n")  # fmt: skip
        _source(out, rec["source"], GEONAMES)

    place = rec["place"]
    rows = [{"place": place["name_en"], "geonameid": place["geonameid"], **r}
            for r in rec["series"]]  # fmt: skip
    return _emit(args, out, rec, rows, table)


COMMANDS = {
    "settlements": cmd_settlements,
    "front": cmd_front,
    "speed": cmd_speed,
    "distance": cmd_distance,
}
