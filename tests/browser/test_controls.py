"""Every control does what it says, driven as a person drives it: the share panel shares
the view on screen, the language select sticks, a region brings the map to it, a bad link
says what it ignored, a pan adds no history entry, a table row shows its event on the
map, and the dark theme is readable."""

from __future__ import annotations

import csv
import io
import time
import urllib.request

import pyogrio
import pytest
from browser_kit import (
    EVENT_POINTS_JS,
    alert_shown,
    choose,
    click_when_still,
    new_browser,
    open_explorer,
    severe_console_errors,
    text,
)
from browser_wait import settle, wait_for
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from geo.query import Query

CAMERA_JS = """
const gd = document.querySelector('#map .js-plotly-plot');
const m = gd && gd._fullLayout.map && gd._fullLayout.map._subplot.map;
if (!m) return null;
const c = m.getCenter();
return {lat: c.lat, lon: c.lng, z: m.getZoom()};
"""


@pytest.fixture
def fresh(tmp_path):
    """Another reader: a new browser profile."""
    driver = new_browser(tmp_path / "fresh")
    yield driver
    driver.quit()


def test_the_share_panel_shares_the_view_on_screen(page, server, data, fresh):
    open_explorer(page, server, "?lang=en")
    settle(page)
    choose(page, "regions", "UA-14")
    box = page.find_element(By.ID, "text-search")
    box.send_keys("Pokrovsk", Keys.ENTER)
    expected = data.events(Query.from_params({"from": "2024-10-01", "to": "2024-11-01",
                                              "regions": "UA-14", "q": "Pokrovsk"}))  # fmt: skip
    wait_for(page, lambda d: text(d, "#fig-events-value") == str(len(expected)), "12 events")
    settle(page)
    link = page.find_element(By.ID, "share-link").get_attribute("value")
    assert "regions=UA-14" in link and "q=Pokrovsk" in link
    iframe = page.find_element(By.ID, "share-iframe").get_attribute("value")
    assert "/embed?" in iframe and "regions=UA-14" in iframe and "q=Pokrovsk" in iframe
    downloads = {
        a.text: a.get_attribute("href")
        for a in page.find_elements(By.CSS_SELECTOR, "#share-downloads a")
    }
    events_csv = next(h for h in downloads.values() if "events.csv" in h)
    rows = list(csv.DictReader(io.StringIO(urllib.request.urlopen(events_csv).read().decode())))
    assert [r["event_id"] for r in rows] == list(expected["event_id"])
    weekly = next(h for h in downloads.values() if "changes.csv" in h)
    with urllib.request.urlopen(weekly) as resp:
        assert resp.status == 200 and b"period_start" in resp.read()
    # The settlements of the view, as CSV and GeoJSON (read back by GDAL): the same places.
    places = next(h for h in downloads.values() if "settlements.csv" in h)
    rows = list(csv.DictReader(io.StringIO(urllib.request.urlopen(places).read().decode())))
    geojson = next(h for h in downloads.values() if "settlements.geojson" in h)
    read_back = pyogrio.read_dataframe(urllib.request.urlopen(geojson).read())
    assert sorted(r["geonameid"] for r in rows) == sorted(read_back["geonameid"].astype(str))
    assert rows and all(r["admin1"] == "UA-14" for r in rows)
    # The copied link, opened by another reader, opens the same view.
    base, search = link.split("/?", 1)
    open_explorer(fresh, base, "?" + search)
    wait_for(fresh, lambda d: text(d, "#fig-events-value") == str(len(expected)), "same view")
    assert fresh.find_element(By.ID, "text-search").get_attribute("value") == "Pokrovsk"
    assert "UA-14" in text(fresh, "#regions")


def test_choosing_deutsch_sticks(page, server):
    open_explorer(page, server, "?from=2024-10-01&to=2024-11-01&lang=en")
    settle(page)
    choose(page, "lang", "de")
    wait_for(page, lambda d: "lang=de" in d.current_url, "lang=de never reached the URL")
    wait_for(page, lambda d: text(d, "#filters-panel h2") == "Filter", "the page is not German")
    settle(page)
    time.sleep(1.5)  # it used to snap back after ~0.3 s
    assert "lang=de" in page.current_url and text(page, "#filters-panel h2") == "Filter"
    assert text(page, "#lang") == "Deutsch"


def test_choosing_a_region_brings_the_map_to_it(page, server):
    open_explorer(page, server, "?lang=en")
    settle(page)
    before = page.execute_script(CAMERA_JS)
    choose(page, "regions", "UA-14")
    wait_for(page, lambda d: "regions=UA-14" in d.current_url, "region not in the URL")

    def on_donetsk(d):
        cam = d.execute_script(CAMERA_JS)
        return cam and 46.8 < cam["lat"] < 49.3 and 36.5 < cam["lon"] < 39.0 and cam["z"] > 6

    wait_for(page, on_donetsk, f"the map stayed at {before}")


def test_a_bad_link_says_what_it_ignored(page, server):
    open_explorer(page, server, "?from=2024-11-01&to=2024-10-01&regions=UA-99&lang=en")
    shown = wait_for(page, alert_shown, "no alert for a bad link")
    assert "UA-99" in shown and "to (" in shown
    assert "\n" in shown.strip() or shown.count("Ignored") >= 2  # one line per problem
    settle(page)
    assert alert_shown(page), "the alert went away by itself"
    assert text(page, "#fig-events-value") is not None  # the default view still opened


def test_panning_the_map_adds_no_history_entry(page, server):
    open_explorer(page, server, "?from=2024-10-01&to=2024-11-01&lang=en")
    settle(page)
    entries = page.execute_script("return history.length")
    canvas = page.find_element(By.CSS_SELECTOR, "#map canvas")
    for dx in (120, -80, 60):
        ActionChains(page).move_to_element(canvas).click_and_hold().move_by_offset(dx, 40).release(
        ).perform()  # fmt: skip
        settle(page)
    wait_for(page, lambda d: "lat=" in d.current_url, "the pan never reached the URL")
    assert page.execute_script("return history.length") == entries


def test_a_filter_after_a_pan_keeps_both_in_the_url(page, server):
    # The pan rewrites the address bar in place; the next filter once pushed the URL the
    # page had before the pan, losing the pan and the filter.
    open_explorer(page, server, "?from=2024-10-01&to=2024-11-01&lang=en")
    settle(page)
    canvas = page.find_element(By.CSS_SELECTOR, "#map canvas")
    ActionChains(page).move_to_element(canvas).click_and_hold().move_by_offset(90, 30).release(
    ).perform()  # fmt: skip
    wait_for(page, lambda d: "lat=" in d.current_url, "the pan never reached the URL")
    lat = page.current_url.split("lat=")[1].split("&")[0]
    choose(page, "types", "Battles")
    wait_for(page, lambda d: "types=Battles" in d.current_url, "the type never reached the URL")
    settle(page)
    assert f"lat={lat}" in page.current_url and "types=Battles" in page.current_url


def test_a_table_row_opens_its_event_and_shows_it_on_the_map(page, server, data):
    open_explorer(page, server, "?from=2024-10-01&to=2024-11-01&lang=en")
    settle(page)
    cell = page.find_element(By.CSS_SELECTOR, "#events-table td[data-dash-column=location]")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    cell.click()
    wait_for(page, lambda d: "event=" in d.current_url, "no event opened")
    event_id = page.current_url.split("event=")[1].split("&")[0]
    event_id = urllib.request.unquote(event_id)
    row = data.event(event_id)
    assert row is not None
    wait_for(page, lambda d: text(d, "#detail-dataset") and event_id in text(d, "#detail-dataset"),
             "details not shown")  # fmt: skip
    page.execute_script("window.scrollTo(0, 0)")

    def there(d):
        cam = d.execute_script(CAMERA_JS)
        close = abs(cam["lat"] - row.geometry.y) < 0.05 and abs(cam["lon"] - row.geometry.x) < 0.05
        return close and cam["z"] >= 7.9

    wait_for(page, there, "the map did not move to the event")
    ring = page.execute_script(
        "return (document.querySelector('#map .js-plotly-plot').data || [])"
        ".filter(t => t.meta && t.meta.kind === 'selected').map(t => t.meta.event)"
    )
    assert ring == [event_id]
    # The details are beside the map, on the first screen.
    top = page.execute_script(
        "return document.getElementById('details').getBoundingClientRect().top"
    )
    assert top < 900


def _contrast(page, css: str) -> float:
    return page.execute_script(
        """
        function lum(c) {
          const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(x => x / 255)
            .map(x => x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
          return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
        }
        function bg(el) {
          while (el) {
            const c = getComputedStyle(el).backgroundColor;
            if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c;
            el = el.parentElement;
          }
          return 'rgb(255, 255, 255)';
        }
        const el = document.querySelector(arguments[0]);
        const a = lum(getComputedStyle(el).color), b = lum(bg(el));
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        """,
        css,
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_control_is_readable(page, server, theme):
    open_explorer(page, server, f"?lang=en&theme={theme}&regions=UA-14")
    settle(page)
    for css in ("#lang .dash-dropdown-value", "#theme .dash-dropdown-value",
                "#regions .dash-dropdown-value", "#play-speed .dash-dropdown-value",
                "#exact-only label", "#layers label", "#by label", ".filters .label"):  # fmt: skip
        ratio = _contrast(page, css)
        assert ratio >= 4.5, f"{css} contrast {ratio:.1f} in {theme}"


def test_on_a_phone_the_map_comes_first_and_the_filters_are_a_drawer(server, tmp_path):
    phone = new_browser(tmp_path / "phone", "390,844")
    try:
        open_explorer(phone, server, "?lang=en")
        settle(phone)
        top = phone.execute_script(
            "return document.getElementById('map').getBoundingClientRect().top"
        )
        assert top < 200
        filters = phone.find_element(By.ID, "filters-panel")
        assert not filters.is_displayed()
        phone.find_element(By.ID, "filters-toggle").click()
        wait_for(phone, lambda d: filters.is_displayed(), "the drawer did not open")
        click_when_still(phone, phone.find_element(By.ID, "filters-close"))
        wait_for(phone, lambda d: not filters.is_displayed(), "the drawer did not close")
        assert phone.execute_script("return document.documentElement.scrollWidth") <= 390
        assert phone.execute_script(EVENT_POINTS_JS) > 0
        # The table is a list of cards: every value of an event on screen under its
        # column's name, one under the other, none sideways.
        card = phone.find_element(By.CSS_SELECTOR, "#events-table tr:has(td)")
        phone.execute_script("arguments[0].scrollIntoView()", card)
        cells = phone.execute_script(
            "return [...arguments[0].querySelectorAll('td')].map(td => ({"
            "col: td.dataset.dashColumn, right: td.getBoundingClientRect().right,"
            "top: td.getBoundingClientRect().top,"
            "label: getComputedStyle(td, '::before').content}))", card)  # fmt: skip
        labels = {c["col"]: c["label"] for c in cells}
        assert labels["actor1"] == '"Actor 1:"' and labels["fatalities"] == '"Fatalities:"'
        assert max(c["right"] for c in cells) <= 390
        tops = [c["top"] for c in cells]
        assert tops == sorted(tops) and len(set(tops)) == len(tops), "cells side by side"
        assert severe_console_errors(phone) == []
    finally:
        phone.quit()


def test_escape_closes_the_open_list_before_the_filters_drawer(server, tmp_path):
    # A keyboard reader in a narrow window: Escape closes the region list they opened in
    # the drawer, and only a second Escape closes the drawer.
    narrow = new_browser(tmp_path / "narrow", "900,900")
    try:
        open_explorer(narrow, server, "?lang=en")
        settle(narrow)
        narrow.find_element(By.ID, "filters-toggle").click()
        drawer_open = "return !!document.querySelector('.app.filters-open')"
        list_open = "return !!document.querySelector('.dash-dropdown-content')"
        wait_for(narrow, lambda d: d.execute_script(drawer_open), "the drawer did not open")
        click_when_still(narrow, narrow.find_element(By.ID, "regions"))
        wait_for(narrow, lambda d: d.execute_script(list_open), "the region list did not open")
        narrow.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
        wait_for(narrow, lambda d: not d.execute_script(list_open), "the list stayed open")
        assert narrow.execute_script(drawer_open), "Escape closed the drawer with the list"
        narrow.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
        wait_for(narrow, lambda d: not d.execute_script(drawer_open), "the drawer stayed open")
        assert severe_console_errors(narrow) == []
    finally:
        narrow.quit()
