"""DeepState polygons -> Frontline's territory layers, by fill colour.

The fill colour is the only property that means the same thing over DeepState's whole
history (names changed language, spelling and tags several times). Where one colour means
two things, the place decides, measured against the bundled admin-1 polygons:

- blue (#0288d1, #01579b) is "liberated" inside Ukraine (2022) but Ukrainian-held ground
  inside Russia (Kursk 2024-25): ``ua_held_in_russia`` when more than half of the polygon's
  area lies in the bundled Russian oblasts (RU-BEL, RU-BRY, RU-KRS, RU-ROS, RU-VOR), else
  dropped as liberated;
- grey (#bcaaa4, #bdbdbd) is ``unknown_in_russia`` by the same test, else ``unknown_status``;
- the pre-2022 colours (#880e4f, early 2022 #000000) are ``occupied_pre2022`` unless the
  polygon lies mostly in another country (Transnistria was #880e4f in 2022): more of its
  area in a foreign country of ``countries.parquet`` than in Ukraine's admin-1 units.
  Tuzla island (4.4 km²) lies in neither at Natural Earth's scale and is kept.

A polygon of any other colour is never guessed: :class:`ClassificationError` names the
version, the feature, its name and its colour, and the caller changes nothing. A colour
DeepState adds later can be given a meaning with ``colours=``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import shape

from geo.areas import area_km2
from geo.regions import Regions
from geo.sources.errors import ClassificationError

__all__ = ["COLOURS", "LAYERS", "ClassifiedVersion", "classify"]

#: What each fill colour is. Kinds that depend on the place are resolved in classify().
COLOURS: dict[str, str] = {
    "#a52714": "occupied",
    "#880e4f": "occupied_pre2022",
    "#000000": "occupied_pre2022",  # Crimea and ORDLO in the first 2022 versions
    "#bcaaa4": "grey",
    "#bdbdbd": "grey",
    "#0288d1": "blue",
    "#01579b": "blue",
    "#0f9d58": "drop:liberated",
    "#ff5252": "drop:outside_ukraine",  # satirical/historic claims (Transnistria, Karelia...)
}
#: The layers of a classified version (``russian_held`` = occupied ∪ occupied_pre2022).
LAYERS = (
    "russian_held",
    "occupied",
    "occupied_pre2022",
    "unknown_status",
    "ua_held_in_russia",
    "unknown_in_russia",
)
_NOT_AREAS = {"Point": "point", "MultiPoint": "point", "LineString": "line",
              "MultiLineString": "line"}  # fmt: skip
_KINDS = {"occupied", "occupied_pre2022", "grey", "blue", *LAYERS}


@dataclass(frozen=True)
class ClassifiedVersion:
    """One DeepState version as Frontline's layers.

    Attributes
    ----------
    version_id : DeepState's id (Unix seconds of publication)
    published : publication time, UTC
    layers : layer -> dissolved, valid (Multi)Polygon in EPSG:4326; every layer of
        :data:`LAYERS` is present, empty when the version has no polygon of it
    colours : features per fill colour (``"point"`` for points, ``"(none)"`` for no fill)
    kept : polygons per layer
    dropped : features dropped, by reason: ``point``, ``line``, ``liberated``,
        ``outside_ukraine``, ``empty``, ``by_colours_argument``
    """

    version_id: int
    published: dt.datetime
    layers: dict[str, shapely.Geometry]
    colours: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)

    def areas_km2(self) -> dict[str, float]:
        """Area of each layer in km² (EPSG:6933 equal-area, :func:`geo.areas.area_km2`)."""
        return {name: float(area_km2(geom)) for name, geom in self.layers.items()}


def classify(
    collection: Mapping[str, Any],
    version_id: int,
    *,
    published: dt.datetime | None = None,
    colours: Mapping[str, str | None] | None = None,
    regions: Regions | None = None,
) -> ClassifiedVersion:
    """Classify the features of one DeepState version into Frontline's layers.

    Points are dropped; ``[lon, lat, 0]`` loses its z; GeometryCollections of polygons
    (2022-23) are flattened; every polygon is made valid; each layer is dissolved.

    Parameters
    ----------
    collection : the version's GeoJSON FeatureCollection (a dict)
    version_id : its id, for the metadata and for messages
    published : publication time (default ``version_id`` as Unix seconds, UTC)
    colours : extra or overriding meanings, fill -> a layer of :data:`LAYERS` (without
        ``russian_held``), ``"grey"``, ``"blue"`` (decided by place as above), or None to
        drop the colour
    regions : the admin-1 and country polygons for the place tests (default bundled)

    Returns
    -------
    ClassifiedVersion

    Raises
    ------
    ClassificationError
        For a polygon whose fill colour has no meaning, or whose geometry cannot be read.

    Examples
    --------
    >>> fc = {"type": "FeatureCollection", "features": [{"type": "Feature",
    ...     "properties": {"name": "Окуповано /// Occupied", "fill": "#a52714"},
    ...     "geometry": {"type": "Polygon", "coordinates": [[[37, 48, 0], [37.1, 48, 0],
    ...                                                     [37.1, 48.1, 0], [37, 48, 0]]]}}]}
    >>> v = classify(fc, 1754077960)
    >>> v.published.isoformat(), v.kept, round(v.areas_km2()["russian_held"], 1)
    ('2025-08-01T19:52:40+00:00', {'occupied': 1}, 41.4)
    """
    table = _colour_table(colours, version_id)
    places = _Places.of(regions)
    published = published or dt.datetime.fromtimestamp(int(version_id), dt.UTC)
    parts: dict[str, list[shapely.Geometry]] = {name: [] for name in LAYERS}
    counts: Counter = Counter()
    kept: Counter = Counter()
    dropped: Counter = Counter()
    for index, feature in enumerate(collection.get("features") or []):
        if not isinstance(feature, dict):
            raise ClassificationError(
                f"deepstate: version {version_id}: feature {index} is not a GeoJSON Feature "
                f"(got {type(feature).__name__}); nothing was changed",
                source="deepstate",
                where=f"version {version_id}",
                reason="malformed",
            )
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        fill = str(props.get("fill") or "").strip().lower()
        kind_of_geometry = _NOT_AREAS.get(geometry.get("type"))
        if kind_of_geometry:
            # Unit markers, arrows and lines carry no territory, whatever their colour.
            counts[kind_of_geometry] += 1
            dropped[kind_of_geometry] += 1
            continue
        counts[fill or "(none)"] += 1
        kind = table.get(fill, "unknown")
        if kind == "unknown":
            raise _unknown_colour(version_id, index, props, fill, table)
        if kind.startswith("drop:"):
            dropped[kind[5:]] += 1
            continue
        polygon = _polygon(geometry, version_id, index, props, fill)
        if polygon.is_empty:
            dropped["empty"] += 1
            continue
        layer = _layer(kind, polygon, places)
        if layer is None:
            dropped["outside_ukraine" if kind == "occupied_pre2022" else "liberated"] += 1
            continue
        parts[layer].append(polygon)
        kept[layer] += 1
    layers = {name: _dissolve(geoms) for name, geoms in parts.items()}
    layers["russian_held"] = _dissolve([layers["occupied"], layers["occupied_pre2022"]])
    return ClassifiedVersion(
        int(version_id), published, layers, dict(counts), dict(kept), dict(dropped)
    )


def _colour_table(colours: Mapping[str, str | None] | None, version_id) -> dict[str, str]:
    table = dict(COLOURS)
    for fill, kind in (colours or {}).items():
        key = str(fill).strip().lower()
        if kind is None:
            table[key] = "drop:by_colours_argument"
        elif kind in _KINDS and kind != "russian_held":
            table[key] = kind
        else:
            raise ClassificationError(
                f"deepstate: colours: {fill!r} -> {kind!r} is not a meaning Frontline knows; "
                f"expected one of {', '.join(sorted(_KINDS - {'russian_held'}))} or None",
                source="deepstate",
                where=f"version {version_id}",
                reason="unclassified",
                param="colours",
            )
    return table


def _unknown_colour(version_id, index, props, fill, table) -> ClassificationError:
    name = " ".join(str(props.get("name") or "").split())
    known = ", ".join(sorted(k for k in table if k.startswith("#")))
    return ClassificationError(
        f"deepstate: version {version_id}: feature {index} ({name!r}) has fill colour "
        f"{fill or '(none)'!r}, which Frontline does not know; nothing was changed. Known "
        f"colours: {known}. If DeepState has added a colour, give it a meaning with "
        f"colours={{{fill or '(none)'!r}: <layer>}} (or None to drop it)",
        source="deepstate",
        where=f"version {version_id}",
        reason="unclassified",
    )


def _polygon(geometry, version_id, index, props, fill) -> shapely.Geometry:
    try:
        geom = shapely.force_2d(shape(geometry))
    except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException) as err:
        name = " ".join(str(props.get("name") or "").split())
        raise ClassificationError(
            f"deepstate: version {version_id}: feature {index} ({name!r}, fill {fill!r}) has "
            f"a geometry that cannot be read ({type(err).__name__}: {err}); nothing was changed",
            source="deepstate",
            where=f"version {version_id}",
            reason="malformed",
        ) from None
    polygons = _polygonal(geom)
    if not polygons:
        return shapely.Polygon()
    fixed = shapely.make_valid(shapely.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0])
    return shapely.union_all(_polygonal(fixed))


def _polygonal(geom: shapely.Geometry) -> list[shapely.Geometry]:
    """The polygons in ``geom``, from any nesting of collections."""
    if geom.is_empty:
        return []
    if isinstance(geom, shapely.Polygon):
        return [geom]
    if isinstance(geom, shapely.MultiPolygon | shapely.GeometryCollection):
        return [p for g in geom.geoms for p in _polygonal(g)]
    return []


def _dissolve(geoms: list[shapely.Geometry]) -> shapely.Geometry:
    geoms = [g for g in geoms if not g.is_empty]
    if not geoms:
        return shapely.Polygon()
    merged = shapely.make_valid(shapely.union_all(geoms))
    polygons = _polygonal(merged)
    if not polygons:
        return shapely.Polygon()
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _layer(kind: str, polygon: shapely.Geometry, places: _Places) -> str | None:
    if kind == "grey":
        return "unknown_in_russia" if places.in_russia(polygon) else "unknown_status"
    if kind == "blue":
        return "ua_held_in_russia" if places.in_russia(polygon) else None
    if kind == "occupied_pre2022" and places.abroad(polygon):
        return None
    return kind


@dataclass(frozen=True)
class _Places:
    ukraine: shapely.Geometry
    russia: shapely.Geometry
    foreign: shapely.Geometry

    @staticmethod
    def of(regions: Regions | None) -> _Places:
        if regions is None:
            from geo.ingest._common import default_regions

            regions = default_regions()
        return _places(regions)

    def in_russia(self, polygon) -> bool:
        """More than half of the polygon's area in the bundled Russian oblasts."""
        if not self.russia.intersects(polygon):
            return False
        return _share(polygon, self.russia) > 0.5

    def abroad(self, polygon) -> bool:
        """More of the polygon in a foreign country than in Ukraine's admin-1 units."""
        if self.foreign.is_empty or not self.foreign.intersects(polygon):
            return False
        return _share(polygon, self.foreign) > _share(polygon, self.ukraine)


def _share(polygon, region) -> float:
    total = area_km2(polygon)
    return float(area_km2(shapely.intersection(polygon, region)) / total) if total else 0.0


@functools.lru_cache(maxsize=4)
def _places(regions: Regions) -> _Places:
    admin1 = regions.admin1
    ukraine = shapely.union_all(admin1.geometry[admin1["country_iso3"] == "UKR"].to_numpy())
    russia = shapely.union_all(admin1.geometry[admin1["country_iso3"] == "RUS"].to_numpy())
    foreign = shapely.Polygon()
    if regions.countries is not None:
        countries = regions.countries
        # Natural Earth 1:110m is coarse along the Russian border; the Russian oblasts are
        # tested at 1:10m above, and the coarse polygons never claim Ukraine's own area.
        others = countries.geometry[~countries["iso_a3"].isin(["UKR"])].to_numpy()
        foreign = shapely.difference(shapely.union_all(others), ukraine)
    for geom in (ukraine, russia, foreign):
        shapely.prepare(geom)
    return _Places(ukraine, russia, foreign)
