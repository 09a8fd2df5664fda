"""Property-based ingest: GENERATED event CSV files (invented rows, not real events) in
every spelling a spreadsheet or a script produces, read by :func:`geo.ingest.read_events`.

Each example varies line ends (LF, CR LF, CR, with or without a final one), quoting
(minimal, all; values holding delimiters, quotes and line breaks), encodings (UTF-8 with
and without BOM, UTF-16 with BOM, UTF-16 little-endian without, cp1252 where the text is
representable), delimiters (comma, semicolon, tab; with and without an Excel ``sep=``
line), column names and order, numeric spellings (``48.5``, ``48,5``, ``+48.5``,
``485e-1``, spaces; fatalities ``3``, ``+3``, ``3.0``, ``3e0``) and mixes in garbage
lines. Whatever the file:

- no exception escapes but :class:`FrontlineError`, and that only for a file that truly
  cannot be read (here: cp1252 bytes that are not UTF-8);
- accepted + rejected = records read, and every reject names a row and a column;
- every accepted event is one of the generated good rows, with its values as written
  (only its date, place and fatalities when a garbage line holds a quote, which may
  legally re-pair the quotes after it); when no garbage line holds a quote, every good
  row is accepted and the records read are exactly the lines written.

The example count is fixed and the search derandomised, so CI sees the same cases every
run (about 15 s). ``FRONTLINE_HYPOTHESIS_EXAMPLES=4000`` runs a longer search locally, and
``FRONTLINE_HYPOTHESIS_RANDOM=1`` a different one each time.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from dataclasses import dataclass

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import FrontlineError
from geo.ingest import read_events
from geo.schema import REJECT_REASONS

EXAMPLES = settings(
    max_examples=int(os.environ.get("FRONTLINE_HYPOTHESIS_EXAMPLES", "300")),
    derandomize=os.environ.get("FRONTLINE_HYPOTHESIS_RANDOM") != "1",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Places well inside Ukrainian oblasts (Pokrovsk, Kharkiv, Kherson, Kyiv, Zaporizhzhia):
# small offsets keep them inside, so every good row must be accepted.
PLACES = [
    ("48.2823", "37.1757"),
    ("49.9935", "36.2304"),
    ("46.6354", "32.6169"),
    ("50.4501", "30.5234"),
    ("47.8388", "35.1396"),
]
NAMES = {
    "id": ["event_id", "id"],
    "date": ["date", "Date", "event_date"],
    "lat": ["latitude", "lat", "Latitude"],
    "lon": ["longitude", "lon", "lng"],
    "fatalities": ["fatalities", "deaths"],
    "notes": ["notes", "description"],
}
DELIMITERS = [",", ";", "\t"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]
NEWLINES = ["\n", "\r\n", "\r"]
# Notes: letters (Latin, Cyrillic, cp1252's é and €), digits, delimiters, quotes, breaks.
NOTE_CHARS = "abc xyz ЖжЇї é€ 0123 ,;\t\"'\n\r="
# Garbage lines: no '-' (so never a valid ISO date, never a good row's id), no line break.
GARBAGE_CHARS = "abcXYZ019 .,;\t\"'=+@|#ü€"


@dataclass(frozen=True)
class Row:
    """A good row: its values, and how the file spells them."""

    date: str
    lat: float
    lon: float
    fatalities: int | None
    notes: str
    cells: dict[str, str]


def decimal_spellings(text: str, delimiter: str) -> st.SearchStrategy[str]:
    whole, frac = text.split(".")
    return st.sampled_from(
        [
            text,
            f"+{text}",
            f"{whole}{frac}e-{len(frac)}",  # the same decimal, as an exponent
            f" {text} ",
            f"{whole},{frac}",  # decimal comma (quoted when the delimiter is a comma)
        ]
    )


@st.composite
def good_rows(draw, delimiter: str, index: int) -> Row:
    lat_text, lon_text = draw(st.sampled_from(PLACES))
    # Move the point by up to 0.05° (a few km) in the fourth decimal place.
    d_lat, d_lon = draw(st.integers(-500, 500)), draw(st.integers(-500, 500))
    lat_text = f"{float(lat_text) + d_lat / 10_000:.4f}"
    lon_text = f"{float(lon_text) + d_lon / 10_000:.4f}"
    day = draw(
        st.dates(
            min_value=pd.Timestamp("2022-02-24").date(), max_value=pd.Timestamp("2025-06-30").date()
        )
    )
    date_cell = day.isoformat() + draw(st.sampled_from(["", "T12:00:00Z", " 08:30"]))
    deaths = draw(st.none() | st.integers(0, 500))
    if deaths is None:
        fatal_cell = ""
    else:
        fatal_cell = draw(
            st.sampled_from(
                [str(deaths), f"+{deaths}", f"{deaths}.0", f" {deaths} ", f"{deaths}e0"]
            )
        )
    # A CR in a value is written unquoted by the csv module (it quotes only LF when the
    # line end is LF): such a file would really break there. Breaks in notes are LF here,
    # and become the file's own line end with every other break.
    notes = draw(
        st.text(alphabet=NOTE_CHARS, max_size=24)
        .map(lambda t: t.replace("\r", "\n"))
        .filter(lambda t: sum(t.count(c) for c in ",;\t|") <= 3)
    )
    cells = {
        "id": f"ev-{index}",
        "date": date_cell,
        "lat": draw(decimal_spellings(lat_text, delimiter)),
        "lon": draw(decimal_spellings(lon_text, delimiter)),
        "fatalities": fatal_cell,
        "notes": notes,
    }
    return Row(day.isoformat(), float(lat_text), float(lon_text), deaths, notes, cells)


@dataclass(frozen=True)
class File:
    data: bytes
    good: list[Row]
    garbage: list[str]
    fields: tuple[str, ...]  # which of NAMES the file has, in file order
    unreadable: bool  # cp1252 bytes that are not UTF-8: the one case that must fail


@st.composite
def event_files(draw) -> File:
    delimiter = draw(st.sampled_from(DELIMITERS))
    extra = draw(st.lists(st.sampled_from(["id", "fatalities", "notes"]), unique=True))
    fields = ["date", "lat", "lon", *extra]
    fields = draw(st.permutations(fields))
    header = [draw(st.sampled_from(NAMES[f])) for f in fields]
    n_good = draw(st.integers(0, 8))
    good = [draw(good_rows(delimiter, i)) for i in range(n_good)]
    garbage = draw(
        st.lists(
            st.text(alphabet=GARBAGE_CHARS, min_size=1, max_size=30).filter(str.strip),
            max_size=3,
        )
    )
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\n")
    if draw(st.booleans()):
        out.write(f"sep={delimiter}\n")
    writer.writerow(header)
    lines = [("good", row) for row in good] + [("garbage", g) for g in garbage]
    for kind, item in draw(st.permutations(lines)):
        if kind == "good":
            writer.writerow([item.cells[f] for f in fields])
        else:
            out.write(item + "\n")
    text = out.getvalue()
    if not draw(st.booleans()):
        text = text[:-1]  # no line break after the last line
    newline = draw(st.sampled_from(NEWLINES))
    text = text.replace("\n", newline)
    encoding = draw(st.sampled_from(ENCODINGS))
    unreadable = False
    if encoding == "cp1252":
        try:
            data = text.encode("cp1252")
        except UnicodeEncodeError:  # not representable: written as UTF-8 instead
            data = text.encode("utf-8")
        else:
            unreadable = not _is_utf8(data)
    else:
        data = text.encode(encoding)
    return File(data, good, garbage, tuple(fields), unreadable)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _key(date, lat, lon, fatalities, notes) -> tuple:
    return (date, round(lat, 6), round(lon, 6), fatalities, notes)


@EXAMPLES
@given(event_files())
def test_generated_files_are_read_or_rejected_row_by_row(file):
    try:
        result = read_events(file.data, name="gen")
    except FrontlineError as err:
        assert file.unreadable, f"a readable file was refused: {err}"
        assert str(err).startswith("uploaded file: ") and "not valid UTF-8" in str(err)
        return
    assert not file.unreadable, "bytes that are not UTF-8 were read"

    events, rejects = result.events, result.rejects
    assert result.rows_read == len(events) + len(rejects)
    assert rejects["row"].is_unique
    for reject in rejects.itertuples():
        assert 1 <= reject.row <= result.rows_read
        assert isinstance(reject.column, str) and reject.column.strip()
        assert reject.reason in REJECT_REASONS
        assert isinstance(reject.detail, str) and reject.detail.strip()

    def expected(row: Row) -> tuple:
        deaths = row.fatalities if "fatalities" in file.fields else None
        notes = _newlines(row.notes).strip() or None if "notes" in file.fields else None
        return _key(row.date, row.lat, row.lon, deaths, notes)

    written = Counter(map(expected, file.good))
    got = Counter()
    for event in events.itertuples():
        fatalities = None if pd.isna(event.fatalities) else int(event.fatalities)
        notes = None if pd.isna(event.notes) else _newlines(event.notes)
        day = event.date.date().isoformat()
        got[_key(day, event.geometry.y, event.geometry.x, fatalities, notes)] += 1
    quoted_garbage = any('"' in g for g in file.garbage)
    if quoted_garbage:
        # A garbage quote may legally re-pair the quotes of the lines after it: a lone '"'
        # line before a quoted value that starts with a line break leaves that value
        # read as '0"'. The record's own numbers are still its own.
        got, written = (
            Counter(k[:4] for k in got.elements()),
            Counter(k[:4] for k in written.elements()),
        )
    # Every event is a good row as written: garbage is never accepted, a row never
    # swallows another's text.
    assert not got - written, (got - written, file.data[:400])
    if not quoted_garbage:
        assert result.rows_read == len(file.good) + len(file.garbage)
        assert got == written, rejects[["row", "reason", "detail"]].to_dict("records")
        if "id" in file.fields:
            assert set(events["event_id"]) == {f"gen:{row.cells['id']}" for row in file.good}
