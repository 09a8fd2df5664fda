"""Stories: what a newsroom publishes beside one article (YAML in ``data/stories/``).

A story has a title and summary in English and German, the article it belongs to, a default
view, its events (date, a place name resolved through the offline gazetteer or an admin-1
region, texts in our own words, the article as source) and the claims it checks.
:func:`check_story` names every problem at once (unknown place, bad date, bad claim) so an
editor can fix a file in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import yaml

from geo.claimtext import ParsedClaim, parse_claim
from geo.errors import FrontlineError
from geo.schema import EVENT_COLUMNS, EVENT_DTYPES, EVENT_TYPES

__all__ = ["SLUG", "Story", "check_story", "find_story", "load_story", "story_events"]

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}\Z")
LANGS = ("en", "de")


class _TextDates(yaml.SafeLoader):
    """YAML without implicit dates: a bad date (2024-02-30) becomes a named problem in the
    report instead of an exception from the YAML parser."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class StoryEvent:
    """One event of a story, placed and checked."""

    n: int
    date: dt.date
    date_precision: int
    lon: float
    lat: float
    geo_precision: int
    place: str
    event_type: str
    actor1: str
    actor2: str
    text: dict
    claim: str
    #: ``place`` in German (a region's or a town's German name), else the same as ``place``.
    place_de: str = ""


@dataclass(frozen=True)
class Story:
    """A checked story file."""

    slug: str
    title: dict
    summary: dict
    article: dict
    view: dict
    events: tuple[StoryEvent, ...]
    claims: tuple[str, ...]
    path: Path | None = field(default=None, compare=False)
    #: Claims given as their sentence (``- sentence: "..."`` under ``claims:``), read
    #: against the article's date (or the item's own ``date``); checked by
    #: :func:`geo.claimcheck.check_sentence`.
    sentences: tuple[ParsedClaim, ...] = ()

    @property
    def source(self) -> str:
        """The article as a source line: publication, date and title."""
        a = self.article
        return f"{a.get('publication', '')}, {a.get('date', '')}: {a.get('title', '')}"


def find_story(stories_dir: Path, slug: str) -> Path:
    """The file of story ``slug``; the slug cannot name a path outside ``stories_dir``."""
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise FrontlineError(f"slug: {slug!r} is not a story slug", param="slug")
    path = Path(stories_dir) / f"{slug}.yaml"
    if not path.is_file():
        raise FrontlineError(f"no story {slug!r}", param="slug")
    return path


def check_story(path, gazetteer, regions, claims=None) -> tuple[Story | None, list[str]]:
    """Read a story file and list every problem in it.

    Parameters
    ----------
    path : the YAML file.
    gazetteer : :class:`geo.gazetteer.Gazetteer` resolving place names offline.
    regions : :class:`geo.regions.Regions` for ``region:`` events and point checks.
    claims : ids of the known claims (``data/claims.yaml``); None skips that check.

    Returns
    -------
    (story, problems) : the story when there were no problems (else None) and the list of
        problems, each naming the file, the event number and the field.
    """
    path = Path(path)
    problems: list[str] = []
    try:
        # A SafeLoader subclass: no arbitrary objects, only plain YAML.
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDates)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [f"{path.name}: cannot read: {exc}"]
    if not isinstance(doc, dict):
        return None, [f"{path.name}: expected a mapping at the top level"]

    def bad(where: str, message: str) -> None:
        problems.append(f"{path.name}: {where}: {message}")

    slug = str(doc.get("slug", ""))
    if not SLUG.fullmatch(slug):
        bad("slug", f"{slug!r} is not a slug (lower-case letters, digits and '-')")
    elif path.stem != slug:
        bad("slug", f"{slug!r} differs from the file name {path.stem!r}")
    for key in ("title", "summary"):
        texts = doc.get(key) or {}
        for lang in LANGS:
            if not isinstance(texts, dict) or not str(texts.get(lang, "")).strip():
                bad(key, f"missing the {lang} text")
    article = doc.get("article") or {}
    if not article.get("publication") or not article.get("title"):
        bad("article", "needs publication and title")
    if _date(article.get("date")) is None:
        bad("article.date", f"not a date: {article.get('date')!r}")
    view = doc.get("view") or {}
    start, end = _date(view.get("from")), _date(view.get("to"))
    if start is None or end is None or end <= start:
        bad("view", f"from/to must be ISO dates with to after from, got {start} / {end}")
    for code in view.get("regions") or []:
        if code not in regions.codes:
            bad("view.regions", f"unknown region {code!r}")

    known_claims = set(claims) if claims is not None else None
    story_claims, sentences = [], []
    for n, item in enumerate(doc.get("claims") or [], start=1):
        if isinstance(item, dict):
            parsed = _sentence_claim(n, item, _date(article.get("date")), regions, bad)
            sentences += [parsed] if parsed is not None else []
        elif known_claims is not None and str(item) not in known_claims:
            bad("claims", f"unknown claim {str(item)!r}")
        else:
            story_claims.append(str(item))

    events = []
    for n, item in enumerate(doc.get("events") or [], start=1):
        event = _check_event(n, item, gazetteer, regions, known_claims, bad)
        if event is not None:
            events.append(event)
    if not doc.get("events"):
        bad("events", "a story needs at least one event")
    if problems:
        return None, problems
    story = Story(
        slug=slug,
        title=doc["title"],
        summary=doc["summary"],
        article=article,
        view=view,
        events=tuple(events),
        claims=tuple(story_claims),
        path=path,
        sentences=tuple(sentences),
    )
    return story, []


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _sentence_claim(n, item: dict, published, regions, bad) -> ParsedClaim | None:
    """A claim given as its sentence: read it (:func:`geo.claimtext.parse_claim`) against
    the item's ``date`` or the article's; a sentence that cannot be read whole is a problem
    of the file, naming what is missing."""
    where = f"claims #{n}"
    unknown = sorted(set(item) - {"sentence", "date"})
    if unknown:
        bad(f"{where}.{unknown[0]}", "unknown field; a claim given as a sentence has "
            "sentence and, optionally, date")  # fmt: skip
        return None
    sentence = item.get("sentence")
    if not isinstance(sentence, str) or not sentence.strip():
        bad(f"{where}.sentence", f"expected the sentence as text, got {sentence!r}")
        return None
    given = item.get("date") not in (None, "")
    date = _date(item["date"]) if given else published
    if date is None:
        bad(f"{where}.date", f"not an ISO date: {item['date']!r}" if given
            else "needed: the article has no date to read the sentence against")  # fmt: skip
        return None
    parsed = parse_claim(sentence, date=date, regions=regions)
    if parsed.problems or not parsed.ok:
        found = ", ".join(f"{p['part']} {p['code']}" for p in parsed.problems) or "incomplete"
        bad(f"{where}.sentence", f"cannot be read whole ({found}); give it as a claim of "
            "data/claims.yaml instead, or reword it")  # fmt: skip
        return None
    return parsed


def _check_event(n, item, gazetteer, regions, known_claims, bad) -> StoryEvent | None:
    where = f"event {n}"
    if not isinstance(item, dict):
        bad(where, "expected a mapping")
        return None
    ok = True
    date = _date(item.get("date"))
    if date is None:
        bad(f"{where}.date", f"not an ISO date: {item.get('date')!r}")
        ok = False
    precision = item.get("date_precision", 1)
    if precision not in (1, 2, 3, 4):
        bad(f"{where}.date_precision", f"expected 1-4, got {precision!r}")
        ok = False
    event_type = item.get("event_type", "")
    if event_type not in EVENT_TYPES:
        bad(f"{where}.event_type", f"{event_type!r} is not one of {', '.join(EVENT_TYPES)}")
        ok = False
    text = item.get("text") or {}
    for lang in LANGS:
        if not isinstance(text, dict) or not str(text.get(lang, "")).strip():
            bad(f"{where}.text", f"missing the {lang} text")
            ok = False
    claim = str(item.get("claim") or "")
    if claim and known_claims is not None and claim not in known_claims:
        bad(f"{where}.claim", f"unknown claim {claim!r}")
        ok = False
    lon = lat = None
    place = place_de = ""
    geo_precision = int(item.get("geo_precision", 1))
    if item.get("region"):
        code = str(item["region"])
        if code not in regions.codes:
            bad(f"{where}.region", f"unknown region {code!r}")
            ok = False
        else:
            # A region-level event sits at a point inside its region, never a false "exact" spot.
            point = shapely.point_on_surface(regions.geometry(code))
            lon, lat, place = point.x, point.y, regions.name(code)
            place_de = regions.name(code, "de")
            geo_precision = 3
    elif item.get("place"):
        try:
            found = gazetteer.resolve(str(item["place"]), country=item.get("country"))
            lon, lat, place, place_de = found.lon, found.lat, found.name, found.name_de
        except FrontlineError as exc:
            bad(f"{where}.place", str(exc))
            ok = False
    elif "lon" in item and "lat" in item:
        lon, lat = float(item["lon"]), float(item["lat"])
        place = str(item.get("location", ""))
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            bad(f"{where}.lon/lat", f"out of range: {lon}, {lat}")
            ok = False
    else:
        bad(where, "needs a place, a region or lon/lat")
        ok = False
    if not ok:
        return None
    return StoryEvent(
        n=n,
        date=date,
        date_precision=int(precision),
        lon=float(lon),
        lat=float(lat),
        geo_precision=geo_precision,
        place=place,
        event_type=event_type,
        actor1=str(item.get("actor1", "")),
        actor2=str(item.get("actor2", "")),
        text=dict(text),
        claim=claim,
        place_de=place_de or place,
    )


def load_story(path, gazetteer, regions, claims=None) -> Story:
    """Like :func:`check_story` but raise :class:`FrontlineError` listing every problem."""
    story, problems = check_story(path, gazetteer, regions, claims)
    if problems:
        raise FrontlineError("; ".join(problems), param="story")
    return story


def story_events(story: Story, regions, lang: str = "en") -> gpd.GeoDataFrame:
    """The story's events in the canonical event schema (dataset ``story``).

    An item that carries a claim (``claim:``) is left out. It is the article's figure, such
    as "610 km² in October", and it belongs in the figure check (:mod:`geo.claims`) beside
    the computed figure. As an event it would be counted, for example as "Battles", in the
    explorer's totals. The story page still lists it with the other items of
    :attr:`Story.events`. The other events keep their ids ``story:<slug>:<n>``, where ``n``
    is the item's position in the file.

    Parameters
    ----------
    story : a checked story (:func:`load_story`).
    regions : :class:`geo.regions.Regions`, for ``admin1`` and ``country``.
    lang : the language of ``notes`` (``en`` or ``de``; English where a text is missing).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per event that is not a claim (EPSG:4326), possibly none.
    """
    rows = []
    for e in story.events:
        if e.claim:
            continue
        rows.append(
            {
                "event_id": f"story:{story.slug}:{e.n}",
                "dataset": "story",
                "date": pd.Timestamp(e.date),
                "date_precision": e.date_precision,
                "event_type": e.event_type,
                "sub_event_type": "",
                "actor1": e.actor1,
                "actor2": e.actor2,
                "location": e.place,
                "geo_precision": e.geo_precision,
                "fatalities": None,
                "fatalities_low": None,
                "fatalities_high": None,
                "source": story.source,
                "source_url": story.article.get("url", ""),
                "notes": e.text.get(lang) or e.text["en"],
                "raw": "{}",
                "lon": e.lon,
                "lat": e.lat,
            }
        )
    # Named columns, so a story whose every item is a claim gives an empty table, not an error.
    frame = pd.DataFrame(rows, columns=[*EVENT_DTYPES, "lon", "lat"])
    admin1, country = regions.assign(frame["lon"], frame["lat"])
    frame["admin1"], frame["country"] = admin1, country
    geometry = shapely.points(
        frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float)
    )
    frame = frame.drop(columns=["lon", "lat"])
    frame = frame.astype({k: v for k, v in EVENT_DTYPES.items() if k in frame.columns})
    gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)
    return gdf[[c for c in EVENT_COLUMNS if c in gdf.columns]]
