"""Read one sentence of a wire report and say what figure it claims.

"…haben russische Truppen in der Region Donezk … im Oktober um 610 Quadratkilometer
vorgerückt" becomes: area gained, 610 km², Russia, UA-14, 2024-10-01 to 2024-11-01. The
parser reads German and English with regular expressions over the word lists in
:mod:`geo.claimtext_words`; it never guesses. What it cannot read it names as a problem
(``{"part": "period", "code": "missing"}``); what it reads with doubt it flags ``unsure`` or
``ambiguous``; what it fills in by convention (all of Ukraine when no region is named, a
period cut at the publication date) it lists as an assumption. Problems and assumptions are
codes, not sentences: the wording lives in the dashboard.

Problem parts: ``measure number unit side region period language length``. Codes:
``missing`` (not found), ``ambiguous`` (several readings or several candidates; the first or
nearest is used), ``unsure`` (read, but loosely: "a dozen", "recently", a side only hinted
at), ``unsupported`` (a language or a figure this parser does not read), ``too_long``,
``after_date`` (a period that starts on or after the publication date).
Assumption codes: ``region/all_ukraine``, ``period/cut_at_date``, ``period/as_of_date``
(a distance is as it stood on the publication date), ``period/assumed_today``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from geo import claimtext_words as W
from geo.errors import FrontlineError

if TYPE_CHECKING:  # the parser itself never needs geopandas
    from geo.regions import Regions

__all__ = [
    "MAX_CHARS",
    "MEASURES",
    "MI2_KM2",
    "ParsedClaim",
    "detect_language",
    "fold",
    "parse_claim",
    "read_number",
]

#: Longer input is refused unread (the endpoint's size limit, too).
MAX_CHARS = 1000
MEASURES = ("area_gained", "area_lost", "area_net", "settlements", "distance")
#: km² per square mile; the same factor as ``geo.claims.UNITS["mi2"]`` (a test holds them equal).
MI2_KM2 = 2.589988110336
#: "Since the full-scale invasion" starts here.
INVASION_START = dt.date(2022, 2, 24)


@dataclass(frozen=True)
class ParsedClaim:
    """What one sentence claims. Periods are half-open: ``[period_start, period_end)``.

    ``side`` is the subject of the sentence's verb: whose gain (``area_gained``), whose loss
    (``area_lost``), whose net change; for ``settlements`` the side that took them, for
    ``distance`` the side whose forces stand that far from ``place``. ``region`` None with
    the assumption ``region/all_ukraine`` means no region was named.
    """

    text: str
    lang: str | None = None
    measure: str | None = None
    value: float | None = None
    unit: str | None = None
    value_km2: float | None = None
    side: str | None = None
    region: str | None = None
    region_text: str = ""
    region_candidates: tuple[str, ...] = ()
    place: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    period_text: str = ""
    hedge: str | None = None
    hedge_kind: str | None = None
    sources: tuple[str, ...] = ()
    data_source: str | None = None
    reporter: str | None = None
    anchor_date: dt.date | None = None
    problems: tuple[dict, ...] = ()
    assumptions: tuple[dict, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the measure, the number and the period were all read."""
        return None not in (self.measure, self.value, self.period_start)

    def problem(self, part: str) -> str | None:
        """The code of the first problem with ``part``, or None."""
        return next((p["code"] for p in self.problems if p["part"] == part), None)

    def as_record(self) -> dict:
        """The fields and ``ok``, JSON-ready (dates as ISO strings, tuples as lists)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for key in ("period_start", "period_end", "anchor_date"):
            out[key] = out[key].isoformat() if out[key] else None
        for key in ("region_candidates", "sources", "problems", "assumptions"):
            out[key] = [dict(x) if isinstance(x, dict) else x for x in out[key]]
        out["ok"] = self.ok
        return out

    def describe(self) -> str:
        """One line of English for the CLI and test failures (the UI words its own)."""
        hedge = f"{self.hedge} " if self.hedge else ""
        if self.value is not None:
            head = f"{self.measure or '?'} {hedge}{self.value:g} {self.unit}"
        else:
            head = f"{self.measure} (no number)" if self.measure else "no figure read"
        where = self.region or ("all of Ukraine" if not self.region_candidates else "?")
        when = f"{self.period_start}..{self.period_end}" if self.period_start else "no period"
        probs = ", ".join(f"{p['part']}:{p['code']}" for p in self.problems) or "none"
        place = f" to {self.place}" if self.place else ""
        return f"{head}{place}, side {self.side}, {where}, {when}; problems: {probs}"


# Folding: lower case, no marks on Latin letters, one character for one, so that offsets in
# the folded text are offsets in the original (for quoting the words matched).
@lru_cache(maxsize=8192)
def _fold_char(c: str) -> str:
    low = c.lower()
    if len(low) != 1 or low.isascii():
        return low if len(low) == 1 else c
    d = unicodedata.normalize("NFKD", low)
    if len(d) == 1:
        return d
    if ord(d[0]) < 0x250 and all(unicodedata.combining(x) for x in d[1:]):
        return d[0]
    return low


def fold(text: str) -> str:
    """Lower case without accents on Latin letters, same length as ``text``.

    Example: ``fold("Dörfer km²") == "dorfer km2"``.
    """
    return "".join(map(_fold_char, text))


def _rx(pattern: str) -> re.Pattern:
    # Word lists are written with their accents; only non-ASCII is folded so that regex
    # syntax such as (?P<name>) survives.
    return re.compile("".join(c if c.isascii() else _fold_char(c) for c in pattern))


def _alts(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_MONTH_NAMES = [n for names in W.MONTHS.values() for n in names]
_MONTH_BY_PREFIX = {fold(n)[:3]: m for m, names in W.MONTHS.items() for n in names}
_WORDNUM = W.WORDNUM
_NUM = r"(?<![\w.,])(?:\d{1,3}(?:[., ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)"
_FIGURE = _rx(
    rf"(?P<num>{_NUM}|\b(?:{_alts(W.VAGUE_NUMBERS)}|{_WORDNUM})\b)\s*-?\s*"
    rf"(?P<fill>(?:(?:{W.SETTLEMENT_FILLERS})\s+){{0,2}})"
    rf"(?:(?P<km2>{W.UNIT_KM2})|(?P<mi2>{W.UNIT_MI2})|(?P<settlements>\b(?:{W.SETTLEMENTS})\b)"
    rf"|(?P<km>{W.UNIT_KM}))"
)
_DIST_LINK = _rx(rf"\s*{W.DISTANCE_LINK}")
_PLACE = re.compile(r"([^\W\d_][\w'’-]*)(?:\s+([^\W\d_][\w'’-]*))?")
# A number that is no day of a date ("3. November", "November 3") and no year.
_MONTHS_ALT = "|".join(_MONTH_NAMES)
_MONTH_BEFORE = _rx(rf"\b(?:{_MONTHS_ALT})\s*$")
_BARE_NUMBER = _rx(
    rf"(?P<n>{_NUM})(?!\.?\s*(?:{_MONTHS_ALT})\b)"
    rf"(?:\s*(?P<pct>%|percent\b|per\s+cent\b|prozent\b))?"
)


def _is_day(m: re.Match, folded: str) -> bool:
    """A number right after a month name that could be its day ("November 3")."""
    n = m.group("n")
    return (
        not m.group("pct")
        and n.isdigit()
        and 1 <= int(n) <= 31
        and bool(_MONTH_BEFORE.search(folded[max(0, m.start() - 12) : m.start()]))
    )


_BY = _rx(rf"\b(?:by|um)\s+(?:(?:{_alts(W.HEDGES)})\s+)?$")
_HEDGES = {fold(k.replace("\\", "")): (k.replace("\\", ""), v) for k, v in W.HEDGES.items()}
_HEDGE = _rx(rf"(?:^|\W)({_alts(W.HEDGES)})\s+(?:the\s+|die\s+)?$")
_MEASURE_WORDS = {
    k: _rx(rf"\b(?:{p})\b")
    for k, p in (("gain", W.GAIN_WORDS), ("loss", W.LOSS_WORDS), ("net", W.NET_WORDS))
}
_RECAPTURE = _rx(rf"\b(?:{W.RECAPTURE_WORDS})\b")
_ACTORS = [
    (side, strong, _rx(rf"\b(?:{p[key]})\b"))
    for side, p in W.ACTORS.items()
    for strong, key in ((True, "strong"), (False, "weak"))
]
_NOT_ACTOR = _rx(rf"\b{W.NOT_ACTOR_BEFORE}\s+$")
_NOT_FORCES = _rx(rf"\b{W.NOT_FORCES_BEFORE}\s+$")
_AGENT = _rx(rf"\b({W.AGENT_BEFORE})\s+(?:the\s+|den\s+|die\s+|der\s+)?$")
_PASSIVE_DE = _rx(rf"\b(?:{W.PASSIVE_DE})\b")
_COMPARISON = _rx(W.COMPARISON_BEFORE)
_FRACTION = _rx(rf"\b{W.FRACTION_BEFORE}")
_PART_OF_MONTH = _rx(rf"\b(?:{W.PART_OF_MONTH})[\s-]+$")
_VAGUE_PLACE = _rx(rf"\b(?:{W.VAGUE_PLACES})")
_LANG_WORDS = {lang: set(fold(words).split()) for lang, words in W.LANGUAGE_WORDS.items()}


def detect_language(text: str) -> str | None:
    """Guess the language of ``text`` by counting function words.

    Returns
    -------
    "en", "de", another ISO 639-1 code ("fr", "ru", "uk", ...) or None when no word counts.
    """
    letters = [c for c in text if c.isalpha()]
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    if letters and cyrillic * 2 > len(letters):
        return "uk" if re.search("[іїєґІЇЄҐ]", text) else "ru"
    words = re.findall(r"[^\W\d_]+", fold(text))
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _LANG_WORDS.items()}
    ours = max(scores["en"], scores["de"])
    other, other_score = max(
        ((k, v) for k, v in scores.items() if k not in ("en", "de")), key=lambda kv: kv[1]
    )
    if other_score >= 2 and other_score > ours:
        return other
    if ours == 0:
        return None
    return "de" if scores["de"] > scores["en"] else "en"


def read_number(raw: str, lang: str | None) -> tuple[float | None, str | None]:
    """Read a figure written in English or German style.

    Returns ``(value, problem)``: problem is ``"ambiguous"`` when the shape allows two
    readings and the language does not settle it (``"1.234"`` in English, ``"1,234"`` in
    German: both read as 1234, since areas are not given to the metre), else None.

    Example: ``read_number("1.234,5", "de") == (1234.5, None)``.
    """
    try:
        value, problem = _read_number(fold(raw).strip(), lang)
    except ValueError:  # not a number at all
        return None, "unsure"
    if value is not None and not math.isfinite(value):
        return None, "unsure"  # a run of digit groups too long to be a figure
    return value, problem


def _read_number(s: str, lang: str | None) -> tuple[float | None, str | None]:
    if s in W.VAGUE_NUMBERS or s in _FOLDED_WORDNUM:
        value = W.VAGUE_NUMBERS.get(s, _FOLDED_WORDNUM.get(s))
        return (None if value is None else float(value)), (
            "unsure" if s in W.VAGUE_NUMBERS else None
        )
    s = s.replace(" ", "")
    dec_mark = {"en": ".", "de": ","}.get(lang or "")
    seps = [c for c in s if c in ".,"]
    if not seps:
        return float(s), None
    if len(set(seps)) == 2:
        dec = seps[-1]
        return float(s.replace("," if dec == "." else ".", "").replace(",", ".")), None
    sep = seps[0]
    head, _, tail = s.rpartition(sep)
    if len(seps) > 1:  # "1.234.567"; a short last group ("1.234.56") is no number format
        return float(s.replace(sep, "")), (None if len(tail) == 3 else "ambiguous")
    if len(tail) == 3 and len(head) <= 3:
        return float(head + tail), (None if dec_mark and sep != dec_mark else "ambiguous")
    return float(head + "." + tail), (None if dec_mark in (None, sep) else "ambiguous")


_FOLDED_WORDNUM = {fold(k): v for k, v in W.WORD_NUMBERS.items()}


def _figures(text: str, folded: str, lang: str | None) -> list[dict]:
    out = []
    for m in _FIGURE.finditer(folded):
        kind = next(k for k in ("km2", "mi2", "settlements", "km") if m.group(k))
        value, num_problem = read_number(m.group("num"), lang)
        fig = {
            "start": m.start(),
            "end": m.end(),
            "kind": kind,
            "value": value,
            "num_problem": num_problem,
            "place": None,
        }
        # "pushed back by 2 km from Vuhledar" is a movement, not how far the forces stand.
        if kind == "km" and not _BY.search(folded[max(0, m.start() - 30) : m.start()]):
            link = _DIST_LINK.match(folded, m.end())
            place = _PLACE.match(text, link.end()) if link else None
            if place and place.group(1)[0].isupper():
                # A second capitalised word is part of the name in English ("Chasiv Yar"); in
                # German every noun has a capital, so only known second parts count.
                second = place.group(2)
                keep2 = (
                    second
                    and second[0].isupper()
                    and (lang == "en" or fold(second) in W.PLACE_SECOND_WORDS)
                )
                name = f"{place.group(1)} {second}" if keep2 else place.group(1)
                end = place.end() if keep2 else place.end(1)
                fig.update(kind="distance", place=re.sub(r"['’]s$", "", name), end=end)
        # "610 square kilometres (235 square miles)": the bracket repeats the figure.
        if (
            out
            and kind in ("km2", "mi2")
            and out[-1]["kind"] in ("km2", "mi2")
            and (folded[out[-1]["end"] : m.start()].strip() in ("(", "[", "or", "bzw."))
        ):
            continue
        out.append(fig)
    return out


def parse_claim(
    text: str,
    *,
    date: dt.date | str | None = None,
    lang: str | None = None,
    regions: Regions | None = None,
) -> ParsedClaim:
    """Read what one German or English sentence claims about ground gained or lost.

    Parameters
    ----------
    text : the sentence (at most :data:`MAX_CHARS` characters; longer is refused unread).
    date : the publication date, which anchors "im Oktober", "last month", "in the past
        week"; None means today (and says so in ``assumptions``).
    lang : "en" or "de"; None detects it. A sentence detected as another language is
        refused even when ``lang`` is given.
    regions : optional :class:`geo.regions.Regions`; its names (en/de/uk/ru) join the
        built-in list, and only its codes are returned.

    Returns
    -------
    ParsedClaim
        Never raises for any text; unreadable parts are listed in ``problems``.

    Raises
    ------
    FrontlineError
        Only for a bad argument: ``text`` not a string, ``lang`` not en/de, a bad ``date``.

    Examples
    --------
    >>> c = parse_claim("Russian forces captured about 600 square kilometres in the "
    ...                 "Donetsk region in October", date=dt.date(2024, 11, 4))
    >>> (c.measure, c.value, c.region, str(c.period_start), c.hedge)
    ('area_gained', 600.0, 'UA-14', '2024-10-01', 'about')
    """
    if not isinstance(text, str):
        raise FrontlineError(f"text: expected a string, got {type(text).__name__}", param="text")
    if lang not in (None, "en", "de"):
        raise FrontlineError(f"lang: expected 'en', 'de' or nothing, got {lang!r}", param="lang")
    anchor = _as_date(date)
    if len(text) > MAX_CHARS:
        return ParsedClaim(
            text=text[:MAX_CHARS], anchor_date=anchor, problems=(_p("length", "too_long"),)
        )
    return _parse(text, anchor, date is None, lang, regions)


def _p(part: str, code: str) -> dict:
    return {"part": part, "code": code}


def _as_date(value) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FrontlineError(
        f"date: expected the publication date as a date or ISO text such as 2024-11-04, "
        f"got {value!r}",
        param="date",
    )


# --- regions --------------------------------------------------------------------------------
# Matchers by region table, built on first use; a table that is dropped takes its matcher
# with it. _BUILTIN stands for "no table": the built-in names only.
_REGION_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class _Builtin:
    pass


_BUILTIN = _Builtin()


def _norm(name: str) -> str:
    return re.sub(r"[\s-]+", " ", re.sub("['’ʼ]", "", fold(name))).strip()


def _form_rx(form: str) -> str:
    """A name as a pattern: "Donets'k" also finds "Donetsk", "Ivano-Frankivsk" "Ivano Frankivsk"."""
    parts = re.split(r"([\s-]+|['’ʼ])", fold(form).strip())
    subs = {"'": "['’ʼ]?", "’": "['’ʼ]?", "ʼ": "['’ʼ]?"}
    return "".join(
        subs.get(p, r"[\s-]+" if p.isspace() or "-" in p else re.escape(p)) for p in parts
    )


def _region_matcher(regions) -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    """One regex for every region name, bare or with a region word, and its lookup."""
    key = _BUILTIN if regions is None else regions
    if key in _REGION_CACHE:
        return _REGION_CACHE[key]
    allowed = set(regions.codes) if regions is not None else None
    lookup: dict[str, tuple[str, ...]] = {}
    forms: dict[bool, set[str]] = {False: set(), True: set()}  # by "needs a region word"

    def add(form: str, codes: tuple[str, ...]) -> None:
        if allowed is None or allowed.issuperset(codes):
            lookup[_norm(form)] = codes
            forms[codes[0] in W.REGION_QUALIFIED].add(fold(form))

    for code, names in (*W.REGION_NAMES.items(), *W.REGION_QUALIFIED.items()):
        for name in names:
            add(name, (code,))
    if regions is not None:
        for row in regions.admin1.to_dict("records"):
            for col in ("name_en", "name_de", "name_uk", "name_ru", "name_ne", "name_iso"):
                name = row.get(col)
                words = [w for w in str(name).split() if fold(w) not in W.TABLE_NOISE]
                if isinstance(name, str) and words and row["iso_3166_2"] not in W.REGION_SKIP:
                    add(" ".join(words), (row["iso_3166_2"],))
    for name, codes in W.REGION_GROUPS.items():
        add(name, codes)
    # German adjectives of place: "im Donezker Gebiet", "Charkiwer Region".
    for form in list(forms[False]):
        if form.isalpha() and form.isascii() and form[-1] not in "aeiouy":
            add(form + "er", lookup[_norm(form)])
    before = rf"\b(?:{W.REGION_WORD_BEFORE})\s+(?:(?:der|des|dem|the)\s+)?"
    after = rf"(?:['’]s)?\s+(?:{W.REGION_WORD_AFTER})(?!\w)"
    bare_alt = _alts(_form_rx(f) for f in forms[False]) or "(?!)"
    qual_alt = _alts(_form_rx(f) for f in forms[True]) or "(?!)"
    pattern = _rx(
        rf"(?:{before})?\b(?P<b>{bare_alt})(?!\w)(?:{after})?"
        rf"|{before}\b(?P<q1>{qual_alt})(?!\w)|\b(?P<q2>{qual_alt}){after}"
    )
    _REGION_CACHE[key] = (pattern, lookup)
    return pattern, lookup


# --- periods --------------------------------------------------------------------------------
_PERIODS = [(kind, _rx(p)) for kind, p in W.PERIOD_PATTERNS]
_UNIT_DAYS = {"day": 1, "tag": 1, "wee": 7, "woc": 7, "24 ": 1, "stu": 1}


def _month(name: str) -> int:
    return _MONTH_BY_PREFIX[fold(name)[:3]]


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def _year_for(month: int, anchor: dt.date) -> int:
    """The year of the latest such month on or before the anchor's month."""
    return anchor.year if month <= anchor.month else anchor.year - 1


def _count(raw: str | None) -> int:
    if raw is None or fold(raw) in ("a", "an"):
        return 1
    return int(raw) if raw.isdigit() else _FOLDED_WORDNUM[fold(raw)]


def _resolve(kind: str, g: dict, anchor: dt.date) -> tuple[dt.date, dt.date, bool]:
    """(start, end, uses_anchor) of one period match; raises ValueError for 31 February."""
    year = next((int(g[k]) for k in ("y1", "y2", "y3") if g.get(k)), None)
    if kind in ("days", "months"):
        m2 = _month(g.get("m2") or g["m1"])
        m1 = _month(g["m1"]) if g.get("m1") else m2
        y1, y2 = (int(g[k]) if g.get(k) else None for k in ("y1", "y2"))
        if y2 is None:
            y2 = (y1 if m2 >= m1 else y1 + 1) if y1 else _year_for(m2, anchor)
        y1 = y1 or (y2 if m1 <= m2 else y2 - 1)
        if kind == "months":
            return dt.date(y1, m1, 1), _add_months(dt.date(y2, m2, 1), 1), year is None
        start, last = dt.date(y1, m1, int(g["d1"])), dt.date(y2, m2, int(g["d2"]))
        if last < start:
            raise ValueError("range ends before it starts")
        return start, last + dt.timedelta(days=1), year is None
    if kind == "day":
        m = _month(g["m1"])
        day = dt.date(year or _year_for(m, anchor), m, int(g["d1"]))
        return day, day + dt.timedelta(days=1), year is None
    if kind in ("since_day", "since_month"):
        m = _month(g["m1"])
        day = int(g.get("d1") or g.get("d2") or 1)
        return dt.date(year or _year_for(m, anchor), m, day), anchor, True
    if kind in ("year_to_date", "since_year"):
        return dt.date(year or anchor.year, 1, 1), anchor, True
    if kind == "week_to":
        m = _month(g.get("m1") or g["m2"])
        end = dt.date(year or _year_for(m, anchor), m, int(g.get("d1") or g["d2"]))
        end += dt.timedelta(days=1)
        if fold(g["u"])[:2] == "mo":
            return _add_months(end, -1).replace(day=min(end.day, 28)), end, year is None
        return end - dt.timedelta(days=7), end, year is None
    if kind == "quarter":
        q = g.get("q") or g.get("q2") or g["q3"]
        n = int(q) if q.isdigit() else W.ORDINALS[q]
        start = dt.date(year or anchor.year, 3 * n - 2, 1)
        return start, _add_months(start, 3), year is None
    if kind == "yesterday":
        return anchor - dt.timedelta(days=1), anchor, True
    if kind == "weekend":
        saturday = anchor - dt.timedelta(days=(anchor.weekday() - 5) % 7 or 7)
        return saturday, saturday + dt.timedelta(days=2), True
    if kind == "since_invasion":
        return INVASION_START, anchor, True
    if kind == "first_months":
        start = dt.date(year or anchor.year, 1, 1)
        return start, _add_months(start, _count(g.get("n") or g.get("n2"))), year is None
    if kind == "half":
        start = dt.date(year or anchor.year, 1 if (g.get("h1") or g["h2"])[0] in "fe" else 7, 1)
        return start, _add_months(start, 6), year is None
    if kind == "rolling":
        unit, n = fold(g["u"]), _count(g.get("n"))
        if unit[:3] in ("mon", "yea", "jah"):
            first = _add_months(anchor, -n * (12 if unit[:3] in ("yea", "jah") else 1))
            last_day = calendar.monthrange(first.year, first.month)[1]
            return first.replace(day=min(anchor.day, last_day)), anchor, True
        days = max(n // 24, 1) if unit[:3] in ("24 ", "stu", "hou") else n * _UNIT_DAYS[unit[:3]]
        return anchor - dt.timedelta(days=days), anchor, True
    if kind in ("previous", "current"):
        unit = fold(g.get("u") or g["u2"])[:2]
        if unit == "mo":
            this = anchor.replace(day=1)
            if kind == "previous":
                return _add_months(this, -1), this, True
            return this, anchor, True
        if unit in ("we", "wo"):
            monday = anchor - dt.timedelta(days=anchor.weekday())
            if kind == "current":
                return monday, anchor, True
            return monday - dt.timedelta(days=7), monday, True
        return dt.date(anchor.year - 1, 1, 1), dt.date(anchor.year, 1, 1), True
    if kind in ("month_year", "month"):
        m = _month(g["m1"])
        start = dt.date(year or _year_for(m, anchor), m, 1)
        return start, _add_months(start, 1), year is None
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1), False  # "year"


def _periods(text: str, folded: str, anchor: dt.date, figures: list[dict]) -> list[dict]:
    found = []
    taken = [(f["start"], f["end"]) for f in figures]
    for kind, rx in _PERIODS:
        for m in rx.finditer(folded):
            s, e = m.span()
            if any(s < fe and fs < e for fs, fe in taken):
                continue  # "over 2000 square kilometres" is a figure, not the year 2000
            g = m.groupdict()
            if (
                g.get("m1")
                and fold(g["m1"]) in W.MONTHS_NEED_CAPITAL
                and not text[m.start("m1")].isupper()
            ):
                continue  # "may" and "march" as words
            # "on November 3" is a day, no period; "im Oktober 37 Ortschaften" is a figure.
            day_after = re.match(r"\s+(\d{1,2})(?![\d%]|[.,]\d|\s*(?:prozent|percent))", folded[e:])
            if day_after and (
                not 1 <= int(day_after.group(1)) <= 31
                or any(fs <= e + day_after.start(1) < fe for fs, fe in taken)
            ):
                day_after = None
            if kind == "month" and (
                re.search(r"\d\.?\s*$", folded[max(0, s - 4) : s]) or day_after
            ):
                continue
            if m.group().startswith(("since", "seit")) and _COMPARISON.search(
                folded[max(0, s - 60) : s]
            ):
                kind = "comparison"  # "the largest monthly gain since March 2022"
            found.append({"start": s, "end": e, "kind": kind, "groups": g})
    # A shorter match inside a longer one ("October" in "since October") is part of it.
    found = [
        p
        for p in found
        if not any(
            q is not p
            and q["start"] <= p["start"]
            and p["end"] <= q["end"]
            and (q["end"] - q["start"]) > (p["end"] - p["start"])
            for q in found
        )
    ]
    out = []
    for p in sorted(found, key=lambda p: p["start"]):
        if p["kind"] == "comparison":
            continue
        p["text"] = text[p["start"] : p["end"]]
        if p["kind"] != "vague":
            try:
                p["period"] = _resolve(p["kind"], p["groups"], anchor)
            except (ValueError, OverflowError, KeyError):
                p["kind"] = "invalid"
        out.append(p)
    return out


# --- side, sources, the whole sentence ------------------------------------------------------
def _side(text: str, folded: str, at: int, lang: str | None) -> tuple[str | None, str | None]:
    """The side acting at position ``at`` (the measure word or the figure), and a problem."""
    passive = bool(_PASSIVE_DE.search(folded))
    mentions = []
    for side, strong, rx in _ACTORS:
        for m in rx.finditer(folded):
            s, e = m.span()
            if not strong and any(x[0] <= s < x[1] for x in mentions):
                continue  # "Russia" inside "Russia's forces"
            tail = folded[max(0, s - 30) : s]
            agent = _AGENT.search(tail)
            role = "actor"
            if agent and (agent.group(1) != "von" or passive):
                role = "agent"
            elif (_NOT_FORCES if strong else _NOT_ACTOR).search(tail):
                role = "none"
            elif (
                not strong
                and (owner := re.match(r"['’]s\s+(\w)", text[e:]))
                and owner.group(1).isupper()
            ):
                role = "none"  # "Russia's Kursk region": a place, not an actor
            mentions.append((s, e, side, strong, role))
    agents = [x for x in mentions if x[4] == "agent"]
    actors = [x for x in mentions if x[4] == "actor"]
    if agents:
        return min(agents, key=lambda x: abs(x[0] - at))[2], None
    if not actors:
        return None, "missing"
    before = [x for x in actors if x[1] <= at]
    chosen = max(before, key=lambda x: x[1]) if before else min(actors, key=lambda x: x[0])
    # In English the words after the verb are its object ("pushed Russian forces back"); a
    # German verb comes last, so there any named force of the other side leaves a doubt.
    rivals = {x[2] for x in actors if x[3] and (lang != "en" or x[0] < at)} - {chosen[2]}
    return chosen[2], ("ambiguous" if rivals else None)


_SOURCES = [
    (_rx(rf"\b(?:{p})\b"), re.compile(rf"(?<![\w-]){a}(?![\w])") if a else None, name, kind)
    for p, a, name, kind in W.SOURCES
]


def _sources(text: str, folded: str) -> list[tuple[int, str, str]]:
    found = []
    for rx, acronym, name, kind in _SOURCES:
        hits = [m.start() for m in (rx.search(folded), acronym and acronym.search(text)) if m]
        if hits:
            found.append((min(hits), name, kind))
    return sorted(found)


# A place name and a comma just before "N km from X" locate that place; they do not say how
# far the forces are.
_APPOSITION = re.compile(r"[A-ZÄÖÜ][\w'’-]+,\s*(?:[^\W\d]+\s+){0,2}$")
_EN_PLACE = re.compile(
    r"\b(?:[Ii]n|[Nn]ear|[Aa]round|[Oo]utside|[Aa]t)\s+(?:the\s+(?:town|city"
    r"|village)\s+of\s+)?([A-Z][\w'’-]+)"
)
_DE_PLACE = re.compile(
    rf"\b(?:bei|in|nahe|um|vor)\s+(?:der\s+Stadt\s+)?[A-ZÄÖÜ]\w*(?:{W.DE_PLACE_ENDINGS})\b"
)
_NOT_PLACES = set(W.NOT_PLACES.split()) | {fold(n).rstrip(".") for n in _MONTH_NAMES}


def _not_place(word: str) -> bool:
    return word.isupper() or fold(re.sub(r"['’]s$", "", word)) in _NOT_PLACES


def _capital_place(text: str, m: re.Match) -> bool:
    """A vague-place match counts when it has no place group or its place is capitalised."""
    for name in ("near", "near2"):
        if m.group(name):
            return text[m.start(name)].isupper() and not _not_place(m.group(name))
    return True


def _distance(span: tuple[int, int], other: tuple[int, int]) -> int:
    return max(other[0] - span[1], span[0] - other[1], 0)


def _parse(text: str, anchor: dt.date, assumed: bool, lang, regions) -> ParsedClaim:
    detected = detect_language(text)
    if detected not in (None, "en", "de"):
        problem = _p("language", "unsupported")
        return ParsedClaim(text=text, lang=detected, anchor_date=anchor, problems=(problem,))
    problems: list[dict] = []
    assumptions: list[dict] = []
    if lang is None and detected is None:
        problems.append(_p("language", "unsure"))
    lang = lang or detected
    out: dict = {"text": text, "anchor_date": anchor, "lang": lang}
    folded = fold(text)
    figures = _figures(text, folded, lang)
    fig = figures[0] if figures else None
    words = [
        (m.start(), m.end(), kind)
        for kind in ("gain", "loss")
        for m in _MEASURE_WORDS[kind].finditer(folded)
    ]
    # The measure word nearest the figure decides gain or loss, and its subject the side.
    span = (fig["start"], fig["end"]) if fig else (0, 0)
    verb = min(words, key=lambda w: (_distance(w[:2], span), w[0])) if words else None
    periods = _periods(text, folded, anchor, figures)
    _read_figure(out, problems, folded, text, figures, verb, periods)
    _read_side(out, problems, text, folded, span[0], verb, lang)
    _read_region(out, problems, assumptions, text, folded, lang, regions)
    found = _sources(text, folded)
    out["sources"] = tuple(name for _, name, _ in found)
    out["data_source"] = next((n for _, n, k in found if k == "data"), None)
    out["reporter"] = next((n for _, n, k in found if k == "reporter"), None)
    _read_period(out, problems, assumptions, folded, anchor, assumed, figures, periods)
    return ParsedClaim(**out, problems=tuple(problems), assumptions=tuple(assumptions))


def _read_figure(out, problems, folded, text, figures, verb, periods) -> None:
    if not figures:
        # A number outside every date ("captured 610 in October") is a figure without unit.
        dates = [(p["start"], p["end"]) for p in periods]
        bare = [
            m
            for m in _BARE_NUMBER.finditer(folded)
            if not any(s <= m.start() < e for s, e in dates)
            and not re.fullmatch(r"(?:19|20)\d\d", m.group("n"))
            and not _is_day(m, folded)
        ]  # fmt: skip
        if any(m.group("pct") for m in bare):
            problems.append(_p("unit", "unsupported"))  # "50 Prozent": a share, not an area
        else:
            problems.append(_p("unit", "missing") if bare else _p("number", "missing"))
        if verb and re.search(rf"{W.UNIT_KM2}|{W.UNIT_MI2}", folded):
            out["measure"] = "area_lost" if verb[2] == "loss" else "area_gained"
        else:
            problems.append(_p("measure", "missing"))
        return
    fig = figures[0]
    kind, value = fig["kind"], fig["value"]
    if len(figures) > 1:
        problems.append(_p("number", "ambiguous"))
    if fig["num_problem"] or value is None:
        problems.append(_p("number", fig["num_problem"] or "unsure"))
    out["value"] = value
    out["unit"] = kind if kind in ("km2", "mi2", "settlements") else "km"
    if kind in ("km2", "mi2"):
        if value is not None:
            out["value_km2"] = value * (MI2_KM2 if kind == "mi2" else 1.0)
        if _MEASURE_WORDS["net"].search(folded):
            out["measure"] = "area_net"
        elif verb:
            out["measure"] = "area_lost" if verb[2] == "loss" else "area_gained"
        else:
            problems.append(_p("measure", "missing"))
    elif kind == "settlements":
        out["measure"] = "settlements"
    elif kind == "distance":
        out["measure"], out["place"] = "distance", fig["place"]
        if _APPOSITION.search(text[max(0, fig["start"] - 60) : fig["start"]]):
            problems.append(_p("measure", "unsure"))  # "Selydove, 18 km from Pokrovsk"
    else:
        problems.append(_p("measure", "unsupported"))  # "advanced 5 km": a depth, not a distance
    if _FRACTION.search(folded[max(0, fig["start"] - 40) : fig["start"]]):
        problems.append(_p("measure", "unsure"))  # "half of the 1,300 km² they took"
    hedge = _HEDGE.search(folded[max(0, fig["start"] - 30) : fig["start"]])
    if hedge:
        out["hedge"], out["hedge_kind"] = _HEDGES[re.sub(r"\s+", " ", hedge.group(1))]


def _read_side(out, problems, text, folded, figure_at, verb, lang) -> None:
    at = verb[0] if verb and out.get("measure") != "distance" else figure_at
    side, problem = _side(text, folded, at, lang)
    if side is None and _RECAPTURE.search(folded):
        side, problem = "ukraine", "unsure"
    if side and out.get("measure") == "settlements" and verb and verb[2] == "loss":
        side = "russia" if side == "ukraine" else "ukraine"  # "Ukraine lost five villages"
    out["side"] = side
    if problem:
        problems.append(_p("side", problem))


def _read_region(out, problems, assumptions, text, folded, lang, regions) -> None:
    pattern, lookup = _region_matcher(regions)
    hits = []
    for m in pattern.finditer(folded):
        name = next(v for v in m.group("b", "q1", "q2") if v)
        hits.append((m.start(), m.end(), lookup[_norm(name)]))
    codes = list(dict.fromkeys(c for h in hits for c in h[2]))
    out["region_text"] = ", ".join(dict.fromkeys(text[s:e] for s, e, _ in hits))
    if len(codes) == 1:
        out["region"] = codes[0]
        return
    if codes:
        out["region_candidates"] = tuple(codes)
        problems.append(_p("region", "ambiguous"))
        return
    if out.get("measure") == "distance":
        return  # the place is named; a region would only locate it
    vague = next((m for m in _VAGUE_PLACE.finditer(folded) if _capital_place(text, m)), None)
    if vague is None and lang == "en":
        vague = next((m for m in _EN_PLACE.finditer(text) if not _not_place(m.group(1))), None)
    if vague is None and lang == "de":
        vague = _DE_PLACE.search(text)
    if vague:
        out["region_text"] = text[vague.start() : vague.end()]
        problems.append(_p("region", "unsure"))
    else:
        assumptions.append(_p("region", "all_ukraine"))


def _read_period(out, problems, assumptions, folded, anchor, assumed, figures, periods) -> None:
    readable = [p for p in periods if "period" in p]
    if not readable:
        if out.get("measure") == "distance":
            # A distance is a state: as it stood on the publication date.
            end = anchor + dt.timedelta(days=1) if anchor < dt.date.max else anchor
            out.update(period_start=anchor, period_end=end)
            assumptions.append(_p("period", "as_of_date"))
            if assumed:
                assumptions.append(_p("period", "assumed_today"))
        else:
            out["period_text"] = periods[0]["text"] if periods else ""
            problems.append(_p("period", "unsure" if periods else "missing"))
        return
    near = (figures[0]["start"], figures[0]["end"]) if figures else (0, 0)

    # The nearest period in the figure's own clause; one behind a comma only when none is.
    def remoteness(p: dict) -> tuple[bool, int]:
        lo, hi = sorted((p["start"], p["end"], *near))[1:3]
        return bool(re.search(r"[,;:]", folded[lo:hi])), _distance((p["start"], p["end"]), near)

    best = min(readable, key=remoteness)
    if len({p["period"][:2] for p in readable}) > 1:
        problems.append(_p("period", "ambiguous"))
    start, end, relative = best["period"]
    before = folded[max(0, best["start"] - 20) : best["start"]]
    if best["kind"] in ("month", "month_year") and _PART_OF_MONTH.search(before):
        problems.append(_p("period", "unsure"))  # "in late October"
    if start < anchor < end:
        end = anchor
        assumptions.append(_p("period", "cut_at_date"))
    if start >= anchor:
        problems.append(_p("period", "after_date"))
    out.update(period_start=start, period_end=end, period_text=best["text"])
    if assumed and (relative or end == anchor):
        assumptions.append(_p("period", "assumed_today"))
