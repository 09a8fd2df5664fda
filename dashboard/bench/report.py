"""The benchmark's table and JSON: Frontline beside the naive baseline, with ratios."""

from __future__ import annotations

__all__ = ["FIELDS", "ratios", "table"]

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


def ratios(frontline: dict, naive: dict | None) -> dict:
    """How many times better Frontline is on each figure (>1 is better), where both ran."""
    out = {}
    for key, _label, better in FIELDS:
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
