"""Turn an uploaded file into text and decide what it is: ACLED, UCDP, plain CSV or GeoJSON.

Detection looks at content, never at the file name: uploads arrive as ``events (3).csv``
and exports from other tools keep whatever extension their author liked.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from geo.errors import FrontlineError

__all__ = [
    "decode",
    "detect_format",
    "excel_sep",
    "first_line",
    "header_fields",
    "looks_like_json",
    "sniff_delimiter",
]

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
    """Read ``source`` (a path or the bytes of an upload) as text.

    UTF-8 (with or without a byte-order mark) is the format asked for; UTF-16 and UTF-32
    with a byte-order mark, and UTF-16 without one (recognised by its NUL bytes), are
    decoded too, because Excel and Windows tools save them. Line breaks are made uniform
    when the file has bare CRs (classic Mac, some Excel exports): every CR LF and every
    CR becomes LF, as Python's universal newlines do; files with only LF or CR LF are left
    as they are.

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
        When the file does not exist, is binary, not valid UTF-8 (the message gives the
        byte offset and line of the first bad byte) or UTF-16, or empty.
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
        try:
            data = path.read_bytes()
        except OSError as err:  # permissions, a device, a file removed meanwhile
            raise FrontlineError(f"{label}: cannot be read: {err.strerror or err}") from None
    wide = _wide_encoding(data)
    if wide is None:
        for magic, what in _NOT_TEXT:
            if data.startswith(magic):
                raise FrontlineError(f"{label}: not a text file: {what}")
        nul = data.find(b"\x00")
        if nul >= 0:
            raise FrontlineError(
                f"{label}: not a text file (NUL byte at offset {nul}); expected CSV or GeoJSON"
            )
        text = _utf8(data, label)
    else:
        text = _decode_wide(data, wide, label)
    if not text.strip():
        raise FrontlineError(f"{label}: the file is empty")
    if wide is not None or _BARE_CR.search(text):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        data = text.encode("utf-8")
    elif data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    check_line_length(data, label)
    return text, data


_UTF8_BOM = b"\xef\xbb\xbf"
_BARE_CR = re.compile(r"\r(?!\n)")
# (byte-order mark, codec, how a person names it); UTF-32 first: its LE mark starts like
# UTF-16's.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 (little-endian)"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 (big-endian)"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 (little-endian)"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 (big-endian)"),
)


def _wide_encoding(data: bytes) -> tuple[int, str, str] | None:
    """(length of the byte-order mark, codec, name) of UTF-16/32 text, else None.

    Without a mark, UTF-16 is recognised by its NUL bytes: an ASCII character is a NUL
    byte and a non-NUL one, so in the first 4 kB of an event file (its header is ASCII;
    Cyrillic text has no NULs) at least a fifth of the bytes at odd offsets are NUL
    (little-endian), or at even ones (big-endian), and almost none at the others. A binary
    file has NULs at both; a text with a stray NUL has few. Decoding then confirms it.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return len(bom), codec, name
    sample = data[:4096]
    half = len(sample) // 2
    if half < 8:
        return None
    even, odd = sample[0 : 2 * half : 2].count(0), sample[1 : 2 * half : 2].count(0)
    if odd >= 0.2 * half and even <= 0.02 * half:
        return 0, "utf-16-le", "UTF-16 (little-endian)"
    if even >= 0.2 * half and odd <= 0.02 * half:
        return 0, "utf-16-be", "UTF-16 (big-endian)"
    return None


def _decode_wide(data: bytes, wide: tuple[int, str, str], label: str) -> str:
    bom, codec, name = wide
    try:
        text = data[bom:].decode(codec)
    except UnicodeDecodeError as err:
        how = "with" if bom else "without"
        raise FrontlineError(
            f"{label}: this looks like {name} {how} a byte-order mark, but it is not valid "
            f"{name.split()[0]} (bad bytes at offset {bom + err.start}); save it as UTF-8 "
            "(in Excel: 'CSV UTF-8') and retry"
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise FrontlineError(
            f"{label}: not a text file (a NUL character at position {nul} of the {name} "
            "text); expected CSV or GeoJSON"
        )
    return text.removeprefix("\ufeff")


def _utf8(data: bytes, label: str) -> str:
    bom = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as err:
        offset = bom + err.start
        line = data.count(b"\n", 0, offset) + 1
        raise FrontlineError(
            f"{label}: not valid UTF-8 text: byte 0x{data[offset]:02x} at offset {offset} "
            f"(line {line}); save the file as UTF-8 (in Excel: 'CSV UTF-8') and retry"
        ) from None


def check_line_length(data: bytes, label: str, limit: int = MAX_LINE_BYTES) -> None:
    """Raise :class:`FrontlineError` when a line of ``data`` is longer than ``limit`` bytes.

    JSON is exempt: a FeatureCollection is often written as one line.
    """
    if len(data) <= limit or data.lstrip()[:1] in (b"{", b"["):
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
    """The delimiter of a CSV: the one an Excel ``sep=`` first line names, else whichever of
    ``,`` ``;`` and tab occurs most in its header.

    Delimiters inside double quotes do not count; with none found, ``,`` (a one-column file
    then fails later with a message that lists the single column it found).
    """
    sep, start = excel_sep(text)
    if sep is not None:
        return sep
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in first_line(text, start):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


# Excel's "sep=;" first line, also as Excel writes it back (quoted, or padded with
# delimiters: '"sep=;";;;'), and with a literal backslash-t for a tab.
_SEP_LINE = re.compile(r'"?sep=(\\t|[,;\t|])"?(?:\1)*[ ]*(?:\r?\n|\Z)', re.IGNORECASE)


def excel_sep(text: str) -> tuple[str | None, int]:
    """The delimiter named by an Excel ``sep=`` first line, and where the header starts.

    Returns
    -------
    (delimiter, start) : ``(None, 0)`` when the file has no such line.

    Examples
    --------
    >>> excel_sep("sep=;\\ndate;lat;lon\\n")
    (';', 6)
    """
    match = _SEP_LINE.match(text)
    if match is None:
        return None, 0
    sep = match.group(1)
    return ("\t" if sep == "\\t" else sep), match.end()


def first_line(text: str, start: int = 0) -> str:
    """The line that starts at ``start``, without its line break (and without reading past
    it)."""
    end = text.find("\n", start)
    return (text[start:] if end < 0 else text[start:end]).rstrip("\r")


def header_fields(text: str, delimiter: str) -> list[str]:
    """The header names of a CSV, stripped of spaces and quotes (for detection only)."""
    first = first_line(text, excel_sep(text)[1])
    return [f.strip().strip('"').strip() for f in first.split(delimiter)]


_JSON_START = re.compile(r'\s*(?:\{|\[\s*(?:[\[{\]"\-0-9]|true|false|null))')


def looks_like_json(text: str) -> bool:
    """Whether the text starts like a JSON object or array (a CSV header never does)."""
    return _JSON_START.match(text) is not None


def detect_format(text: str) -> str:
    """Decide the format from the content of a file.

    Returns
    -------
    ``"geojson"`` when the text starts like JSON (an object or an array); ``"acled"`` when
    the CSV header has ``event_id_cnty``; ``"ucdp"`` when it has ``date_start`` and
    ``type_of_violence``; else ``"csv"``, which also covers Frontline's own export
    (canonical column names).
    """
    if looks_like_json(text):
        return "geojson"
    names = {f.lower() for f in header_fields(text, sniff_delimiter(text))}
    if "event_id_cnty" in names:
        return "acled"
    if {"date_start", "type_of_violence"} <= names:
        return "ucdp"
    return "csv"
