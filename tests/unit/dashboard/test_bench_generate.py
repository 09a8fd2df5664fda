"""The benchmark generator: labelled, deterministic, in the canonical schema."""

import pytest

from dashboard.bench.generate import DATASET, SOURCE, generate_events, parse_size
from geo.schema import EVENT_COLUMNS, EVENT_DTYPES


@pytest.fixture(scope="module")
def generated(data):
    return generate_events(data, 2000, seed=7)


def test_labelled_as_generated(generated):
    assert set(generated["dataset"].astype(str)) == {DATASET}
    assert set(generated["source"]) == {SOURCE}
    assert generated["event_id"].str.startswith("generated:").all()


def test_schema_and_order(generated):
    assert tuple(generated.columns) == EVENT_COLUMNS
    for col, dtype in EVENT_DTYPES.items():
        assert str(generated[col].dtype) == str(generated[col].astype(dtype).dtype), col
    assert generated["date"].is_monotonic_increasing
    assert generated.crs.to_epsg() == 4326
    assert generated["geo_precision"].isin([1, 2, 3]).all()


def test_deterministic(data, generated):
    again = generate_events(data, 2000, seed=7)
    assert generated.equals(again)


def test_parse_size():
    assert parse_size("100k") == 100_000 and parse_size("1M") == 1_000_000
    with pytest.raises(ValueError):
        parse_size("lots")
