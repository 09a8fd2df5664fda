"""What browser tests share: a fresh headless Chromium (a new profile: no cookies, no
cache, as a new reader), reading the page, and opening the explorer until it has drawn."""

from __future__ import annotations

import contextlib
from pathlib import Path

from browser_wait import wait_for

from dashboard.bench.chromium import CHROMEDRIVER, CHROMIUM, FLAGS

# Sum of events on the map's event traces: markers, region-level circles (their count) and
# bins (their count is customdata[0]).
EVENT_POINTS_JS = """
const gd = document.querySelector('#map .js-plotly-plot');
if (!gd || !gd.data) return null;
let n = 0;
for (const tr of gd.data) {
  const meta = tr.meta || {};
  if (meta.role !== 'events') continue;
  const cd = tr.customdata || [];
  if (meta.kind === 'bins') { for (const c of cd) n += Number(c[0]); }
  else if (meta.kind === 'region_level') { for (const c of cd) n += Number(c[1]); }
  else n += cd.length;
}
return n;
"""


def new_browser(profile: Path, size: str = "1400,1000"):
    """A headless Chromium with its own empty profile ``profile``: a reader of its own."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (*FLAGS, f"--window-size={size}", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    width, height = (int(v) for v in size.split(","))
    if width < 500:
        # Headless Chromium keeps windows at least ~500 px wide: a phone is emulated.
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
        )
    return driver


def text(driver, css: str) -> str | None:
    """The visible text of the first element matching ``css`` (None when there is none)."""
    return driver.execute_script(
        "const el = document.querySelector(arguments[0]); return el ? el.innerText : null;", css
    )


def open_explorer(driver, base: str, search: str = "", timeout: float = 40) -> None:
    """Open ``base/search`` and wait until the figures and the map have been drawn."""
    driver.get(f"{base}/{search}")
    wait_for(driver, lambda d: text(d, "#fig-events-value"), "figures never rendered", timeout)
    wait_for(
        driver,
        lambda d: d.execute_script(EVENT_POINTS_JS) is not None,
        "map never rendered",
        timeout,
    )


def click_when_still(driver, element, timeout: float = 10) -> None:
    """Click ``element`` once it is where a reader would tap it: not moving (a drawer that
    slides in for 0.2 s) and on top at its centre, as a person waits for it to arrive."""
    wait_for(
        driver,
        lambda d: d.execute_script(
            "const el = arguments[0], r = el.getBoundingClientRect();"
            "const x = r.left + r.width / 2, y = r.top + r.height / 2;"
            "const key = [r.left, r.top].join(), was = el.dataset.testRect;"
            "el.dataset.testRect = key;"
            "const top = document.elementFromPoint(x, y);"
            "return was === key && !!top && (top === el || el.contains(top));",
            element,
        ),
        "element never came to rest on top",
        timeout,
    )
    element.click()


def severe_console_errors(driver) -> list[str]:
    """SEVERE console messages since the last call (favicon 404s are the browser's own)."""
    entries = driver.get_log("browser")
    return [e["message"] for e in entries if e["level"] == "SEVERE" and "favicon" not in
            e["message"]]  # fmt: skip


def alert_shown(driver) -> str | None:
    """The page's error banner text when it is shown, else None."""
    return driver.execute_script(
        "const el = document.getElementById('error-alert');"
        "return el && !el.hidden && el.offsetParent !== null ? el.innerText : null;"
    )


def dropdown_options(driver, control_id: str) -> list[str]:
    """The values a reader sees after clicking the dropdown ``control_id`` (then closed)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.find_element(By.ID, control_id).click()
    values = wait_for(
        driver,
        lambda d: d.execute_script(
            "const l = document.querySelectorAll('.dash-dropdown-option input');"
            "return l.length ? Array.from(l).map(e => e.value) : null;"
        ),
        f"the options of #{control_id} never opened",
        10,
    )
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    return values


def choose(driver, control_id: str, value: str) -> None:
    """Click the dropdown ``control_id`` and then its option ``value``, as a reader does."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.find_element(By.ID, control_id).click()
    option = wait_for(
        driver,
        lambda d: d.execute_script(
            "const i = Array.from(document.querySelectorAll('.dash-dropdown-option input'))"
            ".find(e => e.value === arguments[0]); return i ? i.closest('label') : null;",
            value,
        ),
        f"no option {value!r} in #{control_id}",
        10,
    )
    option.click()
    from selenium.common.exceptions import StaleElementReferenceException

    # Close a multi-select's list; a choice that loads another page leaves nothing.
    with contextlib.suppress(StaleElementReferenceException):
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
