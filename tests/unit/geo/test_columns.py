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
def test_positions_equal_the_mask(store, query):
    events = store.events()
    cols = EventColumns(events)
    assert np.array_equal(cols.positions(query), np.flatnonzero(query.mask(events)))


def test_store_events_equal_the_mask(store):
    query = QUERIES[2]
    events = store.events()
    assert list(store.events(query)["event_id"]) == list(events[query.mask(events)]["event_id"])
