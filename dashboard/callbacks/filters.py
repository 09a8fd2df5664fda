"""Filter-side display: the page's theme class follows the view state without a reload."""

from __future__ import annotations

from dash import Input, Output, State

from dashboard import ids

__all__ = ["register", "with_theme"]


def with_theme(class_name: str | None, theme: str) -> str:
    """``class_name`` with its ``theme-*`` class swapped for ``theme``; the page's other
    classes (``mode-embed``, ``show-map``, ...) stay."""
    kept = [c for c in (class_name or "app").split() if not c.startswith("theme-")]
    return " ".join([*kept, f"theme-{theme}"])


def register(app, rt) -> None:
    """Attach the theme callback."""

    @app.callback(
        Output(ids.ROOT, "className"),
        Input(ids.UI, "data"),
        State(ids.ROOT, "className"),
    )
    def theme(ui, current):
        return with_theme(current, (ui or {}).get("theme", "light"))
