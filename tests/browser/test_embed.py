"""Embeds and stories in a real browser: minimal chrome, credits, a host page that resizes
its iframe with assets/embed.js, and the article's story with its figure check."""

from __future__ import annotations

import http.server
import socket
import threading
import time

import pytest
from browser_wait import wait_for
from selenium.webdriver.common.by import By

from dashboard.formatting import fmt_km2

TIMEOUT = 30
SLUG = "worldscope-2024-11-04-north-korean-troops"


def _text(driver, css):
    return driver.execute_script(
        "const el = document.querySelector(arguments[0]); return el ? el.innerText : null;", css
    )


def _visible(driver, css):
    return driver.execute_script(
        "const el = document.querySelector(arguments[0]);"
        "return !!el && el.getClientRects().length > 0;",
        css,
    )


def _wait(driver, predicate, message, timeout=TIMEOUT):
    return wait_for(driver, predicate, message, timeout)


def _resources(driver) -> list[dict]:
    return driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => "
        "({name: e.name, size: e.transferSize}))"
    )


def _picture_drawn(driver) -> bool:
    return driver.execute_script(
        "const img = document.querySelector('.poster-map img');"
        "return !!img && img.complete && img.naturalWidth > 0;"
    )


def test_embed_paints_a_picture_first_and_the_map_on_tap(page, server, data):
    url = f"{server}/embed?from=2024-10-01&to=2024-11-01&regions=UA-14&views=map,figures"
    page.get(url)
    _wait(page, _picture_drawn, "the embed's picture never loaded")
    # Before the tap: no Dash, no plotly.js; the whole page under 1 MB.
    loaded = _resources(page)
    assert not [r for r in loaded if "_dash" in r["name"] or "plotly" in r["name"]]
    html_bytes = page.execute_script(
        "return performance.getEntriesByType('navigation')[0].transferSize"
    )
    assert html_bytes + sum(r["size"] for r in loaded) < 1_000_000
    footer = _text(page, "footer")
    assert "DeepStateMap" in footer and "CC BY 4.0" in footer
    link = page.find_element(By.CSS_SELECTOR, "footer a").get_attribute("href")
    assert link.startswith(f"{server}/?") and "regions=UA-14" in link and "views" not in link
    alt = page.find_element(By.CSS_SELECTOR, ".poster-map img").get_attribute("alt")
    change = data.territory.changes("2024-10-01", "2024-11-01", "UA-14", "russian_held")
    net = fmt_km2(change.net_km2, "en", sign=True)
    assert "Donetsk Oblast" in alt and net in alt  # the picture's title and km² line
    page.find_element(By.CSS_SELECTOR, ".poster-link").click()
    _wait(page, lambda d: _text(d, "#fig-events-value"), "the live map never rendered")
    assert "live=1" in page.current_url or "regions=UA-14" in page.current_url
    assert _visible(page, "#map-section") and _visible(page, ".panel.figures")
    for hidden in (".filters", ".timeline-section", ".panel.table", ".panel.upload-panel"):
        assert not _visible(page, hidden), f"{hidden} should be hidden in this embed"
    caption = _text(page, "#map-caption")
    assert "Donetsk Oblast" in caption and "DeepStateMap" in caption and net in caption
    _wait(
        page, lambda d: net in (_text(d, ".panel.figures") or ""), "embed figure differs from geo"
    )


def _top(driver, css):
    return driver.execute_script(
        "const el = document.querySelector(arguments[0]);"
        "return el ? el.getBoundingClientRect().top + window.scrollY : null;",
        css,
    )


@pytest.mark.parametrize("width", [320, 700])
def test_story_embed_opens_with_map_and_figure_check_then_events(page, server, width):
    page.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500},
    )
    try:
        for live in ("", "&live=1"):
            page.get(f"{server}/embed/story/{SLUG}?lang=de{live}")
            _wait(page, lambda d: "610" in (_text(d, ".panel.claims") or ""), "no figure check")
            if not live:
                _wait(page, _picture_drawn, "the story's picture never loaded")
            order = ("#story-intro", ".poster-map, #map-section", ".panel.claims",
                     "#story-events", "footer")  # fmt: skip
            tops = [_top(page, css) for css in order]
            assert None not in tops and tops == sorted(tops), f"order {tops} ({live or 'poster'})"
            height = page.execute_script("return document.documentElement.scrollHeight")
            assert height < 4000, f"{height} px tall at {width} px ({live or 'poster'})"
            assert page.execute_script("return document.documentElement.scrollWidth") <= width
            claims = _text(page, ".panel.claims")
            assert "AFP-Auswertung" in claims and "Zahlen-Check" in claims
            events = _text(page, "#story-events")
            assert "Oblast Kursk" in events and "Moskau" in events
    finally:
        page.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_story_page_in_german_with_claim_check(page, server):
    page.get(f"{server}/story/{SLUG}?lang=de")
    _wait(page, lambda d: _text(d, "#story-intro"), "story intro never rendered")
    intro = _text(page, "#story-intro")
    assert "Nordkoreanische Truppen im Krieg gegen die Ukraine" in intro
    _wait(page, lambda d: "610" in (_text(d, ".panel.claims") or ""), "claim check missing")
    claims = _text(page, ".panel.claims")
    assert "398,6 km²" in claims and "502,8 km²" in claims
    assert "4. November 2024" in _text(page, "#story-events")
    assert "WorldScope" in _text(page, "#story-events")
    # The story opens on its own dates and its own events.
    assert page.find_element(By.ID, "date-to").get_attribute("value") == "2024-11-05"
    assert "datasets=story" in page.current_url


def test_english_story_names_the_claim_in_english(page, server):
    page.get(f"{server}/story/{SLUG}?lang=en")
    _wait(page, lambda d: "610" in (_text(d, ".panel.claims") or ""), "claim check missing")
    heading = _text(page, ".panel.claims h3")
    assert "Donetsk Oblast" in heading and "October 2024" in heading
    assert "Nordkoreanische" not in heading  # the German headline is the source, quoted
    claims = _text(page, ".panel.claims")
    assert "AFP analysis" in claims and "(in German)" in claims


def test_missing_story_is_404(server):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{server}/story/no-such-story")
    assert err.value.code == 404


@pytest.fixture
def host_page(server):
    """An article page on another origin that embeds Frontline with the resize script."""
    html = f"""<!doctype html><html><body><h1>Article</h1>
<iframe src="{server}/embed?from=2024-10-01&to=2024-11-01&views=map,timeline,figures"
        data-frontline-embed width="100%" height="150" style="border:0"></iframe>
<script src="{server}/assets/embed.js"></script></body></html>"""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    httpd = http.server.HTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    # "localhost" is another origin than the app's 127.0.0.1: a real cross-origin embed.
    yield f"http://localhost:{port}/"
    httpd.shutdown()


def test_host_page_iframe_resizes_itself(page, host_page):
    page.get(host_page)
    _wait(
        page,
        lambda d: d.execute_script("return document.querySelector('iframe').offsetHeight") > 600,
        "iframe never resized to its content",
        timeout=45,
    )
    # Content keeps arriving for a moment (figures, timeline); then the height must settle,
    # not grow for ever in a resize loop.
    heights = []
    for _ in range(15):
        heights.append(page.execute_script("return document.querySelector('iframe').offsetHeight"))
        if len(heights) >= 4 and max(heights[-4:]) - min(heights[-4:]) <= 2:
            break
        time.sleep(1)
    assert max(heights[-4:]) - min(heights[-4:]) <= 2, f"iframe height never settled: {heights}"
    assert 600 < heights[-1] < 4000
