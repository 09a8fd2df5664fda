"""A million GENERATED events (benchmark data, not real) in a real browser: the country view
draws bins whose counts add up to the filtered total, and zooming into one town switches to
points, never more than the render limit."""

from __future__ import annotations

import urllib.request

import pytest
from browser_wait import settle, wait_for

from dashboard.bench.generate import generate_events, write_dataset
from dashboard.callbacks.map import MAX_DRAWN, points_box
from geo.query import Query
from geo.stores import FileStore

N = 1_000_000
EVENTS_JS = """
const gd = document.querySelector('#map .js-plotly-plot');
if (!gd || !gd._fullData) return null;
let points = 0, binned = 0, bins = 0;
// _fullData: Plotly has decoded the base64 typed arrays that numpy data arrive as.
for (const tr of gd._fullData) {
  const meta = tr.meta || {};
  if (meta.role !== 'events') continue;
  const cd = Array.from(tr.customdata || []);
  // The map keeps one slot per kind; an empty slot draws nothing.
  // A bin's customdata is [count, west, south, east, north].
  if (meta.kind === 'bins') {
    if (cd.length) bins += 1;
    for (const c of cd) binned += Number(c[0]);
  }
  else if (meta.kind === 'region_level') { for (const c of cd) points += Number(c[1]); }
  else points += cd.length;
}
return {points, binned, bins};
"""


@pytest.fixture(scope="module")
def big(tmp_path_factory, start_server):
    """A server over 1M generated events (dataset ``generated``) and a store of the same."""
    user = tmp_path_factory.mktemp("generated")
    bundled = FileStore(user_dir=user).current()
    write_dataset(generate_events(bundled, N, seed=7), user)
    data = FileStore(user_dir=user).current()
    return start_server({"FRONTLINE_DATA_DIR": str(user)}), data


def _wait(driver, predicate, message, timeout=90):
    return wait_for(driver, predicate, message, timeout)


def test_bins_add_up_then_points_after_zooming_into_a_town(page, big):
    base, data = big
    params = {"from": "2024-01-01", "to": "2025-01-01", "datasets": "generated"}
    total = len(data.events(Query.from_params(params)))
    assert total > MAX_DRAWN  # the country view must need bins
    page.get(f"{base}/?from=2024-01-01&to=2025-01-01&datasets=generated&lang=en")
    _wait(page, lambda d: (d.execute_script(EVENTS_JS) or {}).get("bins"), "no bins drawn")
    # The first bins may be redrawn once the map reports its viewport: read them settled.
    settle(page, timeout=90)
    drawn = page.execute_script(EVENTS_JS)
    assert drawn["binned"] + drawn["points"] == total

    # Zoom the real map into Pokrovsk, as a reader's scroll wheel would.
    centre = {"lat": 48.283, "lon": 37.176}
    page.execute_script(
        "const gd = document.querySelector('#map .js-plotly-plot');"
        "Plotly.relayout(gd, {'map.center': arguments[0], 'map.zoom': 12});",
        centre,
    )
    _wait(page, lambda d: (d.execute_script(EVENTS_JS) or {}).get("bins") == 0, "still bins")
    settle(page, timeout=90)
    drawn = page.execute_script(EVENTS_JS)
    bbox = points_box({**centre, "z": 12})
    inside = len(data.events(Query.from_params({**params, "bbox": ",".join(map(str, bbox))})))
    assert 0 < drawn["points"] <= MAX_DRAWN
    assert drawn["points"] == inside


def test_large_csv_export_streams_every_row(big):
    import pandas as pd

    base, data = big
    params = {"from": "2024-01-01", "to": "2025-01-01", "datasets": "generated"}
    expected = data.events(Query.from_params(params))
    assert len(expected) > 100_000  # above the streaming threshold
    url = f"{base}/api/v1/events.csv?from=2024-01-01&to=2025-01-01&datasets=generated"
    with urllib.request.urlopen(url, timeout=300) as resp:
        assert resp.headers.get("Transfer-Encoding") == "chunked"
        df = pd.read_csv(resp, usecols=["event_id", "date"])
    assert len(df) == len(expected)
    assert df["event_id"].iloc[0] == expected["event_id"].iloc[0]
