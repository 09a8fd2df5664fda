"""The fast query path (binary search on dates, integer codes) equals the mask path."""

import datetime as dt

import numpy as np
import pytest

from geo.columns import EventColumns
from geo.query import Query

QUERIES = [
    Query(),
    Query(date_from=dt.date(2024, 10, 1), date_to=dt.date(2024, 11, 1)),
    Query(date_from=dt.date(2023, 1, 1), types=("Battles",), precision=2),
    Query(regions=("UA-14", "UA-63"), date_to=dt.date(2024, 1, 1)),
    Query(text="kharkiv", datasets=("ucdp",)),
    Query(bbox=(35.0, 47.0, 39.0, 50.0), types=("Battles", "Nope")),
]


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_positions_equal_the_mask(data, query):
    events = data.events()
    assert np.array_equal(data.columns.positions(query), np.flatnonzero(query.mask(events)))


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_combined_parts_select_like_one_table(data, query):
    # A session's uploads are a second part: selecting over both parts must equal
    # selecting over one table that holds the same rows.
    from geo.eventtable import to_compact

    events = data.events()
    first, second = events.iloc[::2], events.iloc[1::2]
    parts = [EventColumns(to_compact(f).reset_index(drop=True)) for f in (first, second)]
    combined = EventColumns.combine(parts)
    got = combined.rows(combined.positions(query), ["event_id"])["event_id"]
    expected = events[query.mask(events)]["event_id"]
    assert sorted(got) == sorted(expected)
    dates = combined.rows(combined.positions(query), ["date"])["date"]
    assert dates.is_monotonic_increasing
    assert combined.dataset_names() == data.dataset_names()


def test_store_events_equal_the_mask(data):
    query = QUERIES[2]
    events = data.events()
    assert list(data.events(query)["event_id"]) == list(events[query.mask(events)]["event_id"])
