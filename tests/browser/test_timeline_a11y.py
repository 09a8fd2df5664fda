"""Timeline range selection sets the dates; every control has a label; phones get the map
first and no sideways scrolling."""

from __future__ import annotations

from browser_wait import settle, wait_for

from dashboard.formatting import fmt_km2

UNLABELLED_JS = """
const out = [];
for (const el of document.querySelectorAll('input, select, textarea, button')) {
  if (el.type === 'hidden' || el.offsetParent === null) continue;
  if (el.closest('[aria-hidden="true"]')) continue;  // not exposed to assistive tech
  const id = el.id;
  const labelled = (id && document.querySelector(`label[for="${CSS.escape(id)}"]`))
    || el.closest('label') || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
    || (el.tagName === 'BUTTON' && el.innerText.trim()) || el.getAttribute('title');
  if (!labelled) out.push(el.outerHTML.slice(0, 120));
}
return out;
"""


def _wait(driver, predicate, message, timeout=40):
    return wait_for(driver, predicate, message, timeout)


def _figures(driver):
    return driver.execute_script(
        "const el = document.querySelector('.panel.figures'); return el ? el.innerText : '';"
    )


def test_dragging_a_range_on_the_timeline_sets_the_dates(page, server, data):
    page.get(f"{server}/?from=2024-08-01&to=2024-11-01&by=week&lang=en")
    # dcc.Graph draws an empty plot before the first callback answers: wait for the real
    # timeline and for the page to finish updating, as a user would before dragging (a
    # drag before the first callbacks have run is folded into their initial call).
    _wait(page, lambda d: d.execute_script(
        "const g=document.querySelector('#timeline .js-plotly-plot');"
        " return !!(g && g.data && g.data.length);"),
        "timeline never rendered")  # fmt: skip
    settle(page)
    # What a drag-zoom on the x axis does: Plotly emits plotly_relayout with the new range.
    page.execute_script(
        "Plotly.relayout(document.querySelector('#timeline .js-plotly-plot'),"
        " {'xaxis.range[0]': '2024-09-02', 'xaxis.range[1]': '2024-09-30'});"
    )
    _wait(page, lambda d: "from=2024-09-02" in d.current_url, "dates not taken from the timeline")
    assert "to=2024-09-30" in page.current_url
    change = data.territory.changes("2024-09-02", "2024-09-30", (), "russian_held")
    net = fmt_km2(change.net_km2, "en", sign=True)
    _wait(page, lambda d: net in _figures(d), f"figures do not show {net}")


def test_every_control_has_a_label(page, server):
    page.get(f"{server}/?lang=de")
    _wait(page, lambda d: "km²" in _figures(d), "figures never rendered")
    assert page.execute_script(UNLABELLED_JS) == []


def test_phone_width_puts_the_map_first_without_sideways_scroll(page, server):
    page.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        page.get(f"{server}/?lang=en")
        _wait(page, lambda d: "km²" in _figures(d), "figures never rendered")
        widths = page.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        wide = page.execute_script(
            "return [...document.querySelectorAll('body *')].filter(el => !el.closest('.panel'))"
            ".map(el => [el.tagName, String(el.className), el.id,"
            " Math.round(el.getBoundingClientRect().right)]).filter(x => x[3] > 361).slice(0, 8)"
        )
        assert widths[0] <= widths[1] + 1, f"page scrolls sideways at 360 px: {widths} {wide}"
        # The map comes first; the filters are a drawer, closed until the reader opens it.
        map_top, filters_shown = page.execute_script(
            "return [document.querySelector('#map').getBoundingClientRect().top,"
            " getComputedStyle(document.querySelector('.filters')).visibility]"
        )
        assert map_top < 200 and filters_shown == "hidden"
    finally:
        page.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
