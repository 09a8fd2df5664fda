"""compute_view on the real bundled data: the numbers equal geo's own answers."""

import datetime as dt

import pytest

from dashboard.state import ViewState
from dashboard.view import compute_view, view_events
from geo import aggregate
from geo.query import Query


@pytest.fixture(scope="module")
def october():
    return ViewState(date_from=dt.date(2024, 10, 1), date_to=dt.date(2024, 11, 1))


def test_events_equal_the_geo_query(scope, october):
    view = compute_view(scope, october)
    expected = scope.data.events(Query(date_from=october.date_from, date_to=october.date_to))
    assert list(view_events(scope, view)["event_id"]) == list(expected["event_id"])
    assert view["totals"] == aggregate.totals(expected)
    assert view["counts"]["count"].sum() == len(expected)


def test_region_filter_and_territory_change(scope, october):
    state = october.replace(regions=("UA-14",))
    view = compute_view(scope, state)
    expected = scope.data.territory.changes("2024-10-01", "2024-11-01", ["UA-14"])
    assert view["change"].as_record() == expected.as_record()
    assert view["change_error"] is None
    assert (view_events(scope, view)["admin1"] == "UA-14").all()
    assert sum(r["net_km2"] for r in view["series"]) == pytest.approx(expected.net_km2, abs=0.5)


def test_whole_of_ukraine_october_2024(scope, october):
    change = compute_view(scope, october)["change"]
    assert round(change.net_km2, 1) == 502.8


def test_no_snapshot_is_said_not_raised(scope):
    view = compute_view(
        scope, ViewState(date_from=dt.date(2021, 1, 1), date_to=dt.date(2021, 2, 1))
    )
    assert view["change"] is None and "2022" in view["change_error"]


def test_precision_counts(scope, october):
    exact = october.replace(precision=1)
    view = compute_view(scope, exact)
    all_events = scope.data.events(october.query())
    shown = scope.data.events(exact.query())
    assert view["hidden"] == len(all_events) - len(shown) > 0
    assert view["region_level"] == int((all_events["geo_precision"] > 1).sum())


def test_alerts_only_when_switched_on(scope, october):
    assert compute_view(scope, october)["alerts"] is None
    view = compute_view(scope, october.replace(alerts=True))
    assert {"admin1", "hours"} <= set(view["alerts"]["hours"].columns)
    assert len(view["alerts"]["series"]) > 0


def test_event_by_id(data):
    events = data.events()
    assert data.event(None) is None
    assert data.event("nope:1") is None
    first = events["event_id"].iloc[0]
    assert data.event(first)["event_id"] == first


def test_unknown_region_is_said_not_raised(scope, october):
    view = compute_view(scope, october.replace(regions=("XX-99",)))
    assert len(view["positions"]) == 0
    assert view["change"] is None and "XX-99" in view["change_error"]


def test_upload_size_is_checked_on_the_server(store):
    import base64

    import pytest

    from dashboard.cache import MemoryCache
    from dashboard.callbacks.upload import ingest_upload
    from dashboard.runtime import Runtime
    from dashboard.settings import Settings
    from geo.errors import FrontlineError

    payload = b"date,lat,lon\n2024-10-05,48.0,37.8\n" * 2000
    contents = "data:text/csv;base64," + base64.b64encode(payload).decode()
    rt = Runtime(Settings(), store, MemoryCache())
    with pytest.raises(FrontlineError, match="larger than"):
        ingest_upload(rt, contents, "big.csv", max_bytes=len(payload) // 2)


def test_table_pages_are_server_side_slices_of_the_sorted_view(scope):
    from dashboard.callbacks.table import page_positions, table_rows
    from dashboard.state import ViewState

    data = scope.data
    state = ViewState.from_params({"from": "2024-01-01", "to": "2025-01-01"})
    first, n = page_positions(scope, state, [], 0, 15)
    assert n == len(data.events(state.query())) > 15 and len(first) == 15
    pages = [page_positions(scope, state, [], p, 15)[0] for p in range(-(-n // 15))]
    assert sum(len(p) for p in pages) == n  # every event on exactly one page
    desc = [{"column_id": "fatalities", "direction": "desc"}]
    top, _ = page_positions(scope, state, desc, 0, 15)
    rows = table_rows(data.events().take(top), "de")
    values = [r["fatalities"] if r["fatalities"] is not None else -1 for r in rows]
    assert values == sorted(values, reverse=True)
    assert max(values) == data.events(state.query())["fatalities"].max()
    assert (
        rows[0]["event_type"] in ("Kämpfe", "Gefechte", "Kampfhandlungen") or rows[0]["event_type"]
    )
