"""Playback in a real browser: the front line and the events step through the period in
place (the map is patched, not rebuilt), and pause stops it."""

from __future__ import annotations

import time

from browser_wait import wait_for
from selenium.webdriver.common.by import By

from geo.query import Query

EVENT_IDS_JS = """
const gd = document.querySelector('#map .js-plotly-plot');
if (!gd || !gd.data) return null;
const ids = [];
for (const tr of gd.data) {
  const meta = tr.meta || {};
  if (meta.role !== 'events' || meta.kind === 'bins') continue;
  for (const c of (tr.customdata || [])) {
    if (meta.kind === 'region_level') ids.push(...String(c[0]).split(','));
    else ids.push(String(c[0]));
  }
}
return ids;
"""
# A marker on the graph element: a full figure rebuild by Dash would not remove it, but a
# new page would; the layer count must stay while sources change.
GRAPH_STATE_JS = """
const gd = document.querySelector('#map .js-plotly-plot');
return {layers: gd.layout.map.layers.length, marker: gd.__frontlineMarker || null,
        gained: JSON.stringify(gd.layout.map.layers.map(l => l.source)).length};
"""


def _wait(driver, predicate, message, timeout=40):
    return wait_for(driver, predicate, message, timeout)


def test_play_steps_through_the_period_and_pauses(page, server, data):
    page.get(f"{server}/?from=2024-10-01&to=2024-10-15&lang=en")
    _wait(page, lambda d: d.execute_script(EVENT_IDS_JS) is not None, "map never rendered")
    expected = data.events(Query.from_params({"from": "2024-10-01", "to": "2024-10-15"}))
    full = set(expected["event_id"])
    _wait(page, lambda d: set(d.execute_script(EVENT_IDS_JS) or []) == full,
          "the map does not show the period's events")  # fmt: skip
    page.execute_script("document.querySelector('#map .js-plotly-plot').__frontlineMarker = 1")
    before = page.execute_script(GRAPH_STATE_JS)

    page.find_element(By.ID, "play").click()
    _wait(page, lambda d: "Showing up to" in d.find_element(By.ID, "play-label").text,
          "playback never stepped")  # fmt: skip
    label = page.find_element(By.ID, "play-label").text
    shown = set(page.execute_script(EVENT_IDS_JS))
    # Early in the run only events dated before the step's date are on the map.
    assert shown <= full
    step = page.execute_script(GRAPH_STATE_JS)
    assert step["marker"] == 1, "the graph was replaced instead of patched"
    assert step["layers"] == before["layers"]

    _wait(page, lambda d: d.find_element(By.ID, "play-label").text != label, "no second step")
    page.find_element(By.ID, "play").click()  # pause
    _wait(page, lambda d: d.find_element(By.ID, "play").text == "Play", "pause did not stop")
    # A step already on its way when pause was pressed may still land; after that, nothing.
    time.sleep(2)
    paused = page.find_element(By.ID, "play-label").text
    time.sleep(3)
    assert page.find_element(By.ID, "play-label").text == paused
