"""The events table pages and sorts on the server: every page is a slice of the view."""

from __future__ import annotations

from browser_wait import wait_for
from selenium.webdriver.common.by import By

from geo.query import Query

ROWS_JS = """
return [...document.querySelectorAll('#events-table tbody tr')]
  .map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText))
  .filter(cells => cells.length > 0);
"""


def _wait(driver, predicate, message, timeout=40):
    return wait_for(driver, predicate, message, timeout)


def test_pages_and_sorting(page, server, data):
    # Only the bundled UCDP events: other tests upload events into the same server.
    page.get(f"{server}/?from=2024-01-01&to=2025-01-01&datasets=ucdp&lang=en")
    _wait(page, lambda d: len(d.execute_script(ROWS_JS)) == 15, "first page never shown")
    n = len(
        data.events(
            Query.from_params({"from": "2024-01-01", "to": "2025-01-01", "datasets": "ucdp"})
        )
    )
    total = page.find_element(By.CSS_SELECTOR, "#events-table .last-page")
    assert total.is_enabled()
    first = page.execute_script(ROWS_JS)
    page.find_element(By.CSS_SELECTOR, "#events-table .next-page").click()
    _wait(page, lambda d: d.execute_script(ROWS_JS) != first, "next page shows the same rows")
    assert f"{n:,}" in page.find_element(By.ID, "table-note").text
    # Sort by fatalities (column 7): the server returns the view's largest first on desc.
    header = page.find_elements(By.CSS_SELECTOR, "#events-table th.dash-header")[6]
    sort = header.find_element(By.CSS_SELECTOR, ".column-header--sort")
    sort.click()  # ascending
    sort.click()  # descending
    top = data.events(
        Query.from_params({"from": "2024-01-01", "to": "2025-01-01", "datasets": "ucdp"})
    )
    best = int(top["fatalities"].max())
    _wait(page, lambda d: d.execute_script(ROWS_JS)[0][6] in (str(best), f"{best}.0"),
          f"sorting did not bring {best} to the top")  # fmt: skip
