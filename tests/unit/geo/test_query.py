"""Query: one filter table, checked with no server (as datasette's test_filters does)."""

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
from shapely import points

from geo.errors import FrontlineError
from geo.query import Query

EVENTS = gpd.GeoDataFrame(
    {
        "event_id": ["t:1", "t:2", "t:3", "t:4"],
        "dataset": pd.Categorical(["ucdp", "ucdp", "acled", "acled"]),
        "date": pd.to_datetime(["2024-09-30", "2024-10-01", "2024-10-31", "2024-11-01"]),
        "event_type": pd.Categorical(["Battles", "Battles", "Protests", "Battles"]),
        "actor1": ["A", "B", "C", "A"],
        "actor2": ["B", "C", "", ""],
        "admin1": ["UA-14", "UA-14", "UA-23", None],
        "geo_precision": [1, 3, 1, 2],
        "location": ["Pokrovsk", "Donetsk oblast", "Zaporizhzhia", "Kursk"],
        "notes": ["shelling", "", "Rally near the city hall", None],
    },
    geometry=points([[37.2, 48.3], [37.8, 48.0], [35.1, 47.8], [36.2, 51.7]]),
    crs=4326,
)

CASES = [
    ({}, ["t:1", "t:2", "t:3", "t:4"]),
    ({"from": "2024-10-01", "to": "2024-11-01"}, ["t:2", "t:3"]),
    ({"datasets": "acled"}, ["t:3", "t:4"]),
    ({"types": "Battles"}, ["t:1", "t:2", "t:4"]),
    ({"actors": "C"}, ["t:2", "t:3"]),
    ({"regions": "ua-14"}, ["t:1", "t:2"]),
    ({"precision": "1"}, ["t:1", "t:3"]),
    ({"q": "RALLY"}, ["t:3"]),
    ({"q": "pokrovsk"}, ["t:1"]),
    ({"bbox": "36,47,38,49"}, ["t:1", "t:2"]),
    ({"types": "Battles", "regions": "UA-14", "precision": "2"}, ["t:1"]),
]


@pytest.mark.parametrize(("params", "expected"), CASES)
def test_filters(params, expected):
    q = Query.from_params(params)
    assert list(EVENTS[q.mask(EVENTS)]["event_id"]) == expected


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"from": "2024-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2024-10-02", "to": "2024-10-01"}, "to"),
        ({"precision": "7"}, "precision"),
        ({"precision": "x"}, "precision"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "10,0,5,1"}, "bbox"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_errors_name_the_parameter(params, param):
    with pytest.raises(FrontlineError) as err:
        Query.from_params(params)
    assert err.value.param == param
    assert param in str(err.value)


def test_round_trip_and_key():
    q = Query.from_params({"from": "2024-10-01", "types": "Protests,Battles", "q": "x"})
    assert Query.from_params(q.to_params()) == q
    assert q.date_from == dt.date(2024, 10, 1)
    assert (
        q.key()
        == Query.from_params({"types": "Battles,Protests", "from": "2024-10-01", "q": "x"}).key()
    )
