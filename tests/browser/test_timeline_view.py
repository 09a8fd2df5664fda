"""The timeline as a reader sees it, read from the plot Plotly drew (its laid-out axes and
the bars' rectangles on the page): date labels that say which week or month, a period at
the same x in both rows, and a link from before the map record that still shows its events,
its dates and the km² from 4 April 2022 on, with a note in the reader's language."""

from __future__ import annotations

import pytest
from browser_wait import settle, wait_for
from selenium.webdriver.common.by import By

from dashboard.i18n import t

# What the reader sees of the timeline: the date labels under it, the notes in it, and the
# left/right page x of every bar drawn in each row (bars of zero height are not drawn).
DRAWN_JS = """
const gd = document.querySelector('#timeline .js-plotly-plot');
if (!gd || !gd._fullLayout || !gd.data || !gd.data.length) return null;
const fl = gd._fullLayout;
const extents = (subplot) => [...gd.querySelectorAll(`.subplot.${subplot} .barlayer path`)]
  .map(p => p.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0)
  .map(r => [r.left, r.right]);
const box = gd.getBoundingClientRect();
const x2 = fl.xaxis2;
return {
  labels: [...gd.querySelectorAll('.x2tick text')].map(el => el.textContent),
  topLabels: fl.xaxis ? (fl.xaxis._vals || []).filter(v => !v.minor).map(v => v.text) : [],
  notes: [...gd.querySelectorAll('.annotation-text')].map(el => el.textContent),
  events: extents('xy'),
  km2: extents('x2y3'),
  range: x2 ? x2.range : null,
  firstMapX: x2 ? box.left + x2._offset + x2.d2p('2022-04-04') : null,
  search: location.search,
};
"""


def drawn(driver) -> dict | None:
    return driver.execute_script(DRAWN_JS)


def open_timeline(driver, url: str) -> dict:
    driver.get(url)
    wait_for(driver, lambda d: (drawn(d) or {}).get("labels"), "timeline has no date labels")
    settle(driver)
    return drawn(driver)


def assert_aligned(view: dict) -> None:
    """Every km² bar stands exactly under the event bars of its period."""
    assert view["km2"], "no km² bars drawn"
    lefts = {round(left) for left, _ in view["events"]}
    rights = {round(right) for _, right in view["events"]}
    for left, right in view["km2"]:
        assert any(abs(left - x) <= 1 for x in lefts), f"km² bar at {left:.1f} has no event bar"
        assert any(abs(right - x) <= 1 for x in rights), f"km² bar ends at {right:.1f} alone"


@pytest.mark.parametrize(
    ("lang", "first_label", "march"),
    [("en", "21 Feb 2022", "7 Mar"), ("de", "21. Feb. 2022", "7. März")],
)
def test_a_link_from_before_the_map_record_keeps_events_dates_and_km2(
    page, server, lang, first_label, march
):
    view = open_timeline(page, f"{server}/?from=2022-02-20&to=2022-06-01&by=week&lang={lang}")
    assert view["labels"][:2] == [first_label, march], view["labels"]
    assert view["range"][0].startswith("2022-02-20") and view["range"][1].startswith("2022-06-01")
    note = t("timeline.no_map_before", lang).format(
        date={"en": "4 April 2022", "de": "4. April 2022"}[lang]
    )
    assert note in view["notes"]
    # Events of February and March are drawn; km² only where there are maps.
    assert any(right < view["firstMapX"] for _, right in view["events"])
    assert all(left >= view["firstMapX"] - 1 for left, _ in view["km2"])
    assert_aligned(view)


def test_choosing_month_by_clicking_relabels_and_keeps_the_rows_aligned(page, server):
    view = open_timeline(page, f"{server}/?from=2024-08-01&to=2024-11-01&by=week&lang=de")
    assert view["labels"][0] == "5. Aug. 2024"
    assert len(set(view["labels"])) == len(view["labels"]) >= 4
    assert_aligned(view)
    month = page.find_element(
        By.XPATH, f"//*[@id='by']//label[contains(., '{t('by.month', 'de')}')]"
    )
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", month)
    month.click()
    wait_for(page, lambda d: "by=month" in d.current_url, "the URL never took by=month")
    wait_for(
        page,
        lambda d: (drawn(d) or {}).get("labels") == ["Aug. 2024", "Sept.", "Okt."],
        "month labels never drawn",
    )
    settle(page)
    view = drawn(page)
    assert len({round(left) for left, _ in view["km2"]}) == 3  # August, September, October
    assert_aligned(view)
