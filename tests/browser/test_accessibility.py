"""axe-core in a real browser: no serious or critical violation on the explorer, the embed
(its picture first and its live map) and the story, in light and dark, in English and German.

axe-core comes with the PyPI package axe-selenium-python (its copy of axe.min.js is run in
the page); nothing is fetched from the network.
"""

from __future__ import annotations

import pytest
from axe_selenium_python import Axe
from browser_wait import settle, wait_for

SLUG = "worldscope-2024-11-04-north-korean-troops"
PAGES = [
    ("/?lang=en", "#fig-events-value"),
    ("/?lang=de&theme=dark", "#fig-events-value"),
    ("/embed?lang=en", ".poster-map img"),
    ("/embed?lang=de&theme=dark", ".poster-map img"),
    ("/embed?lang=en&theme=dark&live=1", "#fig-events-value"),
    (f"/story/{SLUG}?lang=en", "#claim-afp-isw-donetsk-2024-10"),
    (f"/story/{SLUG}?lang=de&theme=dark", "#claim-afp-isw-donetsk-2024-10"),
    (f"/embed/story/{SLUG}?lang=de&theme=dark", ".poster-map img"),
    (f"/embed/story/{SLUG}?lang=en&live=1", "#claim-afp-isw-donetsk-2024-10"),
]


@pytest.mark.parametrize(("path", "ready"), PAGES, ids=[p for p, _ in PAGES])
def test_no_serious_or_critical_violation(page, server, path, ready):
    page.get(f"{server}{path}")
    wait_for(
        page,
        lambda d: d.execute_script("return !!document.querySelector(arguments[0])", ready),
        f"{path} never drew {ready}",
    )
    if "live=1" in path or not path.startswith("/embed"):
        settle(page)
    page.set_script_timeout(60)
    axe = Axe(page)
    axe.inject()
    results = axe.run()
    bad = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, axe.report(bad)
