"""What a reader sees of an event reads as words in their language, in a real browser: the
map's hover values (read from the drawn traces: hovering is unreliable in headless
Chromium), the table's cells and the details panel. No precision digits, no ISO region
codes, no blank places; a source URL is a safe link only when it is a web address."""

from __future__ import annotations

import re

import pytest
from browser_kit import open_explorer, text
from browser_wait import settle, wait_for
from selenium.webdriver.common.by import By

TIMEOUT = 40
CODE = re.compile(r"\b(UA|RU)-[0-9A-Z]{2,3}\b")
WORDS = {
    "en": {"exact place", "near a place", "region only"},
    "de": {"genauer Ort", "nahe einem Ort", "nur Region"},
}
DONETSK = {"en": "Donetsk Oblast", "de": "Oblast Donezk"}
OCTOBER = {"en": "October 2024", "de": "Oktober 2024"}

# The event traces as drawn: per kind its customdata, hover template and hover texts.
TRACES_JS = """
const gd = document.querySelector('#map .js-plotly-plot');
if (!gd || !gd.data) return null;
return gd.data.filter(tr => tr.meta && tr.meta.role === 'events' && (tr.lon || []).length)
  .map(tr => ({kind: tr.meta.kind, customdata: Array.from(tr.customdata || [])
      .map(c => Array.from(c)), template: tr.hovertemplate || '',
    hovertext: Array.from(tr.hovertext || [])}));
"""
# Table cells by column id, one object per row.
CELLS_JS = """
return [...document.querySelectorAll('#events-table tbody tr')].map(tr => {
  const row = {};
  for (const td of tr.querySelectorAll('td[data-dash-column]'))
    row[td.getAttribute('data-dash-column')] = td.innerText.trim();
  return row;
}).filter(row => Object.keys(row).length > 0);
"""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_map_hover_values_read_as_words(page, server, lang):
    # October 2024: 46 events, all drawn as markers; 5 of them region-level.
    open_explorer(page, server, f"?from=2024-10-01&to=2024-11-01&lang={lang}", TIMEOUT)
    traces = wait_for(page, lambda d: d.execute_script(TRACES_JS), "no event traces", TIMEOUT)
    points = [tr for tr in traces if tr["kind"] not in ("region_level", "bins")]
    custom = [c for tr in points for c in tr["customdata"]]
    assert custom, "no event markers drawn"
    assert all(c[0].startswith("ucdp:") for c in custom)  # the id a click opens
    assert {c[4] for c in custom} <= WORDS[lang] and len({c[4] for c in custom}) == 2
    assert all(OCTOBER[lang] in c[1] for c in custom)
    assert all(c[2] and c[2] != "–" for c in custom)
    precision = "Precision" if lang == "en" else "Genauigkeit"
    assert all(f"{precision}: %{{customdata[4]}}" in tr["template"] for tr in points)
    (circles,) = [tr for tr in traces if tr["kind"] == "region_level"]
    hovers = " ".join(circles["hovertext"])
    assert not CODE.search(hovers) and not any(CODE.search(" ".join(c)) for c in custom)
    # Two region-level events in Donetsk oblast have no place: the circle names the oblast
    # in the reader's language (the map passes the admin-1 names to the event traces).
    assert DONETSK[lang] in hovers, hovers
    assert ": –<br>" not in hovers
    assert OCTOBER[lang] in hovers  # the days of the circle's events


def _sort(driver, column: str, clicks: int) -> None:
    header = driver.find_element(By.CSS_SELECTOR, f"#events-table th[data-dash-column={column}]")
    button = header.find_element(By.CSS_SELECTOR, ".column-header--sort")
    for _ in range(clicks):
        before = driver.execute_script(CELLS_JS)
        button.click()
        wait_for(driver, lambda d, b=before: d.execute_script(CELLS_JS) != b, "sort ignored")
        settle(driver, TIMEOUT)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_table_cells_read_as_words_and_sort_by_value(page, server, lang):
    open_explorer(page, server, f"?from=2024-10-01&to=2024-11-01&datasets=ucdp&lang={lang}")
    rows = wait_for(page, lambda d: d.execute_script(CELLS_JS), "no table rows", TIMEOUT)
    settle(page, TIMEOUT)
    rows = page.execute_script(CELLS_JS)
    assert len(rows) == 15
    for row in rows:
        assert row["geo_precision"] in WORDS[lang], row
        assert row["admin1"] and row["admin1"] != "–" and not CODE.search(row["admin1"]), row
        assert row["location"] and row["location"] != "–", row
        assert re.fullmatch(r"\d*", row["fatalities"]), row  # a count, or blank if unknown
        assert re.fullmatch(r"2024-10-\d\d", row["date"]), row
    # Descending by precision: the stored 3s (region only) come first, and their place
    # cells, blank in the data, name the region.
    _sort(page, "geo_precision", 2)
    top = page.execute_script(CELLS_JS)
    only = "region only" if lang == "en" else "nur Region"
    assert [r["geo_precision"] for r in top[:5]] == [only] * 5
    assert DONETSK[lang] in {r["location"] for r in top[:5]}


LINKS_CSV = (
    "id,date,latitude,longitude,event_type,sub_event_type,location,notes,source,url,"
    "geo_precision\n"
    "l1,2024-10-15,48.28,37.18,Battles,Armed clash,Pokrovsk,plain,Example News,"
    "https://example.org/report?a=1&b=2,1\n"
    "l2,2024-10-16,48.0,37.8,Battles,,,text,Bad source,javascript:alert(1),3\n"
)


def test_details_read_as_words_with_a_safe_link(page, server, tmp_path):
    csv = tmp_path / "readable-links.csv"
    csv.write_text(LINKS_CSV, encoding="utf-8")
    open_explorer(page, server, "?from=2024-10-01&to=2024-11-01&lang=de", TIMEOUT)
    settle(page, TIMEOUT)
    page.find_element(By.CSS_SELECTOR, "#upload input[type=file]").send_keys(str(csv))
    wait_for(page, lambda d: "2 von 2" in (text(d, "#upload-status") or ""), "upload", TIMEOUT)
    view = "?from=2024-10-01&to=2024-11-01&datasets=readable-links&lang=de"
    open_explorer(page, server, view + "&event=readable-links:l1", TIMEOUT)
    wait_for(page, lambda d: "Pokrovsk" in (text(d, "#detail-place") or ""), "details", TIMEOUT)
    assert text(page, "#detail-place") == "Pokrovsk, Oblast Donezk (genauer Ort)"
    assert text(page, "#detail-type") == "Gefechte / Bewaffneter Zusammenstoß"
    assert text(page, "#detail-dataset").startswith("Ihr Datensatz „readable-links“")
    assert "15. Oktober 2024" in text(page, "#detail-date")
    (link,) = page.find_elements(By.CSS_SELECTOR, "#detail-source a")
    assert link.get_attribute("href") == "https://example.org/report?a=1&b=2"
    assert link.get_attribute("target") == "_blank"
    assert set(link.get_attribute("rel").split()) == {"noopener", "noreferrer"}
    # A javascript: URL is shown as text, never as a link; the place is the region.
    open_explorer(page, server, view + "&event=readable-links:l2", TIMEOUT)
    wait_for(page, lambda d: "javascript:" in (text(d, "#detail-source") or ""), "l2", TIMEOUT)
    assert page.find_elements(By.CSS_SELECTOR, "#details a[href^='javascript']") == []
    assert page.find_elements(By.CSS_SELECTOR, "#detail-source a") == []
    assert text(page, "#detail-place") == "Oblast Donezk (nur Region)"
    # The table row of the same event in the same words.
    rows = wait_for(page, lambda d: d.execute_script(CELLS_JS), "no table rows", TIMEOUT)
    assert {r["geo_precision"] for r in rows} == {"genauer Ort", "nur Region"}
    assert {r["location"] for r in rows} == {"Pokrovsk", "Oblast Donezk"}
