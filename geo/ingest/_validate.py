"""The checks behind :func:`geo.schema.validate_events`, vectorised over all rows.

Every check produces a boolean mask over the input rows; a row with any mask set becomes a
reject under the first problem found (reader checks first, then :data:`REJECT_REASONS`
order) and every other row becomes an event. No per-row Python loop except where only
rejected rows are concerned (their messages).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo.ingest.coverage import COVERAGE_NAME, nearest_within, outside_coverage
from geo.regions import Regions
from geo.schema import (
    EVENT_COLUMNS,
    EVENT_TYPES,
    ISO_DATE,
    SEA_KM,
    SNAP_KM,
    UNKNOWN_EVENT_TYPE,
    RowCheck,
    empty_rejects,
    parse_dates,
)

__all__ = ["validate"]

_COUNT_COLUMNS = ("fatalities", "fatalities_low", "fatalities_high")
_PRECISION_RANGE = {"date_precision": (1, 4), "geo_precision": (1, 3)}
_INT32_MAX = np.iinfo(np.int32).max
# A decimal comma ("47,41") is how coordinates come out of spreadsheets in much of Europe;
# no coordinate needs a thousands separator, so reading it as a decimal point is safe.
_DECIMAL_COMMA = r"^([+-]?\d{1,3}),(\d+)$"


def validate(
    df: pd.DataFrame,
    regions: Regions,
    *,
    dataset: str,
    columns: Mapping[str, str] | None = None,
    date_formats: Sequence[str] = (ISO_DATE,),
    keep_prefixed_ids: bool = False,
    checks: Sequence[RowCheck] = (),
    native_json: Callable[[np.ndarray], Sequence[str]] | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """See :func:`geo.schema.validate_events`."""
    missing = [c for c in ("date", "latitude", "longitude") if c not in df.columns]
    if missing:
        raise ValueError(f"validate_events needs columns {missing}; got {list(df.columns)}")
    text = {c: _as_text(df[c]) for c in df.columns if c not in ("raw", "country", "admin1")}
    label = {c: c for c in text} | dict(columns or {})
    found = _Found(list(checks), text, label)
    n = len(df)

    for col in ("date", "latitude", "longitude"):
        empty = text[col] == ""
        found.add("missing_required", col, empty, detail=f"a {col} is required")
    event_id = _ids(found, dataset, n, keep_prefixed_ids)
    dates = parse_dates(text["date"], date_formats)
    expected = ", ".join("YYYY-MM-DD" if f == ISO_DATE else f for f in date_formats)
    found.add(
        "unparseable_date",
        "date",
        dates.isna() & (text["date"] != ""),
        detail=f"not a valid date in any of the accepted forms ({expected})",
    )
    lon, lat, admin1, country = _locate(found, regions)
    counts = {c: _count(found, c) for c in _COUNT_COLUMNS if c in text}
    precision = {c: _precision(found, c, n, *span) for c, span in _PRECISION_RANGE.items()}

    rejects = _rejects(found.checks, native_json or _default_json(df))
    keep = np.ones(n, dtype=bool)
    keep[rejects["row"].to_numpy() - 1] = False
    k = int(keep.sum())

    def optional(col):
        if col not in text:
            return pd.array([pd.NA] * k, dtype="string")
        values = text[col][keep].reset_index(drop=True)
        return values.where(values != "").astype("string")

    events = pd.DataFrame(
        {
            "event_id": event_id[keep].reset_index(drop=True).astype("string"),
            "dataset": pd.Categorical.from_codes(np.zeros(k, dtype=np.int8), [dataset]),
            "date": dates[keep].reset_index(drop=True),
            "date_precision": precision["date_precision"][keep],
            "event_type": _event_types(text.get("event_type"), keep, k),
            "sub_event_type": pd.Categorical(optional("sub_event_type")),
            "actor1": optional("actor1"),
            "actor2": optional("actor2"),
            "country": pd.array(country[keep], dtype="string"),
            "admin1": pd.array(admin1[keep], dtype="string"),
            "location": optional("location"),
            "geo_precision": precision["geo_precision"][keep],
            **{
                c: pd.array(counts.get(c, np.full(n, np.nan))[keep], dtype="Int32")
                for c in _COUNT_COLUMNS
            },
            **{c: optional(c) for c in ("source", "source_url", "notes")},
            "raw": _raw(df, keep),
        }
    )
    events = gpd.GeoDataFrame(events, geometry=gpd.points_from_xy(lon[keep], lat[keep]), crs=4326)
    events = events.sort_values(["date", "event_id"], kind="stable", ignore_index=True)
    return events[list(EVENT_COLUMNS)], rejects


@dataclass
class _Found:
    """The checks found so far, and the row text and column labels they refer to."""

    checks: list[RowCheck]
    text: dict[str, pd.Series]
    label: dict[str, str]

    def add(self, reason, column, mask, value=None, detail=""):
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            value = self.text[column] if value is None else value
            label = self.label.get(column, column)
            self.checks.append(RowCheck(reason, label, mask, value, detail))


def _ids(found: _Found, dataset: str, n: int, keep_prefixed: bool) -> pd.Series:
    """Prefixed event ids; checks that they are present and unique."""
    rows = np.arange(1, n + 1)
    if "event_id" not in found.text:
        return (dataset + ":") + pd.Series(rows).astype("str")
    native = found.text["event_id"]
    ids = (dataset + ":") + native
    if keep_prefixed:
        ids = ids.where(~native.str.match(r"^[a-z0-9][a-z0-9_-]{0,39}:."), native)
    ids = ids.where(native != "", "")
    found.add("missing_required", "event_id", native == "", detail="the event id is empty")
    seen = ids.duplicated().to_numpy()
    dup = (ids != "").to_numpy() & seen
    if dup.any():
        first = dict(zip(ids[~seen], rows[~seen], strict=True))
        detail = [f"the id is already used in row {first[i]}" for i in ids[dup]]
        found.add("duplicate_id", "event_id", dup, detail=_spread(detail, dup))
    return ids


def _locate(found: _Found, regions: Regions):
    """Coordinates as numbers, and the admin-1 region and country each point lies in."""
    text = found.text
    n = len(text["latitude"])
    lat, lon = _to_float(text["latitude"]), _to_float(text["longitude"])
    lat_bad = (text["latitude"] != "").to_numpy() & ~(np.abs(lat) <= 90)
    lon_bad = (text["longitude"] != "").to_numpy() & ~(np.abs(lon) <= 180)
    usable = ~(lat_bad | lon_bad) & np.isfinite(lat) & np.isfinite(lon)
    admin1 = np.full(n, None, dtype=object)
    country = np.full(n, None, dtype=object)
    outside = np.zeros(n, dtype=bool)
    admin1[usable], country[usable], outside[usable] = _place(regions, lon[usable], lat[usable])
    # The admin-1 table is the area Frontline covers. A point outside it (in another
    # country, at sea, off the map) that falls inside it with the two numbers swapped is
    # almost always a swapped pair of columns: Kharkiv (36.2 E, 50.0 N) read the other way
    # round lands in Iran. We say so rather than fix it, because a silent fix would hide a
    # broken export upstream. (A real event in Iraq or Iran whose mirror image falls in
    # Ukraine is flagged too: outside our area, it is worth a look anyway.)
    maybe = pd.isna(admin1) & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    swapped = np.zeros(n, dtype=bool)
    detail = np.full(n, "", dtype=object)
    if maybe.any():
        a1, _, _ = _place(regions, lat[maybe], lon[maybe])
        inside = ~pd.isna(a1)
        swapped[np.flatnonzero(maybe)[inside]] = True
        detail[swapped] = [
            f"latitude {a}, longitude {o} lies outside the covered regions; swapped "
            f"(latitude {o}, longitude {a}) it lies in {w}: check whether the file's "
            "latitude and longitude columns are swapped"
            for a, o, w in zip(
                text["latitude"][swapped], text["longitude"][swapped], a1[inside], strict=True
            )
        ]
    pair = text["latitude"] + ", " + text["longitude"]
    found.label["pair"] = f"{found.label['latitude']},{found.label['longitude']}"
    found.add(
        "coordinates_out_of_range",
        "latitude",
        lat_bad & ~swapped,
        detail="latitude must be a number from -90 to 90",
    )
    found.add(
        "coordinates_out_of_range",
        "longitude",
        lon_bad & ~swapped,
        detail="longitude must be a number from -180 to 180",
    )
    found.add("swapped_lat_lon", "pair", swapped, pair, detail)
    found.add(
        "outside_known_regions",
        "pair",
        outside & ~swapped,
        pair,
        f"the point lies in no region or country Frontline knows, nor within {SEA_KM:g} km of one",
    )
    placed = np.flatnonzero(usable & ~outside & ~swapped)
    far, where = outside_coverage(
        regions, lon[placed], lat[placed], admin1[placed], country[placed]
    )
    foreign = np.zeros(n, dtype=bool)
    foreign[placed[far]] = True
    detail = np.full(n, "", dtype=object)
    detail[foreign] = [
        f"{a}, {o} lies {w}, outside the coverage area: {COVERAGE_NAME}"
        for a, o, w in zip(
            text["latitude"][foreign], text["longitude"][foreign], where[far], strict=True
        )
    ]
    found.add("outside_coverage", "pair", foreign, pair, detail)
    return lon, lat, admin1, country


def _count(found: _Found, col: str) -> np.ndarray:
    """A count column as floats (NaN where empty); checks for whole numbers >= 0."""
    values = _numbers(found.text[col])
    whole = (values >= 0) & (values <= _INT32_MAX) & (np.floor(values) == values)
    bad = (found.text[col] != "").to_numpy() & ~whole
    found.add("bad_value", col, bad, detail=f"{found.label[col]} must be a whole number ≥ 0")
    return np.where(bad, np.nan, values)


def _precision(found: _Found, col: str, n: int, low: int, high: int) -> np.ndarray:
    """A precision code as int8 (1 where empty or absent); checks the range."""
    out = np.ones(n, dtype=np.int8)
    if col in found.text:
        values = _numbers(found.text[col])
        ok = np.isin(values, np.arange(low, high + 1))
        bad = (found.text[col] != "").to_numpy() & ~ok
        found.add("bad_value", col, bad, detail=f"{found.label[col]} must be {low} to {high}")
        out[ok] = values[ok]
    return out


def _place(regions: Regions, lon: np.ndarray, lat: np.ndarray):
    """(admin1, country, outside) of each point, worked out once per distinct point.

    Events repeat places (a town's centre, an oblast's centroid), so a million rows are
    usually far fewer points.
    """
    unique, inverse = np.unique(lon + 1j * lat, return_inverse=True)
    lon, lat = unique.real, unique.imag
    admin1, country = regions.assign(lon, lat)
    outside = np.zeros(len(unique), dtype=bool)
    covered = pd.Series(country).isin(set(regions.admin1["country_iso3"])).to_numpy()
    off = pd.isna(admin1) & (pd.isna(country) | covered)
    if off.any():
        admin1[off], country[off], outside[off] = _off_the_map(
            regions, lon[off], lat[off], country[off]
        )
    return admin1[inverse], country[inverse], outside[inverse]


def _off_the_map(regions: Regions, lon: np.ndarray, lat: np.ndarray, country: np.ndarray):
    """Regions for points in no admin-1 polygon: snapped, at sea, or truly outside.

    Natural Earth outlines are generalised: a harbour or a spit can lie just off its region
    (Ochakiv is 0.5 km off Mykolaiv oblast) and Kherson city falls in the gap the admin-1
    layer leaves along the Dnipro. Within :data:`SNAP_KM` of an admin-1 region of the same
    country (or of no known country), a point gets that region. Events at sea (a ship, a
    drone over the Black Sea) are real, so a point in no polygon but within :data:`SEA_KM`
    of one is kept, with no region. Only points beyond that are ``outside_known_regions``.

    Returns
    -------
    (admin1, country, outside) : arrays aligned with ``lon``
    """
    points = shapely.points(lon, lat)
    admin1 = np.full(len(points), None, dtype=object)
    country = np.array(country, dtype=object)
    lost = pd.isna(country)  # in no polygon at all
    near = np.zeros(len(points), dtype=bool)
    tables = [(regions.admin1, "country_iso3")]
    if regions.countries is not None:
        tables.append((regions.countries, "iso_a3"))
    for table, country_col in tables:
        # Points in a country only need an admin-1 region within snapping distance; points
        # in nothing need the nearest polygon of any table within sea distance.
        groups = [(lost, SEA_KM)] + ([(~lost, SNAP_KM)] if table is regions.admin1 else [])
        for group, reach in groups:
            todo = np.flatnonzero(group)
            if not todo.size:
                continue
            found, poly, km = nearest_within(points[todo], table.geometry.to_numpy(), reach)
            found = todo[found]
            near[found] = True
            theirs = table[country_col].to_numpy(dtype=object)[poly]
            snap = (km <= SNAP_KM) & (pd.isna(country[found]) | (country[found] == theirs))
            if table is regions.admin1:
                admin1[found[snap]] = table["iso_3166_2"].to_numpy(dtype=object)[poly[snap]]
            country[found[snap]] = theirs[snap]
    return admin1, country, lost & ~near


def _as_text(values: pd.Series) -> pd.Series:
    """Stripped text with "" for missing, whatever the column held."""
    return values.astype("str").where(values.notna(), "").str.strip().reset_index(drop=True)


def _to_float(text: pd.Series) -> np.ndarray:
    return _numbers(text.str.replace(_DECIMAL_COMMA, r"\1.\2", regex=True))


def _numbers(text: pd.Series) -> np.ndarray:
    """Text as float64, NaN where empty or not a number.

    Arrow's cast is ten times faster than ``pd.to_numeric`` but all-or-nothing, so it only
    serves files where every value parses (nearly all); the rest take the slow road.
    """
    try:
        values = pa.array(text.where(text != ""), type=pa.large_string())
        return pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)


def _spread(values: np.ndarray, mask) -> np.ndarray:
    """Values given for the True rows of ``mask``, laid out over all rows."""
    out = np.full(len(mask), "", dtype=object)
    out[np.asarray(mask, dtype=bool)] = values
    return out


def _event_types(values: pd.Series | None, keep: np.ndarray, k: int) -> pd.Categorical:
    """The file's event type, spelled as ACLED spells it when it is one of the six."""
    if values is None:
        return pd.Categorical([UNKNOWN_EVENT_TYPE] * k)
    values = values[keep].reset_index(drop=True)
    canonical = {t.lower(): t for t in EVENT_TYPES}
    spelled = {v: canonical.get(v.lower(), v) or UNKNOWN_EVENT_TYPE for v in values.unique()}
    # The six come first in every dataset, so tables from different sources concatenate
    # without the categories falling back to plain objects.
    others = sorted(set(spelled.values()) - set(EVENT_TYPES))
    return pd.Categorical(values.map(spelled), categories=[*EVENT_TYPES, *others])


def _raw(df: pd.DataFrame, keep: np.ndarray) -> pd.Series:
    if "raw" not in df.columns:
        return pd.Series("{}", index=range(int(keep.sum())), dtype="string")
    raw = _as_text(df["raw"])[keep].reset_index(drop=True)
    return raw.where(raw != "", "{}").astype("string")


def _default_json(df: pd.DataFrame) -> Callable[[np.ndarray], Sequence[str]]:
    def rows_as_json(positions: np.ndarray) -> list[str]:
        part = df.iloc[positions].astype("str").where(df.iloc[positions].notna(), None)
        return [json.dumps(r, ensure_ascii=False) for r in part.to_dict("records")]

    return rows_as_json


def _rejects(
    found: list[RowCheck], native_json: Callable[[np.ndarray], Sequence[str]]
) -> pd.DataFrame:
    """One reject per row with any problem: the first problem, the others in the detail."""
    if not found:
        return empty_rejects()
    # ``found`` holds the reader's checks first, then the built-in ones in REJECT_REASONS
    # order; argmax over the columns picks the first that applies to each row.
    hits = np.column_stack([c.mask for c in found])
    bad = np.flatnonzero(hits.any(axis=1))
    if bad.size == 0:
        return empty_rejects()
    hits = hits[bad]
    first = hits.argmax(axis=1)
    reason = np.empty(bad.size, dtype=object)
    column = np.empty(bad.size, dtype=object)
    value = np.empty(bad.size, dtype=object)
    detail = np.empty(bad.size, dtype=object)
    for k, c in enumerate(found):
        mine = first == k
        if not mine.any():
            continue
        pos = bad[mine]
        reason[mine] = c.reason
        column[mine] = c.column
        value[mine] = np.asarray(c.value, dtype=object)[pos]
        detail[mine] = c.detail if isinstance(c.detail, str) else np.asarray(c.detail)[pos]
    for k, c in enumerate(found):
        # One note per further problem, but not a second one on the column already named.
        also = hits[:, k] & (first != k) & (column != c.column)
        if also.any():
            detail[also] = detail[also] + f"; also {c.reason} in '{c.column}'"
    out = pd.DataFrame(
        {
            "row": bad.astype("int64") + 1,
            "column": pd.array(column, dtype="string"),
            "value": pd.array(value, dtype="string"),
            "reason": pd.array(reason, dtype="string"),
            "detail": pd.array(detail, dtype="string"),
            "raw": pd.array(list(native_json(bad)), dtype="string"),
        }
    )
    return out
