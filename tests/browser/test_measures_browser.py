"""The measures and the sentence check as a reader uses them, in real Chromium: the
settlements layer on the map agrees with ``frontline settlements`` for the same view, the
figures say "Russian forces took … km² and N settlements", the charts under the map draw
with their sources, a place typed in gets its distance, a pasted sentence is read into
fields and checked, and an embed shows only the measures it names."""

from __future__ import annotations

import json

import pytest
from browser_kit import open_explorer, text
from browser_wait import settle, wait_for
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.cli import main

TIMEOUT = 40
SEED = (
    "Laut einer AFP-Analyse, die auf Daten des Institute for the Study of War (ISW) basiert, "
    "haben russische Truppen in der Region Donezk schnell Territorium gewonnen und sind "
    "allein im Oktober um 610 Quadratkilometer vorgerückt."
)
SETTLEMENT_TRACE_JS = """
const gd = document.querySelector('#map .js-plotly-plot');
if (!gd || !gd.data) return null;
const tr = gd.data.find(t => t.meta && t.meta.role === 'settlements');
return tr ? {n: tr.lon.length, text: tr.text || null} : {n: 0, text: null};
"""


def _cli_settlements(capsys, *argv) -> dict:
    capsys.readouterr()
    assert main(["settlements", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_settlements_on_the_map_agree_with_the_cli_and_the_figures(page, server, capsys):
    found = _cli_settlements(capsys, "--from", "2024-10-01", "--to", "2024-11-01",
                             "--region", "UA-14")  # fmt: skip
    places = found["places"] if isinstance(found, dict) else found
    names = sorted(p["name"] for p in places)
    assert names, "Donetsk had settlements change hands in October 2024"
    open_explorer(page, server, "?from=2024-10-01&to=2024-11-01&regions=UA-14&lang=en", TIMEOUT)
    drawn = wait_for(page, lambda d: d.execute_script(SETTLEMENT_TRACE_JS), "no map", TIMEOUT)
    assert drawn["n"] == len(names)
    assert sorted(drawn["text"]) == names  # few enough to be labelled on the map
    ru = sum(p["outcome"] == "to_ru" for p in places)
    summary = wait_for(page, lambda d: text(d, "#fig-summary"), "no summary line", TIMEOUT)
    assert summary == f"Russian forces took 398.7 km² and {ru} settlements in this period."
    key = text(page, "#map-legend")
    assert "Taken by Russian forces" in key
    # The list under the map, with the maps it was read from.
    rows = page.find_elements(By.CSS_SELECTOR, "#settlements-list tbody tr")
    assert sorted(r.find_element(By.TAG_NAME, "td").text for r in rows) == names
    assert "maps of 1 October 2024 to 1 November 2024" in text(page, "#settlements-list")
    # Switched off in the layers, the map draws none.
    page.find_element(By.CSS_SELECTOR, "#layers input[value=settlements]").click()
    wait_for(page, lambda d: (d.execute_script(SETTLEMENT_TRACE_JS) or {}).get("n") == 0,
             "settlements still drawn", TIMEOUT)  # fmt: skip


def test_charts_under_the_map_say_their_source_and_a_place_gets_its_distance(page, server):
    open_explorer(page, server, "?from=2024-10-01&to=2024-11-01&lang=de", TIMEOUT)
    settle(page, TIMEOUT)
    front = wait_for(page, lambda d: text(d, "#front-note"), "no front note", TIMEOUT)
    assert "km auf der Karte vom 31. Oktober 2024" in front and "WGS84" in front
    speed = text(page, "#speed-note")
    assert "Oktober 2024: netto +502,8 km²" in speed and "Quelle:" in speed
    total = page.find_elements(By.CSS_SELECTOR, "#oblasts-table tbody tr")[-1].text
    assert total.startswith("Alle Regionen") and "+502,8 km²" in total
    traces = page.execute_script(
        "return document.querySelector('#oblasts-chart .js-plotly-plot').data.length"
    )
    assert traces >= 3
    box = page.find_element(By.ID, "distance-place")
    box.send_keys("Kramatorsk", Keys.ENTER)
    line = wait_for(page, lambda d: text(d, "#distance-note"), "no distance", TIMEOUT)
    assert line.startswith("Die Front ist ") and "km von Kramatorsk entfernt" in line
    box.clear()
    box.send_keys("Atlantis", Keys.ENTER)
    wait_for(page, lambda d: "Atlantis" in (text(d, "#distance-note") or ""),
             "unknown place not named", TIMEOUT)  # fmt: skip


def test_a_pasted_sentence_is_read_into_fields_and_checked(page, server):
    open_explorer(page, server, "?lang=de", TIMEOUT)
    page.find_element(By.ID, "check-text").send_keys(SEED)
    page.find_element(By.ID, "check-date").send_keys("2024-11-04")
    page.find_element(By.ID, "check-read").click()
    wait_for(page, lambda d: d.find_element(By.ID, "check-from").get_attribute("value")
             == "2024-10-01", "period not read", TIMEOUT)  # fmt: skip
    assert page.find_element(By.ID, "check-to").get_attribute("value") == "2024-11-01"
    assert page.find_element(By.ID, "check-value").get_attribute("value") == "610"
    assert "Oblast Donezk" in text(page, "#check-parsed")
    verdict = wait_for(page, lambda d: text(d, "#check-verdict"), "no verdict", TIMEOUT)
    assert "398,6 km²" in verdict and "502,8 km²" in verdict and "ISW" in verdict
    # A reader corrects the region to all of Ukraine: checked again.
    value = page.find_element(By.ID, "check-value")
    value.clear()
    value.send_keys("503")
    wait_for(page, lambda d: "503" in (text(d, "#check-verdict") or ""), "not checked again",
             TIMEOUT)  # fmt: skip
    # Markup in a sentence stays text.
    box = page.find_element(By.ID, "check-text")
    box.clear()
    box.send_keys("<img src=x onerror=alert(1)> 610 km² im Oktober")
    page.find_element(By.ID, "check-read").click()
    settle(page, TIMEOUT)
    assert page.find_elements(By.CSS_SELECTOR, ".panel.check img") == []


@pytest.mark.parametrize("views", ["settlements,speed", "oblasts,distance"])
def test_an_embed_shows_the_measures_it_names(page, server, views):
    page.get(f"{server}/embed?from=2024-10-01&to=2024-11-01&views={views}&live=1&lang=en")
    wait_for(page, lambda d: d.find_elements(By.CSS_SELECTOR, ".panel.speed-panel"),
             "no page", TIMEOUT)  # fmt: skip
    settle(page, TIMEOUT)
    shown = {
        name
        for name in ("settlements", "front", "speed", "oblasts", "distance")
        if page.find_element(By.CSS_SELECTOR, f".panel.{name}-panel").is_displayed()
    }
    assert shown == set(views.split(","))
    assert not page.find_element(By.CSS_SELECTOR, ".panel.check").is_displayed()
