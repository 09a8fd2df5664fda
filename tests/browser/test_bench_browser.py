"""The browser half of ``frontline bench`` in its quickest plan, against a real server over
the bundled data: every figure is there and is a plausible number (positive, finite). The
targets of issue 12 are what ``make bench`` reports; this test does not hold them."""

from __future__ import annotations

import math

from dashboard.bench.browser import PLANS, measure_browser

PLAN = PLANS["quick"]
FIGURES = (
    "first_map_s",
    "filter_p50_ms",
    "filter_p95_ms",
    "filter_browser_p50_ms",
    "filter_dates_p50_ms",
    "filter_region_p50_ms",
    "play_first_step_ms",
    "embed_bytes",
    "embed_requests",
)


def _plausible(value) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def test_quick_browser_figures_are_present_and_plausible(server, tmp_path):
    result = measure_browser(server, "frontline", plan=PLAN, work_dir=tmp_path)

    assert result["errors"] == {}, result["errors"]
    assert result["na"] == {}  # everything applies to Frontline
    bad = {key: result.get(key) for key in FIGURES if not _plausible(result.get(key))}
    assert not bad, f"missing or implausible: {bad}"

    # A redraw is later than the server's answer, which is later than the action.
    assert result["filter_changes"] == PLAN.changes
    for sample in result["filter_samples"]:
        assert sample["requests"] >= 1 and sample["marks_drawn"] > 0, sample
        assert 0 <= sample["server_ms"] < sample["total_ms"], sample
    assert (
        result["first_map_runs"][0]["map_answer_ms"] < result["first_map_runs"][0]["first_map_ms"]
    )

    # The days shown and skipped add up to the period; two days shown make a step.
    assert 1 <= result["play_days_shown"] <= result["play_days_expected"]
    assert result["play_skipped_days"] == result["play_days_expected"] - result["play_days_shown"]
    if result["play_days_shown"] >= 2:
        assert _plausible(result["play_step_p50_ms"]), result["play_step_p50_ms"]

    # The embed's own page and its picture are among the bytes counted; before a tap no
    # Plotly bundle loads.
    urls = [t["url"] for t in result["embed_transfers"]]
    assert any(u.startswith("/embed?") for u in urls) and any("map.png" in u for u in urls)
    assert not any("plotly" in u for u in urls)
    assert result["embed_bytes"] == sum(t["bytes"] for t in result["embed_transfers"])
