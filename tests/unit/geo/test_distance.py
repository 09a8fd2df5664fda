"""Distance from a place to Russian-held ground (geo.distance), on the ellipsoid."""

import datetime as dt
import itertools
import math

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from geo.distance import distance_figure, distance_km, distance_series, place_point
from geo.errors import FrontlineError
from geo.gazetteer import Gazetteer
from geo.paths import bundled_data_dir
from geo.regions import Regions
from geo.territory import Territory

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def data():
    path = bundled_data_dir()
    regions = Regions.from_data_dir(path)
    territory = Territory.from_data_dir(path, regions)
    return territory, Gazetteer(pd.read_parquet(path / "places.parquet"))


def _brute_km(geometry, lon, lat, step=0.0002) -> float:
    """The minimum of Geod.inv over points every ~15-20 m of the polygon's edge."""
    xy = shapely.get_coordinates(shapely.segmentize(shapely.boundary(geometry), step))
    near = np.argsort(np.hypot((xy[:, 0] - lon) * math.cos(math.radians(lat)), xy[:, 1] - lat))[
        :50_000
    ]
    n = len(near)
    _, _, dist = GEOD.inv(np.full(n, lon), np.full(n, lat), xy[near, 0], xy[near, 1])
    return float(dist.min()) / 1000


def _naive_km(geometry, lon, lat) -> float:
    """Nearest point in plain degrees, then its geodesic distance: what is not good enough."""
    near = shapely.shortest_line(shapely.Point(lon, lat), geometry).coords[1]
    return GEOD.inv(lon, lat, *near)[2] / 1000


def test_hand_placed_box():
    box = shapely.box(30.0, 49.0, 31.0, 50.0)
    km, nlon, nlat = distance_km(box, 29.0, 49.5)
    assert km == pytest.approx(GEOD.inv(29.0, 49.5, 30.0, 49.5)[2] / 1000, rel=1e-4)
    assert (round(nlon, 6), round(nlat, 2)) == (30.0, 49.5)
    assert distance_km(box, 30.5, 49.5) == (0.0, 30.5, 49.5)
    assert distance_km(box, 30.0, 49.5)[0] == 0.0  # on the edge
    assert all(math.isnan(v) for v in distance_km(shapely.Polygon(), 30.0, 49.5))


def test_oblique_edge_at_50_degrees_north_is_exact_where_degrees_are_not():
    """Generated shape: an edge running north-east past a point at 50° N. In plain degrees
    a degree of longitude counts as much as one of latitude (it is 64 % as long here), so
    the nearest point in degrees is the wrong one."""
    tri = shapely.Polygon([(30.0, 49.0), (31.2, 50.5), (32.0, 49.0)])
    lon, lat = 30.0, 50.0
    truth = _brute_km(tri, lon, lat, step=0.0001)
    km = distance_km(tri, lon, lat)[0]
    assert 30 < truth < 100
    assert km == pytest.approx(truth, rel=1e-3)
    assert abs(_naive_km(tri, lon, lat) - truth) / truth > 0.01


@pytest.mark.parametrize(
    ("name", "km"),
    [
        ("Kramatorsk", 22.37),
        ("Kharkiv", 31.50),
        ("Zaporizhzhia", 38.93),
        ("Kherson", 5.53),
        ("Dnipro", 105.88),
        ("Pokrovsk", 9.98),
    ],
)
def test_real_places_on_2024_11_01_match_brute_force(data, name, km):
    territory, gazetteer = data
    geom = territory.snapshot("2024-11-01").geometry
    place = gazetteer.resolve(name, country="UA")
    got = distance_km(geom, place.lon, place.lat)[0]
    assert got == pytest.approx(_brute_km(geom, place.lon, place.lat), rel=1e-3)
    assert round(got, 2) == km


def test_naive_degrees_are_off_by_more_than_one_percent_for_real_places(data):
    territory, gazetteer = data
    geom = territory.snapshot("2024-11-01").geometry
    kharkiv = gazetteer.resolve("Kharkiv", country="UA")
    truth = distance_km(geom, kharkiv.lon, kharkiv.lat)[0]
    assert (_naive_km(geom, kharkiv.lon, kharkiv.lat) - truth) / truth > 0.04


def test_series_and_figure_for_kramatorsk(data):
    territory, gazetteer = data
    months = distance_series(
        territory, "Kramatorsk", "2024-01-01", "2025-01-01", "month", gazetteer=gazetteer
    )
    assert len(months) == 12 and months[0]["snapshot"] == "2024-01-01"
    kms = [m["km"] for m in months]
    assert kms[0] == pytest.approx(24.91, abs=0.01) and kms[-1] == pytest.approx(22.37, abs=0.01)
    assert all(b <= a + 0.5 for a, b in itertools.pairwise(kms))
    fig = distance_figure(territory, "Краматорськ", "2025-01-01", "2025-10-01", gazetteer=gazetteer)
    assert fig["place"] == "Kramatorsk" and fig["layer"] == "russian_held"
    assert (fig["km_start"], fig["start_snapshot"]) == (22.4, "2025-01-01")
    assert (fig["km_now"], fig["now_snapshot"]) == (19.8, "2025-10-01")
    assert fig["nearest_km"] <= min(fig["km_now"], fig["km_start"])
    assert "2025-01-01" <= fig["nearest_snapshot"] <= "2025-10-01"
    days = [d for d in territory.dates() if dt.date(2025, 1, 1) <= d <= dt.date(2025, 10, 1)]
    assert fig["snapshots"] == len(days)
    assert fig["source"] == "deepstate-layers+deepstate-cyterat"


def test_inside_is_zero(data):
    territory, gazetteer = data
    fig = distance_figure(territory, "Mariupol", "2024-01-01", "2024-02-01", gazetteer=gazetteer)
    assert fig["km_now"] == fig["km_start"] == fig["nearest_km"] == 0.0


def test_places_resolve_like_ingest(data):
    _, gazetteer = data
    with pytest.raises(FrontlineError) as err:
        place_point("Donetsk", gazetteer)  # in Ukraine and in Rostov oblast
    assert err.value.param == "place" and "ambiguous" in str(err.value)
    lon, lat, name = place_point("Donetsk", gazetteer, country="UA")
    assert name == "Donetsk" and 37 < lon < 38.5 and 47.5 < lat < 48.5
    assert place_point("Kiew", gazetteer)[2] == "Kyiv"
    assert place_point((37.5, 48.7)) == (37.5, 48.7, None)
    assert place_point(shapely.Point(37.5, 48.7)) == (37.5, 48.7, None)
    for bad in ("Nowhereville", (200, 48)):
        with pytest.raises(FrontlineError) as err:
            place_point(bad, gazetteer)
        assert err.value.param == "place"
    with pytest.raises(FrontlineError) as err:
        place_point("Kyiv")
    assert err.value.param == "place"
