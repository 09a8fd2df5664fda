"""Every page's ``<title>``, description, ``og:`` tags and oEmbed discovery link, read from
the HTML a real server sends (what a link preview or an article system sees), in English
and German, and escaped whatever the query string holds."""

import http.client
import io
import json
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import pytest
import yaml
from PIL import Image

from geo.paths import bundled_data_dir

OCTOBER = "from=2024-10-01&to=2024-11-01"


class Head(HTMLParser):
    """The ``<html lang>``, ``<title>``, ``<meta>`` and ``<link>`` tags of a page."""

    def __init__(self):
        super().__init__()
        self.lang, self.title, self.metas, self.links, self.scripts = None, "", {}, [], []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.metas[attrs.get("property") or attrs["name"]] = attrs.get("content")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script":
            self.scripts.append(attrs)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def page(server, path, headers=None) -> Head:
    req = urllib.request.Request(server + path, headers=headers or {})
    with urllib.request.urlopen(req, timeout=60) as resp:
        assert resp.status == 200
        body = resp.read().decode()
    head = Head()
    head.feed(body)
    return head


def fetch(url):
    with urllib.request.urlopen(url, timeout=120) as resp:
        return resp.status, dict(resp.headers), resp.read()


def oembed_link(head: Head) -> dict:
    found = [link for link in head.links if link.get("type") == "application/json+oembed"]
    assert len(found) == 1
    assert found[0]["rel"] == "alternate"
    return found[0]


@pytest.fixture(scope="module")
def story():
    """The bundled story (its slug and titles, from its file)."""
    path = sorted((bundled_data_dir() / "stories").glob("*.yaml"))[0]
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_explorer_has_its_title_tags_picture_and_discovery_link(server):
    head = page(server, "/", {"Accept-Language": "en-GB,en;q=0.9"})
    assert head.title == "Frontline – map of the war in Ukraine" and head.lang == "en"
    metas = head.metas
    assert metas["og:title"] == head.title and metas["og:type"] == "website"
    assert metas["og:url"] == f"{server}/"
    assert "km²" in metas["description"] and metas["og:description"] == metas["description"]
    assert metas["twitter:card"] == "summary_large_image"
    image = metas["og:image"]
    assert image.startswith(f"{server}/api/v1/map.png?") and "width=1200&height=630" in image
    assert (metas["og:image:width"], metas["og:image:height"]) == ("1200", "630")
    status, _, body = fetch(image)
    assert status == 200 and Image.open(io.BytesIO(body)).size == (1200, 630)
    link = oembed_link(head)
    assert link["href"].startswith(f"{server}/oembed?url=")
    status, _, body = fetch(link["href"])
    doc = json.loads(body)
    assert status == 200 and doc["title"] == head.title and doc["type"] == "rich"


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/?lang=de", {}), ("/", {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})],
)
def test_german_by_parameter_or_accept_language(server, path, headers):
    head = page(server, path, headers)
    assert head.title == "Frontline – Karte des Kriegs in der Ukraine" and head.lang == "de"
    assert head.metas["og:locale"] == "de_DE" and "Russland gewann" in head.metas["description"]
    assert "lang=de" in head.metas["og:image"]


def test_a_view_names_its_regions_and_period(server):
    head = page(server, f"/?{OCTOBER}&regions=UA-14")
    assert head.title == "Donetsk Oblast, 1–31 October 2024 · Frontline"
    assert head.metas["og:title"] == "Donetsk Oblast, 1–31 October 2024"
    assert "regions=UA-14" in head.metas["og:image"]
    assert "Donetsk Oblast" in head.metas["description"]
    de = page(server, f"/?{OCTOBER}&regions=UA-14&lang=de")
    assert de.title == "Oblast Donezk, 1.–31. Oktober 2024 · Frontline"
    # An unknown region in the link is left out of the title, not a broken page.
    bad = page(server, f"/?{OCTOBER}&regions=UA-14,UA-99")
    assert bad.title == "Donetsk Oblast, 1–31 October 2024 · Frontline"


def test_embed_has_the_title_of_its_full_page(server):
    full = page(server, f"/?{OCTOBER}&regions=UA-14")
    embed = page(server, f"/embed?{OCTOBER}&regions=UA-14")
    assert embed.title == full.title and embed.metas["og:image"] == full.metas["og:image"]
    # The canonical page is the full view, not the iframe.
    assert embed.metas["og:url"] == f"{server}/?{OCTOBER}&regions=UA-14"
    assert oembed_link(embed)["href"] == oembed_link(full)["href"]
    plain = page(server, "/embed")
    assert plain.title == "Frontline – map of the war in Ukraine"


def test_story_page_and_its_embed(server, story):
    slug, title = story["slug"], story["title"]
    head = page(server, f"/story/{slug}")
    assert head.title == f"{title['en']} · Frontline"
    assert head.metas["og:title"] == title["en"] and head.metas["og:type"] == "article"
    assert head.metas["description"] == " ".join(story["summary"]["en"].split())
    assert head.metas["og:url"] == f"{server}/story/{slug}"
    # The story's own view: its dates and its events.
    image = head.metas["og:image"]
    assert "from=2024-10-01" in image and "datasets=story" in image
    status, _, body = fetch(image)
    assert status == 200 and Image.open(io.BytesIO(body)).size == (1200, 630)
    status, _, body = fetch(oembed_link(head)["href"])
    assert json.loads(body)["title"] == title["en"]
    embed = page(server, f"/embed/story/{slug}?lang=de")
    assert embed.title == f"{title['de']} · Frontline" and embed.lang == "de"
    assert embed.metas["og:url"] == f"{server}/story/{slug}?lang=de"


HOSTILE = '"><script>alert(1)</script><meta x="'


def test_hostile_query_strings_are_escaped(server):
    host, port = urllib.parse.urlsplit(server).netloc.split(":")
    # Sent as raw bytes, as a hostile link would arrive: no client quotes it.
    raw = HOSTILE.replace(" ", "%20")
    for target in (f"/?q={raw}&{OCTOBER}", f"/embed?{raw}=1", f"/?lang={raw}"):
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        conn.putrequest("GET", target, skip_accept_encoding=True)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read().decode()
        conn.close()
        assert resp.status == 200, target
        assert "<script>alert(1)" not in body and '<meta x="' not in body
        head = Head()
        head.feed(body)
        # Escaped, the values read back exactly as they came (an embed's page is the
        # full view).
        assert head.metas["og:url"] == server + target.replace("/embed?", "/?")
        assert head.metas["og:title"]
        assert all("alert" not in (s.get("src") or "") for s in head.scripts)
    # Percent-encoded, the text reaches the picture's URL encoded again.
    quoted = urllib.parse.quote(HOSTILE)
    head = page(server, f"/?q={quoted}&{OCTOBER}")
    assert "<script>" not in head.metas["og:image"]
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(head.metas["og:image"]).query)["q"] == [
        HOSTILE.strip()
    ]
