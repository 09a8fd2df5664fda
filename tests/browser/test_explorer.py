"""The explorer in a real browser against a real server and the bundled data."""

from __future__ import annotations

import json
import time
from urllib.parse import urlparse

import pytest
from browser_kit import EVENT_POINTS_JS, open_explorer, text
from browser_wait import wait_for
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.formatting import fmt_km2
from geo.query import Query

TIMEOUT = 30


def _text(driver, css: str) -> str:
    return text(driver, css)


def _wait(driver, predicate, message, timeout=TIMEOUT):
    return wait_for(driver, predicate, message, timeout)


def _open(driver, server, search: str = ""):
    open_explorer(driver, server, search, TIMEOUT)


def _net_text(data, date_from, date_to, regions, lang="en") -> str:
    change = data.territory.changes(date_from, date_to, regions, "russian_held")
    return fmt_km2(change.net_km2, lang, sign=True)


def test_page_loads_without_errors_or_foreign_requests(page, server):
    _open(page, server)
    assert (
        _text(page, "#error-alert") in ("", None)
        or not page.find_element(By.ID, "error-alert").is_displayed()
    )
    hosts = set()
    for entry in page.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.startswith(("http://", "https://", "ws://", "wss://")):
                hosts.add(urlparse(url).hostname)
    assert hosts <= {"127.0.0.1", "localhost"}, f"requests to other hosts: {hosts}"
    assert "DeepStateMap" in _text(page, "footer")


def test_permalink_restores_view_and_figures_equal_geo(page, server, data):
    _open(page, server, "?from=2024-10-01&to=2024-11-01&regions=UA-14&by=month&lang=en")
    expected = _net_text(data, "2024-10-01", "2024-11-01", ["UA-14"])
    _wait(page, lambda d: _text(d, "#fig-net-value") == expected, f"net != {expected}")
    assert page.find_element(By.ID, "date-from").get_attribute("value") == "2024-10-01"
    assert page.find_element(By.ID, "date-to").get_attribute("value") == "2024-11-01"
    assert "UA-14" in _text(page, "#regions")
    assert page.find_element(By.CSS_SELECTOR, "#by input[value='month']").is_selected()
    assert "2024-10-01" in _text(page, "#fig-net-source") or "1 October 2024" in _text(
        page, "#fig-net-source"
    )


def test_map_points_equal_the_geo_query(page, server, data):
    _open(page, server, "?from=2024-09-01&to=2024-11-01")
    expected = len(data.events(Query.from_params({"from": "2024-09-01", "to": "2024-11-01"})))
    _wait(page, lambda d: d.execute_script(EVENT_POINTS_JS) == expected, "point count")


def test_changing_dates_changes_map_timeline_and_figures(page, server, data):
    _open(page, server, "?from=2024-10-01&to=2024-11-01&lang=en")
    before = _net_text(data, "2024-10-01", "2024-11-01", [])
    _wait(page, lambda d: _text(d, "#fig-net-value") == before, "initial figure")
    timeline_before = page.execute_script(
        "return JSON.stringify(document.querySelector('#timeline .js-plotly-plot').data"
        ".map(t => t.x))"
    )
    box = page.find_element(By.ID, "date-from")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("2024-08-01", Keys.ENTER)
    after = _net_text(data, "2024-08-01", "2024-11-01", [])
    _wait(page, lambda d: _text(d, "#fig-net-value") == after, f"net never became {after}")
    _wait(page, lambda d: "from=2024-08-01" in d.current_url, "URL not updated")
    _wait(
        page,
        lambda d: (
            d.execute_script(
                "return JSON.stringify(document.querySelector('#timeline .js-plotly-plot').data"
                ".map(t => t.x))"
            )
            != timeline_before
        ),
        "timeline did not change",
    )
    expected = len(data.events(Query.from_params({"from": "2024-08-01", "to": "2024-11-01"})))
    _wait(page, lambda d: d.execute_script(EVENT_POINTS_JS) == expected, "points after change")
    page.back()
    _wait(page, lambda d: _text(d, "#fig-net-value") == before, "back did not restore")
    assert page.find_element(By.ID, "date-from").get_attribute("value") == "2024-10-01"


def test_german_labels_and_numbers(page, server, data):
    _open(page, server, "?from=2024-10-01&to=2024-11-01&lang=de")
    expected = _net_text(data, "2024-10-01", "2024-11-01", [], "de")
    _wait(page, lambda d: _text(d, "#fig-net-value") == expected, "German figure")
    assert "," in expected and expected.endswith("km²")
    assert "Zahlen" in _text(page, ".figures h2")
    assert "Oktober 2024" in _text(page, "#fig-context")
    assert page.find_element(By.ID, "root").get_attribute("lang") == "de"


def test_uploaded_markup_is_text_and_click_opens_details(page, server, tmp_path):
    payload = "<img src=x onerror=alert(1)>"
    csv = tmp_path / "xss-events.csv"
    csv.write_text(
        "id,date,latitude,longitude,event_type,location,notes\n"
        f"x1,2024-10-15,48.28,37.18,Battles,Pokrovsk,{payload}\n"
        "x2,not-a-date,48.0,37.0,Battles,Nowhere,bad row\n"
    )
    _open(page, server, "?from=2024-10-01&to=2024-11-01&lang=en")
    page.find_element(By.CSS_SELECTOR, "#upload input[type=file]").send_keys(str(csv))
    _wait(page, lambda d: "1 of 2 rows" in (_text(d, "#upload-status") or ""), "upload status")
    assert page.find_element(By.ID, "rejects-download-button").is_displayed()
    _open(page, server, "?from=2024-10-01&to=2024-11-01&datasets=xss-events&lang=en")
    _wait(page, lambda d: d.execute_script(EVENT_POINTS_JS) == 1, "uploaded point on map")
    # The click lands while the map is still settling (a relayout in the same tick): the
    # reader's click must still open the event, not be swallowed by the camera update.
    page.execute_script(
        """
        const gd = document.querySelector('#map .js-plotly-plot');
        const i = gd.data.findIndex(t => t.meta && t.meta.role === 'events');
        const tr = gd.data[i];
        gd.emit('plotly_relayout', {'map.center': {lat: 48.2, lon: 37.1}, 'map.zoom': 7.5});
        gd.emit('plotly_click', {points: [{curveNumber: i, pointNumber: 0, pointIndex: 0,
          lat: tr.lat[0], lon: tr.lon[0], customdata: tr.customdata[0]}]});
        """
    )
    _wait(page, lambda d: _text(d, "#detail-notes") == payload, "details with literal notes")
    assert "Pokrovsk" in _text(page, "#detail-place")
    assert "15 October 2024" in _text(page, "#detail-date")
    assert "event=xss-events" in page.current_url
    assert page.find_elements(By.CSS_SELECTOR, "#details img") == []
    assert page.execute_script("return document.querySelectorAll('img[src=\"x\"]').length") == 0
    time.sleep(0.5)
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018


_LABELS_JS = """
const gd = document.querySelector('#map .js-plotly-plot');
if (!gd || !gd.layout || !gd.layout.map) return null;
const out = {};
for (const l of gd.layout.map.layers || []) {
  if ((l.name || '').startsWith('places.'))
    out[l.name] = (l.source.features || []).map(f => f.properties.name);
}
return out;
"""


def test_town_names_arrive_as_the_reader_zooms_in(page, server):
    # A link at zoom 9 on Pokrovsk names the towns around it.
    _open(page, server, "?from=2024-10-01&to=2024-11-01&lat=48.28&lon=37.18&z=9&lang=en")
    names = lambda d: {n for v in (d.execute_script(_LABELS_JS) or {}).values() for n in v}  # noqa: E731
    _wait(page, lambda d: {"Pokrovsk", "Myrnohrad"} <= names(d), "no town names at zoom 9")
    # At zoom 5 the towns shown from zoom 6 are not sent yet; zooming in brings them.
    _open(page, server, "?from=2024-10-01&to=2024-11-01&lat=48.3&lon=36.5&z=5&lang=en")
    tier = lambda d: (d.execute_script(_LABELS_JS) or {}).get("places.2")  # noqa: E731
    _wait(page, lambda d: tier(d) == [], "zoom-6 towns sent at zoom 5")
    page.execute_script(
        "const gd = document.querySelector('#map .js-plotly-plot');"
        "Plotly.relayout(gd, {'map.center': {lat: 48.3, lon: 36.5}, 'map.zoom': 6});"
    )
    _wait(page, lambda d: len(tier(d) or []) > 0, "zoom-6 towns never arrived")


def test_a_date_typed_as_the_map_moves_is_kept(page, server, data):
    # The reader commits a date and the map reports a move a moment later (a pan, or the
    # map settling): the date must win, not the view from before it.
    _open(page, server, "?from=2024-10-01&to=2024-11-01&lang=en")
    box = page.find_element(By.ID, "date-from")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("2024-08-01", Keys.ENTER)
    page.execute_script(
        "const gd = document.querySelector('#map .js-plotly-plot');"
        "gd.emit('plotly_relayout', {'map.center': {lat: 48.4, lon: 36.9}, 'map.zoom': 6.5});"
    )
    after = _net_text(data, "2024-08-01", "2024-11-01", [])
    _wait(page, lambda d: _text(d, "#fig-net-value") == after, f"net never became {after}")
    _wait(page, lambda d: "from=2024-08-01" in d.current_url, "the date was lost")
    assert "z=6.5" in page.current_url  # and the move is kept too
