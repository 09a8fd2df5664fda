"""Numbers and dates in the reader's language: "1,234.5 km²" / "1.234,5 km²",
"4 November 2024" / "4. November 2024".

Done by hand rather than with the locale module, because locale is process-global (two
readers in two languages share one server process) and not every machine has de_DE.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["LANGS", "fmt_date", "fmt_date_range", "fmt_int", "fmt_km2", "fmt_number"]

LANGS = ("en", "de")

MONTHS = {
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "de": [
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ],
}  # fmt: skip


def fmt_number(value: float | int | None, lang: str = "en", decimals: int = 0, sign=False) -> str:
    """``1234.5`` → ``"1,234.5"`` (en) or ``"1.234,5"`` (de); None → ``"–"``."""
    if value is None:
        return "–"
    text = f"{value:{'+' if sign else ''},.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text.replace("-", "−")  # a real minus sign reads better than a hyphen


def fmt_int(value: int | None, lang: str = "en") -> str:
    """An integer with thousands separators."""
    return fmt_number(value, lang, 0)


def fmt_km2(value: float | None, lang: str = "en", sign: bool = False) -> str:
    """An area: ``"1,234.5 km²"`` / ``"1.234,5 km²"``."""
    return f"{fmt_number(value, lang, 1, sign)} km²"


def fmt_date(value: dt.date | str, lang: str = "en") -> str:
    """``2024-11-04`` → ``"4 November 2024"`` (en) or ``"4. November 2024"`` (de)."""
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    month = MONTHS["de" if lang == "de" else "en"][d.month - 1]
    return f"{d.day}. {month} {d.year}" if lang == "de" else f"{d.day} {month} {d.year}"


def fmt_date_range(start: dt.date | str, end_exclusive: dt.date | str, lang: str = "en") -> str:
    """A half-open range shown as people read it: ``[2024-10-01, 2024-11-01)`` →
    ``"1 October 2024 – 31 October 2024"``."""
    s = dt.date.fromisoformat(start) if isinstance(start, str) else start
    e = dt.date.fromisoformat(end_exclusive) if isinstance(end_exclusive, str) else end_exclusive
    last = e - dt.timedelta(days=1)
    if last <= s:
        return fmt_date(s, lang)
    return f"{fmt_date(s, lang)} – {fmt_date(last, lang)}"
