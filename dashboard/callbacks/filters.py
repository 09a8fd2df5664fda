"""Filter-side display: the page's theme class follows the view state without a reload."""

from __future__ import annotations

from dash import Input, Output

from dashboard import ids
from dashboard.state import ViewState

__all__ = ["register"]


def register(app, store, settings) -> None:
    """Attach the theme callback."""

    @app.callback(Output(ids.ROOT, "className"), Input(ids.STATE, "data"))
    def theme(data):
        return f"app theme-{ViewState.from_dict(data).theme}"
