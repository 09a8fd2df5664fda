"""The area Frontline is about, as data, and the check that keeps events inside it.

Frontline maps the Russian war against Ukraine. An event in Sydney, Washington or at the
South Pole lies in a known country, but in a file of this war it is almost always a wrong
coordinate (a sign lost, a column shifted), so ingest rejects it as ``outside_coverage``
instead of accepting it because "any country counts".

The coverage area is:

- Ukraine and **all of Russia**: strikes and sabotage reach far beyond the Urals (the
  Tyumen refinery, airfields in Siberia) and UCDP codes Russia's other conflicts as
  Russia; cutting Russia at the Urals would reject real events.
- The land neighbours of Ukraine (Belarus, Moldova, Romania, Poland, Slovakia, Hungary)
  and of Russia in Europe, the Caucasus and Central Asia (Norway, Finland, Estonia,
  Latvia, Lithuania, Georgia, Azerbaijan, Kazakhstan): drone debris, incursions, air
  space, the Aktau crash. China, Mongolia and North Korea border Russia only in East
  Asia, thousands of kilometres from the war, and are left out.
- The other shores of the Black Sea (Bulgaria, Turkey), and the sea itself: a point at
  sea is covered when it lies within :data:`geo.schema.SEA_KM` of a covered country or
  region, the same reach that keeps events at sea at all. Every shore of the Black Sea
  and the Sea of Azov belongs to a covered country, so both seas are covered as far as
  any event at sea is accepted (farther out, a point stays ``outside_known_regions``).
- Every admin-1 region of the :class:`~geo.regions.Regions` in use (the bundled ones are
  Ukraine's oblasts and Russia's border regions), whatever its country: the admin-1 table
  is, by definition, ground Frontline covers.

Countries are the ISO 3166-1 alpha-3 codes of the bundled ``countries.parquet``.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from geo.regions import Regions
from geo.schema import SEA_KM

__all__ = ["COVERAGE_COUNTRIES", "COVERAGE_NAME", "nearest_within", "outside_coverage"]

COVERAGE_NAME = "Ukraine, Russia, their neighbours and the Black Sea"

COVERAGE_COUNTRIES = (
    # The two countries at war.
    "UKR", "RUS",
    # Ukraine's other neighbours.
    "BLR", "MDA", "ROU", "POL", "SVK", "HUN",
    # Russia's neighbours in Europe, the Caucasus and Central Asia.
    "NOR", "FIN", "EST", "LVA", "LTU", "GEO", "AZE", "KAZ",
    # The other shores of the Black Sea.
    "BGR", "TUR",
)  # fmt: skip

_GEOD = Geod(ellps="WGS84")
# The polygons that at-sea points are measured against, per Regions object (built once).
_POLYGONS: weakref.WeakKeyDictionary[Regions, np.ndarray] = weakref.WeakKeyDictionary()


def outside_coverage(
    regions: Regions,
    lon: np.ndarray,
    lat: np.ndarray,
    admin1: np.ndarray,
    country: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Which points, already placed by the spatial join, lie outside the coverage area.

    Parameters
    ----------
    regions : the regions the points were joined with
    lon, lat : WGS84 degrees
    admin1, country : the join's ISO 3166-2 and ISO 3166-1 alpha-3 codes (None where none)

    Returns
    -------
    (outside, where) : a boolean mask, and for the points outside a short phrase saying
        where they lie ("in Australia", "at sea"), for messages.

    Examples
    --------
    >>> from geo.ingest._common import default_regions  # doctest: +SKIP
    >>> outside_coverage(default_regions(), np.array([151.2]), np.array([-33.9]),
    ...                  np.array([None]), np.array(["AUS"]))  # doctest: +SKIP
    (array([ True]), array(['in Australia'], dtype=object))
    """
    n = len(lon)
    outside = np.zeros(n, dtype=bool)
    where = np.full(n, "", dtype=object)
    if n == 0:
        return outside, where
    placed = ~pd.isna(admin1)
    in_country = ~pd.isna(country)
    covered = set(COVERAGE_COUNTRIES) | set(regions.admin1["country_iso3"])
    foreign = in_country & ~placed & ~pd.Series(country).isin(covered).to_numpy()
    names = _country_names(regions)
    outside[foreign] = True
    where[foreign] = [f"in {names.get(c, c)}" for c in country[foreign]]
    at_sea = np.flatnonzero(~in_country & ~placed)
    if at_sea.size:
        points = shapely.points(lon[at_sea], lat[at_sea])
        near, _, _ = nearest_within(points, _coverage_polygons(regions), SEA_KM)
        far = np.ones(at_sea.size, dtype=bool)
        far[near] = False
        outside[at_sea[far]] = True
        where[at_sea[far]] = "at sea"
    return outside, where


def nearest_within(points: np.ndarray, polygons: np.ndarray, km_max: float):
    """Each point's nearest polygon within ``km_max`` km on the WGS84 ellipsoid.

    Parameters
    ----------
    points : shapely Points, WGS84
    polygons : shapely geometries, WGS84
    km_max : the farthest a polygon may be, in km

    Returns
    -------
    (point index, polygon index, km) : for the points that have one.
    """
    if not len(points) or not len(polygons):
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0)
    # A bound in degrees that is safe at these latitudes (a degree of longitude shrinks
    # towards the poles); the tree prunes with it and the ellipsoid decides.
    ys = shapely.get_y(points)
    phi = np.radians(min(np.abs(ys).max() + km_max / 110.57, 89.9))
    bound = km_max / 110.57 * np.sqrt(1 + 1 / np.cos(phi) ** 2)
    tree = shapely.STRtree(polygons)
    idx, poly = tree.query_nearest(points, max_distance=bound, all_matches=False)
    ends = shapely.get_coordinates(shapely.shortest_line(points[idx], polygons[poly]))
    ends = ends.reshape(-1, 4)
    km = _GEOD.inv(ends[:, 0], ends[:, 1], ends[:, 2], ends[:, 3])[2] / 1000
    within = km <= km_max
    return idx[within], poly[within], km[within]


def _coverage_polygons(regions: Regions) -> np.ndarray:
    if regions not in _POLYGONS:
        parts = [regions.admin1.geometry.to_numpy()]
        if regions.countries is not None:
            ours = regions.countries["iso_a3"].isin(COVERAGE_COUNTRIES).to_numpy()
            parts.append(regions.countries.geometry.to_numpy()[ours])
        _POLYGONS[regions] = np.concatenate(parts)
    return _POLYGONS[regions]


def _country_names(regions: Regions) -> dict[str, str]:
    if regions.countries is None or "name_en" not in regions.countries.columns:
        return {}
    return dict(zip(regions.countries["iso_a3"], regions.countries["name_en"], strict=True))
