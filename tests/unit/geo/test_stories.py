"""Stories: the bundled article story resolves offline; a bad file names every problem."""

from dataclasses import replace
from pathlib import Path

import pytest

from geo.claims import load_claims
from geo.errors import FrontlineError
from geo.stories import check_story, find_story, load_story, story_events

STORIES = Path(__file__).resolve().parents[3] / "data" / "stories"
SLUG = "worldscope-2024-11-04-north-korean-troops"


@pytest.fixture(scope="module")
def claim_ids(data):
    return [c.id for c in load_claims(data.data_dir / "claims.yaml")]


def test_article_story_places_its_events(data, claim_ids):
    story = load_story(find_story(STORIES, SLUG), data.gazetteer, data.regions, claim_ids)
    events = story_events(story, data.regions)
    assert len(events) == 5
    by_place = dict(zip(events["location"], events["admin1"].astype(object), strict=True))
    assert by_place["Kursk Oblast"] == "RU-KRS" and by_place["Kyiv"] == "UA-30"
    assert set(events["country"]) == {"RUS", "UKR", "KOR"}
    assert (events[events["location"].str.endswith("Oblast")]["geo_precision"] == 3).all()
    assert story.claims == ("afp-isw-donetsk-2024-10",)
    assert "WorldScope" in story.source
    german = story_events(story, data.regions, lang="de")
    assert "Kiew" in german.loc[4, "notes"]


def test_the_articles_claim_is_not_an_event(data, claim_ids):
    # Item 6 is the article's 610 km² (a claim): it belongs in the figure check. As an event
    # it was counted as "Battles" in Donetsk in the explorer.
    story = load_story(find_story(STORIES, SLUG), data.gazetteer, data.regions, claim_ids)
    item = story.events[-1]
    assert (item.n, item.claim, item.place) == (6, "afp-isw-donetsk-2024-10", "Donetsk Oblast")
    events = story_events(story, data.regions)
    assert f"story:{SLUG}:6" not in set(events["event_id"])
    assert list(events["event_id"]) == [f"story:{SLUG}:{n}" for n in range(1, 6)]
    assert not events["notes"].str.contains("610", regex=False).any()
    assert (events["event_type"] == "Battles").sum() == 1  # Kursk; the claim is not one


def test_a_story_of_claims_only_has_no_events(data, claim_ids):
    story = load_story(find_story(STORIES, SLUG), data.gazetteer, data.regions, claim_ids)
    only_claims = replace(story, events=tuple(e for e in story.events if e.claim))
    events = story_events(only_claims, data.regions)
    assert len(events) == 0 and events.crs == "EPSG:4326"
    assert list(events.columns) == list(story_events(story, data.regions).columns)


def test_bad_story_names_every_problem(tmp_path, data, claim_ids):
    bad = tmp_path / "bad-story.yaml"
    bad.write_text(
        "slug: bad-story\n"
        "title: {en: x}\n"
        "summary: {en: a, de: b}\n"
        "article: {publication: P, title: T, date: 2024-11-31}\n"
        "view: {from: 2024-10-01, to: 2024-11-01, regions: [UA-99]}\n"
        "events:\n"
        "  - {date: 2024-02-30, place: Kyiv, event_type: Battles, text: {en: a, de: b}}\n"
        "  - {date: 2024-02-01, place: Nowhereville, event_type: Battles, text: {en: a, de: b}}\n"
        "  - {date: 2024-02-01, place: Kyiv, event_type: Fight, claim: nope, text: {en: a}}\n"
        "claims: [nope]\n",
        encoding="utf-8",
    )
    story, problems = check_story(bad, data.gazetteer, data.regions, claim_ids)
    assert story is None
    text = "\n".join(problems)
    for needle in (
        "title: missing the de text",
        "article.date: not a date: '2024-11-31'",
        "view.regions: unknown region 'UA-99'",
        "claims: unknown claim 'nope'",
        "event 1.date: not an ISO date: '2024-02-30'",
        "event 2.place",
        "Nowhereville",
        "event 3.event_type",
        "event 3.claim: unknown claim 'nope'",
        "event 3.text: missing the de text",
    ):
        assert needle in text
    assert all(p.startswith("bad-story.yaml: ") for p in problems)


@pytest.mark.parametrize("slug", ["../secrets", "a/b", "", "UPPER", "x" * 101, "..%2f"])
def test_slugs_cannot_escape_the_folder(slug):
    with pytest.raises(FrontlineError) as err:
        find_story(STORIES, slug)
    assert err.value.param == "slug"


def test_unknown_slug():
    with pytest.raises(FrontlineError, match="no story"):
        find_story(STORIES, "no-such-story")


def test_compiled_story_events_are_up_to_date(data, claim_ids):
    # data/events_story.parquet is built from the YAML by scripts/build_data.py --only stories.
    import geopandas as gpd
    from geopandas.testing import assert_geodataframe_equal

    compiled = gpd.read_parquet(data.data_dir / "events_story.parquet")
    story = load_story(find_story(STORIES, SLUG), data.gazetteer, data.regions, claim_ids)
    fresh = story_events(story, data.regions)
    assert_geodataframe_equal(compiled.reset_index(drop=True), fresh, check_dtype=False)
