"""Figure builders: map traces and layers, display geometry, timeline; no browser."""

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import shapely
from shapely import box

from dashboard import figures
from dashboard.callbacks.map import basemap_of
from dashboard.figures import LAYER_ORDER, display_geojson, layer_index, layer_sources
from dashboard.figures.basemap import BaseGeometry, label_sources
from dashboard.figures.geometry import vertex_count

EVENT_COLUMNS = ["event_id", "date", "event_type", "location", "geo_precision", "fatalities"]


# The builders return plain dicts; loading them into go.Figure validates every property
# against Plotly's schema (an unknown or misspelt one raises) and gives attribute access.
def build_map(**kwargs) -> go.Figure:
    return go.Figure(figures.build_map(**kwargs))


def build_timeline(**kwargs) -> go.Figure:
    return go.Figure(figures.build_timeline(**kwargs))


def event_traces(*args):
    return go.Figure(data=figures.event_traces(*args)).data


def tr(key: str) -> str:
    """A stand-in translation that makes untranslated strings visible."""
    return f"<{key}>"


def make_events(rows) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(rows, columns=[*EVENT_COLUMNS, "lon", "lat"])
    frame["admin1"] = "UA-14"
    points = gpd.points_from_xy(frame.pop("lon"), frame.pop("lat"))
    return gpd.GeoDataFrame(frame, geometry=points, crs=4326)


@pytest.fixture
def three_events():
    """Two exact events of different types and one region-level event."""
    return make_events(
        [
            ("t:1", dt.date(2024, 10, 1), "Battles", "Pokrovsk", 1, 1234, 37.18, 48.28),
            ("t:2", dt.date(2024, 10, 2), "Protests", "Kyiv", 2, None, 30.52, 50.45),
            ("t:3", dt.date(2024, 10, 3), "Battles", "Donetsk Oblast", 3, 3, 37.8, 48.0),
        ]
    )


@pytest.fixture
def tiny_inputs(three_events):
    admin1 = gpd.GeoDataFrame(
        {"iso_3166_2": ["UA-14"], "name_en": ["Donetsk Oblast"], "name_de": ["Oblast Donezk"]},
        geometry=[box(36.5, 47, 39, 49.3)],
        crs=4326,
    )
    base = BaseGeometry(
        countries=box(22, 44, 40, 52.5),
        country_lines=None,
        admin1=box(36.5, 47, 39, 49.3).boundary,
    )
    return {
        "events": three_events,
        "territory": {"russian_held": box(37, 47, 39, 48.5)},
        "gained": box(37, 48.4, 37.2, 48.5),
        "lost": shapely.Polygon(),
        "admin1": admin1,
        "base": base,
        "labels": None,
    }


def event_data(fig):
    # Non-empty event traces: the map keeps one slot per kind, empty when it has none.
    return [d for d in fig.data if (d.meta or {}).get("role") == "events" and len(d.lon)]


def test_one_trace_per_type_with_translated_names(tiny_inputs):
    fig = build_map(**tiny_inputs, t=tr)
    names = [d.name for d in event_data(fig)]
    assert names == ["<type.Battles>", "<type.Protests>", "<events.region_level>"]
    battles = event_data(fig)[0]
    assert [c[0] for c in battles.customdata] == ["t:1"]  # the id a click opens


def test_region_level_events_are_not_exact_points(tiny_inputs):
    traces = event_traces(tiny_inputs["events"], "en", tr)
    points = [d for d in traces if d.meta["kind"] != "region_level"]
    region = [d for d in traces if d.meta["kind"] == "region_level"]
    assert sum(len(d.lon) for d in points) == 2  # the exact events only
    assert len(region) == 1 and list(region[0].customdata[0]) == ["t:3", 1]
    assert region[0].marker.size > points[0].marker.size


def test_german_hover_uses_german_numbers_and_dates(tiny_inputs):
    fig = build_map(**tiny_inputs, lang="de", t=tr)
    battles = event_data(fig)[0]
    values = list(battles.customdata[0])
    assert "1.234" in values and "1. Oktober 2024" in values
    assert "%{customdata[1]}" in battles.hovertemplate and "<hover.date>" in battles.hovertemplate


def test_bins_count_every_point_once():
    # Generated: 30,000 random points inside a box, for the binning path only.
    n = 30_000
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(33, 38, n), rng.uniform(46, 50, n)
    trace = go.Figure(data=[figures.bins_trace(lon, lat, 0.5, "de", tr)]).data[0]
    assert trace.meta["kind"] == "bins" and trace.name == "<events.bins>"
    assert int(np.sum(trace.marker.color)) == n
    assert int(np.sum(trace.customdata[:, 0])) == n
    # Each cell's box is 0.5 degrees and its centre is inside it.
    west, east = trace.customdata[:, 1], trace.customdata[:, 3]
    assert np.allclose(east - west, 0.5)
    assert all("." in h or int(h.split(": ")[1]) < 1000 for h in trace.hovertext)  # German


def test_markers_are_never_binned_by_the_builder():
    # How many markers a map draws is the view's choice (MAX_DRAWN), made in one place.
    events = make_events(
        [(f"g:{i}", dt.date(2024, 1, 1), "Battles", "x", 1, 0, 30 + i / 1e4, 50) for i in
         range(25_000)]
    )  # fmt: skip
    traces = event_traces(events, "en", tr)
    assert [d.meta["kind"] for d in traces] == ["Battles"] and len(traces[0].lon) == 25_000


def test_offline_map_has_no_url_and_fixed_layer_order(tiny_inputs):
    fig = build_map(**tiny_inputs, t=tr)
    text = json.dumps(fig.to_plotly_json(), default=str)
    assert "http" not in text
    assert "glyphs" not in fig.layout.map.style and "sprite" not in fig.layout.map.style
    assert [layer.name for layer in fig.layout.map.layers] == list(LAYER_ORDER)
    held = fig.layout.map.layers[layer_index("russian_held.fill")]
    assert held.source["features"], "territory drawn"
    assert fig.layout.uirevision and fig.layout.map.uirevision


def test_online_basemap_is_a_style_name(tiny_inputs):
    fig = build_map(**tiny_inputs, basemap="carto-positron", theme="dark")
    assert fig.layout.map.style == "carto-positron"
    assert [layer.name for layer in fig.layout.map.layers] == list(LAYER_ORDER)


def test_selected_region_gets_outline(tiny_inputs):
    fig = build_map(**tiny_inputs, selected=box(36.5, 47, 39, 49.3))
    selected = fig.layout.map.layers[layer_index("selected.line")]
    assert selected.source["features"] and selected.line.width > 2


def test_alert_hours_shading(tiny_inputs):
    alerts = pd.DataFrame({"admin1": ["UA-14"], "hours": [1234.5]})
    fig = build_map(**tiny_inputs, alert_hours=alerts, lang="de", t=tr)
    choro = next(d for d in fig.data if d.type == "choroplethmap")
    assert choro.colorbar.title.text == "<alerts.hours>"
    assert "1.234,5" in choro.hovertext[0]


def test_layer_sources_patch_the_right_layers(tiny_inputs):
    sources = layer_sources(tiny_inputs["territory"], tiny_inputs["gained"], None)
    assert layer_index("russian_held.fill") in sources
    assert sources[layer_index("lost.fill")]["features"] == []


def test_display_geojson_simplifies_real_snapshot(data):
    geom = data.territory.snapshot("2024-10-01").geometry
    shown = display_geojson(geom, zoom=5)
    assert vertex_count(shown) < shapely.get_num_coordinates(geom) / 3
    assert display_geojson(geom, zoom=5) is shown  # cached
    coords = shapely.get_coordinates(shapely.from_geojson(json.dumps(shown)))
    assert np.allclose(coords, np.round(coords, 5))


def test_display_geojson_empty():
    assert display_geojson(shapely.Polygon()) == {"type": "FeatureCollection", "features": []}
    assert display_geojson(None)["features"] == []


def test_real_map_builds(data):
    terr = {k: data.territory.snapshot("2024-10-01", k).geometry for k in ("russian_held",)}
    change = data.territory.changes("2024-09-01", "2024-10-01")
    regions = data.regions
    fig = build_map(
        events=make_events([]),
        territory=terr,
        gained=change.gained,
        lost=change.lost,
        admin1=regions.admin1,
        base=basemap_of(data),
        labels=label_sources(None, 5),
        change_label={"lon": 37.5, "lat": 48.2, "text": "+398.7 km²"},
    )
    assert "http" not in json.dumps(fig.to_plotly_json(), default=str)


def test_timeline_rows_and_german_hover(data):
    counts = pd.DataFrame(
        {
            "period_start": [dt.date(2024, 8, 1), dt.date(2024, 9, 1)],
            "event_type": ["Battles", "Riots"],
            "count": [1234, 5],
        }
    )
    changes = [c.as_record() for c in data.territory.series("2024-08-01", "2024-10-01")]
    alerts = pd.DataFrame({"period_start": [dt.date(2024, 8, 1)], "hours": [1234.5]})
    fig = build_timeline(
        counts=counts, changes=changes, alert_series=alerts, lang="de", by="month", t=tr
    )
    names = [d.name for d in fig.data]
    assert names == [
        "<type.Battles>", "<type.Riots>", "<layer.gained>", "<layer.lost>",
        "<timeline.net>", "<alerts.hours>",
    ]  # fmt: skip
    assert {d.yaxis for d in fig.data[:2]} == {"y"} and fig.data[2].yaxis == "y3"
    assert fig.layout.yaxis3.title.text == "<timeline.km2>"
    assert "1.234" in fig.data[0].hovertext[0]
    assert "363,5 km²" in fig.data[4].hovertext[0]  # August 2024, as DeepState reported
    assert "1.234,5" in fig.data[5].hovertext[0]
    assert fig.layout.xaxis.ticktext and "Aug." in fig.layout.xaxis.ticktext[0]
    assert fig.layout.yaxis.fixedrange and not fig.layout.xaxis.fixedrange


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_map_text_takes_the_theme_colour(tiny_inputs, theme):
    # A symbol layer's "color" paints its icon only: text left at MapLibre's black was
    # unreadable on the dark theme's held ground.
    label = {"lon": 37.1, "lat": 48.45, "text": "+398.7 km²"}
    fig = build_map(**tiny_inputs, change_label=label, theme=theme)
    expected = figures.palette.theme_colours(theme)["text"]
    for name in ("change.label", "places.0"):
        layer = fig.layout.map.layers[layer_index(name)]
        assert layer.symbol.textfont.color == expected, name


def test_label_tiers_are_sent_for_the_zoom_level_the_map_is_nearest(data):
    from geo.labels import label_tiers

    tiers = label_tiers(data.places, "en")
    counts = {z: [len(s["features"]) for s in label_sources(tiers, z)] for z in (5.0, 5.4, 5.6)}
    # At zoom 5 the towns shown from zoom 6 are not sent: they cannot show yet, and the
    # map asks for them when the reader zooms in (the level is part of the labels' key).
    assert counts[5.0][2] == 0 and counts[5.0][:2] == counts[5.4][:2]
    assert counts[5.0][0] > 0 and counts[5.0][1] > 0
    assert counts[5.6][2] > 0 and counts[5.6][3:] == [0] * (len(counts[5.6]) - 3)
    every = sum(len(s["features"]) for s in label_sources(tiers, 12.0))
    assert every == len(tiers)  # nearest in, every place of every tier
