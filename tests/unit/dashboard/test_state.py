"""View state <-> URL query string: round trips, defaults, and errors instead of crashes."""

import datetime as dt

import pytest

from dashboard.state import (
    ViewState,
    dates_from_range,
    lang_from_accept_language,
    parse_search,
    state_from_controls,
)
from geo.errors import FrontlineError


def test_default_view_is_october_2024():
    state, errors = parse_search("")
    assert errors == []
    assert (state.date_from, state.date_to) == (dt.date(2024, 10, 1), dt.date(2024, 11, 1))
    assert state.by == "week" and state.theme == "light" and state.regions == ()


def test_round_trip_of_every_parameter():
    search = (
        "?from=2024-08-01&to=2024-09-01&datasets=ucdp&types=Battles,Protests&actors=A,B"
        "&regions=UA-14,UA-23&precision=1&q=Pokrovsk&layers=events,changes&lang=de&theme=dark"
        "&basemap=carto-positron&lat=48.1000&lon=37.2000&z=7.50&by=month&alerts=1"
        "&event=ucdp:123"
    )
    state, errors = parse_search(search)
    assert errors == []
    assert state.regions == ("UA-14", "UA-23")
    assert state.layers == ("events", "changes")
    assert state.precision == 1 and state.alerts and state.event == "ucdp:123"
    assert (state.lat, state.lon, state.z) == (48.1, 37.2, 7.5)
    again, _ = parse_search(state.to_search())
    assert again == state
    assert ViewState.from_dict(state.to_dict()) == state


@pytest.mark.parametrize(
    ("search", "param"),
    [
        ("?from=2024-13-01", "from"),
        ("?precision=7", "precision"),
        ("?lang=fr", "lang"),
        ("?theme=pink", "theme"),
        ("?by=year", "by"),
        ("?layers=events,nonsense", "layers"),
        ("?lat=100&lon=30&z=5", "lat"),
    ],
)
def test_bad_parameter_is_reported_and_dropped(search, param):
    state, errors = parse_search(search)
    assert len(errors) == 1 and param in errors[0]
    assert isinstance(state, ViewState)


def test_strict_parse_names_the_parameter():
    with pytest.raises(FrontlineError) as info:
        ViewState.from_params({"precision": "x"})
    assert info.value.param == "precision"


def test_to_before_from_is_an_error_not_a_crash():
    state, errors = parse_search("?from=2024-11-01&to=2024-10-01")
    assert errors and state.date_to > state.date_from


def test_accept_language():
    assert lang_from_accept_language("de-DE,de;q=0.9,en;q=0.8") == "de"
    assert lang_from_accept_language("fr-FR,en;q=0.5") == "en"
    assert lang_from_accept_language(None) == "en"


def test_controls_change_keeps_map_position_and_event():
    base = ViewState(lat=48.0, lon=37.0, z=6.0, event="ucdp:1")
    values = {"from": "2024-09-01", "to": "2024-10-01", "regions": ["UA-14"], "layers": []}
    state = state_from_controls({**values, "precision": "all"}, base)
    assert state.date_from == dt.date(2024, 9, 1) and state.regions == ("UA-14",)
    assert state.layers == () and state.precision is None
    assert (state.lat, state.z, state.event) == (48.0, 6.0, "ucdp:1")
    assert "layers=none" in state.to_search()


def test_dragged_timeline_range_becomes_whole_days():
    assert dates_from_range("2024-10-07 12:00:00", "2024-10-20 06:00") == (
        dt.date(2024, 10, 7),
        dt.date(2024, 10, 21),
    )
    assert dates_from_range("2024-10-07", "2024-10-14") == (
        dt.date(2024, 10, 7),
        dt.date(2024, 10, 14),
    )
