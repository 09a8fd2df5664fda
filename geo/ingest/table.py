"""Any CSV with a date and a coordinate pair, mapped by options or by common column names.

Also reads Frontline's own CSV export (canonical column names) back in: ``event_id`` values
that already carry a dataset prefix (``ucdp:537048``) are kept as they are.

``event_type`` keeps the file's own value (spelled as ACLED spells it when it is one of
ACLED's six types, whatever its case); an empty value or a file without the column gives
``"Unknown"``. We do not guess a type from free text. ``date_precision`` and
``geo_precision`` are 1 unless the file has those (canonical) columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from geo.errors import FrontlineError
from geo.ingest._common import (
    Prepared,
    column_lookup,
    describe_columns,
    rows_json,
    unmapped_json,
)
from geo.ingest._csv import read_table
from geo.schema import ISO_DATE

__all__ = ["ALIASES", "MAPPING_KEYS", "RECOMPUTED", "prepare", "resolve_columns"]

# mapping key -> (canonical column, names looked for, case-insensitively, in this order).
ALIASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("event_id", ("event_id", "id", "event_id_cnty", "uid")),
    "date": ("date", ("date", "event_date", "day", "date_start")),
    "lat": ("latitude", ("latitude", "lat", "y")),
    "lon": ("longitude", ("longitude", "lon", "lng", "long", "x")),
    "event_type": ("event_type", ("event_type", "type")),
    "sub_event_type": ("sub_event_type", ("sub_event_type", "subtype", "sub_type")),
    "actor1": ("actor1", ("actor1", "actor_1", "side_a")),
    "actor2": ("actor2", ("actor2", "actor_2", "side_b")),
    "location": ("location", ("location", "place", "place_name", "where_description")),
    "notes": ("notes", ("notes", "description", "text", "summary")),
    "fatalities": ("fatalities", ("fatalities", "deaths", "killed", "best")),
    "fatalities_low": ("fatalities_low", ("fatalities_low", "low")),
    "fatalities_high": ("fatalities_high", ("fatalities_high", "high")),
    "source": ("source", ("source", "sources")),
    "source_url": ("source_url", ("source_url", "url", "link")),
    "date_precision": ("date_precision", ("date_precision",)),
    "geo_precision": ("geo_precision", ("geo_precision",)),
}
MAPPING_KEYS = (*ALIASES, "date_format")
# Canonical columns that a Frontline export carries but that ingest recomputes (dataset
# from the name, country and admin1 from the spatial join, geometry from the coordinates).
RECOMPUTED = ("dataset", "country", "admin1", "geometry")


def resolve_columns(
    names: Sequence[str],
    mapping: Mapping[str, str] | None,
    label: str,
    *,
    coordinates: bool = True,
) -> dict[str, str]:
    """Decide which of the file's columns feed which canonical column.

    Parameters
    ----------
    names : the file's column (or GeoJSON property) names
    mapping : user's choice, mapping key -> column name; keys not given are looked up by
        the common names in :data:`ALIASES`
    label : the file's name, for messages
    coordinates : whether lat/lon columns are needed (not for GeoJSON, which has geometry)

    Returns
    -------
    canonical column -> the file's column name.
    """
    lookup = column_lookup(names)
    mapping = dict(mapping or {})
    unknown = sorted(set(mapping) - set(MAPPING_KEYS))
    if unknown:
        raise FrontlineError(
            f"unknown mapping key(s) {', '.join(map(repr, unknown))}; allowed keys are "
            f"{', '.join(MAPPING_KEYS)}",
            param="mapping",
        )
    mapping.pop("date_format", None)
    out: dict[str, str] = {}
    for key, column in mapping.items():
        if not isinstance(column, str) or column.strip().lower() not in lookup:
            raise FrontlineError(
                f"{label}: mapping[{key!r}] names column {column!r}, which is not in the "
                f"file; found columns: {describe_columns(names)}",
                param="mapping",
            )
        out[ALIASES[key][0]] = lookup[column.strip().lower()]
    for key, (canon, aliases) in ALIASES.items():
        if canon not in out and key not in mapping:
            found = next((lookup[a] for a in aliases if a in lookup), None)
            if found is not None and found not in out.values():
                out[canon] = found
    needed = ["date", "lat", "lon"] if coordinates else ["date"]
    missing = [k for k in needed if ALIASES[k][0] not in out]
    if missing:
        looked = "; ".join(f"{k}: {', '.join(ALIASES[k][1])}" for k in missing)
        raise FrontlineError(
            f"{label}: no {' / '.join(missing)} column found (looked for {looked}); found "
            f"columns: {describe_columns(names)}. Name the columns with mapping="
            "{'date': ..., 'lat': ..., 'lon': ...}",
            param="mapping",
        )
    return out


def date_formats(mapping: Mapping[str, str] | None) -> tuple[str, ...]:
    """ISO dates, or only the user's ``date_format`` when one is given (it is explicit)."""
    fmt = (mapping or {}).get("date_format")
    if fmt is None:
        return (ISO_DATE,)
    if not isinstance(fmt, str) or "%" not in fmt:
        raise FrontlineError(
            f"mapping['date_format'] must be a strptime format such as '%d/%m/%Y', got {fmt!r}",
            param="mapping",
        )
    return (fmt,)


def prepare(
    text: str, label: str, mapping: Mapping[str, str] | None = None, data: bytes | None = None
) -> Prepared:
    """Map a plain CSV to canonical columns (see :func:`geo.ingest.read_events`)."""
    read = read_table(text, label, data)
    table = read.frame
    cols = resolve_columns(list(table.columns), mapping, label)
    lookup = column_lookup(table.columns)
    # A "raw" column marks a Frontline export: its dataset/country/admin1 are ours and
    # recomputed. In anybody else's file those columns are the author's text: keep in raw.
    raw = lookup.get("raw")
    read.refuse_duplicates([*cols.values(), *([raw] if raw else [])], label)
    frame = pd.DataFrame({canon: table[native] for canon, native in cols.items()})
    recomputed = [lookup[c] for c in RECOMPUTED if raw and c in lookup]
    recomputed = [c for c in recomputed if c not in cols.values()]
    frame["raw"] = unmapped_json(table, [*cols.values(), *recomputed], raw=raw)
    return Prepared(
        frame=frame,
        columns=dict(cols),
        native_json=rows_json(table),
        checks=read.checks,
        date_formats=date_formats(mapping),
        keep_prefixed_ids=cols.get("event_id", "").lower() == "event_id",
    )
