"""CSV and GeoJSON writers that carry their provenance.

Every export says where its data came from (sources, licences, attribution lines), which
query produced it, which version of the data it was cut from and when. GeoJSON follows
RFC 7946 (longitude first, no ``crs`` member) with provenance as a top-level foreign
member; CSV gets it as a ``.meta.json`` twin and as HTTP headers.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = [
    "EXPORT_COLUMNS",
    "SOURCES",
    "changes_geojson",
    "changes_table",
    "events_csv",
    "events_geojson",
    "iter_chunks_csv",
    "neutralise_formula",
    "provenance",
    "snapshot_geojson",
]

#: Canonical event columns in export order; geometry becomes longitude/latitude.
EXPORT_COLUMNS = [
    "event_id", "dataset", "date", "date_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "country", "admin1", "location", "geo_precision", "fatalities",
    "fatalities_low", "fatalities_high", "source", "source_url", "notes", "longitude", "latitude",
]  # fmt: skip

#: Every bundled source: what it is, its licence and the line that must travel with it.
SOURCES = {
    "deepstate": {
        "name": "DeepStateMap daily control maps (archives by cyterat and DanielRose2310)",
        "licence": "DeepState publishes no open-data licence; cyterat archive GPL-3.0",
        "attribution": "Front-line data: DeepStateMap (deepstatemap.live)",
    },
    "naturalearth": {
        "name": "Natural Earth admin-0 and admin-1 boundaries",
        "licence": "public domain",
        "attribution": "Boundaries: Natural Earth",
    },
    "ucdp": {
        "name": "UCDP Georeferenced Event Dataset (GED) 25.1, random sample of 2,000 events",
        "licence": "CC BY 4.0",
        "attribution": "Events: UCDP GED 25.1 (Sundberg & Melander 2013; Davies et al. 2025)",
    },
    "geonames": {
        "name": "GeoNames gazetteer",
        "licence": "CC BY 4.0",
        "attribution": "Contains data from GeoNames (geonames.org), CC BY 4.0",
    },
    "airraid": {
        "name": "ukrainian-air-raid-sirens-dataset",
        "licence": "MIT",
        "attribution": "Air-raid alerts: ukrainian-air-raid-sirens-dataset by Vadym Klymenko (MIT)",
    },
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def provenance(
    query: dict, version: str, sources: Iterable[str], datasets: Iterable[str] = ()
) -> dict:
    """The provenance block of an export.

    Parameters
    ----------
    query : the URL parameters that selected the rows (as the user gave them, normalised).
    version : the data version the rows were cut from (``Data.version``).
    sources : keys of :data:`SOURCES` the export draws on.
    datasets : user datasets included (they carry no licence of ours: the user's own).
    """
    chosen = [dict(SOURCES[s], id=s) for s in dict.fromkeys(sources) if s in SOURCES]
    user = [d for d in datasets if d not in SOURCES]
    return {
        "generator": "Frontline",
        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "data_version": version,
        "query": query,
        "sources": chosen,
        "user_datasets": user,
        "attribution": " · ".join(s["attribution"] for s in chosen),
    }


def neutralise_formula(value):
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe.

    Only text is touched: a negative number stays a number.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _rows(events: pd.DataFrame) -> pd.DataFrame:
    """Compact rows (``lon``/``lat``) of ``events``: the canonical GeoDataFrame is turned
    into them, compact rows (what the stores hand out) pass as they are."""
    if isinstance(events, gpd.GeoDataFrame):
        from geo.eventtable import to_compact

        return to_compact(events)
    return events


def _export_frame(events: pd.DataFrame) -> pd.DataFrame:
    events = _rows(events)
    out = pd.DataFrame(
        {c: events[c] for c in EXPORT_COLUMNS if c in events.columns},
        index=events.index,
    )
    x, y = events["lon"].to_numpy(dtype=float), events["lat"].to_numpy(dtype=float)
    out["longitude"] = np.round(x, 6)
    out["latitude"] = np.round(y, 6)
    out["date"] = pd.to_datetime(events["date"]).dt.strftime("%Y-%m-%d")
    return out[[c for c in EXPORT_COLUMNS if c in out.columns]].reset_index(drop=True)


def events_csv(events: pd.DataFrame) -> str:
    """Events (compact rows or the canonical GeoDataFrame) as UTF-8 CSV text: canonical
    header, ISO dates, longitude/latitude columns, formula-looking text cells neutralised."""
    return "".join(iter_chunks_csv([events]))


def iter_chunks_csv(chunks):
    """:func:`events_csv` over an iterable of row chunks, read one at a time (the header
    comes from the first), so a server can stream a million-row export in bounded
    memory."""
    header = None
    for chunk in chunks:
        if header is None:
            header = ",".join(c for c in EXPORT_COLUMNS if c in _available(chunk)) + "\n"
            yield header
        if len(chunk):
            yield _csv_rows(chunk)
    if header is None:
        yield ",".join(EXPORT_COLUMNS) + "\n"


def _available(events: pd.DataFrame) -> set[str]:
    return {*_rows(events).columns, "longitude", "latitude"}


def _csv_rows(events: pd.DataFrame) -> str:
    frame = _export_frame(events)
    for col in frame.columns:
        column = frame[col]
        if isinstance(column.dtype, pd.CategoricalDtype):
            # Neutralise the few categories, not the million cells that use them.
            frame[col] = column.cat.rename_categories(
                [neutralise_formula(str(c)) for c in column.cat.categories]
            )
        elif column.dtype == object or pd.api.types.is_string_dtype(column):
            text = column.astype("string")
            risky = text.str.startswith(_FORMULA_START).fillna(False).to_numpy()
            if risky.any():
                text = text.copy()
                text[risky] = "'" + text[risky]
            frame[col] = text
    return _write_csv(frame)


def _write_csv(frame: pd.DataFrame) -> str:
    """CSV rows (no header) via Arrow's C++ writer: ~10x pandas' ``to_csv``.

    Fields are quoted only when they need it (a comma, a quote or a newline), as pandas
    and every spreadsheet expect.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    columns = {}
    for col in frame.columns:
        column = frame[col]
        array = pa.array(column, from_pandas=True)
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()  # written as text, quoted only when needed
        columns[col] = array
    table = pa.table(columns)
    sink = pa.BufferOutputStream()
    # Arrow quotes every header name; ours are plain identifiers, written as they are.
    options = pacsv.WriteOptions(quoting_style="needed", include_header=False)
    pacsv.write_csv(table, sink, options)
    return sink.getvalue().to_pybytes().decode("utf-8")


def _json_value(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def events_geojson(events: pd.DataFrame, prov: dict) -> dict:
    """Events as an RFC 7946 FeatureCollection with typed properties and provenance."""
    frame = _export_frame(events)
    props = frame.drop(columns=["longitude", "latitude"])
    records = props.astype(object).where(props.notna(), None).to_dict("records")
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(x), float(y)]},
            "properties": {k: _json_value(v) for k, v in rec.items()},
        }
        for rec, x, y in zip(records, frame["longitude"], frame["latitude"], strict=True)
    ]
    return {"type": "FeatureCollection", "provenance": prov, "features": features}


def _geometry_json(geom: shapely.Geometry) -> dict | None:
    if geom is None or geom.is_empty:
        return None
    # RFC 7946 recommends 6 decimal places (about 10 cm): enough, and much smaller.
    return json.loads(shapely.to_geojson(shapely.set_precision(geom, 1e-6)))


def changes_table(changes) -> pd.DataFrame:
    """One row per period and region: gained/lost/net km² and the snapshots used."""
    return pd.DataFrame([c.as_record() for c in changes])


def changes_geojson(changes, prov: dict) -> dict:
    """Gained and lost ground as features (``kind`` = gained | lost), one pair per period."""
    features = []
    for change in changes:
        record = change.as_record()
        for kind, geom in (("gained", change.gained), ("lost", change.lost)):
            features.append(
                {
                    "type": "Feature",
                    "geometry": _geometry_json(geom),
                    "properties": {"kind": kind, **record},
                }
            )
    return {"type": "FeatureCollection", "provenance": prov, "features": features}


def snapshot_geojson(snapshot, prov: dict) -> dict:
    """One territory snapshot as a single-feature FeatureCollection."""
    feature = {
        "type": "Feature",
        "geometry": _geometry_json(snapshot.geometry),
        "properties": {
            "layer": snapshot.layer,
            "requested_date": snapshot.requested.isoformat(),
            "snapshot_date": snapshot.date.isoformat(),
            "source": snapshot.source,
        },
    }
    return {"type": "FeatureCollection", "provenance": prov, "features": [feature]}
