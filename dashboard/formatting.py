"""Numbers and dates in the reader's language: "1,234.5 km²" / "1.234,5 km²",
"4 November 2024" / "4. November 2024".

Done by hand rather than with the locale module, because locale is process-global (two
readers in two languages share one server process) and not every machine has de_DE.
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "LANGS",
    "fmt_date",
    "fmt_date_range",
    "fmt_int",
    "fmt_km2",
    "fmt_number",
    "hover_text",
]

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


def hover_text(value) -> str:
    """Text from data for a Plotly hover: shown as text, never as markup. Plotly reads a few
    tags in hovers, so ``<``, ``>`` and ``&`` are escaped; quotes are left alone (Plotly does
    not decode ``&quot;``, and without ``<`` no tag, and no attribute, can be formed)."""
    import html

    return html.escape(str(value), quote=False)


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
    """An area: ``"1,234.5 km²"`` / ``"1.234,5 km²"``; nothing at all is ``"0 km²"`` (not
    "0.0", which reads as a measured sliver)."""
    if value is not None and abs(value) < 0.05:
        return "0 km²"
    return f"{fmt_number(value, lang, 1, sign)} km²"


def fmt_date(value: dt.date | str, lang: str = "en") -> str:
    """``2024-11-04`` → ``"4 November 2024"`` (en) or ``"4. November 2024"`` (de)."""
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    month = MONTHS["de" if lang == "de" else "en"][d.month - 1]
    return f"{d.day}. {month} {d.year}" if lang == "de" else f"{d.day} {month} {d.year}"


def fmt_date_range(start: dt.date | str, end_exclusive: dt.date | str, lang: str = "en") -> str:
    """The days of a half-open range ``[start, end)`` as people write them:
    "1–31 October 2024" / "1.–31. Oktober 2024", "28 September – 4 October 2024",
    "28 December 2024 – 3 January 2025", or one date for a single day. The one way every
    page, card and verdict shows a period."""
    s = dt.date.fromisoformat(start) if isinstance(start, str) else start
    e = dt.date.fromisoformat(end_exclusive) if isinstance(end_exclusive, str) else end_exclusive
    last = e - dt.timedelta(days=1)
    if last <= s:
        return fmt_date(s, lang)
    de = lang == "de"
    months = MONTHS["de" if de else "en"]
    if (s.year, s.month) == (last.year, last.month):
        return f"{s.day}.–{fmt_date(last, lang)}" if de else f"{s.day}–{fmt_date(last, lang)}"
    if s.year == last.year:
        first = f"{s.day}. {months[s.month - 1]}" if de else f"{s.day} {months[s.month - 1]}"
        return f"{first} – {fmt_date(last, lang)}"
    return f"{fmt_date(s, lang)} – {fmt_date(last, lang)}"
