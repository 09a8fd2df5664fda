"""An instrumented headless Chromium for the browser figures of ``frontline bench``.

Chromium runs with the flags of the browser tests (``tests/browser/browser_kit.py``:
software rendering, no GPU) and a fresh profile each time. A script that Chrome evaluates
before any of the page's own (``Page.addScriptToEvaluateOnNewDocument``) records
``performance.now()`` at Plotly's ``plotly_afterplot`` on the map's graph div, at the reader's
input events, at changes of the play label and around Dash's callback requests (``fetch``),
so a figure never depends on how often the harness polls. Network events come from
Chrome's performance log.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

__all__ = ["CHROMEDRIVER", "CHROMIUM", "BrowserBenchError", "Session", "browser_missing"]

# The browser tests' Chromium and flags: the same browser.
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
WINDOW = "1400,1000"
MAP = "#map .js-plotly-plot"
# The callback that draws the map names "map.figure" among its outputs ("map.figure@<hash>"
# for a duplicate output such as playback's).
_MAP_OUTPUT = r"(^|\.)map\.figure(@[0-9a-f]+)?(\.|$)"

# Evaluated before the page's scripts. A MutationObserver notices the map's graph div as
# soon as Plotly has made it (Plotly gives it its event emitter first, and a map's first
# draw waits for its style, so no afterplot is missed) and the play label's text.
_INSTRUMENT = r"""
(() => {
  if (window.__bench) return;
  const now = () => performance.now();
  const MAP_OUTPUT = new RegExp(__MAP_OUTPUT__);
  const OFFLINE_STYLE = /^https:\/\/basemaps\.cartocdn\.com\/.*style\.json/;
  const rec = window.__bench = {afterplot: [], fetches: [], labels: [], inflight: 0,
                                last: 0, gd: null, armed: null, action: null};
  const touch = () => { rec.last = now(); };
  function marks(gd) {
    const data = gd._fullData || [];
    const tagged = data.some(tr => tr.meta && tr.meta.role === 'events');
    let n = 0;
    for (const tr of data) {
      if (tagged ? !(tr.meta && tr.meta.role === 'events') : !tr.lat) continue;
      n += tr.lat ? tr.lat.length : 0;
    }
    return n;
  }
  function attach() {
    const gd = document.querySelector(__MAP__);
    if (!gd || gd === rec.gd || typeof gd.on !== 'function') return;
    rec.gd = gd;
    gd.on('plotly_afterplot', () => {
      const t = now();
      touch();
      rec.afterplot.push({t, marks: marks(gd)});
    });
  }
  new MutationObserver(() => {
    attach();
    const label = document.getElementById('play-label');
    const text = label ? label.textContent : '';
    if (text && text !== rec.labelText) rec.labels.push({t: now(), text});
    rec.labelText = text;
  }).observe(document, {subtree: true, childList: true, characterData: true,
                        attributes: true, attributeFilter: ['class']});
  for (const type of ['keydown', 'input', 'pointerdown', 'mousedown']) {
    window.addEventListener(type, e => {
      if (!rec.armed || rec.action || !rec.armed.includes(type)) return;
      if (type === 'keydown' && e.key !== 'Enter') return;
      rec.action = {type, t: e.timeStamp || now()};
    }, true);
  }
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = String((input && input.url) || input);
    if (window.__benchOfflineStyle && OFFLINE_STYLE.test(url)) {
      const empty = JSON.stringify({version: 8, sources: {}, layers: []});
      return Promise.resolve(new Response(empty, {headers: {'Content-Type': 'application/json'}}));
    }
    const r = {t0: now(), map: false};
    if (url.includes('_dash-update-component') && init && typeof init.body === 'string') {
      try { r.map = MAP_OUTPUT.test(JSON.parse(init.body).output); } catch (e) {}
    }
    rec.fetches.push(r);
    rec.inflight++;
    touch();
    const settled = () => { rec.inflight--; touch(); };
    return fetch0.apply(this, arguments).then(res => {
      r.t_headers = now();
      settled();
      for (const how of ['json', 'text']) {
        const read = res[how].bind(res);
        res[how] = () => read().then(v => { r.t_body = now(); return v; });
      }
      if (res.status === 204) r.t_body = r.t_headers;
      return res;
    }, err => { settled(); r.t_body = now(); throw err; });
  };
  // The first afterplot (on or after t) that draws the answer of the first map request
  // sent after t; without such a request, the first afterplot after t once nothing is
  // in flight.
  rec.redrawAfter = t => {
    const f = rec.fetches.find(r => r.map && r.t0 >= t);
    if (f && f.t_body === undefined) return null;
    if (!f && rec.inflight) return null;
    const from = f ? f.t_body : t;
    const p = rec.afterplot.find(a => a.t >= from);
    if (!p) return null;
    return {t: p.t, marks: p.marks, sent: f ? f.t0 : null, answer: f ? f.t_body : null};
  };
  rec.quietFor = () => (rec.inflight || document.querySelector('._dash-loading-callback'))
      ? 0 : now() - rec.last;
})();
""".replace("__MAP_OUTPUT__", json.dumps(_MAP_OUTPUT)).replace("__MAP__", json.dumps(MAP))


class BrowserBenchError(RuntimeError):
    """A browser measurement could not be taken; the message says which and why."""


def browser_missing() -> str | None:
    """Why the browser figures cannot be taken here (None when they can)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


class Session:
    """One headless Chromium with a fresh profile of its own (a new reader: no cache, no
    cookies), instrumented before any page script runs."""

    def __init__(self, work_dir: Path, name: str, timeout: float, offline_style: bool = False):
        self.profile = Path(tempfile.mkdtemp(prefix="chrome-", dir=work_dir))
        self.name, self.timeout, self.offline_style = name, timeout, offline_style
        self.driver = self.version = None
        self.requests: dict[str, dict] = {}

    def __enter__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for arg in (*FLAGS, f"--window-size={WINDOW}", f"--user-data-dir={self.profile}"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        try:
            self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        except Exception as exc:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise BrowserBenchError(f"{self.name}: Chromium did not start: {exc}") from exc
        self.version = self.driver.capabilities.get("browserVersion")
        self.driver.set_page_load_timeout(60)
        self.driver.set_script_timeout(30)
        scripts = ["window.__benchOfflineStyle = 1;"] if self.offline_style else []
        for source in (*scripts, _INSTRUMENT):
            self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
        return self

    def __exit__(self, *exc):
        try:
            self.driver.quit()
        except Exception:
            with contextlib.suppress(Exception):
                self.driver.service.stop()  # a stuck driver: end the chromedriver we started
        shutil.rmtree(self.profile, ignore_errors=True)

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, what: str, predicate, timeout: float | None = None):
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while not (value := predicate()):
            if time.monotonic() > deadline:
                raise BrowserBenchError(f"{self.name}: {what} not seen within {limit:.0f} s")
            time.sleep(0.1)
        return value

    def settle(self, quiet: float = 0.7) -> None:
        """Until no request, Dash callback or map draw has happened for ``quiet`` s."""
        self.wait(
            "a quiet page (no request, callback or map draw)",
            lambda: (
                (self.js("return window.__bench ? window.__bench.quietFor() : 0") or 0)
                >= quiet * 1000
            ),
        )

    def open(self, url: str) -> float:
        """Go to ``url``; the ms from navigation start to the first map with events."""
        self.driver.get(url)
        first = self.wait(
            f"the map with events on {url}",
            lambda: self.js(
                "const r = window.__bench;return r && r.afterplot.find(a => a.marks > 0) || null;"
            ),
        )
        return first["t"]

    def click(self, element) -> None:
        """Click as a reader does: scrolled into view; a covered control is an error that
        names what covers it."""
        from selenium.common.exceptions import ElementClickInterceptedException

        self.js("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});", element)
        try:
            element.click()
        except ElementClickInterceptedException as exc:
            covered = re.search(r"Other element would receive the click: (<[^>]*>)", exc.msg)
            raise BrowserBenchError(
                f"{self.name}: #{element.get_attribute('id')} is covered by "
                f"{covered.group(1) if covered else 'another element'}: a reader cannot click it"
            ) from None

    def arm(self, *types: str) -> None:
        self.js("window.__bench.action = null; window.__bench.armed = arguments[0];", types)

    def action(self) -> float:
        act = self.wait("the reader's input event", lambda: self.js("return window.__bench.action"))
        self.js("window.__bench.armed = null;")
        return act["t"]

    def network(self) -> dict:
        """Every request of this browser so far, by request id, from the performance log
        (a request's events may come in several reads of it)."""
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            method, p = msg.get("method", ""), msg.get("params", {})
            req = self.requests.get(p.get("requestId"))
            if method == "Network.requestWillBeSent":
                # wallTime is epoch seconds; timestamp the monotonic clock of later events.
                self.requests[p["requestId"]] = {"url": p["request"]["url"], "bytes": 0,
                    "start": p["timestamp"], "offset": p["wallTime"] - p["timestamp"]}  # fmt: skip
            elif req and method == "Network.responseReceived":
                timing = p["response"].get("timing") or {}
                headers = timing.get("receiveHeadersStart", timing.get("receiveHeadersEnd"))
                if headers is not None and timing.get("sendEnd") is not None:
                    req["server_ms"] = max(0.0, headers - timing["sendEnd"])
            elif req and method in ("Network.loadingFinished", "Network.loadingFailed"):
                req["end"] = p["timestamp"]
                req["bytes"] = int(p.get("encodedDataLength", 0))
        return self.requests
