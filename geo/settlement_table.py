"""Each settlement's control status on every snapshot, kept as its changes (the table behind
:mod:`geo.settlements`).

A place's status is read from its gazetteer point. For places in Ukraine: ``"ru"`` inside
``russian_held``, ``"grey"`` inside DeepState's grey zone (``unknown_status``) and not
Russian-held, else ``"ua"``. For places in Russia (the Kursk incursion): ``"ua"`` inside
``ua_held_in_russia``, ``"grey"`` inside ``unknown_in_russia``, else ``"ru"``. The *side* of a
place is its status with the grey zone counted for its own country, as the km² figures count
it: ground is Russian-held in Ukraine only once it is in ``russian_held``.

Sides are known on every snapshot of the place's series (Ukraine: every ``russian_held``
snapshot, 2022-04-04 on; Russia: the layered series, which alone has the Kursk layers); the
grey zone only on snapshots of the layered series (to 2025-08-04). Both are precomputed by
``scripts/build_derived.py`` into :data:`SETTLEMENTS_FILE` as their changes only (place, the
last snapshot with the old value, the first with the new one, from, to), plus each changing
place's value on the first snapshot, and tied to the snapshots by :func:`geo.periods.fingerprint`.
A table that does not match the snapshots is not used (:func:`geo.settlements.table_for`).

Only GeoNames populated places (``PPL*``) of Ukraine and Russia are counted; sections of a
town (``PPLX``), historical (``PPLH``) and abandoned (``PPLQ``) places are left out.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geo.areas import prepared
from geo.gazetteer import normalise_name
from geo.periods import fingerprint

__all__ = [
    "PLACE_COLUMNS",
    "SETTLEMENTS_FILE",
    "SettlementTable",
    "build_settlement_table",
    "display_names",
    "settlement_places",
]

SETTLEMENTS_FILE = "settlements.parquet"
#: Layers a settlement table is computed from (each fingerprinted).
SOURCE_LAYERS = ("russian_held", "unknown_status", "ua_held_in_russia", "unknown_in_russia")
STATUS = ("ua", "ru", "grey")
LEFT_OUT_CODES = ("PPLX", "PPLH", "PPLQ")
PLACE_COLUMNS = [
    "geonameid",
    "name_en",
    "name_de",
    "name_uk",
    "country",
    "admin1",
    "lon",
    "lat",
    "population",
]
_UA, _RU, _GREY = 0, 1, 2


def settlement_places(places: pd.DataFrame, regions) -> pd.DataFrame:
    """The populated places of Ukraine and Russia, with display names and a region.

    ``admin1`` is the spatial join of ``places.parquet``; where it is missing or names a
    region of another country (the 1:10m outlines cut Kherson's riverbank, and put a few
    border villages across the border), the nearest admin-1 polygon of the place's own
    country (GeoNames ``country_code``) is used instead.
    """
    keep = places["country_code"].isin(["UA", "RU"]) & places["feature_code"].str.startswith("PPL")
    keep &= ~places["feature_code"].isin(LEFT_OUT_CODES)
    df = places[keep].sort_values("geonameid", kind="stable").reset_index(drop=True)
    names = [display_names(row) for row in df.itertuples(index=False)]
    admin1 = regions.admin1
    out = pd.DataFrame(
        {
            "geonameid": df["geonameid"].astype("int64"),
            "name_en": [n[0] for n in names],
            "name_de": [n[1] for n in names],
            "name_uk": [n[2] for n in names],
            "country": df["country_code"].astype(str),
            "admin1": df["admin1"].astype(object).where(df["admin1"].notna(), None),
            "lon": df["lon"].astype(float),
            "lat": df["lat"].astype(float),
            "population": df["population"].fillna(0).astype("int64"),
        }
    )
    iso3 = {"UA": "UKR", "RU": "RUS"}
    codes = admin1["iso_3166_2"].astype(str).to_numpy()
    owner = dict(zip(codes, admin1["country_iso3"], strict=True))
    for i in np.flatnonzero(
        [owner.get(a) != iso3[c] for a, c in zip(out["admin1"], out["country"], strict=True)]
    ):
        mine = (admin1["country_iso3"] == iso3[out.at[i, "country"]]).to_numpy()
        point = shapely.Point(out.at[i, "lon"], out.at[i, "lat"])
        dist = shapely.distance(admin1.geometry.values[mine], point)
        out.at[i, "admin1"] = codes[mine][int(np.argmin(dist))]
    return out


_UK_LATIN = dict(zip("абвгґдезиіїйклмнопрстуфхцчшщьюяєжъыэё’'ʼ",
                     ["a", "b", "v", "h", "g", "d", "e", "z", "y", "i", "i", "i", "k", "l",
                      "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh",
                      "shch", "", "iu", "ia", "ie", "zh", "", "y", "e", "e", "", "", ""],
                     strict=True))  # fmt: skip


def _latin(cyrillic: str) -> str:
    """Ukrainian national romanisation (2010), without its word-initial forms: close enough
    to tell "Покровськ" from "Красноармійськ" when comparing with a Latin name."""
    return "".join(_UK_LATIN.get(ch, ch) for ch in cyrillic.casefold())


def _closest(options: list[str], targets: list[str], key=normalise_name) -> str:
    if not options:
        return ""
    wanted = [normalise_name(t) for t in targets if t]

    def score(option: str) -> float:
        k = key(option)
        return max(difflib.SequenceMatcher(None, k, t).ratio() for t in wanted)

    return max(options, key=score)  # max keeps the first of equals: deterministic


def display_names(row) -> tuple[str, str, str]:
    """English, German and Ukrainian names of one gazetteer row.

    GeoNames lists a place's names per language in alphabetical order, with the names it
    had before 2016 ("Красноармійськ", "Krasnoarmejsk" for Pokrovsk). The name shown is the
    one closest to the GeoNames main name; in English, the spelling closest to the
    romanisation of the Ukrainian name ("Avdiivka" rather than "Avdiyivka"). A missing
    German or Ukrainian name is given as the main name, or left empty for Ukrainian.
    """
    split = lambda v: [s.strip() for s in str(v or "").split(";") if s.strip()]  # noqa: E731
    main = str(row.name)
    uk = _closest(split(row.alt_names_uk), [main], key=lambda s: normalise_name(_latin(s)))
    english = split(row.alt_names_en) or [main]
    en = _closest(english, [_latin(uk)]) if uk else main
    de = _closest(split(row.alt_names_de), [main, en]) or main
    return en, de, uk


class SettlementTable:
    """Changes of side and status of every settlement, with the snapshot dates they were
    read on (see the module docstring).

    ``changes`` has one row per change: ``kind`` (``"side"`` or ``"status"``),
    ``geonameid``, ``prev_date`` (last snapshot with the old value; missing on a place's
    first row, which gives its value on the first snapshot), ``date`` (first snapshot with the
    new value), ``from_status``, ``to_status``. ``places`` has :data:`PLACE_COLUMNS` for
    every place with at least one change. ``dates`` maps ``"russian_held"`` (the side of
    places in Ukraine) and ``"layered"`` (the grey zone, and the side of places in Russia) to
    the snapshot dates of that series, and ``sources`` to each snapshot's source.
    """

    def __init__(self, changes, places, dates, fingerprints, sources, window=None):
        self.changes = changes.reset_index(drop=True)
        self.places = places.set_index("geonameid", drop=False)
        self.dates = {k: np.asarray(v, dtype="datetime64[D]") for k, v in dates.items()}
        self.sources = {k: list(v) for k, v in sources.items()}
        self.fingerprints = dict(fingerprints)
        #: (first, last) dates a live table was computed for; None for the whole record.
        self.window = window

    def matches(self, territory, places: pd.DataFrame | None = None) -> bool:
        """Whether this table was computed from ``territory``'s very snapshots (and, when
        given, from this gazetteer)."""
        wanted = table_fingerprints(territory, places)
        mine = {k: v for k, v in self.fingerprints.items() if places is not None or k != "places"}
        return mine == wanted

    def write(self, path: Path) -> None:
        """One Parquet file: changes joined to their places; dates and fingerprints in the
        file's metadata."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        frame = self.changes.merge(self.places.reset_index(drop=True), on="geonameid")
        frame = frame.sort_values(["geonameid", "kind", "date"], kind="stable")
        table = pa.Table.from_pandas(frame, preserve_index=False)
        series = {
            k: {"dates": _pack_dates(self.dates[k]), "sources": _pack_runs(self.sources[k])}
            for k in self.dates
        }
        meta = {
            **(table.schema.metadata or {}),
            b"frontline_fingerprints": json.dumps(self.fingerprints).encode(),
            b"frontline_series": json.dumps(series).encode(),
        }
        pq.write_table(table.replace_schema_metadata(meta), path, compression="zstd")

    @classmethod
    def read(cls, path: Path) -> SettlementTable | None:
        """The table at ``path``, or None when there is none."""
        import pyarrow.parquet as pq

        if not Path(path).exists():
            return None
        table = pq.read_table(path)
        meta = table.schema.metadata or {}
        frame = table.to_pandas()
        for col in ("prev_date", "date"):
            frame[col] = pd.to_datetime(frame[col]).dt.date
        frame["prev_date"] = frame["prev_date"].astype(object).where(frame["prev_date"].notna())
        places = frame[PLACE_COLUMNS].drop_duplicates("geonameid")
        changes = frame[["kind", "geonameid", "prev_date", "date", "from_status", "to_status"]]
        series = json.loads(meta[b"frontline_series"])
        dates = {k: _unpack_dates(v["dates"]) for k, v in series.items()}
        sources = {k: [s for s, n in v["sources"] for _ in range(n)] for k, v in series.items()}
        return cls(changes, places, dates, json.loads(meta[b"frontline_fingerprints"]), sources)


def _pack_dates(dates: np.ndarray) -> str:
    """``"2022-04-04:1,1,2,..."``: the first date and the days between neighbours (the
    Parquet footer is not compressed, and holds the schema metadata twice)."""
    if len(dates) == 0:
        return ""
    steps = np.diff(dates.astype("int64")).tolist()
    return f"{dates[0]}:" + ",".join(map(str, steps))


def _unpack_dates(text: str) -> list[dt.date]:
    if not text:
        return []
    first, _, steps = text.partition(":")
    offsets = np.cumsum([0, *(int(s) for s in steps.split(",") if s)])
    start = np.datetime64(first, "D")
    return [(start + int(o)).astype(dt.date) for o in offsets]


def _pack_runs(values: list[str]) -> list[list]:
    runs: list[list] = []
    for value in values:
        if runs and runs[-1][0] == value:
            runs[-1][1] += 1
        else:
            runs.append([value, 1])
    return runs


def table_fingerprints(territory, places: pd.DataFrame | None = None) -> dict[str, str]:
    """:func:`geo.periods.fingerprint` of every source layer, and of the gazetteer's points
    and names when ``places`` is given."""
    present = [layer for layer in SOURCE_LAYERS if layer in territory.layers]
    prints = {layer: fingerprint(territory, layer) for layer in present}
    if places is not None:
        cols = [
            "geonameid",
            "name",
            "alt_names_en",
            "alt_names_de",
            "alt_names_uk",
            "lat",
            "lon",
            "country_code",
            "feature_code",
            "admin1",
            "population",
        ]
        text = places[cols].astype(str).to_csv(index=False).encode()
        prints["places"] = hashlib.blake2b(text, digest_size=16).hexdigest()
    return prints


def build_settlement_table(territory, places: pd.DataFrame, regions, first=None, last=None):
    """Read every settlement's status on every snapshot and keep the changes.

    Parameters
    ----------
    territory : geo.territory.Territory with the layers of :data:`SOURCE_LAYERS`.
    places : the gazetteer table (``places.parquet``).
    regions : geo.regions.Regions, for the places' admin-1 codes.
    first, last : dates; only snapshots between them are read (a live table for one period).
        None for the whole record.

    Returns
    -------
    SettlementTable. Each snapshot is one vectorised ``shapely.contains_xy`` of all points
    against the prepared polygon (~1 ms for 3,400 points).
    """
    pts = settlement_places(places, regions)
    in_ua = (pts["country"] == "UA").to_numpy()
    lon, lat = pts["lon"].to_numpy(), pts["lat"].to_numpy()
    held_dates = _dates_between(territory.dates("russian_held"), first, last)
    # A store with Russian-held ground only (no layered series) has no grey zone and no
    # Kursk layers: places in Russia are then never read, and no place is ever grey.
    layered_all = territory.dates("occupied") if "occupied" in territory.layers else []
    layered = _dates_between(layered_all, first, last)
    layered_set = set(layered)
    side_ua = np.zeros((len(held_dates), int(in_ua.sum())), dtype=np.int8)
    status_ua = np.zeros((len(layered), int(in_ua.sum())), dtype=np.int8)
    status_ru = np.zeros((len(layered), int((~in_ua).sum())), dtype=np.int8)
    k, sources, layered_sources = 0, [], []
    for i, day in enumerate(held_dates):
        snap = territory.snapshot(day, "russian_held")
        sources.append(snap.source)
        held = _inside(snap.geometry, lon[in_ua], lat[in_ua])
        side_ua[i] = np.where(held, _RU, _UA)
        if day in layered_set:
            layered_sources.append(territory.snapshot(day, "occupied").source)
            grey = _inside(_geometry(territory, day, "unknown_status"), lon[in_ua], lat[in_ua])
            status_ua[k] = np.where(held, _RU, np.where(grey, _GREY, _UA))
            ours = _inside(_geometry(territory, day, "ua_held_in_russia"), lon[~in_ua], lat[~in_ua])
            grey = _inside(_geometry(territory, day, "unknown_in_russia"), lon[~in_ua], lat[~in_ua])
            status_ru[k] = np.where(ours, _UA, np.where(grey, _GREY, _RU))
            k += 1
    ids_ua, ids_ru = pts["geonameid"].to_numpy()[in_ua], pts["geonameid"].to_numpy()[~in_ua]
    side_ru = np.where(status_ru == _UA, _UA, _RU).astype(np.int8)
    frames = [
        _changes(side_ua, held_dates, ids_ua, "side"),
        _changes(status_ua, layered, ids_ua, "status"),
        _changes(side_ru, layered, ids_ru, "side"),
        _changes(status_ru, layered, ids_ru, "status"),
    ]
    changes = pd.concat(frames, ignore_index=True)
    changing = set(changes.loc[changes["prev_date"].notna(), "geonameid"])
    changes = changes[changes["geonameid"].isin(changing)]
    changes = changes.sort_values(["geonameid", "kind", "date"], kind="stable")
    window = None
    if first is not None or last is not None:
        window = (first or dt.date.min, last or dt.date.max)
    return SettlementTable(
        changes,
        pts[pts["geonameid"].isin(changing)],
        {"russian_held": held_dates, "layered": layered},
        table_fingerprints(territory, places),
        {"russian_held": sources, "layered": layered_sources},
        window,
    )


def _geometry(territory, day: dt.date, layer: str):
    if layer not in territory.layers:
        return shapely.Polygon()
    return territory.snapshot(day, layer).geometry


def _dates_between(dates: list[dt.date], first, last) -> list[dt.date]:
    return [d for d in dates if (first is None or d >= first) and (last is None or d <= last)]


def _inside(geometry, lon, lat) -> np.ndarray:
    if geometry.is_empty or len(lon) == 0:
        return np.zeros(len(lon), dtype=bool)
    return shapely.contains_xy(prepared(geometry), lon, lat)


def _changes(matrix: np.ndarray, dates: list[dt.date], ids: np.ndarray, kind: str):
    """Rows for each place's value on the first date and every change after it."""
    cols = ["kind", "geonameid", "prev_date", "date", "from_status", "to_status"]
    if matrix.size == 0:
        return pd.DataFrame(columns=cols)
    names = np.asarray(STATUS, dtype=object)
    t, j = np.nonzero(matrix[1:] != matrix[:-1])
    first = pd.DataFrame(
        {
            "kind": kind,
            "geonameid": ids,
            "prev_date": None,
            "date": dates[0],
            "from_status": None,
            "to_status": names[matrix[0]],
        }
    )
    dates_arr = np.asarray(dates, dtype=object)
    moves = pd.DataFrame(
        {
            "kind": kind,
            "geonameid": ids[j],
            "prev_date": dates_arr[t],
            "date": dates_arr[t + 1],
            "from_status": names[matrix[t, j]],
            "to_status": names[matrix[t + 1, j]],
        }
    )
    return pd.concat([first, moves], ignore_index=True)[cols]
