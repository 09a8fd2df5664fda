"""The benchmark's tables and JSON: Frontline beside the naive baseline, with ratios; the
server's figures per generated size, and the browser's (what a reader feels) per data."""

from __future__ import annotations

__all__ = ["BROWSER_FIELDS", "FIELDS", "browser_table", "ratios", "table"]

#: (key, label, better): "low" when smaller is better.
FIELDS = (
    ("cold_start_s", "cold start s", "low"),
    ("filter_p50_ms", "filter p50 ms", "low"),
    ("filter_p95_ms", "filter p95 ms", "low"),
    ("view_bytes", "view bytes", "low"),
    ("view_bytes_gzip", "view bytes (gzip)", "low"),
    ("step_bytes", "step bytes", "low"),
    ("step_bytes_gzip", "step bytes (gzip)", "low"),
    ("peak_rss_bytes", "peak RSS bytes", "low"),
    ("export_rows_per_s", "CSV rows/s", "high"),
)


#: (key, label, better, target): figures measured in headless Chromium, with the target
#: of issue 12 where there is one.
BROWSER_FIELDS = (
    ("first_map_s", "first map s", "low", "≤ 2.5"),
    ("filter_p50_ms", "filter→map p50 ms", "low", "≤ 400"),
    ("filter_p95_ms", "filter→map p95 ms", "low", ""),
    ("filter_server_p50_ms", " server part p50", "low", ""),
    ("filter_browser_p50_ms", " browser part p50", "low", ""),
    ("filter_dates_p50_ms", " dates p50 ms", "low", ""),
    ("filter_region_p50_ms", " region p50 ms", "low", ""),
    ("play_step_p50_ms", "play step p50 ms", "low", "≤ 250"),
    ("play_interval_ms", " at speed (ms/step)", "low", ""),
    ("play_tick_to_draw_p50_ms", " tick→drawn p50", "low", ""),
    ("play_skipped_days", " days skipped", "low", "0"),
    ("embed_bytes", "embed bytes", "low", "≤ 1,000,000"),
    ("embed_requests", "embed requests", "low", ""),
)


def ratios(frontline: dict, naive: dict | None, fields=FIELDS) -> dict:
    """How many times better Frontline is on each figure (>1 is better), where both ran."""
    out = {}
    for key, _label, better, *_ in fields:
        a, b = frontline.get(key), (naive or {}).get(key)
        if not a or not b:
            continue
        out[key] = round(b / a if better == "low" else a / b, 2)
    return out


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}" if value < 1e4 else f"{value:,.0f}"
    return f"{value:,}"


def table(results: list[dict]) -> str:
    """A plain-text table: one row per figure, columns per size and app."""
    cols = []
    for r in results:
        cols.append((f"{r['size']} frontline", r["frontline"]))
        cols.append((f"{r['size']} naive", r.get("naive") or {}))
        cols.append((f"{r['size']} ×", r.get("ratios") or {}))
    width = max(18, *(len(c[0]) for c in cols))
    lines = ["figure".ljust(20) + "".join(c[0].rjust(width + 2) for c in cols)]
    for key, label, _ in FIELDS:
        cells = "".join(_fmt(c[1].get(key)).rjust(width + 2) for c in cols)
        lines.append(label.ljust(20) + cells)
    return "\n".join(lines)


def _cell(result: dict | None, key: str) -> str:
    """A browser figure, or why there is none: "n/a" (does not apply), "error", "–"."""
    result = result or {}
    if result.get(key) is not None:
        return _fmt(result[key])
    return "n/a" if key in result.get("na", {}) else "error" if result.get("errors") else "–"


def _load(result: dict | None) -> str:
    before, after = (result or {}).get("load_avg_before"), (result or {}).get("load_avg_after")
    return f"{before[0]:.1f}→{after[0]:.1f}" if before and after else "–"


def browser_table(entries: list[dict]) -> str:
    """The browser figures: one row per figure, the target, then per data (bundled, a
    generated size) Frontline, the naive app and the ratio; errors listed below."""
    cols = []
    for e in entries:
        cols.append((f"{e['data']} frontline", e.get("frontline"), False))
        cols.append((f"{e['data']} naive", e.get("naive"), False))
        cols.append((f"{e['data']} ×", e.get("ratios") or {}, True))
    width = max(16, *(len(c[0]) for c in cols))
    lines = ["browser figure".ljust(24) + "target".rjust(13)
             + "".join(c[0].rjust(width + 2) for c in cols)]  # fmt: skip
    for key, label, _better, target in BROWSER_FIELDS:
        cells = [_fmt(res.get(key)) if is_ratio else _cell(res, key) for _, res, is_ratio in cols]
        lines.append(
            label.ljust(24) + target.rjust(13) + "".join(c.rjust(width + 2) for c in cells)
        )
    # The machine is shared: its load says how far to trust a run's times.
    loads = [_load(res) if not is_ratio else "" for _, res, is_ratio in cols]
    lines.append("load avg before→after".ljust(37) + "".join(c.rjust(width + 2) for c in loads))
    for e in entries:
        for app in ("frontline", "naive"):
            for step, message in ((e.get(app) or {}).get("errors") or {}).items():
                lines.append(f"  {e['data']} {app} {step}: {message}")
            if e.get(f"{app}_skipped"):
                lines.append(f"  {e['data']} {app}: not measured ({e[f'{app}_skipped']})")
    return "\n".join(lines)
