"""Playback steps: only changed layers are sent, key frames send all, and a crowded step
draws bins; the map callback patches only the event slots on event-only changes."""

import datetime as dt

from dashboard.callbacks.map import base_key, map_figure
from dashboard.callbacks.playback import PLAYBACK_MAX_POINTS, playback_patch
from dashboard.figures.map import TRACE_ORDER
from dashboard.state import ViewState

D = dt.date


def _ops(patch) -> list[dict]:
    return patch.to_plotly_json()["operations"]


def _layer_indices(patch) -> set[int]:
    return {
        op["location"][3] for op in _ops(patch) if op["location"][:3] == ["layout", "map", "layers"]
    }


def test_key_frame_sends_every_layer_and_a_step_only_what_changed(scope):
    state = ViewState.from_params({"from": "2024-10-01", "to": "2024-11-01"})
    key = playback_patch(scope, state, None, D(2024, 10, 10))
    step = playback_patch(scope, state, None, D(2024, 10, 10), previous=D(2024, 10, 9))
    same = playback_patch(scope, state, None, D(2024, 10, 10), previous=D(2024, 10, 10))
    assert len(_layer_indices(key)) >= 6  # territory fills and lines, gained, lost
    assert 0 < len(_layer_indices(step)) < len(_layer_indices(key))  # the front moved a little
    assert _layer_indices(same) == set()
    # Events are always replaced whole (a step is idempotent for them): one op per slot.
    figure = map_figure(scope, state)
    slots = [op for op in _ops(step) if op["location"][0] == "data"]
    first = len(figure["data"]) - len(TRACE_ORDER)
    assert [op["location"] for op in slots] == [
        ["data", first + i] for i in range(len(TRACE_ORDER))
    ]


def test_crowded_step_draws_bins_that_add_up(scope):
    state = ViewState.from_params({"from": "2022-02-24", "to": "2025-01-01"})
    until = D(2024, 12, 31)
    n = len(scope.data.events(state.replace(date_to=until).query()))
    assert n > PLAYBACK_MAX_POINTS
    patch = playback_patch(scope, state, None, until)
    traces = [op["params"]["value"] for op in _ops(patch) if op["location"][0] == "data"]
    kinds = {t["meta"]["kind"] for t in traces if len(t["lon"])}
    assert "bins" in kinds and not kinds & {"Battles", "Explosions/Remote violence"}
    bins = next(t for t in traces if t["meta"]["kind"] == "bins")
    assert int(sum(row[0] for row in bins["customdata"])) == n  # every event in some bin


def test_event_filters_do_not_change_the_base_key(scope):
    a = ViewState.from_params({"from": "2024-10-01", "to": "2024-11-01"})
    b = a.replace(types=("Battles",), q="kharkiv", precision=1)
    assert base_key(scope, a, None) == base_key(scope, b, None)
    assert base_key(scope, a, None) != base_key(scope, a.replace(date_to=D(2024, 10, 20)), None)
    # Display simplification per zoom; the camera is not part of the cached base.
    assert base_key(scope, a, {"z": 5}) != base_key(scope, a, {"z": 9})
    assert base_key(scope, a, {"z": 8, "lat": 48, "lon": 37.6}) == base_key(
        scope, a, {"z": 8, "lat": 47, "lon": 36}
    )


def test_a_permalink_opens_where_it_says_whatever_was_cached_before(scope):
    # The first reader's map position must never reach the next reader of another link.
    state = ViewState.from_params({"from": "2024-10-01", "to": "2024-11-01"})
    first = map_figure(scope, state, {"lat": 48.0, "lon": 37.6, "z": 8})
    second = map_figure(scope, state, {"lat": 47.0, "lon": 36.0, "z": 8})
    third = map_figure(scope, state, {"lat": 47.0, "lon": 36.0, "z": 5.66})
    assert first["layout"]["map"]["center"] == {"lat": 48.0, "lon": 37.6}
    assert second["layout"]["map"]["center"] == {"lat": 47.0, "lon": 36.0}
    assert third["layout"]["map"]["zoom"] == 5.66
    assert map_figure(scope, state)["layout"]["map"]["zoom"] == 5.0  # the default view
