"""Helpers the readers share: reading a CSV as text, finding columns, dataset names, JSON."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from geo.errors import FrontlineError
from geo.ingest.detect import first_line, header_fields, sniff_delimiter
from geo.paths import bundled_data_dir
from geo.regions import Regions
from geo.schema import ISO_DATE, RowCheck

#: Most columns a file may have: real exports have 20 to 60. Without a limit a header of
#: two million commas makes pandas build two million column objects per row.
MAX_COLUMNS = 500
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
# Marks a row that had more fields than the header; see read_table.
_OVERFLOW = "\ufdd0"  # a Unicode noncharacter: never part of real text


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


def read_table(
    text: str, label: str, data: bytes | None = None
) -> tuple[pd.DataFrame, RowCheck | None]:
    """Read CSV text with every value kept as a string, exactly as written.

    ``data``, the same file as UTF-8 bytes, lets Arrow's faster CSV reader try first.

    Returns
    -------
    (table, overflow) : the table with stripped header names, and a ``bad_value`` check for
        rows that had more fields than the header (those are kept, so that the row count
        still adds up, and rejected), or None.
    """
    sep = sniff_delimiter(text)
    names = header_fields(text, sep)
    if len(names) > MAX_COLUMNS:
        raise FrontlineError(
            f"{label}: the header has {len(names):,} columns; at most {MAX_COLUMNS} are allowed"
        )
    if not any(names) or all(re.fullmatch(r"[-+0-9.,:/ ]*", n) for n in names):
        raise FrontlineError(
            f"{label}: the first line has no column names ({first_line(text)[:80]!r}); "
            "the file needs a header row"
        )
    # Strings only and no NA guessing: "NA" is a place in some gazetteers and "0" must not
    # turn into 0.0; every conversion happens later, where it can be checked and reported.
    options = dict(sep=sep, dtype=str, keep_default_na=False, na_filter=False)
    overflow = None
    table = _read_arrow(text, data, sep) if data is not None else None
    try:
        if table is None:
            table = pd.read_csv(io.StringIO(text), **options)
    except pd.errors.ParserError as err:
        if not re.search(r"Expected \d+ fields", str(err)):
            raise FrontlineError(f"{label}: cannot be read as CSV: {err}") from None
        table, overflow = _read_ragged(text, sep, options, label)
    except pd.errors.EmptyDataError:
        raise FrontlineError(f"{label}: no header row found") from None
    table.columns = [str(c).strip() for c in table.columns]
    # Rows shorter than the header leave NaN in pandas; they are empty values to us.
    return table.fillna(""), overflow


def _read_arrow(text: str, data: bytes, sep: str) -> pd.DataFrame | None:
    """Arrow's multi-threaded reader (about twice pandas' speed on a million rows).

    None when the file needs pandas' more forgiving parser: duplicate or empty column
    names (pandas renames them), or rows whose field count differs from the header.
    """
    names = next(csv.reader(io.StringIO(text), delimiter=sep), [])
    if "" in names or len(set(names)) != len(names):
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(block_size=16 << 20),
            parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,  # decode() has checked it, with a better message
            ),
        )
    except pa.ArrowInvalid:
        return None
    return table.to_pandas() if table.column_names == names else None


def _read_ragged(text, sep, options, label) -> tuple[pd.DataFrame, RowCheck]:
    """Read a CSV in which some rows have too many fields (the slower Python parser)."""
    width = len(pd.read_csv(io.StringIO(text), nrows=0, sep=sep).columns)

    def fold(fields: list[str]) -> list[str]:
        # Keep the row, with the surplus folded into the last field, marked with the count.
        mark = f"{_OVERFLOW}{len(fields)}{_OVERFLOW}"
        return [*fields[: width - 1], mark + sep.join(fields[width - 1 :])]

    try:
        table = pd.read_csv(io.StringIO(text), engine="python", on_bad_lines=fold, **options)
    except pd.errors.ParserError as err:
        raise FrontlineError(f"{label}: cannot be read as CSV: {err}") from None
    last = table.columns[-1]
    parts = table[last].str.extract(f"^{_OVERFLOW}(\\d+){_OVERFLOW}", expand=False)
    marked = parts.notna().to_numpy()
    table[last] = table[last].str.replace(f"^{_OVERFLOW}\\d+{_OVERFLOW}", "", regex=True)
    detail = np.full(len(table), "", dtype=object)
    detail[marked] = [
        f"the row has {count} fields but the header has {width}: an unquoted {sep!r} "
        "inside a value? The surplus is shown in the last column"
        for count in parts[marked]
    ]
    return table, RowCheck("bad_value", "(row)", marked, np.full(len(table), ""), detail)


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
