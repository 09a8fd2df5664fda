"""Playback frames (one request for a whole period): every day once, a key frame first,
only what changed after it, the events dated before each day; and the map callback's keys
(event filters patch only the event slots)."""

import datetime as dt

import orjson
import pytest

from dashboard.callbacks.map import base_key, map_figure
from dashboard.callbacks.playback import (
    MAX_STEPS,
    PLAYBACK_MAX_POINTS,
    cached_frames,
    frame_dates,
    layer_groups,
    playback_frames,
)
from dashboard.figures.events import TRACE_ORDER
from dashboard.figures.geometry import DEFAULT_ZOOM, display_geojson
from dashboard.state import ViewState
from geo.errors import FrontlineError
from geo.query import Query

D = dt.date
OCTOBER = {"from": "2024-10-01", "to": "2024-11-01"}


def _days(start: dt.date, end: dt.date) -> list[str]:
    return [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def _cumulative(frames: list[dict]) -> list[dict]:
    """What the map shows at each frame: the key frame with every change after it."""
    shown, out = {"layers": {}, "events": {}}, []
    for frame in frames:
        shown = {
            "layers": {**shown["layers"], **frame["layers"]},
            "events": {**shown["events"], **frame["events"]},
        }
        out.append(shown)
    return out


def _json(value) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)


def _marker_ids(events: dict) -> set[str]:
    ids: set[str] = set()
    for kind, trace in events.items():
        if kind == "bins":
            assert len(trace["lon"]) == 0, "a frame of a few dozen events drew bins"
        elif kind == "region_level":
            ids.update(i for row in trace.get("customdata", []) for i in str(row[0]).split(","))
        else:
            ids.update(str(row[0]) for row in trace.get("customdata", []))
    return ids


@pytest.fixture(scope="module")
def october(store):
    from dashboard.cache import MemoryCache
    from dashboard.scope import Scope

    scope = Scope(store.current(), MemoryCache(check=True))
    state = ViewState.from_params(OCTOBER)
    return scope, state, playback_frames(scope, state, None, "day")


def test_october_by_day_shows_every_day_once_from_the_first_to_the_period_end(october):
    frames = october[2]
    assert frames["step"] == "day"
    dates = [f["date"] for f in frames["frames"]]
    # The map early on 1 October (nothing happened yet) ... early on 1 November: the
    # whole month, which is the map the server draws for the period.
    assert dates == _days(D(2024, 10, 1), D(2024, 11, 1))
    assert frames["frames"][0]["label"] == "Showing up to 1 October 2024"
    assert frames["frames"][-1]["label"] == "Showing up to 1 November 2024"


def test_the_key_frame_has_everything_and_later_frames_only_what_changed(october):
    _scope, state, frames = october
    groups = layer_groups(state)
    assert {"russian_held", "gained", "lost", "change"} <= set(groups)
    assert groups["russian_held"] == ["russian_held.fill", "russian_held.line"]
    first, rest = frames["frames"][0], frames["frames"][1:]
    assert set(first["layers"]) == set(groups)
    assert set(first["events"]) == set(TRACE_ORDER) == set(frames["slots"])
    shown = _cumulative(frames["frames"])
    for before, frame in zip(shown, rest, strict=False):
        for group, geojson in frame["layers"].items():
            assert geojson != before["layers"][group], f"{frame['date']}: {group} resent"
        for kind, trace in frame["events"].items():
            assert _json(trace) != _json(before["events"][kind]), f"{frame['date']}: {kind}"
    # A month of a moving front: most days move it, and no day resends all of it.
    moved = [f for f in rest if "russian_held" in f["layers"]]
    assert len(moved) > 10
    assert all(len(f["layers"]) < len(groups) for f in rest)


def test_each_frame_draws_the_front_of_its_day_and_the_ground_gained_since_the_start(october, data):
    frames = october[2]
    shown = _cumulative(frames["frames"])
    zoom = DEFAULT_ZOOM - 1  # one zoom level out of the map's: a frame of an animation
    territory = data.territory
    for i in (0, 9, 31):
        day = D(2024, 10, 1) + dt.timedelta(days=i)
        assert frames["frames"][i]["date"] == day.isoformat()
        held = territory.snapshot(day, "russian_held").geometry
        assert shown[i]["layers"]["russian_held"] == display_geojson(held, zoom)
        if i == 0:
            assert shown[i]["layers"]["gained"]["features"] == []
            continue
        change = territory.changes(D(2024, 10, 1), day, None, "russian_held")
        assert shown[i]["layers"]["gained"] == display_geojson(change.gained, zoom)
        assert shown[i]["layers"]["lost"] == display_geojson(change.lost, zoom)


def test_the_km2_label_counts_the_ground_gained_so_far(october):
    scope, state, frames = october
    shown = _cumulative(frames["frames"])
    texts = [
        [f["properties"]["name"] for f in now["layers"]["change"]["features"]] for now in shown
    ]
    assert texts[0] == []  # nothing gained on the first day
    assert texts[5] and texts[5] != texts[-1]
    # The last frame writes what the server's map of the period writes.
    layers = map_figure(scope, state)["layout"]["map"]["layers"]
    period = next(layer for layer in layers if layer["name"] == "change.label")["source"]
    assert texts[-1] == [f["properties"]["name"] for f in period["features"]]
    assert texts[-1][0].startswith("+") and texts[-1][0].endswith("km²")


def test_each_frame_draws_the_events_dated_before_its_day(october, data):
    _scope, _state, frames = october
    shown = _cumulative(frames["frames"])
    counts = []
    for frame, now in zip(frames["frames"], shown, strict=True):
        day = D.fromisoformat(frame["date"])
        expected = set()
        if day > D(2024, 10, 1):
            query = Query.from_params({"from": "2024-10-01", "to": day.isoformat()})
            expected = set(data.events(query)["event_id"].astype(str))
        assert _marker_ids(now["events"]) == expected, frame["date"]
        counts.append(len(expected))
    assert counts[0] == 0 and counts[-1] > 30 and counts == sorted(counts)


def test_a_crowded_period_steps_by_month_and_draws_bins_that_add_up(scope, data):
    state = ViewState.from_params({"from": "2022-02-24", "to": "2025-01-01"})
    frames = playback_frames(scope, state, None, "day")
    # 1,042 days and 149 weeks are more steps than a playback takes: by month, and said so.
    assert frames["step"] == "month"
    dates = [f["date"] for f in frames["frames"]]
    assert dates[:3] == ["2022-02-24", "2022-03-01", "2022-04-01"] and dates[-1] == "2025-01-01"
    assert frames["frames"][5]["label"].endswith(f"by month: more than {MAX_STEPS} weeks")
    last = _cumulative(frames["frames"])[-1]["events"]
    n = len(data.events(state.query()))
    assert n > PLAYBACK_MAX_POINTS
    assert not any(len(last[k]["lon"]) for k in TRACE_ORDER if k != "bins")
    assert int(sum(row[0] for row in last["bins"]["customdata"])) == n  # every event, once


def test_frame_dates_step_coarser_beyond_the_limit_and_never_skip_the_end():
    assert frame_dates(D(2024, 10, 1), D(2024, 10, 4), "day") == (
        "day",
        1,
        [D(2024, 10, 1), D(2024, 10, 2), D(2024, 10, 3), D(2024, 10, 4)],
    )
    # ISO weeks: cut at Mondays and at both ends of the period.
    by, every, dates = frame_dates(D(2024, 10, 1), D(2024, 11, 1), "week")
    assert (by, every) == ("week", 1)
    assert dates == [D(2024, 10, d) for d in (1, 7, 14, 21, 28)] + [D(2024, 11, 1)]
    # 121 days by day is too many: weeks.
    by, _every, dates = frame_dates(D(2024, 1, 1), D(2024, 5, 1), "day")
    assert by == "week" and dates[0] == D(2024, 1, 1) and dates[-1] == D(2024, 5, 1)
    assert frame_dates(D(2024, 1, 1), D(2024, 4, 30), "day")[0] == "day"  # 120 days
    # Fifteen years of months: every second month, the last date kept.
    by, every, dates = frame_dates(D(2010, 1, 1), D(2025, 1, 1), "day")
    assert (by, every) == ("month", 2) and len(dates) - 1 <= MAX_STEPS
    assert dates[-1] == D(2025, 1, 1) and dates[1] == D(2010, 3, 1)
    with pytest.raises(FrontlineError, match="step"):
        frame_dates(D(2024, 1, 1), D(2024, 2, 1), "hour")


def test_frames_follow_the_shown_layers_and_the_language(scope):
    state = ViewState.from_params({**OCTOBER, "layers": "events,changes", "lang": "de"})
    frames = playback_frames(scope, state, None, "week")
    assert set(frames["layers"]) == {"gained", "lost", "change"}
    assert all(set(f["layers"]) <= {"gained", "lost", "change"} for f in frames["frames"])
    assert frames["frames"][1]["label"] == "Stand bis 7. Oktober 2024"
    no_events = playback_frames(scope, state.replace(layers=("territory",)), None, "week")
    assert "gained" not in no_events["layers"]
    for frame in _cumulative(no_events["frames"]):
        assert all(len(trace["lon"]) == 0 for trace in frame["events"].values())


def test_cached_frames_are_the_frames(scope):
    state = ViewState.from_params(OCTOBER)
    viewport = {"lat": 48.0, "lon": 37.6, "z": 8}
    first = cached_frames(scope, state, viewport, "day")
    again = cached_frames(scope, state, viewport, "day")
    assert first == again and first is not again  # each caller gets its own copy
    fresh = playback_frames(scope, state, viewport, "day")
    assert first["frames"][-1]["date"] == fresh["frames"][-1]["date"] == "2024-11-01"
    assert [f["label"] for f in first["frames"]] == [f["label"] for f in fresh["frames"]]
    assert len(first["frames"]) == len(fresh["frames"])


def test_event_filters_do_not_change_the_base_key(scope):
    a = ViewState.from_params(OCTOBER)
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
    state = ViewState.from_params(OCTOBER)
    first = map_figure(scope, state, {"lat": 48.0, "lon": 37.6, "z": 8})
    second = map_figure(scope, state, {"lat": 47.0, "lon": 36.0, "z": 8})
    third = map_figure(scope, state, {"lat": 47.0, "lon": 36.0, "z": 5.66})
    assert first["layout"]["map"]["center"] == {"lat": 48.0, "lon": 37.6}
    assert second["layout"]["map"]["center"] == {"lat": 47.0, "lon": 36.0}
    assert third["layout"]["map"]["zoom"] == 5.66
    assert map_figure(scope, state)["layout"]["map"]["zoom"] == 5.0  # the default view
