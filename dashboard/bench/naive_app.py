"""The NAIVE baseline of the benchmark: how a plain Dash app usually does it.

It loads the same GENERATED dataset, filters with the same controls (same component ids as
the explorer, so the benchmark sends both apps the same changes), and on every change puts
every filtered point into ``px.scatter_map`` and rebuilds the whole figure. No binning, no
caching, no compression, no partial updates. Run: ``python -m dashboard.bench.naive_app
--port 8060`` with ``FRONTLINE_DATA_DIR`` set to the benchmark's temp folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

import geopandas as gpd
import plotly.express as px
from dash import Dash, Input, Output, dcc, html

from geo.query import Query

__all__ = ["create_naive_app"]


def create_naive_app(data_dir: Path) -> Dash:
    """A Dash app over ``<data_dir>/datasets/generated.parquet``."""
    events = gpd.read_parquet(Path(data_dir) / "datasets" / "generated.parquet")
    events["lon"], events["lat"] = events.geometry.x, events.geometry.y
    app = Dash(__name__)
    app.layout = html.Div(
        [
            dcc.Input(id="date-from", value="2024-10-01"),
            dcc.Input(id="date-to", value="2024-11-01"),
            dcc.Dropdown(id="types", multi=True, value=[]),
            dcc.Dropdown(id="regions", multi=True, value=[]),
            dcc.Dropdown(id="exact-only", value="all"),
            dcc.Input(id="text-search", value=""),
            dcc.Graph(id="map"),
        ]
    )

    @app.callback(
        Output("map", "figure"),
        Input("date-from", "value"),
        Input("date-to", "value"),
        Input("types", "value"),
        Input("regions", "value"),
        Input("exact-only", "value"),
        Input("text-search", "value"),
    )
    def update(date_from, date_to, types, regions, precision, text):
        query = Query(
            date_from=dt.date.fromisoformat(date_from),
            date_to=dt.date.fromisoformat(date_to),
            types=tuple(types or ()),
            regions=tuple(regions or ()),
            precision=None if precision in (None, "all") else int(precision),
            text=text or "",
        )
        shown = events[query.mask(events)]
        fig = px.scatter_map(
            shown,
            lat="lat",
            lon="lon",
            color="event_type",
            hover_data=["event_id", "location", "fatalities"],
            zoom=5,
        )
        return fig

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_naive_app(Path(os.environ["FRONTLINE_DATA_DIR"]))
    app.run(host="127.0.0.1", port=args.port, debug=False)


if __name__ == "__main__":
    main()
