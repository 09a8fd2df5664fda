"""Records that span lines because of a quote mistake (see :mod:`geo.ingest._csv`).

CSV lets a quoted value hold line breaks, so a quote opened where the author did not mean
one silently merges the following lines into one value: a file of six lines of data
reads as three records, and nothing fails. These checks find such records so that they
are rejected as ``unbalanced_quote`` with the lines they span, instead of read as events.
"""

from __future__ import annotations

import csv
import re

import numpy as np
import pandas as pd

from geo.schema import RowCheck

__all__ = ["quote_trouble", "unbalanced_quotes"]

# How many one-line records show what the file's columns hold (numbers, dates, text).
_SAMPLE = 200
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}(?:[T ].*)?|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
    r"|\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{2,4}"
)


def unbalanced_quotes(
    frame: pd.DataFrame,
    spans: tuple[np.ndarray, np.ndarray],
    data: bytes,
    sep: str,
    lines_before: int,
    fields: np.ndarray | None = None,
) -> list[RowCheck]:
    """``unbalanced_quote`` checks for records that span lines because of a quote mistake.

    A value may hold line breaks (a note of two paragraphs). A record is rejected when its
    line breaks look like the work of a quote left open: the lines inside a value read
    like records of this file (a quote left open swallows whole records), the quotes do
    not pair up (one is never closed, or text follows a closing quote), or the record has
    fewer fields than the header (a quote left open on a line of its own closes at the
    next record's opening quote). Only a value's own lines are judged as records: the
    line where the quote closes also holds the rest of its record, so it looks like a
    record either way.

    Parameters
    ----------
    frame : the records as read, one string column per header field
    spans : first and last line of each record, counted in ``data``
    data : the CSV as UTF-8 bytes (without a ``sep=`` line)
    sep : the delimiter
    lines_before : lines before ``data`` in the user's file (1 for a ``sep=`` line), added
        to every line number in messages
    fields : how many fields each record had as written; None when all had the header's

    Returns
    -------
    One check per column in which such a record's quote opened (usually one).
    """
    first, last = spans
    multi = np.flatnonzero(last > first)
    if not multi.size or frame.shape[1] < 2:
        return []
    kinds = _column_kinds(frame.iloc[np.flatnonzero(last == first)[:_SAMPLE]])
    lines = _Lines(data)
    found: dict[str, dict[int, tuple[str, str]]] = {}
    for i in multi:
        values = list(frame.iloc[i])
        swallowed = _swallowed(values, int(first[i]) + lines_before, sep, kinds)
        record = "\n".join(lines[k] for k in range(first[i], last[i] + 1))
        trouble = quote_trouble(record, sep)
        short = fields is not None and fields[i] < frame.shape[1]
        if not swallowed and trouble is None and not short:
            continue
        where = next((j for j, v in enumerate(values) if "\n" in v), 0)
        column = frame.columns[where]
        a, b = first[i] + lines_before, last[i] + lines_before
        if trouble is not None and trouble[0] == "stray":
            detail = (
                f"unbalanced quote: this record spans lines {a}–{b}, and on line "
                f"{a + trouble[1]} a quote closes with more text right after it "
                f"({trouble[2]!r}): the quote opened in {column!r} on line {a} was probably "
                "meant to close earlier"
            )
        else:
            closes = "is never closed" if trouble is not None else f"closes on line {b}"
            k = len(swallowed)
            detail = f"unbalanced quote: this record spans lines {a}–{b}" + (
                f" and swallows what look like {k} more record{'s' if k > 1 else ''} "
                f"(line{'s' if k > 1 else ''} {_line_list(swallowed)})"
                if k
                else ""
            )
            detail += f"; the quote opened in {column!r} on line {a} {closes}"
            if short and not k and trouble is None:
                detail += (
                    f", and the record has only {fields[i]} of the header's {frame.shape[1]} fields"
                )
        detail += (
            ". A quoted value must end with its quote, right before the delimiter or the "
            "line end; fix the quotes and ingest the file again"
        )
        found.setdefault(column, {})[i] = (values[where], detail)
    checks = []
    n = len(frame)
    for column, rows in found.items():
        mask = np.zeros(n, dtype=bool)
        value = np.full(n, "", dtype=object)
        detail = np.full(n, "", dtype=object)
        for i, (v, d) in rows.items():
            mask[i], value[i], detail[i] = True, v, d
        checks.append(RowCheck("unbalanced_quote", column, mask, value, detail))
    return checks


def _swallowed(values: list[str], line: int, sep: str, kinds: list[str]) -> list[int]:
    """Line numbers of the lines inside a record's values that look like records."""
    found = []
    for value in values:
        parts = value.split("\n")
        found += [
            line + k
            for k, part in enumerate(parts[1:], start=1)
            if _looks_like_record(part.rstrip("\r"), sep, kinds)
        ]
        line += len(parts) - 1
    return found


def quote_trouble(record: str, sep: str) -> tuple[str, int, str] | None:
    """Whether the quotes of one record's text pair up, as strict CSV wants.

    Returns
    -------
    None when they do; ``("open", line, "")`` for a quote never closed; ``("stray", line,
    snippet)`` for text after a closing quote (``line`` counted from the record's first).
    Spaces after a closing quote are let pass: sloppy, but they mislead nobody.
    """
    state, line = "start", 0
    for pos, char in enumerate(record):
        if char == "\n":
            line += 1
        if state == "quoted":
            state = "closed" if char == '"' else state
        elif state == "closed":
            if char == '"':
                state = "quoted"  # a doubled quote inside the value
            elif char == sep or char in "\r\n":
                state = "start"
            elif char not in " \t":
                return "stray", line, record[max(0, pos - 12) : pos + 12]
        elif char == sep or char == "\n":
            state = "start"
        elif state == "start":
            state = "quoted" if char == '"' else "plain"
    return ("open", line, "") if state == "quoted" else None


class _Lines:
    """Physical lines of UTF-8 bytes by number (1-based), found with numpy, not split."""

    def __init__(self, data: bytes):
        self.data = data
        self.breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)

    def __getitem__(self, number: int) -> str:
        start = 0 if number == 1 else int(self.breaks[number - 2]) + 1
        end = int(self.breaks[number - 1]) if number - 1 < len(self.breaks) else len(self.data)
        return self.data[start:end].decode("utf-8", "replace").rstrip("\r")


def _kind(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if _NUMBER.fullmatch(value):
        return "number"
    return "date" if _DATE.fullmatch(value) else "text"


def _column_kinds(sample: pd.DataFrame) -> list[str]:
    """Per column, "number" or "date" when nine in ten of its sample values are one, else ""."""
    kinds = []
    for _, values in sample.items():
        seen = [k for k in map(_kind, values) if k]
        top = max(set(seen), key=seen.count) if seen else ""
        typed = top in ("number", "date") and seen.count(top) >= 0.9 * len(seen)
        kinds.append(top if typed else "")
    return kinds


def _looks_like_record(line: str, sep: str, kinds: list[str]) -> bool:
    """Whether a line of a value, read on its own, looks like a record of this file: as
    many fields as the header and, where the file's records hold numbers or dates, mostly
    those."""
    fields = next(csv.reader([line], delimiter=sep), [])
    if len(fields) != len(kinds):
        return False
    typed = [(j, kind) for j, kind in enumerate(kinds) if kind]
    if typed:
        hits = sum(_kind(fields[j]) == kind for j, kind in typed)
        return 2 * hits >= len(typed)
    # No one-line record to learn from: numbers or dates in at least two fields.
    return sum(_kind(f) in ("number", "date") for f in fields) >= min(2, len(fields) - 1)


def _line_list(numbers: list[int]) -> str:
    shown = [f"{n:,}" for n in numbers]
    if len(shown) > 6:
        shown = [*shown[:5], "…", shown[-1]]
    return ", ".join(shown)
