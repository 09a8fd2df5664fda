"""A user's own series of control polygons: GeoJSON, GeoPackage or GeoParquet.

Each feature is one polygon with a date (the day the map stands for: "the map as it stood
early that day") and a layer. Layer values are mapped to Frontline's layers by a dict;
``russian_held`` is derived as ``occupied`` ∪ ``occupied_pre2022`` on dates that have
those layers and no ``russian_held`` of their own. The result has one valid, dissolved
geometry per (date, layer), in EPSG:4326, in the shape of the bundled territory table.

CRS rule: a file in another CRS is reprojected to EPSG:4326 (the report says from what).
A file without any CRS is accepted only when every coordinate is plainly longitude/latitude
in degrees (x within ±180, y within ±90) and is then taken as EPSG:4326, again with a note;
anything else without a CRS is refused, because guessing a projection would silently put
the polygons in the wrong place. GeoJSON is always EPSG:4326 (RFC 7946).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.areas import area_km2
from geo.schema import parse_dates
from geo.sources.errors import SourceError
from geo.territory import LAYERS

__all__ = ["PolygonSeries", "read_polygons"]

SOURCE = "polygons"
_HELD_PARTS = ("occupied", "occupied_pre2022")
_SHOWN = 10


@dataclass
class PolygonSeries:
    """Control polygons per (date, layer), and what reading them found.

    ``table``: ``date`` (datetime64[s]), ``layer``, ``source``, ``area_km2``, ``geometry``
    (EPSG:4326), sorted by layer and date. ``report``: ``file``, ``crs`` (a note when the
    CRS was converted or assumed), ``features_read``, ``features_used``,
    ``dropped_by_mapping``, ``rejects`` (feature number, field, value, reason),
    ``dates`` (first, last, count), ``layers`` (rows per layer), ``derived_russian_held``.
    """

    table: gpd.GeoDataFrame
    report: dict = field(default_factory=dict)


def read_polygons(
    path: str | Path,
    *,
    date_field: str = "date",
    layer_field: str = "layer",
    layers: Mapping[str, str | None] | None = None,
    source: str = "own",
    file_layer: str | None = None,
    strict: bool = True,
) -> PolygonSeries:
    """Read a series of control polygons.

    Parameters
    ----------
    path : a ``.geojson``/``.json``, ``.gpkg`` or ``.parquet``/``.geoparquet`` file
    date_field : the field with each polygon's date (ISO text, a date or a datetime; a
        time of day is ignored: the date says which morning the map stands for)
    layer_field : the field with each polygon's layer
    layers : file value -> Frontline layer (one of :data:`geo.territory.LAYERS`) or None to
        leave those polygons out; default: the values are Frontline's layer names
    source : the series name stored in the ``source`` column
    file_layer : the layer inside a GeoPackage holding several
    strict : True raises on any unusable feature (bad date, unknown layer, no polygon);
        False leaves such features out and lists them in ``report["rejects"]``

    Returns
    -------
    PolygonSeries

    Raises
    ------
    SourceError
        The file cannot be read, lacks a field, has no CRS and no plain degrees, or (with
        ``strict``) has unusable features: the message lists them by 1-based feature number.

    Examples
    --------
    >>> series = read_polygons("isw.gpkg", layer_field="status",
    ...                        layers={"Russian-controlled": "occupied"})  # doctest: +SKIP
    >>> series.table.groupby("layer").size()  # doctest: +SKIP
    """
    path = Path(path)
    label = path.name
    mapping = _mapping(layers, label)
    frame = _read(path, file_layer, label)
    report: dict = {"file": label, "crs": "EPSG:4326", "features_read": len(frame)}
    frame, report["crs"] = _to_wgs84(frame, label)
    for name, param in ((date_field, "date_field"), (layer_field, "layer_field")):
        if name not in frame.columns:
            columns = ", ".join(repr(c) for c in frame.columns if c != frame.geometry.name)
            raise SourceError(
                f"{SOURCE}: {label}: no field {name!r} ({param}); fields: {columns or '(none)'}",
                source=SOURCE,
                where=label,
                reason="wrong_content",
                param=param,
            )
    rejects: list[dict] = []
    dates = _dates(frame[date_field], date_field, rejects)
    values = [_date_text(v) for v in frame[layer_field]]
    target = np.array([mapping.get(v, "?") for v in values], dtype=object)
    for i in np.flatnonzero(target == "?"):
        rejects.append(_reject(i, layer_field, values[i], "unknown layer (not in layers=)"))
    geoms = frame.geometry.to_numpy()
    polygonal = shapely.get_type_id(geoms)
    for i in np.flatnonzero(~np.isin(polygonal, (3, 6)) | shapely.is_empty(geoms)):
        kind = "missing" if geoms[i] is None else geoms[i].geom_type
        rejects.append(_reject(i, "geometry", kind, "expected a Polygon or MultiPolygon"))
    bad = np.zeros(len(frame), dtype=bool)
    bad[[r["feature"] - 1 for r in rejects]] = True
    if rejects and strict:
        raise _rejects_error(label, rejects)
    dropped = np.array([t is None for t in target]) & ~bad
    use = ~bad & ~dropped
    table = gpd.GeoDataFrame(
        {"date": dates[use].to_numpy(), "layer": target[use]},
        geometry=shapely.make_valid(geoms[use]),
        crs=4326,
    )
    table = _dissolve(table, source)
    derived = _derive_russian_held(table, source)
    table = pd.concat([table, derived], ignore_index=True) if len(derived) else table
    table = gpd.GeoDataFrame(table, geometry="geometry", crs=4326)
    table["area_km2"] = area_km2(table.geometry.to_numpy())
    table = table[["date", "layer", "source", "area_km2", "geometry"]]
    table = table.sort_values(["layer", "date"], ignore_index=True)
    report.update(
        features_used=int(use.sum()),
        dropped_by_mapping=int(dropped.sum()),
        rejects=rejects,
        dates=_date_range(table),
        layers={str(k): int(v) for k, v in table.groupby("layer").size().items()},
        derived_russian_held=len(derived),
    )
    return PolygonSeries(table, report)


def _mapping(layers, label) -> dict[str, str | None]:
    if layers is None:
        return {name: name for name in LAYERS}
    mapping = {}
    for key, value in layers.items():
        if value is not None and value not in LAYERS:
            raise SourceError(
                f"{SOURCE}: {label}: layers maps {key!r} to {value!r}; expected one of "
                f"{', '.join(LAYERS)} or None",
                source=SOURCE,
                where=label,
                reason="wrong_content",
                param="layers",
            )
        mapping[str(key).strip()] = value
    return mapping


def _read(path: Path, file_layer: str | None, label: str) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise SourceError(
            f"{SOURCE}: {label}: no such file", source=SOURCE, where=label, reason="network"
        )
    try:
        if path.suffix.lower() in (".parquet", ".geoparquet"):
            return gpd.read_parquet(path)
        if file_layer is None and path.suffix.lower() == ".gpkg":
            import pyogrio

            names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
            if len(names) > 1:
                raise SourceError(
                    f"{SOURCE}: {label}: the GeoPackage has {len(names)} layers "
                    f"({', '.join(names)}); choose one with file_layer=",
                    source=SOURCE,
                    where=label,
                    reason="wrong_content",
                    param="file_layer",
                )
        return gpd.read_file(path, layer=file_layer, engine="pyogrio")
    except SourceError:
        raise
    except Exception as err:  # GDAL, Arrow and JSON errors have no common base class
        raise SourceError(
            f"{SOURCE}: {label}: cannot be read as GeoJSON, GeoPackage or GeoParquet: "
            f"{type(err).__name__}: {err}",
            source=SOURCE,
            where=label,
            reason="malformed",
        ) from None


def _to_wgs84(frame: gpd.GeoDataFrame, label: str) -> tuple[gpd.GeoDataFrame, str]:
    if frame.crs is None:
        xmin, ymin, xmax, ymax = frame.total_bounds if len(frame) else (0, 0, 0, 0)
        if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
            raise SourceError(
                f"{SOURCE}: {label}: the file has no CRS and its coordinates "
                f"({xmin:.6g}..{xmax:.6g}, {ymin:.6g}..{ymax:.6g}) are not longitude/latitude "
                "degrees; save it with its CRS (e.g. EPSG:3857 or a UTM zone)",
                source=SOURCE,
                where=label,
                reason="wrong_content",
            )
        return frame.set_crs(4326), "none given; coordinates are degrees, taken as EPSG:4326"
    if frame.crs.to_epsg() == 4326:
        return frame, "EPSG:4326"
    name = frame.crs.to_string()
    return frame.to_crs(4326), f"reprojected from {name} to EPSG:4326"


def _dates(values: pd.Series, field_name: str, rejects: list[dict]) -> pd.Series:
    values = values.reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values, utc=False)
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        parsed = parsed.dt.normalize().astype("datetime64[s]")
    else:
        parsed = parse_dates(values.map(_date_text))
    for i in np.flatnonzero(parsed.isna().to_numpy()):
        rejects.append(_reject(i, field_name, values.iloc[i], "unparseable date (YYYY-MM-DD)"))
    return parsed


def _date_text(value) -> str:
    """A field value as stripped text ("" when missing); dates and datetimes as ISO."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _reject(i: int, field_name: str, value, reason: str) -> dict:
    shown = "" if value is None or value is pd.NA else str(value)
    return {"feature": int(i) + 1, "field": field_name, "value": shown[:80], "reason": reason}


def _rejects_error(label: str, rejects: list[dict]) -> SourceError:
    rejects = sorted(rejects, key=lambda r: r["feature"])
    shown = "; ".join(
        f"feature {r['feature']}: {r['field']} {r['value']!r}: {r['reason']}"
        for r in rejects[:_SHOWN]
    )
    more = f" and {len(rejects) - _SHOWN} more" if len(rejects) > _SHOWN else ""
    return SourceError(
        f"{SOURCE}: {label}: {len(rejects)} unusable feature(s): {shown}{more}; fix them, "
        "or pass strict=False to leave them out",
        source=SOURCE,
        where=label,
        reason="malformed",
    )


def _dissolve(table: gpd.GeoDataFrame, source: str) -> pd.DataFrame:
    rows = []
    for (date, layer), part in table.groupby(["date", "layer"], sort=True):
        rows.append(
            {"date": date, "layer": layer, "source": source, "geometry": _union(part.geometry)}
        )
    return pd.DataFrame(rows, columns=["date", "layer", "source", "geometry"])


def _union(geoms) -> shapely.Geometry:
    merged = shapely.make_valid(shapely.union_all(np.asarray(geoms)))
    parts = [
        g for g in shapely.get_parts(merged) if shapely.get_type_id(g) in (3, 6) and not g.is_empty
    ]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def _derive_russian_held(table: pd.DataFrame, source: str) -> pd.DataFrame:
    rows = []
    for date, part in table.groupby("date", sort=True):
        have = set(part["layer"])
        if "russian_held" in have or not have & set(_HELD_PARTS):
            continue
        held = part[part["layer"].isin(_HELD_PARTS)]
        geometry = _union(held.geometry)
        rows.append({"date": date, "layer": "russian_held", "source": source,
                     "geometry": geometry})  # fmt: skip
    return pd.DataFrame(rows, columns=["date", "layer", "source", "geometry"])


def _date_range(table: pd.DataFrame) -> dict:
    if not len(table):
        return {"first": None, "last": None, "count": 0}
    dates = pd.to_datetime(table["date"])
    return {"first": dates.min().date().isoformat(), "last": dates.max().date().isoformat(),
            "count": int(dates.nunique())}  # fmt: skip
