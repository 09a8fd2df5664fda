"""Turn an uploaded file into text and decide what it is: ACLED, UCDP, plain CSV or GeoJSON.

Detection looks at content, never at the file name: uploads arrive as ``events (3).csv``
and exports from other tools keep whatever extension their author liked.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from geo.errors import FrontlineError

__all__ = ["decode", "detect_format", "first_line", "header_fields", "sniff_delimiter"]

_DELIMITERS = (",", ";", "\t")
#: Largest file read from a path (the CLI): far above any real event export, low enough
#: that a mistaken multi-gigabyte file fails at once instead of exhausting memory. Uploads
#: have their own, smaller limit (``Settings.max_upload_mb``).
MAX_FILE_BYTES = 1 << 30
#: Longest line: a real row is a few kB; a 100 MB "line" is a binary or a broken export,
#: and the CSV parsers would otherwise hold several copies of it.
MAX_LINE_BYTES = 1 << 20
# Magic numbers of files people upload by mistake, with what to do instead.
_NOT_TEXT = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx file?); save it as CSV UTF-8 instead"),
    (b"\x1f\x8b", "gzip-compressed; decompress it first"),
    (b"\xfd7zXZ", "xz-compressed; decompress it first"),
    (b"%PDF", "a PDF document, not a table of events"),
    (b"PAR1", "a Parquet file; Frontline ingests CSV and GeoJSON"),
)


def decode(source: str | Path | bytes, label: str) -> tuple[str, bytes]:
    """Read ``source`` (a path or the bytes of an upload) as UTF-8 text.

    Parameters
    ----------
    source : path of a file, or its bytes
    label : how error messages name the file

    Returns
    -------
    (text, data) : the text and its UTF-8 bytes, both without a byte-order mark.

    Raises
    ------
    FrontlineError
        When the file does not exist, is binary, UTF-16, not valid UTF-8 (the message gives
        the byte offset and line of the first bad byte) or empty.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        if not path.is_file():
            what = "is a directory" if path.is_dir() else "does not exist"
            raise FrontlineError(f"{label}: {what}; expected a CSV or GeoJSON file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FrontlineError(
                f"{label}: the file is {size / 2**20:,.0f} MB; at most "
                f"{MAX_FILE_BYTES >> 20:,} MB can be ingested at once: split it into parts"
            )
        data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FrontlineError(f"{label}: the file is UTF-16 encoded; save it as UTF-8 and retry")
    for magic, what in _NOT_TEXT:
        if data.startswith(magic):
            raise FrontlineError(f"{label}: not a text file: {what}")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise FrontlineError(
            f"{label}: not a text file (NUL byte at offset {nul}); expected CSV or GeoJSON"
        )
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        data = data[bom:]
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        offset = bom + err.start
        line = data.count(b"\n", 0, err.start) + 1
        raise FrontlineError(
            f"{label}: not valid UTF-8 text: byte 0x{data[err.start]:02x} at offset {offset} "
            f"(line {line}); save the file as UTF-8 (in Excel: 'CSV UTF-8') and retry"
        ) from None
    if not text.strip():
        raise FrontlineError(f"{label}: the file is empty")
    check_line_length(data, label)
    return text, data


def check_line_length(data: bytes, label: str, limit: int = MAX_LINE_BYTES) -> None:
    """Raise :class:`FrontlineError` when a line of ``data`` is longer than ``limit`` bytes.

    GeoJSON is exempt: a FeatureCollection is often written as one line.
    """
    if len(data) <= limit or data.lstrip()[:1] == b"{":
        return
    breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    edges = np.concatenate(([-1], breaks, [len(data)]))
    lengths = np.diff(edges) - 1
    longest = int(lengths.argmax())
    if lengths[longest] > limit:
        raise FrontlineError(
            f"{label}: line {longest + 1} is {lengths[longest]:,} bytes long; at most "
            f"{limit:,} are allowed per line (is this really a CSV file?)"
        )


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV: whichever of ``,`` ``;`` and tab occurs most in its header.

    Delimiters inside double quotes do not count; with none found, ``,`` (a one-column file
    then fails later with a message that lists the single column it found).
    """
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in first_line(text):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def first_line(text: str) -> str:
    """The first line, without its line break (and without reading past it)."""
    end = text.find("\n")
    return (text if end < 0 else text[:end]).rstrip("\r")


def header_fields(text: str, delimiter: str) -> list[str]:
    """The header names of a CSV, stripped of spaces and quotes (for detection only)."""
    first = first_line(text)
    return [f.strip().strip('"').strip() for f in first.split(delimiter)]


def detect_format(text: str) -> str:
    """Decide the format from the content of a file.

    Returns
    -------
    ``"geojson"`` when the text starts with ``{``; ``"acled"`` when the CSV header has
    ``event_id_cnty``; ``"ucdp"`` when it has ``date_start`` and ``type_of_violence``; else
    ``"csv"``, which also covers Frontline's own export (canonical column names).
    """
    if text.lstrip().startswith("{"):
        return "geojson"
    names = {f.lower() for f in header_fields(text, sniff_delimiter(text))}
    if "event_id_cnty" in names:
        return "acled"
    if {"date_start", "type_of_violence"} <= names:
        return "ucdp"
    return "csv"
