"""A real Frontline server in a subprocess and a real headless Chromium driving it.

Browser tests fail on SEVERE console errors and save a screenshot into test-artifacts/
when they fail. Without Chromium they are skipped locally and fail in CI (CI=true).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_kit import CHROMEDRIVER, CHROMIUM, new_browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    if os.environ.get("CI") == "true":
        return  # the driver fixture fails loudly instead of skipping
    skip = pytest.mark.skip(reason="browser tests need /usr/bin/chromium and chromedriver")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server(start_server, tmp_path_factory):
    """Base URL of a real ``frontline serve`` on a free port with an empty user folder
    (or of the server already running at ``$FRONTLINE_TEST_SERVER``, for debugging)."""
    if os.environ.get("FRONTLINE_TEST_SERVER"):
        return os.environ["FRONTLINE_TEST_SERVER"].rstrip("/")
    return start_server({"FRONTLINE_DATA_DIR": str(tmp_path_factory.mktemp("data"))})


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium for the session (fresh profile, no background networking)."""
    if not CHROMIUM.exists():
        pytest.fail("CI=true but /usr/bin/chromium is missing")
    driver = new_browser(tmp_path_factory.mktemp("chrome"))
    yield driver
    driver.quit()


@pytest.fixture
def page(browser, request):
    """The browser as a fresh visitor (no cookies, so no earlier test's uploads), with its
    logs drained before the test; fails the test on SEVERE console errors logged during it."""
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.get_log("browser")
    browser.get_log("performance")
    yield browser
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    # favicon 404s are the browser's own request, not the app's.
    severe = [e for e in severe if "favicon" not in e["message"]]
    if severe:
        pytest.fail("SEVERE console errors:\n" + "\n".join(e["message"] for e in severe))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    driver = item.funcargs.get("page") or item.funcargs.get("browser")
    if driver is None:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    name = item.nodeid.replace("/", "_").replace(":", "_")
    try:
        driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    except Exception as exc:  # a dead browser must not hide the real failure
        print(f"could not save screenshot: {exc}")
