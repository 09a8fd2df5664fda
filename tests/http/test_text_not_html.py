"""Text from data files and story files is data, never markup: exports and the server-built
layout carry it as plain strings (the browser tests check the details panel)."""

import json
import urllib.request

import pytest

from dashboard.pages.story import story_intro
from geo.ingest import read_events
from geo.stores import FileStore

EVIL = '<img src=x onerror=alert(1)><script>alert("x")</script>'


@pytest.fixture(scope="module")
def evil_server(start_server, tmp_path_factory, data):
    user = tmp_path_factory.mktemp("evil")
    csv = tmp_path_factory.mktemp("src") / "evil.csv"
    quoted = '"' + EVIL.replace('"', '""') + '"'
    csv.write_text(
        f"id,date,lat,lon,location,notes,actor1\n1,2024-10-05,48.0,37.8,{quoted},{quoted},=cmd\n",
        encoding="utf-8",
    )
    result = read_events(csv, name="evil", regions=data.regions)
    assert len(result.events) == 1
    FileStore(data.data_dir, user).save_dataset("evil", result.events)
    return start_server({"FRONTLINE_DATA_DIR": str(user)})


def _get(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as resp:
        return dict(resp.headers), resp.read().decode()


def test_exports_carry_the_text_as_data(evil_server):
    headers, body = _get(f"{evil_server}/api/v1/events.geojson?datasets=evil")
    assert headers["Content-Type"].startswith("application/geo+json")
    props = json.loads(body)["features"][0]["properties"]
    assert props["notes"] == EVIL and props["location"] == EVIL
    headers, body = _get(f"{evil_server}/api/v1/events.csv?datasets=evil")
    assert headers["Content-Type"].startswith("text/csv")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" in body and "'=cmd" in body  # literal text; the formula neutralised


def test_layout_never_asks_for_raw_html(evil_server):
    referer = f"{evil_server}/?datasets=evil&event=evil:1"
    _, body = _get(f"{evil_server}/_dash-layout", {"Referer": referer})
    assert "dangerously_allow_html" not in body
    assert '"type": "Markdown"' not in body and '"type":"Markdown"' not in body


def test_story_text_is_rendered_as_text():
    import datetime as dt
    from types import SimpleNamespace

    texts = {"en": EVIL, "de": EVIL}
    event = SimpleNamespace(date=dt.date(2024, 11, 4), date_precision=1, place=EVIL, text=texts)
    story = SimpleNamespace(
        title=texts,
        summary=texts,
        article={"publication": EVIL, "date": "2024-11-04", "title": EVIL},
        events=(event,),
    )
    tree = json.dumps(
        story_intro(story, "en").to_plotly_json(), default=lambda o: o.to_plotly_json()
    )
    assert "dangerously_allow_html" not in tree and "Markdown" not in tree
    assert json.dumps(EVIL)[1:-1] in tree  # present, as a plain string child
