"""``create_app(settings) -> Dash``: the Frontline web app. No data is loaded at import."""

from __future__ import annotations

from dash import Dash, html

from dashboard.settings import Settings
from geo.store import FileStore


def create_app(settings: Settings | None = None, store=None) -> Dash:
    """Build the Dash app for ``settings`` over ``store`` (default: the bundled files)."""
    settings = settings or Settings()
    store = store or FileStore(user_dir=settings.data_dir)
    app = Dash(__name__, title="Frontline", update_title=None)
    first, last = store.territory.coverage()
    events = store.events()
    app.layout = html.Main(
        [
            html.H1("Frontline"),
            html.P(
                f"{len(events):,} events; front-line snapshots from {first} to {last}. "
                "The explorer is on its way."
            ),
            html.P("Front-line data: DeepStateMap (deepstatemap.live). Events: UCDP GED 25.1."),
        ]
    )

    @app.server.get("/healthz")
    def healthz():
        return {"ok": True}

    return app
