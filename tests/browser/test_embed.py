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


def test_embed_shows_only_chosen_views_with_credits(page, server, data):
    page.get(f"{server}/embed?from=2024-10-01&to=2024-11-01&regions=UA-14&views=map,figures")
    _wait(page, lambda d: _text(d, "#fig-events-value"), "figures never rendered")
    assert _visible(page, "#map-section") and _visible(page, ".panel.figures")
    for hidden in (".filters", ".timeline-section", ".panel.table", ".panel.upload-panel"):
        assert not _visible(page, hidden), f"{hidden} should be hidden in this embed"
    footer = _text(page, "footer")
    assert "DeepStateMap" in footer and "CC BY 4.0" in footer
    link = page.find_element(By.CSS_SELECTOR, "footer a").get_attribute("href")
    assert link.startswith(f"{server}/?") and "regions=UA-14" in link and "views" not in link
    change = data.territory.changes("2024-10-01", "2024-11-01", "UA-14", "russian_held")
    net = fmt_km2(change.net_km2, "en", sign=True)
    _wait(
        page, lambda d: net in (_text(d, ".panel.figures") or ""), "embed figure differs from geo"
    )


def test_story_page_in_german_with_claim_check(page, server):
    page.get(f"{server}/story/{SLUG}?lang=de")
    _wait(page, lambda d: _text(d, "#story-intro"), "story intro never rendered")
    intro = _text(page, "#story-intro")
    assert "Nordkoreanische Truppen im Krieg gegen die Ukraine" in intro
    assert "4. November 2024" in intro and "WorldScope" in intro
    _wait(page, lambda d: "610" in (_text(d, ".panel.claims") or ""), "claim check missing")
    claims = _text(page, ".panel.claims")
    assert "398,6 km²" in claims and "502,8 km²" in claims
    # The story opens on its own dates and its own events.
    assert page.find_element(By.ID, "date-to").get_attribute("value") == "2024-11-05"
    assert "datasets=story" in page.current_url


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
