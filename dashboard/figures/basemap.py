"""The offline basemap's geometry: land, lakes and reservoirs, coasts and borders at
1:10m, the admin-1 border network, and place labels by zoom.

Everything here is derived once per data version (``Data.derived``), not per request, and
handed to :func:`dashboard.figures.geometry.map_layers`. The 1:10m outlines
(``data/basemap.parquet``) come in three zoom bands, already simplified for them; a map
ships the band of its zoom only. Outside the region they cover (20–45° E, 41–57° N) the
world's 1:110m countries stand in.

Place labels are MapLibre symbol layers, one per tier of :data:`LABEL_TIERS`, each shown
from its tier's zoom (a layer's ``minzoom``): larger places first, more as the reader zooms
in, and MapLibre itself leaves out a label that would overlap one already drawn. The tiers
come from :func:`geo.labels.label_tiers`, whose order makes the more important place win.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

__all__ = [
    "BASEMAP_BOX",
    "LABEL_TIERS",
    "WORLD_BOX",
    "BaseGeometry",
    "band_for_zoom",
    "base_geometry",
    "label_level",
    "label_sources",
]

#: Where the 1:10m outlines reach (west, south, east, north).
BASEMAP_BOX = (20.0, 41.0, 45.0, 57.0)
#: The part of the world the 1:110m countries are drawn for (Europe, the Middle East,
#: Russia, Korea): the whole world would be ten times the bytes for land no view needs.
WORLD_BOX = (-30.0, 20.0, 150.0, 80.0)
#: Least zoom of each label layer (512-px tiles, as Plotly's ``layout.map``).
LABEL_TIERS = (3.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0)
#: Text size (px) per tier: capitals and cities larger than towns and villages.
_TIER_SIZE = (13, 13, 12, 12, 11, 11, 11, 11)
_KINDS = ("land", "lake", "coastline", "border")


@dataclass(frozen=True, eq=False)
class BaseGeometry:
    """What the basemap draws besides the data: ``countries`` (1:110m land outside the
    1:10m box), ``country_lines`` (their borders), ``admin1`` (the region border network),
    and ``bands[kind][i]`` (1:10m land, lakes, coastline and land borders of zoom band i)."""

    countries: shapely.Geometry | None
    country_lines: shapely.Geometry | None
    admin1: shapely.Geometry | None
    bands: dict = field(default_factory=dict)
    zooms: tuple = ()


def band_for_zoom(zooms: tuple, zoom: float | None) -> int:
    """The index of the zoom band ``(min_zoom, max_zoom)`` in ``zooms`` that holds ``zoom``."""
    z = 5.0 if zoom is None else float(zoom)
    for i, (lo, hi) in enumerate(zooms):
        if lo <= z < hi:
            return i
    return len(zooms) - 1 if zooms else 0


def _union(geoms) -> shapely.Geometry | None:
    geoms = [g for g in geoms if g is not None and not g.is_empty]
    return shapely.union_all(np.asarray(geoms)) if geoms else None


def base_geometry(regions, basemap: pd.DataFrame | None) -> BaseGeometry:
    """The basemap of a data version (one call per version: ~0.3 s of GEOS)."""
    box = shapely.box(*BASEMAP_BOX)
    countries = lines = None
    if regions.countries is not None and len(regions.countries):
        polygons = np.asarray(list(regions.countries.geometry.values))
        world = shapely.union_all(polygons)
        # Land borders only: every country's outline minus the coast (the union's outline).
        borders = shapely.difference(shapely.union_all(shapely.boundary(polygons)),
                                     shapely.boundary(world))  # fmt: skip
        context = shapely.box(*WORLD_BOX)
        world, borders = (
            shapely.intersection(world, context),
            shapely.intersection(borders, context),
        )
        # Inside the box the 1:10m land and borders are drawn; the coarse outline would
        # stick out into the sea along every coast.
        countries = shapely.difference(world, box) if basemap is not None else world
        lines = shapely.difference(borders, box) if basemap is not None else borders
    admin1 = None
    if len(regions.admin1):
        rings = shapely.boundary(np.asarray(list(regions.admin1.geometry.values)))
        # One network: a border two regions share is sent once, not once per ring.
        admin1 = shapely.line_merge(shapely.union_all(rings))
    bands: dict = {kind: [] for kind in _KINDS}
    zooms: tuple = ()
    if basemap is not None and len(basemap):
        pairs = zip(basemap["min_zoom"], basemap["max_zoom"], strict=True)
        zooms = tuple(sorted({(float(a), float(b)) for a, b in pairs}))
        for kind in _KINDS:
            for lo, _ in zooms:
                rows = basemap[(basemap["kind"] == kind) & (basemap["min_zoom"] == lo)]
                bands[kind].append(_union(rows.geometry.values))
    return BaseGeometry(countries, lines, admin1, bands, zooms)


def label_level(zoom: float | None) -> int:
    """The highest label tier sent for ``zoom``: the next whole level once the map is
    half-way there. The tier after it shows only further in, and the labels are sent again
    when the level changes (so a map at zoom 5 does not carry the ~90 kB of the towns that
    show from zoom 6 until the reader zooms towards them)."""
    z = 5.0 if zoom is None else float(zoom)
    return math.floor(z + 0.5)


def label_sources(tiers: pd.DataFrame | None, zoom: float | None, box=None) -> list[dict]:
    """A GeoJSON of places per tier of :data:`LABEL_TIERS` (``tiers``:
    :func:`geo.labels.label_tiers`): those inside ``box`` (west, south, east, north; None:
    everywhere), and none for tiers above :func:`label_level` (they cannot show before the
    map is redrawn nearer). Text is data, never markup: MapLibre draws it as text."""
    empty = {"type": "FeatureCollection", "features": []}
    if tiers is None or len(tiers) == 0:
        return [empty] * len(LABEL_TIERS)
    upper = label_level(zoom)
    if box is not None:
        west, south, east, north = box
        lon, lat = tiers["lon"].to_numpy(), tiers["lat"].to_numpy()
        tiers = tiers[(lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)]
    edges = (*LABEL_TIERS[1:], math.inf)
    out = []
    for lo, hi in zip(LABEL_TIERS, edges, strict=True):
        if lo > upper:
            out.append(empty)
            continue
        # The first tier also takes the places shown from before its zoom.
        keep = tiers["min_zoom"] < hi
        if lo > LABEL_TIERS[0]:
            keep &= tiers["min_zoom"] >= lo
        part = tiers[keep]
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(x, 4), round(y, 4)]},
                "properties": {"name": str(text)},
            }
            for x, y, text in zip(part["lon"], part["lat"], part["text"], strict=True)
        ]
        out.append({"type": "FeatureCollection", "features": features})
    return out


def tier_size(i: int) -> int:
    """Text size of label tier ``i``."""
    return _TIER_SIZE[i]
