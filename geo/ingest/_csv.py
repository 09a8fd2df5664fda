"""CSV text into a table of strings, and the things a CSV reader silently hides.

Rows and lines
--------------
A *row* (the ``row`` of a reject) is a data record: row 1 is the first record after the
header. Blank lines and an Excel ``sep=`` first line are not rows, so a spreadsheet that
shows the header as its row 1 shows row N as its row N + 1. A *line* is a physical line
of the file as a text editor numbers it, counting every line (the ``sep=`` line, the
header and blank lines too). A record spans several lines when a quoted value holds line
breaks; messages about such records give both.

What is reported rather than hidden
-----------------------------------
- A quote opened and not closed where the author meant merges the following lines into
  one value. That is legal CSV, so nothing fails; a record whose value holds lines that
  look like records of this file (as many fields as the header, numbers and dates where
  the file's other records have them), or whose quotes do not pair up, is rejected as
  ``unbalanced_quote`` (:mod:`geo.ingest._quotes`).
- A record with more fields than the header is kept, the surplus folded into the last
  column, and rejected as ``bad_value`` in ``(row)``.
- Duplicate column names (compared as ingest looks columns up: stripped, any case) are
  refused with a :class:`FrontlineError` when ingest reads one of them
  (:meth:`CsvTable.refuse_duplicates`): taking the first silently could read the wrong
  numbers. Duplicates of columns ingest does not read are kept in ``raw``, the later
  ones named ``name.1``, ``name.2`` (pandas' convention).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from geo.errors import FrontlineError
from geo.ingest._common import MAX_COLUMNS
from geo.ingest._quotes import quote_trouble, unbalanced_quotes
from geo.ingest.detect import MAX_FILE_BYTES, excel_sep, first_line, header_fields, sniff_delimiter
from geo.schema import RowCheck

__all__ = ["CsvTable", "read_table"]


@dataclass
class CsvTable:
    """A CSV read as text.

    Attributes
    ----------
    frame : every value a ``str``, exactly as written (no NA guessing); column names are
        the header's, stripped and made unique (``name.1`` for a repeated name)
    header : the header names as written, stripped; ``header[i]`` names ``frame``'s column i
    checks : problems of single records (``unbalanced_quote``, surplus fields)
    """

    frame: pd.DataFrame
    header: list[str]
    checks: list[RowCheck]

    def refuse_duplicates(self, used: Iterable[str], label: str) -> None:
        """Raise :class:`FrontlineError` when a column that ingest reads has a duplicate.

        Parameters
        ----------
        used : names of ``frame`` columns the reader takes values from
        label : how messages name the file
        """
        positions: dict[str, list[int]] = {}
        for pos, name in enumerate(self.header):
            if name.strip():
                positions.setdefault(name.strip().lower(), []).append(pos)
        columns = list(self.frame.columns)
        problems = []
        for name in dict.fromkeys(used):
            key = self.header[columns.index(name)].strip().lower()
            if len(positions.get(key, ())) > 1 and key not in problems:
                problems.append(key)
        if problems:
            said = "; ".join(self._describe(key, positions[key]) for key in problems)
            raise FrontlineError(
                f"{label}: {said}. Ingest reads that column and cannot tell which one is "
                "meant: rename or delete the others and ingest the file again"
            )

    def _describe(self, key: str, where: list[int]) -> str:
        spellings = list(dict.fromkeys(self.header[p].strip() for p in where))
        spelled = f"; spelled {', '.join(map(repr, spellings))}" if len(spellings) > 1 else ""
        return (
            f"the column name {key!r} appears {len(where)} times (columns "
            f"{_and(str(p + 1) for p in where)}, spreadsheet columns "
            f"{_and(_letters(p) for p in where)}{spelled})"
        )


def read_table(text: str, label: str, data: bytes | None = None) -> CsvTable:
    """Read CSV text with every value kept as a string, exactly as written.

    An Excel ``sep=`` first line sets the delimiter and is not part of the table.

    Parameters
    ----------
    text : the file's text, as :func:`geo.ingest.detect.decode` returns it
    label : how messages name the file
    data : the same text as UTF-8 bytes, which lets Arrow's faster reader try first

    Returns
    -------
    CsvTable

    Raises
    ------
    FrontlineError
        When the file has no usable header (none, only numbers, too many columns).
    """
    sep, start = excel_sep(text)
    lines_before = 0
    if sep is not None:
        # The sep= line is ASCII, so its length in characters is its length in bytes.
        text, lines_before = text[start:], 1
        data = data[start:] if data is not None else None
    sep = sep or sniff_delimiter(text)
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
    _allow_long_fields()
    raw, header_end = _header(text, sep)
    if not raw:
        raise FrontlineError(f"{label}: no header row found")
    # A header cell may hold a line break ("Total\ndeaths"); one that runs on over lines
    # holding delimiters has swallowed the data after it.
    broken = next((n for n in raw if sep in n.partition("\n")[2]), None)
    if broken is not None:
        raise FrontlineError(
            f"{label}: the header has an unbalanced quote: the column name that starts "
            f"{broken[:30]!r} runs on over {broken.count(chr(10)):,} line break(s); a name "
            "that starts with a quote must end with one"
        )
    header = [name.strip() for name in raw]
    data = text.encode("utf-8") if data is None else data

    arrow = _read_arrow(data, sep, raw)
    frame, spans, checks = None, None, []
    if arrow is not None:
        frame, breaks = arrow
        if breaks is not None:  # records span lines: find which, to check their quotes
            spans = _spans(text, sep, header_end, breaks)
            if len(spans[0]) != len(frame):  # the readers disagree: trust the exact one
                frame = None
    fields = None
    if frame is None:
        frame, spans, fields, overflow = _read_python(text, sep, len(header), label)
        checks += [overflow] if overflow is not None else []
    frame.columns = _unique_names(header)
    if spans is not None:
        quotes = unbalanced_quotes(frame, spans, data, sep, lines_before, fields)
        checks = quotes + checks
    return CsvTable(frame, header, checks)


def _header(text: str, sep: str) -> tuple[list[str] | None, int]:
    """The header's fields as written, and the line it ends on.

    Read from the first line alone when that line is a whole record: parsing from the
    whole text would copy all of it (a csv reader needs a file object) for one line.
    """
    end = text.find("\n")
    first = text if end < 0 else text[: end + 1]
    if first.strip() and quote_trouble(first.rstrip("\r\n"), sep) is None:
        text = first
    fields, _, last = next(_records(text, sep), (None, 0, 0))
    return fields, last


def _records(text: str, sep: str):
    """(fields, first line, last line) of each non-blank record, header included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    end = 0
    for fields in reader:
        start, end = end + 1, reader.line_num
        # Blank and whitespace-only lines are no records (pandas and Arrow skip them too);
        # a quoted value of line breaks alone is one, kept to be reported.
        if fields and (len(fields) > 1 or fields[0].strip() or end > start):
            yield fields, start, end


def _allow_long_fields() -> None:
    # The csv module refuses fields over 128 kB by default; a quote left open can make one
    # value of the rest of the file, and that is what we want to report, not crash on.
    # Only ever raised (a process-wide setting), never lowered.
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)


def _read_arrow(
    data: bytes, sep: str, raw: list[str]
) -> tuple[pd.DataFrame, np.ndarray | None] | None:
    """Arrow's multi-threaded reader (about twice pandas' speed on a million rows), and
    how many line breaks each record's values hold (None when no value holds one).

    None when the file needs the forgiving reader: repeated or empty column names, or
    records whose field count differs from the header.
    """
    if any(not name.strip() for name in raw) or len(set(raw)) != len(raw):
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(block_size=16 << 20),
            parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(raw, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,  # decode() has checked it, with a better message
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError, pa.ArrowTypeError):
        return None
    if table.column_names != raw:
        return None
    breaks = None
    if any(pc.any(pc.match_substring(column, "\n")).as_py() for column in table.columns):
        counts = [pc.count_substring(column, "\n") for column in table.columns]
        breaks = np.sum([c.to_numpy() for c in counts], axis=0, dtype=np.int64)
    return table.to_pandas(), breaks


def _spans(
    text: str, sep: str, header_end: int, breaks: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """First and last line of every data record.

    Worked out from the line breaks inside each record when the file has no blank lines
    (the lines then add up); else counted by reading the file again, line by line.
    """
    before = np.concatenate(([0], np.cumsum(breaks)[:-1]))
    first = header_end + 1 + np.arange(len(breaks)) + before
    last = first + breaks
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if not len(last) or last[-1] == lines:
        return first, last
    spans = np.array([(a, b) for _, a, b in _records(text, sep)], dtype=np.int64)
    spans = spans[1:] if len(spans) else np.zeros((0, 2), dtype=np.int64)
    return spans[:, 0], spans[:, 1]


def _read_python(text: str, sep: str, width: int, label: str):
    """Read with the csv module: records with too many or too few fields, a quote left
    open to the end of the file, blank-looking lines. Slower than Arrow, and exact."""
    rows, first, last = [], [], []
    try:
        for fields, a, b in _records(text, sep):
            rows.append(fields)
            first.append(a)
            last.append(b)
    except csv.Error as err:  # not expected with strict=False; named if it happens
        raise FrontlineError(
            f"{label}: cannot be read as CSV: {err} (after record {max(len(rows) - 1, 0):,})"
        ) from None
    rows, first, last = rows[1:], first[1:], last[1:]
    counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    surplus = counts > width
    fitted = [
        r if len(r) == width
        else r + [""] * (width - len(r)) if len(r) < width
        else [*r[: width - 1], sep.join(r[width - 1 :])]
        for r in rows
    ]  # fmt: skip
    columns = list(zip(*fitted, strict=True)) if fitted else [()] * width
    frame = pd.DataFrame({i: pd.Series(c, dtype="str") for i, c in enumerate(columns)})
    overflow = None
    if surplus.any():
        detail = np.full(len(rows), "", dtype=object)
        detail[surplus] = [
            f"the row has {n} fields but the header has {width}: an unquoted {sep!r} "
            "inside a value? The surplus is shown in the last column"
            for n in counts[surplus]
        ]
        overflow = RowCheck("bad_value", "(row)", surplus, np.full(len(rows), ""), detail)
    spans = (np.array(first, dtype=np.int64), np.array(last, dtype=np.int64))
    return frame, spans, counts, overflow


def _unique_names(header: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(header):
        base = name or f"Unnamed: {i}"
        candidate, k = base, 0
        while candidate in seen:
            k += 1
            candidate = f"{base}.{k}"
        seen.add(candidate)
        out.append(candidate)
    return out


def _and(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _letters(position: int) -> str:
    """Spreadsheet column letters of a 0-based position: 0 -> A, 26 -> AA."""
    out = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        out = chr(65 + rest) + out
    return out
