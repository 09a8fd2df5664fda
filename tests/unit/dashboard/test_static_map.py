"""The static picture of a view (PNG/SVG) and its key: hand-placed fixtures in EPSG:4326
and the real bundled data (front of 2024-11-01, October 2024's changes, UCDP events)."""

import io
import math
import re
import socket
import time
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image

from dashboard.figures.legend import CHANGE_HALO, key_items, rgba, words_needed
from dashboard.figures.palette import EVENT_TYPE_COLOURS, theme_colours
from dashboard.figures.static import MapView, render_map, scale_bar
from geo.paths import bundled_data_dir

# Wording as the caller passes it from dashboard/i18n.py (these tests' own copy).
WORDS = {
    "en": {
        "layer.russian_held": "Russian-held",
        "layer.unknown_status": "Grey zone",
        "layer.ua_held_in_russia": "Ukrainian-held in Russia (Kursk)",
        "layer.unknown_in_russia": "Grey zone in Russia",
        "layer.gained": "Gained by Russia in period",
        "layer.lost": "Lost by Russia in period",
        "key.front_line": "Front line",
        "key.selected": "Selected region",
        "type.Battles": "Battles",
        "type.Violence against civilians": "Violence against civilians",
        "type.other": "Other",
    },
    "de": {
        "layer.russian_held": "Russisch kontrolliert",
        "layer.unknown_status": "Graue Zone",
        "layer.ua_held_in_russia": "Ukrainisch kontrolliert in Russland (Kursk)",
        "layer.unknown_in_russia": "Graue Zone in Russland",
        "layer.gained": "Von Russland gewonnen (Zeitraum)",
        "layer.lost": "Von Russland verloren (Zeitraum)",
        "key.front_line": "Frontlinie",
        "key.selected": "Ausgewählte Region",
        "type.Battles": "Gefechte",
        "type.Violence against civilians": "Gewalt gegen Zivilisten",
        "type.other": "Sonstige",
    },
}
TITLE = "Front line on 1 November 2024"
SUBTITLE = "October 2024: gained 505 km², lost 3 km²"
ATTRIBUTION = "Front line: DeepStateMap · Boundaries: Natural Earth"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# -- a hand-placed fixture (EPSG:4326) ---------------------------------------------------

BBOX = (36.0, 47.0, 39.0, 49.0)


def fixture_layers():
    held = shapely.box(37.5, 47.0, 40.0, 49.0)
    return {
        "russian_held": held,
        "unknown_status": shapely.box(37.45, 47.5, 37.5, 48.5),
        "gained": shapely.box(37.5, 47.9, 37.7, 48.1),  # ~220 km² strip at the front
        "lost": shapely.box(37.5, 48.6, 37.55, 48.7),
        "admin1": shapely.LineString([(36.0, 48.0), (39.0, 48.2)]),
        "selected": shapely.box(36.5, 47.5, 38.5, 48.5),
    }


def fixture_events():
    return pd.DataFrame(
        {
            "lon": [37.2, 37.3, 37.8, 36.6],
            "lat": [48.0, 48.3, 47.6, 48.7],
            "event_type": ["Battles", "Battles", "Violence against civilians", "Looting"],
        }
    )


def fixture_basemap():
    land = shapely.box(20.0, 45.0, 45.0, 57.0)
    lake = shapely.box(36.2, 47.2, 36.6, 47.4)
    coast = shapely.LineString([(20.0, 45.0), (45.0, 45.0)])
    return gpd.GeoDataFrame(
        {
            "kind": ["land", "lake", "coastline"],
            "name": ["", "Test Lake", ""],
            "min_zoom": [0.0, 0.0, 0.0],
            "max_zoom": [24.0, 24.0, 24.0],
        },
        geometry=[land, lake, coast],
        crs=4326,
    )


def fixture_places():
    return pd.DataFrame(
        {
            "name": ["Pokrovsk", "Myrnohrad", "Selydove"],
            "alt_names_de": ["Krasnoarmejsk;Pokrowsk", "Myrnohrad", "Selydowe"],
            "lon": [37.177, 37.265, 37.302],
            "lat": [48.280, 48.310, 48.147],
            "population": [60127, 46098, 21521],
            "feature_code": ["PPLA2", "PPL", "PPL"],
        }
    )


def render(fmt="png", theme="light", lang="en", layers=None, **kwargs):
    layers = fixture_layers() if layers is None else layers
    events = fixture_events()
    args = dict(
        bbox=BBOX,
        lang=lang,
        theme=theme,
        title=TITLE,
        subtitle=SUBTITLE,
        attribution=ATTRIBUTION,
        basemap=fixture_basemap(),
        places=fixture_places(),
        fmt=fmt,
        width_px=900,
        height_px=600,
    )
    args.update(kwargs)
    if "key_items" not in args:
        args["key_items"] = key_items(layers, events["event_type"], WORDS[lang], theme=theme)
    return render_map(layers, events, **args)


def decode_png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def svg_texts(data: bytes) -> list[str]:
    """The texts of the SVG, with the lines of a wrapped key entry joined again."""
    root = ET.fromstring(data)
    lines = [" ".join("".join(e.itertext()).split()) for e in root.iter() if e.tag.endswith("text")]
    return [*lines, " ".join(lines)]


def near_colour(image: np.ndarray, colour: str, tolerance: int = 12) -> int:
    target = np.array([round(c * 255) for c in rgba(colour)[:3]])
    return int((np.abs(image.astype(int) - target).max(axis=-1) <= tolerance).sum())


def test_png_decodes_at_the_requested_size():
    image = decode_png(render(width_px=900, height_px=600))
    assert image.shape == (600, 900, 3)
    small = decode_png(render(width_px=400, height_px=520))
    assert small.shape == (520, 400, 3)


def test_svg_has_title_key_attribution_and_places_as_text():
    texts = svg_texts(render("svg"))
    for expected in (
        TITLE,
        SUBTITLE,
        ATTRIBUTION,
        "Russian-held",
        "Grey zone",
        "Gained by Russia in period",
        "Lost by Russia in period",
        "Front line",
        "Selected region",
        "Battles",
        "Violence against civilians",
        "Other",
        "Pokrovsk",
        "Myrnohrad",
    ):
        assert any(expected in t for t in texts), expected
    # Layers absent from the view get no entry.
    assert not any("Kursk" in t for t in texts)


def test_german_picture_has_german_key_and_place_names():
    texts = svg_texts(render("svg", lang="de"))
    assert any("Russisch kontrolliert" in t for t in texts)
    assert any("Pokrowsk" in t for t in texts) and not any("Krasnoarmejsk" in t for t in texts)


def test_the_same_inputs_give_the_same_bytes():
    assert render("svg") == render("svg")
    assert render("png") == render("png")


def test_dark_theme_differs_from_light():
    light, dark = decode_png(render(theme="light")), decode_png(render(theme="dark"))
    assert light.shape == dark.shape and (light != dark).any()
    # The page around the map takes the theme's paper colour.
    for image, theme in ((light, "light"), (dark, "dark")):
        paper = np.array([round(c * 255) for c in rgba(theme_colours(theme)["paper"])[:3]])
        assert (np.abs(image[3, 3].astype(int) - paper) <= 2).all(), theme


def test_changes_get_a_halo_in_a_colour_no_event_type_uses():
    assert rgba(CHANGE_HALO) not in {rgba(c) for c in EVENT_TYPE_COLOURS.values()}
    with_changes = decode_png(render())
    layers = fixture_layers()
    del layers["gained"], layers["lost"]
    without = decode_png(render(layers=layers))
    assert near_colour(with_changes, CHANGE_HALO) > 200
    assert near_colour(without, CHANGE_HALO) == 0


def test_event_colours_are_drawn():
    image = decode_png(render())
    assert near_colour(image, EVENT_TYPE_COLOURS["Battles"], 10) > 10
    assert near_colour(image, EVENT_TYPE_COLOURS["Violence against civilians"], 10) > 10


# -- scale bar -----------------------------------------------------------------------------


def parallel_km(lat: float, dlon: float) -> float:
    """Length of ``dlon`` degrees along the parallel ``lat`` on the WGS84 ellipsoid."""
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi = math.radians(lat)
    n = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    return n * math.cos(phi) * math.radians(dlon) / 1000


@pytest.mark.parametrize(
    "bbox", [(22.0, 44.0, 40.5, 52.5), (36.6, 47.85, 37.9, 48.6), (30.0, 54.0, 30.2, 54.1)]
)
def test_scale_bar_is_a_round_length_measured_on_the_ellipsoid(bbox):
    view = MapView(bbox, 870, 650)
    km, px = scale_bar(view)
    mantissa = km / 10 ** math.floor(math.log10(km))
    assert round(mantissa, 9) in (1, 2, 5)
    assert 0 < px <= view.width_px / 5
    west, _, east, _ = view.bbox
    km_per_px = parallel_km(view.centre_lat, east - west) / view.width_px
    assert km / px == pytest.approx(km_per_px, rel=1e-4)


def test_kilometres_per_pixel_shrink_with_latitude():
    # Boxes as wide as the picture allows: the same Mercator metres per pixel, so the
    # ground per pixel goes with the parallel's length (about cos(latitude)).
    south = MapView((30.0, 44.0, 31.0, 44.1), 800, 600)
    north = MapView((30.0, 55.0, 31.0, 55.1), 800, 600)
    assert north.metres_per_px == pytest.approx(south.metres_per_px)
    km_per_px = {v: scale_bar(v)[0] / scale_bar(v)[1] for v in (south, north)}
    expected = parallel_km(north.centre_lat, 1) / parallel_km(south.centre_lat, 1)
    assert km_per_px[north] / km_per_px[south] == pytest.approx(expected, rel=1e-4)
    assert expected < 0.8


def test_map_view_keeps_the_box_and_matches_the_picture_shape():
    view = MapView((36.0, 47.0, 39.0, 49.0), 900, 300)
    west, south, east, north = view.bbox
    assert west <= 36.0 and east >= 39.0 and south <= 47.0 + 1e-9 and north >= 49.0 - 1e-9
    x0, y0, x1, y1 = view.extent
    assert (x1 - x0) / (y1 - y0) == pytest.approx(3.0)


# -- the key ---------------------------------------------------------------------------------


def test_key_items_in_order_with_palette_colours():
    layers = fixture_layers()
    items = key_items(layers, ["Looting", "Battles", "Battles", None], WORDS["en"])
    assert [i.key for i in items] == [
        "russian_held",
        "unknown_status",
        "gained",
        "lost",
        "front_line",
        "selected",
        "type.Battles",
        "type.other",
    ]
    battles = next(i for i in items if i.key == "type.Battles")
    assert battles.face == rgba(EVENT_TYPE_COLOURS["Battles"]) and battles.label == "Battles"
    gained = next(i for i in items if i.key == "gained")
    assert gained.kind == "change" and gained.halo == rgba(CHANGE_HALO)


def test_key_items_leave_out_empty_layers_and_layers_outside_the_view():
    layers = {
        "russian_held": shapely.box(37, 47, 38, 48),
        "gained": shapely.Polygon(),
        "lost": None,
        "ua_held_in_russia": shapely.box(34.9, 51.1, 35.5, 51.5),
    }
    keys = [i.key for i in key_items(layers, [], WORDS["en"], bbox=(36, 46.5, 39, 49))]
    assert keys == ["russian_held", "front_line"]
    keys = [i.key for i in key_items(layers, [], WORDS["en"])]
    assert "ua_held_in_russia" in keys


def test_key_items_name_missing_words():
    with pytest.raises(ValueError, match=re.escape("layer.gained")):
        key_items({"gained": shapely.box(0, 0, 1, 1)}, [], {"layer.russian_held": "x"})
    assert words_needed(["gained", "russian_held"], ["Battles", "Unheard of"]) == [
        "layer.russian_held",
        "layer.gained",
        "key.front_line",
        "type.Battles",
        "type.other",
    ]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"fmt": "gif"}, "fmt"),
        ({"width_px": 0}, "width_px"),
        ({"width_px": 100}, "size"),
        ({"bbox": (39, 47, 36, 49)}, "bbox"),
        ({"theme": "sepia", "key_items": ()}, "theme"),
        ({"lang": "fr", "key_items": ()}, "lang"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        render(**kwargs)


def test_unknown_layer_is_named():
    with pytest.raises(ValueError, match="occupied"):
        render_map(
            {"occupied": shapely.box(0, 0, 1, 1)},
            None,
            bbox=BBOX,
            lang="en",
            theme="light",
            title="t",
        )


# -- the real data -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    from geo.regions import Regions
    from geo.territory import Territory

    data = bundled_data_dir()
    regions = Regions.from_data_dir(data)
    territory = Territory.from_data_dir(data, regions)
    layers = {
        name: territory.snapshot("2024-11-01", name).geometry
        for name in ("russian_held", "unknown_status", "ua_held_in_russia", "unknown_in_russia")
    }
    change = territory.changes("2024-10-01", "2024-11-01")
    layers["gained"], layers["lost"] = change.gained, change.lost
    admin1 = regions.admin1
    layers["admin1"] = shapely.union_all(shapely.boundary(admin1.geometry.values))
    events = gpd.read_parquet(data / "events_ucdp.parquet")
    events = pd.DataFrame(
        {
            "lon": events.geometry.x,
            "lat": events.geometry.y,
            "event_type": events["event_type"].astype(str),
        }
    )
    return {
        "layers": layers,
        "events": events,
        "change": change,
        "basemap": gpd.read_parquet(data / "basemap.parquet"),
        "places": pd.read_parquet(data / "places.parquet"),
    }


def render_real(real, bbox, fmt="png", lang="en", theme="light", **kwargs):
    change = real["change"]
    return render_map(
        real["layers"],
        real["events"],
        bbox=bbox,
        lang=lang,
        theme=theme,
        title=TITLE,
        subtitle=f"October 2024: gained {change.gained_km2:,.0f} km²",
        key_items=key_items(
            real["layers"], real["events"]["event_type"], WORDS[lang], theme=theme, bbox=bbox
        ),
        attribution=ATTRIBUTION,
        basemap=real["basemap"],
        places=real["places"],
        fmt=fmt,
        **kwargs,
    )


UKRAINE = (22.0, 44.0, 40.5, 52.5)
POKROVSK = (36.6, 47.85, 37.9, 48.6)


@pytest.mark.parametrize("bbox", [UKRAINE, POKROVSK])
def test_real_views_render_in_time(real, bbox):
    render_real(real, bbox)  # first use imports matplotlib
    start = time.perf_counter()
    png = render_real(real, bbox)
    elapsed = time.perf_counter() - start
    assert decode_png(png).shape == (800, 1200, 3)
    # Target 1.5 s on this 2-core machine (measured 0.3-0.9 s); generous for shared CI.
    assert elapsed < 4.0, elapsed
    assert near_colour(decode_png(png), CHANGE_HALO) > 50


def test_real_svg_has_key_and_place_names(real):
    svg = render_real(real, POKROVSK, fmt="svg", lang="de", theme="dark")
    texts = svg_texts(svg)
    for expected in (
        "Russisch kontrolliert",
        "Von Russland gewonnen (Zeitraum)",
        "Gefechte",
        "Frontlinie",
        "Pokrowsk",
        "Kurachowe",
        ATTRIBUTION,
        TITLE,
    ):
        assert any(expected in t for t in texts), expected
    assert svg == render_real(real, POKROVSK, fmt="svg", lang="de", theme="dark")
