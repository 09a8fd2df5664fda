"""UCDP Georeferenced Event Dataset (GED) CSV: the full 49-column download or any subset.

Codes follow the UCDP GED Codebook 25.1 (Högbladh 2025). ``country`` and ``adm_1`` of the
file are not used for the event's region: those come from the spatial join (the file's
values stay in ``raw``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.ingest._common import (
    Prepared,
    map_codes,
    require_columns,
    rows_json,
    unmapped_json,
)
from geo.ingest._csv import read_table

__all__ = ["REQUIRED", "prepare"]

REQUIRED = ("id", "date_start", "latitude", "longitude", "type_of_violence")

# type_of_violence: 1 state-based, 2 non-state, 3 one-sided violence. Fighting between
# organised armed groups is what ACLED calls "Battles"; one-sided violence is violence
# against civilians.
_EVENT_TYPE = {"1": "Battles", "2": "Battles", "3": "Violence against civilians"}
_SUB_EVENT_TYPE = {
    "1": "State-based conflict",
    "2": "Non-state conflict",
    "3": "One-sided violence",
}
# date_prec (codebook): 1 exact day, 2 within 2-6 days, 3 the week is known, 4 within 8-30
# days or the month is known, 5 within a year -> our 1 day, 2 within a week, 3 month, 4 year.
_DATE_PRECISION = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "4"}
# where_prec 1 exact, 2 within 25 km, 3 second-order admin, 4 first-order admin, 5 linear
# feature (road, river, front line), 6 country, 7 international waters -> our 1 exact,
# 2 near a place or part of a region, 3 region or larger.
_GEO_PRECISION = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "2", "6": "3", "7": "3"}
# The centroid UCDP uses for events known only to be "in Ukraine".
_UKRAINE_CENTROID = (49.0, 32.0)

_MAPPED = {
    "id": "event_id",
    "date_start": "date",
    "latitude": "latitude",
    "longitude": "longitude",
    "side_a": "actor1",
    "side_b": "actor2",
    "best": "fatalities",
    "low": "fatalities_low",
    "high": "fatalities_high",
    "where_description": "location",
    "source_headline": "notes",
}
# Used to build other canonical fields; not kept in raw either.
_USED = {"type_of_violence", "date_prec", "where_prec", "source_article"}


def prepare(text: str, label: str, data: bytes | None = None) -> Prepared:
    """Map a UCDP GED CSV to canonical columns (see :func:`geo.ingest.read_events`)."""
    read = read_table(text, label, data)
    table = read.frame
    cols = require_columns(list(table.columns), REQUIRED, label, "UCDP GED")
    read.refuse_duplicates([cols[c] for c in (*_MAPPED, *_USED, "country") if c in cols], label)
    n = len(table)

    def get(name: str) -> pd.Series:
        return table[cols[name]] if name in cols else pd.Series([""] * n, dtype="str")

    frame = pd.DataFrame({canon: get(native) for native, canon in _MAPPED.items()})
    checks = list(read.checks)

    event_type, bad_type = map_codes(
        get("type_of_violence"), _EVENT_TYPE, "type_of_violence", "1, 2 or 3"
    )
    frame["event_type"] = event_type
    frame["sub_event_type"] = get("type_of_violence").str.strip().map(_SUB_EVENT_TYPE)
    checks.append(bad_type)

    date_precision, bad_date = map_codes(get("date_prec"), _DATE_PRECISION, "date_prec", "1 to 5")
    frame["date_precision"] = date_precision
    checks.append(bad_date)

    where, bad_where = map_codes(get("where_prec"), _GEO_PRECISION, "where_prec", "1 to 7")
    inferred = _infer_geo_precision(get("where_description"), get("country"), frame)
    frame["geo_precision"] = where.where(where != "", inferred)
    checks.append(bad_where)

    article = get("source_article").str.strip()
    frame["source"] = ("UCDP GED; " + article).where(article != "", "UCDP GED")
    frame["raw"] = unmapped_json(table, [cols[c] for c in (*_MAPPED, *_USED) if c in cols])
    return Prepared(
        frame=frame,
        columns={canon: cols[native] for native, canon in _MAPPED.items() if native in cols},
        native_json=rows_json(table),
        checks=checks,
    )


def _infer_geo_precision(description: pd.Series, country: pd.Series, frame) -> np.ndarray:
    """geo_precision for files without ``where_prec`` (such as the 21-column sample), and
    which events are placed only at the level of the whole country.

    From the text of ``where_description`` alone, so deliberately conservative:

    - 3 (region or larger) when the whole description is one oblast or region ("Donetsk
      Oblast", "Kherson region"), the country, "Not specified", "DPR"/"LPR", or the point
      is UCDP's centroid of Ukraine (49.0, 32.0);
    - 2 (near a place, part of a region) for a district, raion, community or front
      "direction", or text that starts with "near"/"in the area";
    - 1 otherwise: a named place ("city of Vuhledar, Donetsk region" is Vuhledar).

    Returns (precision codes as text, country-level mask).
    """
    desc = description.fillna("").str.strip().str.lower()
    nation = country.fillna("").str.strip().str.lower()
    single = ~desc.str.contains(r"[,:;/\n]", regex=True)
    country_level = desc.isin(["ukraine", "not specified", ""]) | (
        (desc == nation) & (nation != "")
    )
    lat = pd.to_numeric(frame["latitude"].str.strip(), errors="coerce")
    lon = pd.to_numeric(frame["longitude"].str.strip(), errors="coerce")
    country_level |= (lat == _UKRAINE_CENTROID[0]) & (lon == _UKRAINE_CENTROID[1])
    # At most three words of name before "oblast"/"region": longer text names a place in it.
    region = single & desc.str.match(
        r"^(?:the )?[\w'’.-]+(?: [\w'’.-]+){0,2} (?:oblast|region|people's republic)$"
    )
    region |= desc.isin(["dpr", "lpr"]) | country_level
    # "Selydove, Pokrovsk raion" is Selydove; "Pokrovsk raion" alone is the raion.
    near = single & desc.str.contains(r"\b(?:district|raion|community|direction)$", regex=True)
    near |= desc.str.startswith(("near ", "in the area", "in the direction", "areas of"))
    near |= desc.str.contains(r"\b(?:district|raion) of\b", regex=True)
    near |= desc.str.contains("direction:", regex=False)
    codes = np.where(region.to_numpy(), "3", np.where(near.to_numpy(), "2", "1"))
    return codes
