"""GeoJSON FeatureCollection of Point features, properties mapped like a plain CSV.

Reads Frontline's own GeoJSON export back in: canonical property names are found by the
same names as CSV columns, and an ``event_id`` such as ``ucdp:537048`` is kept as it is.
A feature without geometry is rejected as ``missing_required`` and one that is not a Point
as ``bad_value`` (column ``geometry`` in both cases): an event is a place, and we do not
pick a point of a line or polygon on the user's behalf.

A bare JSON array of Features is read as a FeatureCollection. Ids are optional per
feature: a feature's id is its id property (``event_id``, ``id``, ... as for CSV), else
its GeoJSON ``id`` member; a feature with neither, in a file where others have one, gets
``feature-<n>`` (n its position, 1-based, as in rejects), and a file where no feature has
an id numbers them ``1``, ``2``, ... as before. A number longer than Python reads
(4,300 digits) rejects its feature only.
"""

from __future__ import annotations

import json
import sys
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
    doc, huge = _parse(text, label)
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
    ids = _ids(features, frame.get("event_id"))
    if ids is not None:
        frame["event_id"] = ids
        columns.setdefault("event_id", "id")

    lon, lat, kind, problem = _points(features)
    frame["longitude"], frame["latitude"] = lon, lat
    columns |= {"latitude": "geometry", "longitude": "geometry"}
    bad = problem != ""
    checks = _huge_numbers(features) if huge else []
    checks += [RowCheck("bad_value", "geometry", bad, kind, problem)] if bad.any() else []

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


def _parse(text: str, label: str) -> tuple[object, bool]:
    """The JSON document, and whether it holds integers too long for Python to convert
    (those become :class:`_HugeNumber`)."""
    try:
        try:
            return json.loads(text), False
        except ValueError as err:
            if isinstance(err, json.JSONDecodeError) or "digits" not in str(err):
                raise
        # Only files with such a number pay for a Python call per integer.
        return json.loads(text, parse_int=_parse_int), True
    except json.JSONDecodeError as err:
        raise FrontlineError(
            f"{label}: not valid GeoJSON: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from None
    except RecursionError:
        raise FrontlineError(f"{label}: not valid GeoJSON: nested too deeply") from None


class _HugeNumber(str):
    """The digits of a JSON integer longer than Python converts (sys.get_int_max_str_digits).

    A ``str``, so that it passes through as text (and is written back quoted); its
    feature is rejected by :func:`_huge_numbers`.
    """


def _parse_int(digits: str) -> int | _HugeNumber:
    try:
        return int(digits)
    except ValueError:
        return _HugeNumber(digits)


def _huge_numbers(features: list) -> list[RowCheck]:
    """One ``bad_value`` check per property (or member: ``id``, ``geometry``) that holds a
    huge number somewhere; each feature is reported under the first such place."""
    n = len(features)
    found: dict[tuple[str, str], dict[int, _HugeNumber]] = {}
    for i, feature in enumerate(features):
        if isinstance(feature, dict):
            given = feature.get("properties")
            given = given.items() if isinstance(given, dict) else []
            parts = [(str(k), f"property {str(k)!r}", v) for k, v in given]
            parts += [(k, k, v) for k, v in feature.items() if k != "properties"]
        else:
            parts = [("(feature)", "the feature", feature)]
        for column, what, value in parts:
            hit = _first_huge(value)
            if hit is not None:
                found.setdefault((column, what), {})[i] = hit
                break
    checks = []
    for (column, what), hits in found.items():
        mask = np.zeros(n, dtype=bool)
        value = np.full(n, "", dtype=object)
        detail = np.full(n, "", dtype=object)
        for i, digits in hits.items():
            size = len(digits.lstrip("-"))
            mask[i] = True
            value[i] = f"{digits[:12]}… ({size:,} digits)"
            detail[i] = (
                f"feature {i + 1}: {what} is a number of {size:,} digits; numbers longer than "
                f"{sys.get_int_max_str_digits():,} digits are not read"
            )
        checks.append(RowCheck("bad_value", column, mask, value, detail))
    return checks


def _first_huge(value) -> _HugeNumber | None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _HugeNumber):
            return item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _ids(features: list, from_properties: pd.Series | None) -> list[str] | None:
    """Per feature: the id property, else the ``id`` member, else ``feature-<n>``.

    None when no feature has an id at all: ids are then the row numbers, as for a CSV
    without an id column.
    """
    given = [""] * len(features) if from_properties is None else list(from_properties)
    member = [_text(f.get("id")) if isinstance(f, dict) else "" for f in features]
    ids = [p or m for p, m in zip(given, member, strict=True)]
    if not any(ids):
        return None
    return [i or f"feature-{n}" for n, i in enumerate(ids, start=1)]


def _features(doc, label: str) -> list:
    if isinstance(doc, list):
        if doc and not any(isinstance(f, dict) and f.get("type") == "Feature" for f in doc):
            raise FrontlineError(
                f"{label}: a JSON array of {_what(doc)}; expected a GeoJSON "
                "FeatureCollection, or an array of GeoJSON Feature objects"
            )
        return doc
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        if isinstance(doc, dict) and "type" not in doc:
            keys = ", ".join(repr(k) for k in list(doc)[:8])
            got = f"a JSON object without a 'type' member (keys: {keys or 'none'})"
        else:
            got = f"{doc.get('type')!r}" if isinstance(doc, dict) else type(doc).__name__
        raise FrontlineError(
            f"{label}: expected a GeoJSON FeatureCollection of Point features, got {got}"
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


def _what(items: list) -> str:
    """What a JSON array holds, for a message: "numbers", "text", "objects that are ..."."""
    kinds = {
        "objects that are not GeoJSON Features" if isinstance(v, dict)
        else "arrays" if isinstance(v, list)
        else "text" if isinstance(v, str)
        else "true/false" if isinstance(v, bool)
        else "nulls" if v is None
        else "numbers"
        for v in items
    }  # fmt: skip
    return " and ".join(sorted(kinds))


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
