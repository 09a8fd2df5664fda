"""Air-raid alert hours: merging overlaps, clipping to windows, series, the real record."""

import datetime as dt

import pandas as pd
import pytest

from geo.alerts import alert_hours, alert_hours_series, coverage
from geo.errors import FrontlineError

D = dt.date


def _alerts(rows):
    return pd.DataFrame(
        {
            "dataset": [r[0] for r in rows],
            "admin1": [r[1] for r in rows],
            "level": [r[2] for r in rows],
            "raion": "",
            "hromada": "",
            "started_at": pd.to_datetime([r[3] for r in rows], utc=True),
            "finished_at": pd.to_datetime([r[4] for r in rows], utc=True),
            "naive": False,
            "repaired": False,
        }
    )


@pytest.fixture
def tiny():
    """Times in UTC; the tests use tz="UTC" so that hours can be read off directly."""
    return _alerts(
        [
            # Oblast alert 10:00-12:00, a raion alert inside it, a hromada alert that
            # runs on past it: union 10:00-13:00 = 3 h, not 2 + 1 + 2.
            ("official", "UA-30", "oblast", "2024-01-01 10:00", "2024-01-01 12:00"),
            ("official", "UA-30", "raion", "2024-01-01 10:30", "2024-01-01 11:30"),
            ("official", "UA-30", "hromada", "2024-01-01 11:00", "2024-01-01 13:00"),
            # Across midnight: 22:00 to 02:00 = 2 h on each day.
            ("official", "UA-30", "oblast", "2024-01-01 22:00", "2024-01-02 02:00"),
            # Another oblast, overlapping in time with UA-30: counted for itself.
            ("official", "UA-14", "oblast", "2024-01-01 10:00", "2024-01-01 11:00"),
            # Started before the window, ends inside it: only the part inside counts.
            ("official", "UA-14", "oblast", "2023-12-31 23:00", "2024-01-01 01:00"),
            # The other dataset is never mixed in.
            ("volunteer", "UA-30", "oblast", "2024-01-01 00:00", "2024-01-01 23:00"),
        ]
    )


def test_overlaps_are_merged_and_clipped(tiny):
    out = alert_hours(tiny, "2024-01-01", "2024-01-02", "official", tz="UTC")
    by = out.set_index("admin1")
    assert by.loc["UA-30", "hours"] == pytest.approx(3 + 2)
    assert by.loc["UA-30", "alerts"] == 4
    assert by.loc["UA-14", "hours"] == pytest.approx(1 + 1)
    assert by.loc["UA-14", "alerts"] == 1  # the one from 31 Dec did not start in the window
    assert list(out["admin1"]) == ["UA-30", "UA-14"]  # most hours first


def test_window_edges_and_regions(tiny):
    out = alert_hours(tiny, "2024-01-02", "2024-01-03", "official", regions="UA-30", tz="UTC")
    assert out.to_dict("records") == [{"admin1": "UA-30", "hours": 2.0, "alerts": 0}]
    # A region without alerts is listed with zeros, not left out.
    out = alert_hours(tiny, "2024-01-01", "2024-01-02", "official", regions="UA-05", tz="UTC")
    assert out.to_dict("records") == [{"admin1": "UA-05", "hours": 0.0, "alerts": 0}]


def test_local_days(tiny):
    # In Kyiv (UTC+2 in winter) 1 January ends at 22:00 UTC: the night alert is outside it.
    out = alert_hours(tiny, "2024-01-01", "2024-01-02", "official", regions="UA-30")
    assert out["hours"].iloc[0] == pytest.approx(3)


def test_series_splits_at_midnight_and_sums(tiny):
    out = alert_hours_series(tiny, "2024-01-01", "2024-01-04", "day", "official", tz="UTC")
    assert out["period_start"].tolist() == [D(2024, 1, 1), D(2024, 1, 2), D(2024, 1, 3)]
    assert out["hours"].tolist() == pytest.approx([5 + 2, 2, 0])
    whole = alert_hours(tiny, "2024-01-01", "2024-01-04", "official", tz="UTC")
    assert out["hours"].sum() == pytest.approx(whole["hours"].sum())
    weeks = alert_hours_series(tiny, "2023-12-25", "2024-01-15", "week", "official", tz="UTC")
    assert weeks["period_start"].tolist() == [D(2023, 12, 25), D(2024, 1, 1), D(2024, 1, 8)]
    assert weeks["hours"].tolist() == pytest.approx([1, 7 + 2, 0])  # UA-30 + UA-14


def test_bad_parameters_are_named(tiny):
    for kwargs, param in [
        ({"dataset": "nope"}, "dataset"),
        ({"regions": "kyiv"}, "regions"),
        ({"date_to": "2023-01-01"}, "to"),
        ({"date_from": "yesterday"}, "from"),
    ]:
        args = {"date_from": "2024-01-01", "date_to": "2024-01-02", **kwargs}
        with pytest.raises(FrontlineError) as err:
            alert_hours(tiny, **args)
        assert err.value.param == param


def test_coverage(tiny):
    assert coverage(tiny, "official") == (D(2023, 12, 31), D(2024, 1, 1))


# --- the real record --------------------------------------------------------------------


def test_kyiv_city_january_2024(data):
    out = alert_hours(data.airraid, "2024-01-01", "2024-02-01", regions="UA-30")
    hours = out["hours"].iloc[0]
    assert 0 < hours < 24 * 31
    assert out["alerts"].iloc[0] > 0
    series = alert_hours_series(data.airraid, "2024-01-01", "2024-02-01", regions="UA-30")
    assert len(series) == 31 and series["hours"].sum() == pytest.approx(hours)
    assert (series["hours"] <= 24 + 1e-9).all()


def test_official_union_never_exceeds_the_window(data):
    out = alert_hours(data.airraid, "2023-01-01", "2024-01-01", "official")
    assert (out["hours"] <= 365 * 24).all() and out["hours"].max() > 0
    assert coverage(data.airraid, "volunteer") == (D(2022, 2, 25), D(2024, 10, 10))
