"""Helpers the readers share: finding columns, dataset names, JSON of rows.

Reading CSV text is in :mod:`geo.ingest._csv`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.errors import FrontlineError
from geo.paths import bundled_data_dir
from geo.regions import Regions
from geo.schema import ISO_DATE, RowCheck

#: Most columns a file may have: real exports have 20 to 60. Without a limit a header of
#: two million commas makes pandas build two million column objects per row.
MAX_COLUMNS = 500
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


@dataclass
class Prepared:
    """A file mapped to canonical column names, ready for :func:`geo.schema.validate_events`.

    ``frame`` holds text in file order; ``columns`` maps canonical names to the file's own
    names (for reject messages); ``native_json`` gives original rows as JSON for rejects.
    """

    frame: pd.DataFrame
    columns: dict[str, str]
    native_json: Callable[[np.ndarray], Sequence[str]]
    checks: list[RowCheck] = field(default_factory=list)
    date_formats: tuple[str, ...] = (ISO_DATE,)
    keep_prefixed_ids: bool = False


@functools.cache
def default_regions() -> Regions:
    """The bundled admin-1 and country polygons, loaded on first use and then kept."""
    return Regions.from_data_dir(bundled_data_dir())


def check_name(name: str) -> str:
    """Return ``name`` if it is a valid dataset name, else raise :class:`FrontlineError`."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise FrontlineError(
            f"dataset name {name!r} is not allowed: use 1 to 40 lower-case letters, digits, "
            "'-' or '_', starting with a letter or digit (e.g. 'acled-2024')",
            param="name",
        )
    return name


def name_from_stem(stem: str) -> str:
    """A valid dataset name made from a file name: ``"My Events 2024"`` -> ``my-events-2024``."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-_")[:40].strip("-_")
    return slug or "events"


def column_lookup(names: Iterable[str]) -> dict[str, str]:
    """Lower-cased name -> the file's name (first one wins), for case-insensitive lookups."""
    lookup: dict[str, str] = {}
    for name in names:
        lookup.setdefault(name.strip().lower(), name)
    return lookup


def require_columns(
    names: Sequence[str], required: Sequence[str], label: str, fmt: str
) -> dict[str, str]:
    """Check that ``required`` columns exist (any case); return lower name -> file name."""
    lookup = column_lookup(names)
    missing = [c for c in required if c not in lookup]
    if missing:
        raise FrontlineError(
            f"{label}: missing required column(s) {', '.join(repr(c) for c in missing)} for "
            f"{fmt} format; found columns: {describe_columns(names)}"
        )
    return lookup


def describe_columns(names: Sequence[str], limit: int = 60) -> str:
    shown = ", ".join(repr(n) for n in list(names)[:limit])
    more = len(names) - limit
    return shown + (f" and {more} more" if more > 0 else "") if names else "(none)"


def records_json(frame: pd.DataFrame) -> pd.Series:
    """Each row of a table of text as a JSON object of its columns, as a string Series.

    Built column-wise with Arrow string kernels, in one join: ``json.dumps`` per row or
    pandas' ``to_json(lines=True)`` cost several times more on a million rows.
    """
    if frame.shape[1] == 0 or len(frame) == 0:
        return pd.Series(["{}"] * len(frame), dtype="string")
    pieces: list = []
    for i, (name, values) in enumerate(frame.items()):
        pieces += [_lit(("{" if i == 0 else ",") + json.dumps(str(name)) + ":"), _literal(values)]
    joined = pc.binary_join_element_wise(*pieces, _lit("}"), _lit(""))
    return pd.Series(pd.arrays.ArrowStringArray(joined))


def _lit(text: str) -> pa.Scalar:
    return pa.scalar(text, type=pa.large_string())


# What JSON escapes in a string; the order matters (backslashes first).
_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))


def _literal(values: pd.Series) -> pa.Array:
    """Values as JSON string literals (quoted and escaped), "" for missing."""
    if values.hasnans or values.dtype != "str":
        values = values.astype("str").where(values.notna(), "")
    arr = pa.array(values, type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):  # a slice of an Arrow-backed column
        arr = arr.combine_chunks()
    escaped = arr
    if pc.any(pc.match_substring_regex(arr, r'["\\\n\r\t]')).as_py():
        for old, new in _ESCAPES:
            escaped = pc.replace_substring(escaped, old, new)
    quoted = pc.binary_join_element_wise(_lit('"'), escaped, _lit('"'), _lit(""))
    # Other control characters are rare: json.dumps spells them (\u0001) for those rows.
    rare = pc.match_substring_regex(arr, r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
    if pc.any(rare).as_py():
        where = np.flatnonzero(rare.to_numpy(zero_copy_only=False))
        fixed = [json.dumps(v, ensure_ascii=False) for v in arr.take(where).to_pylist()]
        quoted = pc.replace_with_mask(quoted, rare, pa.array(fixed, type=pa.large_string()))
    return quoted


def rows_json(table: pd.DataFrame) -> Callable[[np.ndarray], list[str]]:
    """``native_json`` for a table read from CSV: the original rows at given positions."""
    return lambda positions: records_json(table.iloc[positions])


def unmapped_json(
    table: pd.DataFrame, used: Iterable[str], raw: str | None = None
) -> pd.Series | list[str]:
    """JSON of the columns a reader did not map, for the events' ``raw`` column.

    ``raw`` names a column that already holds such JSON (a file Frontline exported); its
    keys are kept and any other unmapped columns are added to them.
    """
    used = set(used) | ({raw} if raw else set())
    rest = table[[c for c in table.columns if c not in used]]
    if raw is None:
        return records_json(rest)
    if rest.shape[1] == 0:
        return table[raw]
    merged = []
    for given, extra in zip(table[raw], records_json(rest), strict=True):
        try:
            base = json.loads(given) if given.strip() else {}
        except ValueError:
            base = None
        base = base if isinstance(base, dict) else {"raw": given}
        merged.append(
            json.dumps(base | json.loads(extra), ensure_ascii=False, separators=(",", ":"))
        )
    return merged


def map_codes(
    values: pd.Series, codes: Mapping[str, str], column: str, expected: str
) -> tuple[pd.Series, RowCheck]:
    """Recode a coded column (``"3"`` -> ``"2"``); unknown non-empty codes become a check.

    Returns the recoded text ("" where empty or unknown) and a ``bad_value`` check.
    """
    text = values.str.strip()
    mapped = text.map(codes)
    bad = (mapped.isna() & (text != "")).to_numpy()
    check = RowCheck("bad_value", column, bad, text, f"{column} must be {expected}")
    return mapped.fillna("").astype("str"), check
