"""Waiting in browser tests: for a condition, and for Dash to have no callback in flight."""

from __future__ import annotations

from selenium.webdriver.support.ui import WebDriverWait

# Dash's renderer shows this element while any callback is pending (dash-renderer's
# isLoading state), which is what a user sees as "still updating".
_BUSY_JS = "return !!document.querySelector('._dash-loading-callback');"


def wait_for(driver, predicate, message: str, timeout: float = 40):
    """Wait until ``predicate(driver)`` is truthy and return its value; fail with ``message``."""
    return WebDriverWait(driver, timeout).until(lambda d: predicate(d), message)


def settle(driver, timeout: float = 40, quiet: float = 0.5) -> None:
    """Wait until no Dash callback has been pending for ``quiet`` seconds.

    A user acts on a page that has finished updating; a test that acts while the first
    callbacks are still in flight races them (its event may reach a component whose
    listeners are not yet bound, or be overwritten by a late response).
    """
    import time

    calm_since: list[float] = []

    def calm(d) -> bool:
        if d.execute_script(_BUSY_JS):
            calm_since.clear()
            return False
        if not calm_since:
            calm_since.append(time.monotonic())
        return time.monotonic() - calm_since[0] >= quiet

    WebDriverWait(driver, timeout, poll_frequency=0.1).until(calm, "Dash callbacks never settled")
