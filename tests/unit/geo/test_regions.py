"""Regions: code checks, unions and the spatial join of points."""

import geopandas as gpd
import pytest
from shapely import box

from geo.errors import UnknownRegionError
from geo.regions import Regions, normalise_region_codes


@pytest.fixture
def two_boxes():
    admin1 = gpd.GeoDataFrame(
        {"iso_3166_2": ["XA-01", "XA-02"], "name_en": ["West", "East"], "country_iso3": "XAA"},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs=4326,
    )
    countries = gpd.GeoDataFrame({"iso_a3": ["XBB"]}, geometry=[box(5, 5, 6, 6)], crs=4326)
    return Regions(admin1, countries)


def test_normalise_codes():
    assert normalise_region_codes(" ua-14, UA-23,,") == ("UA-14", "UA-23")
    assert normalise_region_codes(None) == ()
    assert normalise_region_codes(["UA-23", "ua-14"]) == ("UA-14", "UA-23")


def test_assign_points_inside_on_border_and_outside(two_boxes):
    admin1, country = two_boxes.assign([0.5, 1.0, 1.5, 5.5, 9.0], [0.5, 0.5, 0.5, 5.5, 9.0])
    assert list(admin1) == ["XA-01", "XA-01", "XA-02", None, None]
    assert list(country) == ["XAA", "XAA", "XAA", "XBB", None]


def test_unknown_code_names_it(two_boxes):
    with pytest.raises(UnknownRegionError, match="XA-99") as err:
        two_boxes.check_codes("XA-01,XA-99")
    assert err.value.param == "regions"


def test_union_geometry(two_boxes):
    assert two_boxes.geometry("XA-01,XA-02").equals(box(0, 0, 2, 1))


def test_crs_mismatch_is_refused():
    g = gpd.GeoDataFrame(
        {"iso_3166_2": ["A"], "name_en": ["a"], "country_iso3": ["AAA"]},
        geometry=[box(0, 0, 1, 1)],
        crs=4326,
    ).to_crs(3857)
    with pytest.raises(ValueError, match="to_crs"):
        Regions(g)


def test_real_regions(data):
    regions = data.regions
    assert len(regions.codes) == 32
    assert regions.name("UA-14") == "Donetsk Oblast"
    assert regions.name("UA-14", "de") == "Oblast Donezk"
    # Kramatorsk, Kursk city, Berlin, the Black Sea
    admin1, country = regions.assign([37.556, 36.19, 13.40, 33.0], [48.723, 51.73, 52.52, 43.0])
    assert list(admin1) == ["UA-14", "RU-KRS", None, None]
    assert list(country) == ["UKR", "RUS", "DEU", None]
