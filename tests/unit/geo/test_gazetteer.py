"""Gazetteer: spellings in four languages, context, ambiguity, labels (real GeoNames data)."""

import pandas as pd
import pytest

from geo.errors import FrontlineError
from geo.gazetteer import Gazetteer, labels, normalise_name

KYIV, KHARKIV, KURSK, PYONGYANG = 703448, 706483, 538560, 1871859
DONETSK_UA, DONETSK_RU = 709717, 565348


@pytest.fixture(scope="module")
def gaz(data):
    return Gazetteer(data.places)


def test_normalise_name():
    assert normalise_name("  Ust’-Donetskiy ") == "ust donetskiy"
    assert normalise_name("Pjöngjang") == "pjongjang"
    assert normalise_name("KYIV") == normalise_name("kyiv")
    # Cyrillic letters with marks are letters of their own, not accented ones.
    assert normalise_name("Київ") == "київ" and normalise_name("й") != normalise_name("и")


@pytest.mark.parametrize(
    "name, geonameid",
    [
        ("Kyiv", KYIV),
        ("Kiev", KYIV),
        ("Kiew", KYIV),
        ("Київ", KYIV),
        ("Киев", KYIV),
        ("kyiv", KYIV),
        ("Charkiw", KHARKIV),
        ("Kharkiv", KHARKIV),
        ("Kursk", KURSK),
        ("Курск", KURSK),
        ("Pyongyang", PYONGYANG),
        ("Pjöngjang", PYONGYANG),
        ("Pjongjang", PYONGYANG),
    ],
)
def test_lookup_finds_every_spelling(gaz, name, geonameid):
    best = gaz.lookup(name)[0]
    assert best.geonameid == geonameid
    assert normalise_name(best.matched) == normalise_name(name)


def test_whole_names_rank_before_prefixes(gaz):
    places = gaz.lookup("Kyiv", limit=3)
    assert places[0].geonameid == KYIV and len(places) == 3
    assert all(normalise_name(p.matched).startswith("kyiv") for p in places)
    assert gaz.lookup("Kyiv", limit=1)[0].admin1 == "UA-30"


def test_context_ranks_and_resolves(gaz):
    assert gaz.lookup("Donetsk")[0].geonameid == DONETSK_UA  # larger
    assert gaz.lookup("Donetsk", country="RU")[0].geonameid == DONETSK_RU
    assert gaz.resolve("Donetsk", country="UA").geonameid == DONETSK_UA
    assert gaz.resolve("Donetsk", country="ru").geonameid == DONETSK_RU
    assert gaz.resolve("Донецьк", admin1="UA-14").geonameid == DONETSK_UA
    assert gaz.resolve("Kiew").geonameid == KYIV


def test_ambiguous_name_lists_candidates(gaz):
    with pytest.raises(FrontlineError) as err:
        gaz.resolve("Donetsk")
    message = str(err.value)
    assert err.value.param == "place"
    assert "ambiguous" in message and "UA-14" in message and "RU-ROS" in message


def test_a_former_name_yields_to_the_place_that_bears_it_today(gaz):
    # GeoNames lists "Pokrovsk" among Engels' other names (its name until 1931); Engels is
    # larger, but a reader who writes "Pokrovsk" means the town in Donetsk oblast.
    place = gaz.resolve("Pokrovsk")
    assert (place.name, place.admin1) == ("Pokrovsk", "UA-14")
    assert gaz.resolve("Pokrovsk", country="RU").name == "Engels"  # asked for explicitly
    # A former name that is also a city's name today stays ambiguous.
    with pytest.raises(FrontlineError, match=r"Dzerzhinsk .*Toretsk"):
        gaz.resolve("Dzerzhinsk")
    assert gaz.resolve("Konstantinovka").name == "Kostyantynivka"  # largest in Ukraine


def test_unknown_place_is_named(gaz):
    with pytest.raises(FrontlineError, match="'Atlantis'") as err:
        gaz.resolve("Atlantis")
    assert err.value.param == "place"
    with pytest.raises(FrontlineError, match="in KP"):
        gaz.resolve("Kursk", country="KP")
    with pytest.raises(FrontlineError):
        gaz.lookup("  ")


def test_labels_largest_with_german_names(data):
    out = labels(data.places, bbox=(22, 44, 41, 53), limit=5)
    assert list(out.columns) == ["name", "name_de", "lat", "lon", "population"]
    assert len(out) == 5 and out["population"].is_monotonic_decreasing
    kyiv = out.iloc[0]
    assert (kyiv["name"], kyiv["name_de"]) == ("Kyiv", "Kiew")
    assert out["lon"].between(22, 41).all() and out["lat"].between(44, 53).all()


def test_labels_fall_back_to_name_and_respect_minimum():
    places = pd.DataFrame(
        {
            "name": ["Big", "Small"],
            "alt_names_de": ["", "Klein"],
            "lat": [50.0, 50.1],
            "lon": [30.0, 30.1],
            "population": [50_000, 500],
        }
    )
    out = labels(places, min_population=1_000)
    assert out.to_dict("records") == [
        {"name": "Big", "name_de": "Big", "lat": 50.0, "lon": 30.0, "population": 50_000}
    ]
