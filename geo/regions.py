"""Admin-1 regions and countries: lookup by ISO code and spatial join of points.

Events carry ``admin1`` from a spatial join against these polygons, never from the text of
the input file, because source files spell regions in many ways ("Zaporizhzhya oblast",
"Zaporizka oblast", "Запорізька область") and sometimes get them wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.errors import UnknownRegionError

__all__ = ["Regions", "normalise_region_codes"]

_REGION_COLUMNS = ["iso_3166_2", "name_en", "country_iso3", "geometry"]


def normalise_region_codes(codes: str | Iterable[str] | None) -> tuple[str, ...]:
    """Turn ``"ua-14, UA-23"`` or ``["UA-14"]`` into a sorted tuple of upper-case codes.

    An empty input gives an empty tuple, which means "no region filter".
    """
    if codes is None:
        return ()
    if isinstance(codes, str):
        codes = codes.split(",")
    return tuple(sorted({c.strip().upper() for c in codes if c and c.strip()}))


class Regions:
    """Admin-1 polygons (ISO 3166-2) and country polygons (ISO 3166-1 alpha-3).

    Parameters
    ----------
    admin1 : GeoDataFrame in EPSG:4326 with at least ``iso_3166_2``, ``name_en``,
        ``country_iso3`` and geometry.
    countries : GeoDataFrame in EPSG:4326 with ``iso_a3`` and geometry, optional. Points
        outside every admin-1 region are still "known" when they fall in a country.
    """

    def __init__(self, admin1: gpd.GeoDataFrame, countries: gpd.GeoDataFrame | None = None):
        missing = [c for c in _REGION_COLUMNS if c not in admin1.columns]
        if missing:
            raise ValueError(f"admin-1 table lacks columns {missing}; got {list(admin1.columns)}")
        for name, frame in (("admin1", admin1), ("countries", countries)):
            if frame is not None and frame.crs is not None and frame.crs.to_epsg() != 4326:
                raise ValueError(
                    f"'{name}' must be in EPSG:4326, got {frame.crs}; use `to_crs(4326)` first"
                )
        self.admin1 = admin1.reset_index(drop=True)
        self.countries = countries.reset_index(drop=True) if countries is not None else None
        self._by_code = {code: i for i, code in enumerate(self.admin1["iso_3166_2"])}
        self._union_cache: dict[tuple[str, ...], shapely.Geometry] = {}

    @classmethod
    def from_data_dir(cls, data_dir: Path) -> Regions:
        """Load ``admin1.parquet`` and ``countries.parquet`` from a data directory."""
        data_dir = Path(data_dir)
        admin1 = gpd.read_parquet(data_dir / "admin1.parquet")
        countries_path = data_dir / "countries.parquet"
        countries = gpd.read_parquet(countries_path) if countries_path.exists() else None
        return cls(admin1, countries)

    @property
    def codes(self) -> list[str]:
        """All ISO 3166-2 codes, in table order."""
        return list(self.admin1["iso_3166_2"])

    def check_codes(self, codes: str | Iterable[str] | None) -> tuple[str, ...]:
        """Normalise region codes and raise :class:`UnknownRegionError` for unknown ones."""
        norm = normalise_region_codes(codes)
        unknown = [c for c in norm if c not in self._by_code]
        if unknown:
            raise UnknownRegionError(
                f"regions: unknown region {', '.join(unknown)}: expected ISO 3166-2 codes such as "
                f"UA-14 (Donetsk); known codes are {', '.join(sorted(self._by_code))}",
                param="regions",
            )
        return norm

    def name(self, code: str, lang: str = "en") -> str:
        """The region's name in ``lang`` where the table has it, else its English name."""
        row = self.admin1.iloc[self._by_code[code]]
        col = f"name_{lang}"
        value = row[col] if col in self.admin1.columns else None
        return str(value) if isinstance(value, str) and value else str(row["name_en"])

    def geometry(self, codes: str | Sequence[str]) -> shapely.Geometry:
        """The union of the named regions' polygons (cached per set of codes)."""
        key = self.check_codes(codes)
        if not key:
            raise UnknownRegionError("no region given", param="regions")
        if key not in self._union_cache:
            geoms = self.admin1.geometry.values[[self._by_code[c] for c in key]]
            self._union_cache[key] = shapely.union_all(geoms)
        return self._union_cache[key]

    def assign(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Spatial join of points to admin-1 regions and countries.

        Parameters
        ----------
        lon, lat : array-like of float, WGS84 degrees

        Returns
        -------
        (admin1, country) : two object arrays, the ISO 3166-2 code and the ISO 3166-1
            alpha-3 code of the polygon each point falls in, or ``None`` outside all.
            A point on a shared border goes to the first region in table order.
        """
        points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        admin1 = self._join(points, self.admin1, "iso_3166_2")
        country = self._join(points, self.admin1, "country_iso3")
        if self.countries is not None:
            outside = np.array([c is None for c in country])
            if outside.any():
                country[outside] = self._join(points[outside], self.countries, "iso_a3")
        return admin1, country

    @staticmethod
    def _join(points: np.ndarray, polygons: gpd.GeoDataFrame, column: str) -> np.ndarray:
        out = np.full(len(points), None, dtype=object)
        if len(points) == 0:
            return out
        # STRtree query with "intersects" keeps border points (a point exactly on the line
        # between two oblasts) instead of losing them to both sides.
        tree = shapely.STRtree(polygons.geometry.values)
        point_idx, poly_idx = tree.query(points, predicate="intersects")
        order = np.lexsort((poly_idx, point_idx))
        point_idx, poly_idx = point_idx[order], poly_idx[order]
        first = np.unique(point_idx, return_index=True)[1]
        values = polygons[column].to_numpy(dtype=object)
        out[point_idx[first]] = values[poly_idx[first]]
        return out
