"""Areas: the equal-area figure must agree with the ellipsoid (pyproj Geod)."""

import numpy as np
import pytest
import shapely
from shapely import box

from geo.areas import area_km2, geodesic_area_km2, to_equal_area


def test_box_agrees_with_geod():
    square = box(37.0, 47.5, 38.0, 48.5)  # about the size of a Donetsk raion cluster
    assert area_km2(square) == pytest.approx(geodesic_area_km2(square), rel=1e-3)


def test_real_region_and_front_agree_with_geod_within_0_1_percent(data):
    donetsk = data.regions.geometry("UA-14")
    assert area_km2(donetsk) == pytest.approx(geodesic_area_km2(donetsk), rel=1e-3)
    held = data.territory.snapshot("2024-10-01").geometry
    assert area_km2(held) == pytest.approx(geodesic_area_km2(held), rel=1e-3)
    # Natural Earth's Donetsk is 26,599 km² in LAEA (data/SOURCES.md); we must agree.
    assert area_km2(donetsk) == pytest.approx(26_599, rel=2e-3)


def test_web_mercator_would_be_wrong():
    # The reason the code never measures in EPSG:3857: at 48°N it inflates areas ~2.2x.
    square = box(37.0, 47.5, 38.0, 48.5)
    from pyproj import Transformer

    merc = Transformer.from_crs(4326, 3857, always_xy=True)
    projected = shapely.transform(square, lambda xy: np.column_stack(merc.transform(*xy.T)))
    assert projected.area / 1e6 > 2 * area_km2(square)


def test_vector_and_empty_inputs():
    out = area_km2([box(0, 0, 1, 1), None, shapely.Polygon()])
    assert out.shape == (3,)
    assert out[0] > 12_000 and out[1] == 0 and out[2] == 0
    assert geodesic_area_km2(shapely.Polygon()) == 0.0
    assert to_equal_area(box(0, 0, 1, 1)).area > 1e10
