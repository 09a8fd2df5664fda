"""Fixtures for the ingest tests: the bundled regions and two hand-made boxes."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo.paths import bundled_data_dir
from geo.regions import Regions


@pytest.fixture(scope="session")
def regions() -> Regions:
    """The bundled admin-1 regions and countries (real data from the repo's data/)."""
    return Regions.from_data_dir(bundled_data_dir())


@pytest.fixture(scope="session")
def boxes() -> Regions:
    """Two hand-made admin-1 'regions' side by side: lon 30-35 and 35-40, lat 45-50."""
    admin1 = gpd.GeoDataFrame(
        {
            "iso_3166_2": ["XA-01", "XA-02"],
            "name_en": ["West box", "East box"],
            "country_iso3": ["XAA", "XAA"],
        },
        geometry=[shapely.box(30, 45, 35, 50), shapely.box(35, 45, 40, 50)],
        crs=4326,
    )
    return Regions(admin1)
