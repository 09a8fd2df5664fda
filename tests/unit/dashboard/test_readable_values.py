"""Every value a reader sees in a hover, the events table and the event details is words
and numbers in their language: no precision codes, no ISO region codes, no blank places.
Data text stays text (escaped in hovers, plain strings in the details)."""

from __future__ import annotations

import datetime as dt
import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from dashboard.callbacks.details import details_panel, web_link
from dashboard.callbacks.table import page_positions, region_names, table_rows, table_update
from dashboard.figures import event_traces
from dashboard.figures.events import tidy_text
from dashboard.i18n import t
from dashboard.state import ViewState
from geo.query import Query

# An ISO 3166-2 code as it would leak into a hover or a cell ("UA-14", "RU-KRS").
CODE = re.compile(r"\b(UA|RU)-[0-9A-Z]{2,3}\b")
MARKUP = "<b>Pokrovsk</b> & co"
COLUMNS = ["event_id", "date", "event_type", "location", "admin1", "country", "geo_precision",
           "fatalities", "lon", "lat"]  # fmt: skip


def events(rows) -> gpd.GeoDataFrame:
    """Hand-placed events (EPSG:4326) with the columns the map's markers read."""
    frame = pd.DataFrame(rows, columns=COLUMNS)
    points = gpd.points_from_xy(frame.pop("lon"), frame.pop("lat"))
    frame["geo_precision"] = frame["geo_precision"].astype("int8")
    return gpd.GeoDataFrame(frame, geometry=points, crs=4326)


@pytest.fixture
def four():
    """Pokrovsk (exact, markup in its name), a near event without a place, and two
    region-level events at one spot: one in Donetsk oblast, one known only by country."""
    return events(
        [
            ("t:1", dt.date(2024, 10, 1), "Battles", MARKUP, "UA-14", "UKR", 1, 1234, 37.18,
             48.28),
            ("t:2", dt.date(2024, 10, 2), "Battles", None, "UA-14", "UKR", 2, None, 37.5, 48.5),
            ("t:3", dt.date(2024, 10, 3), "Battles", "", "UA-14", "UKR", 3, 3, 37.8, 48.0),
            ("t:4", dt.date(2024, 10, 9), "Battles", None, None, "UKR", 3, 1, 37.8, 48.0),
        ]
    )  # fmt: skip


def tr(lang: str):
    return lambda key: t(key, lang)


@pytest.fixture(scope="module")
def names_en(data):
    return region_names(data.regions, "en")


@pytest.fixture(scope="module")
def names_de(data):
    return region_names(data.regions, "de")


def test_region_names_cover_regions_and_countries_in_both_languages(names_en, names_de, data):
    assert names_en["UA-14"] == "Donetsk Oblast" and names_de["UA-14"] == "Oblast Donezk"
    assert names_en["RU-KRS"] == "Kursk Oblast" and names_de["RU-KRS"] == "Oblast Kursk"
    assert names_en["UKR"] == "Ukraine" and names_de["RUS"] == "Russland"
    assert set(data.regions.codes) <= set(names_de)
    # Where the table has no German name (Mykolaiv has no Russian one), never a blank.
    assert all(isinstance(v, str) and v.strip() for v in names_de.values())


@pytest.mark.parametrize(
    ("lang", "place", "precision", "date", "number"),
    [
        ("en", "Donetsk Oblast", ("exact place", "near a place"), "1 October 2024", "1,234"),
        ("de", "Oblast Donezk", ("genauer Ort", "nahe einem Ort"), "1. Oktober 2024", "1.234"),
    ],
)
def test_point_hovers_read_as_words(four, names_en, names_de, lang, place, precision, date,
                                    number):  # fmt: skip
    names = names_de if lang == "de" else names_en
    traces = event_traces(four, lang, tr(lang), region_names=names)
    points = next(d for d in traces if d["meta"]["kind"] == "Battles")
    rows = {c[0]: c for c in points["customdata"]}  # the id stays first: clicks read it
    assert set(rows) == {"t:1", "t:2"} and all(len(c) == 5 for c in rows.values())
    assert rows["t:1"][1] == date and rows["t:1"][3] == number
    assert rows["t:1"][2] == "&lt;b&gt;Pokrovsk&lt;/b&gt; &amp; co"  # escaped, never markup
    assert rows["t:2"][2] == place  # no place given: its region, by name
    assert rows["t:2"][3] == "–"  # fatalities unknown
    assert (rows["t:1"][4], rows["t:2"][4]) == precision
    template = points["hovertemplate"]
    assert t("hover.precision", lang) in template and "%{customdata[4]}" in template
    assert not CODE.search(json.dumps(points["customdata"]))


@pytest.mark.parametrize(
    ("lang", "region", "days", "country"),
    [
        ("en", "Donetsk Oblast", "3–9 October 2024", "Ukraine"),
        ("de", "Oblast Donezk", "3.–9. Oktober 2024", "Ukraine"),
    ],
)
def test_region_level_hover_names_the_region_and_days(four, names_en, names_de, lang, region,
                                                       days, country):  # fmt: skip
    names = names_de if lang == "de" else names_en
    traces = event_traces(four, lang, tr(lang), region_names=names)
    circle = next(d for d in traces if d["meta"]["kind"] == "region_level")
    assert circle["customdata"] == [["t:3,t:4", 2]]  # structure unchanged
    (hover,) = circle["hovertext"]
    assert f"{t('hover.location', lang)}: {region}<br>" in hover
    assert f"{t('hover.date', lang)}: {days}<br>" in hover
    assert not CODE.search(hover)
    # An event known only by its country is named by the country.
    alone = event_traces(four.iloc[[3]], lang, tr(lang), region_names=names)
    assert f": {country}<br>" in alone[0]["hovertext"][0]
    assert f": {t('geo_precision.3', lang)}" not in hover  # the trace's name says it already


def test_without_names_no_code_is_shown(four):
    # The default (no mapping): a place as given, else "–"; never "UA-14".
    traces = event_traces(four, "en", tr("en"))
    text = json.dumps([(d.get("customdata"), d.get("hovertext")) for d in traces])
    assert not CODE.search(text)
    points = next(d for d in traces if d["meta"]["kind"] == "Battles")
    assert {c[0]: c[2] for c in points["customdata"]}["t:2"] == "–"


def test_region_name_with_markup_is_escaped_in_hovers(four):
    names = {"UA-14": "<i>Donetsk</i>"}
    traces = event_traces(four, "en", tr("en"), region_names=names)
    text = json.dumps([(d.get("customdata"), d.get("hovertext")) for d in traces])
    assert "&lt;i&gt;Donetsk&lt;/i&gt;" in text and "<i>" not in text


def test_real_view_hovers_carry_no_codes_and_no_blank_places(data, names_de):
    cols = ("event_id", "date", "event_type", "location", "admin1", "country", "geo_precision",
            "fatalities", "lon", "lat")  # fmt: skip
    rows = data.rows(data.positions(), cols)
    traces = event_traces(rows, "de", tr("de"), region_names=names_de)
    points = [d for d in traces if d["meta"]["kind"] != "region_level"]
    custom = [c for d in points for c in d["customdata"]]
    assert len(custom) == (rows["geo_precision"] < 3).sum()
    assert {c[4] for c in custom} == {"genauer Ort", "nahe einem Ort"}
    assert all(c[2] and c[2] != "–" for c in custom)  # every bundled event has a place
    assert not any("\t" in c[2] or "\n" in c[2] for c in custom)
    circles = next(d for d in traces if d["meta"]["kind"] == "region_level")
    assert not CODE.search(json.dumps(circles["hovertext"]))
    # Bundled region-level events with neither place nor region name their country.
    assert not any(": –<br>" in h for h in circles["hovertext"])


def test_tidy_text_joins_tab_separated_parts():
    value = "Donetsk Oblast\tPokrovsk District\t\t\tPokrovs'k\n"
    assert tidy_text(value) == "Donetsk Oblast, Pokrovsk District, Pokrovs'k"
    assert tidy_text("  ") is None and tidy_text(pd.NA) is None and tidy_text(None) is None


@pytest.mark.parametrize(
    ("lang", "region", "precision", "country", "kind"),
    [
        ("en", "Donetsk Oblast", ["exact place", "near a place", "region only", "region only"],
         "Ukraine", "Battles"),
        ("de", "Oblast Donezk", ["genauer Ort", "nahe einem Ort", "nur Region", "nur Region"],
         "Ukraine", "Gefechte"),
    ],
)  # fmt: skip
def test_table_cells_read_as_words(four, names_en, names_de, lang, region, precision, country,
                                   kind):  # fmt: skip
    rows = table_rows(
        four.assign(dataset="ucdp", actor1="A", actor2=None),
        lang,
        region_names=names_de if lang == "de" else names_en,
    )
    assert [r["id"] for r in rows] == ["t:1", "t:2", "t:3", "t:4"]
    assert [r["admin1"] for r in rows] == [region, region, region, country]
    assert [r["location"] for r in rows] == [MARKUP, region, region, country]  # plain text
    assert [r["geo_precision"] for r in rows] == precision
    assert [r["fatalities"] for r in rows] == [1234, None, 3, 1]
    assert all(type(r["fatalities"]) in (int, type(None)) for r in rows)
    assert {r["event_type"] for r in rows} == {kind}
    assert rows[0]["date"] == "2024-10-01"


def test_table_update_shows_names_and_sorts_by_the_stored_values(scope, data):
    state = ViewState.from_params({"from": "2024-01-01", "to": "2025-01-01", "lang": "de"})
    n = len(data.events(state.query()))
    for column in ("admin1", "geo_precision", "location"):
        for direction in ("asc", "desc"):
            sort = [{"column_id": column, "direction": direction}]
            shown, pages, _, note = table_update(scope, state, 0, sort, n, True)
            pos, _ = page_positions(scope, state, sort, 0, n)
            stored = data.rows(pos, (column, "event_id"))
            assert [r["id"] for r in shown] == stored["event_id"].astype(str).tolist()
            keys = stored[column].astype(str).where(stored[column].notna(), "")
            if column == "geo_precision":
                keys = stored[column].astype(int)
            listed = keys.tolist()
            if column != "location":  # text sorts by its stored codes, not worth repeating
                assert listed == sorted(listed, reverse=direction == "desc")
            assert pages == 1 and note.endswith("Ereignisse")
    assert not any(CODE.search(r["admin1"]) for r in shown)
    assert all(r["location"] and r["location"] != "–" for r in shown)
    assert {r["geo_precision"] for r in shown} == {"genauer Ort", "nahe einem Ort", "nur Region"}
    assert "Ukraine" in {r["admin1"] for r in shown}  # events known only by country


def test_table_without_names_shows_no_code(four):
    rows = table_rows(four.assign(dataset="x", actor1=None, actor2=None), "en")
    assert [r["admin1"] for r in rows] == ["–"] * 4
    assert rows[1]["location"] == "–"


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/a?b=1&c=2", True),
        ("http://example.org", True),
        (" HTTPS://example.org/x ", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("//example.org/x", False),
        ("http:/no-host", False),
        ("https://example.org/a b", False),
        ("", False),
        (None, False),
    ],
)
def test_web_link_only_for_http_urls(url, linked):
    link = web_link(url)
    assert (link is not None) == linked
    if linked:
        assert link.href == url.strip() and link.children == url.strip()
        assert link.target == "_blank" and link.rel == "noopener noreferrer"


CSV = """id,date,latitude,longitude,event_type,sub_event_type,location,notes,source,url,\
geo_precision
l1,2024-10-15,48.28,37.18,Battles,Armed clash,Pokrovsk,plain,Example News,https://example.org/a?b=1&c=2,1
l2,2024-10-16,48.0,37.8,Battles,,,"<img src=x onerror=alert(1)>",Bad,javascript:alert(1),3
"""


@pytest.fixture(scope="module")
def link_scope(tmp_path_factory, data):
    """The bundled data plus a user dataset "links" with a web and a javascript: URL."""
    from dashboard.cache import MemoryCache
    from dashboard.scope import Scope
    from geo.ingest import read_events
    from geo.paths import bundled_data_dir
    from geo.stores import FileStore

    csv = tmp_path_factory.mktemp("src") / "links.csv"
    csv.write_text(CSV, encoding="utf-8")
    result = read_events(csv, name="links", regions=data.regions)
    assert len(result.events) == 2, result.rejects
    store = FileStore(bundled_data_dir(), tmp_path_factory.mktemp("user"))
    store.save_dataset("links", result.events)
    return Scope(store.current(), MemoryCache())


def _fields(tree) -> dict:
    """``detail-<key>`` -> (text, links) of a details panel."""
    (dl,) = tree
    out = {}
    for dd in dl.children[1::2]:
        children = dd.children if isinstance(dd.children, list) else [dd.children]
        text = "".join(c if isinstance(c, str) else c.children for c in children)
        links = [c for c in children if not isinstance(c, str)]
        out[dd.id.removeprefix("detail-")] = (text, links)
    return out


@pytest.mark.parametrize(
    ("lang", "place", "kind", "dataset"),
    [
        ("en", "Pokrovsk, Donetsk Oblast (exact place)", "Battles / Armed clash",
         "your dataset “links” · links:l1"),
        ("de", "Pokrovsk, Oblast Donezk (genauer Ort)", "Gefechte / Bewaffneter Zusammenstoß",
         "Ihr Datensatz „links“ · links:l1"),
    ],
)  # fmt: skip
def test_details_read_as_words_with_a_safe_link(link_scope, lang, place, kind, dataset):
    fields = _fields(details_panel(link_scope, "links:l1", lang))
    assert fields["place"][0] == place
    assert fields["type"][0] == kind
    assert fields["dataset"][0] == dataset
    assert fields["date"][0].startswith("15 October 2024" if lang == "en" else "15. Oktober")
    text, links = fields["source"]
    assert text == "Example News (https://example.org/a?b=1&c=2)"
    (link,) = links
    assert link.href == "https://example.org/a?b=1&c=2"
    assert link.target == "_blank" and link.rel == "noopener noreferrer"


def test_details_never_link_a_javascript_url(link_scope):
    fields = _fields(details_panel(link_scope, "links:l2", "de"))
    text, links = fields["source"]
    assert links == [] and text == "Bad (javascript:alert(1))"  # shown, as text only
    assert fields["notes"][0] == "<img src=x onerror=alert(1)>"  # a string child: text
    assert fields["place"][0] == "Oblast Donezk (nur Region)"  # no place given: its region


def test_details_of_a_bundled_event_name_the_dataset_and_region(scope, data):
    ev = data.events(Query.from_params({"from": "2024-10-01", "to": "2024-11-01"}))
    first = ev[(ev["admin1"] == "UA-14") & ev["location"].isna()].iloc[0]
    fields = _fields(details_panel(scope, first["event_id"], "de"))
    assert fields["place"][0] == "Oblast Donezk (nur Region)"
    assert fields["dataset"][0].startswith("UCDP GED 25.1 (Zufallsstichprobe")
    assert fields["type"][0].endswith("/ Staatlicher Konflikt")
    assert not any(CODE.search(text) for text, _ in fields.values())
    # Missing numbers read as a dash, counts in German.
    assert re.fullmatch(r"[–\d.]+ / [–\d.]+ / [–\d.]+", fields["fatalities"][0])


def test_all_bundled_details_are_readable(scope, data):
    # Every bundled event: no region code, no raw precision digit, a place.
    ids = data.events()["event_id"].astype(str).tolist()[:: max(1, len(data.events()) // 150)]
    for event_id in ids:
        fields = _fields(details_panel(scope, event_id, "en"))
        assert not any(CODE.search(text) for text, _ in fields.values()), event_id
        assert re.search(r"\((exact place|near a place|region only)\)$", fields["place"][0])
        assert not fields["place"][0].startswith("–"), event_id
        assert np.all([text for text, _ in fields.values()])
