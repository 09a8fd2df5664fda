"""GeoJSON FeatureCollection of Point features, properties mapped like a plain CSV.

Reads Frontline's own GeoJSON export back in: canonical property names are found by the
same names as CSV columns, and an ``event_id`` such as ``ucdp:537048`` is kept as it is.
A feature without geometry is rejected as ``missing_required`` and one that is not a Point
as ``bad_value`` (column ``geometry`` in both cases): an event is a place, and we do not
pick a point of a line or polygon on the user's behalf.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd

from geo.errors import FrontlineError
from geo.ingest._common import Prepared
from geo.ingest.table import RECOMPUTED, date_formats, resolve_columns
from geo.schema import RowCheck

__all__ = ["prepare"]

# Old-style (pre-RFC 7946) "crs" members that still mean WGS84 longitude/latitude.
_WGS84 = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326")
_COORDS = ("latitude", "longitude")


def prepare(text: str, label: str, mapping: Mapping[str, str] | None = None) -> Prepared:
    """Map a GeoJSON FeatureCollection to canonical columns (see ``read_events``)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise FrontlineError(
            f"{label}: not valid GeoJSON: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from None
    except RecursionError:
        raise FrontlineError(f"{label}: not valid GeoJSON: nested too deeply") from None
    except ValueError as err:  # an integer of more than 4,300 digits
        raise FrontlineError(f"{label}: not valid GeoJSON: {err}") from None
    features = _features(doc, label)
    n = len(features)
    if n == 0:  # like a CSV with only a header: nothing to read, nothing wrong
        empty = pd.DataFrame({c: pd.Series(dtype="str") for c in ("date", *_COORDS)})
        return Prepared(frame=empty, columns={}, native_json=lambda pos: [])
    props = [
        f["properties"] if isinstance(f, dict) and isinstance(f.get("properties"), dict) else {}
        for f in features
    ]
    keys = list(dict.fromkeys(k for p in props for k in p))
    table = pd.DataFrame({k: [_text(p.get(k)) for p in props] for k in keys}, index=range(n))
    cols = resolve_columns(keys, mapping, label, coordinates=False)
    frame = pd.DataFrame({c: table[k] for c, k in cols.items() if c not in _COORDS})
    columns = {c: k for c, k in cols.items() if c not in _COORDS}
    if "event_id" not in cols and n and all(isinstance(f, dict) and "id" in f for f in features):
        frame["event_id"] = [_text(f["id"]) for f in features]
        columns["event_id"] = "id"

    lon, lat, kind, problem = _points(features)
    frame["longitude"], frame["latitude"] = lon, lat
    columns |= {"latitude": "geometry", "longitude": "geometry"}
    bad = problem != ""
    checks = [RowCheck("bad_value", "geometry", bad, kind, problem)] if bad.any() else []

    # As in CSV: a "raw" property marks a Frontline export, whose recomputed fields are ours.
    used = set(cols.values()) | (set(RECOMPUTED) if "raw" in keys else set())
    frame["raw"] = [_unmapped(p, used) for p in props]
    return Prepared(
        frame=frame,
        columns=columns,
        native_json=lambda pos: [json.dumps(features[i], ensure_ascii=False) for i in pos],
        checks=checks,
        date_formats=date_formats(mapping),
        keep_prefixed_ids=columns.get("event_id", "").lower() == "event_id",
    )


def _features(doc, label: str) -> list:
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise FrontlineError(
            f"{label}: expected a GeoJSON FeatureCollection of Point features, got {got!r}"
        )
    crs = doc.get("crs")
    if isinstance(crs, dict):
        name = str((crs.get("properties") or {}).get("name", ""))
        if name and not any(name.upper().endswith(w.upper()) for w in _WGS84):
            raise FrontlineError(
                f"{label}: coordinates are in {name}, but GeoJSON events must be WGS84 "
                "longitude/latitude (RFC 7946); reproject first, e.g. "
                "`ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`"
            )
    if doc["type"] == "Feature":
        return [doc]
    features = doc.get("features")
    if not isinstance(features, list):
        raise FrontlineError(f"{label}: the FeatureCollection has no 'features' list")
    return features


def _points(features: list) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Longitude and latitude text of each Point; for other features, why not."""
    n = len(features)
    lon, lat = [""] * n, [""] * n
    kind = np.full(n, "", dtype=object)
    problem = np.full(n, "", dtype=object)
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            kind[i], problem[i] = "", "not a GeoJSON Feature object"
            continue
        geom = feature.get("geometry")
        if geom is None:
            continue  # empty coordinates: reported as missing_required
        gtype = geom.get("type") if isinstance(geom, dict) else type(geom).__name__
        coords = geom.get("coordinates") if isinstance(geom, dict) else None
        if gtype != "Point":
            kind[i], problem[i] = str(gtype), f"a {gtype} geometry; events must be Points"
        elif not isinstance(coords, list | tuple) or len(coords) < 2:
            kind[i], problem[i] = json.dumps(coords), "Point coordinates must be [lon, lat]"
        else:
            lon[i], lat[i] = _text(coords[0]), _text(coords[1])
    return lon, lat, kind, problem


def _text(value) -> str:
    """A property value as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _unmapped(props: dict, used: set[str]) -> str:
    """JSON of the properties nobody mapped; a Frontline ``raw`` property is unpacked."""
    rest = {k: v for k, v in props.items() if k not in used and k != "raw"}
    base = props.get("raw")
    if isinstance(base, str) and not rest:
        return base  # as exported, byte for byte
    if isinstance(base, str):
        try:
            base = json.loads(base) if base.strip() else {}
        except ValueError:
            base = {"raw": base}
    base = base if isinstance(base, dict) else ({} if base is None else {"raw": base})
    return json.dumps(base | rest, ensure_ascii=False, separators=(",", ":"))
