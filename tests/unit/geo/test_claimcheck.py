"""Checking one sentence against the real bundled data: the seed article's 610 km², other
measures, the reasons for a difference, every loaded source, and sentences that cannot be
read."""

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo.areas import area_km2
from geo.claimcheck import check_sentence, neighbour_periods
from geo.claims import check_claim, load_claims
from geo.claimtext import parse_claim
from geo.distance import distance_km
from geo.errors import FrontlineError
from geo.territory import Territory

D = dt.date
PUB = D(2024, 11, 4)
SEED_DIR = Path(__file__).resolve().parents[4] / "shared" / "seed"
SEED_TEXT = (
    "Laut einer AFP-Analyse, die auf Daten des Institute for the Study of War (ISW) basiert, "
    "haben russische Truppen in der Region Donezk schnell Territorium gewonnen und sind allein "
    "im Oktober um 610 Quadratkilometer vorgerückt."
)


def seed_sentence() -> str:
    """The sentence from the seed article itself when it is next to the repository."""
    for path in sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []:
        found = re.search(r"Laut einer AFP-Analyse[^\n]*?vorgerückt\.", path.read_text("utf-8"))
        if found:
            return found.group()
    return SEED_TEXT


def check(data, text, date=PUB):
    return check_sentence(parse_claim(text, date=date, regions=data.regions), data)


@pytest.fixture(scope="module")
def seed(data):
    return check(data, seed_sentence())


def test_seed_sentence_is_read_as_the_issue_says(seed):
    p = seed.parsed
    assert seed_sentence() == SEED_TEXT  # the article's words, wherever they were read from
    assert (p.measure, p.value_km2, p.side, p.region) == ("area_gained", 610, "russia", "UA-14")
    assert (p.period_start, p.period_end) == (D(2024, 10, 1), D(2024, 11, 1))
    assert p.data_source == "ISW" and seed.status == "checked" and seed.ok


def test_seed_figures_for_donetsk_and_all_of_ukraine(seed):
    (deepstate,) = seed.areas  # the bundled data has no imported source
    region, whole = deepstate["region"], deepstate["all"]
    assert deepstate["source"] == "deepstate" and deepstate["error"] is None
    assert region["net_km2"] == pytest.approx(398.6, abs=0.1)
    assert whole["net_km2"] == pytest.approx(502.8, abs=0.1)
    # gross beside net, with the snapshots and the series used
    assert region["gained_km2"] >= region["net_km2"] and whole["gained_km2"] > whole["net_km2"]
    assert whole["lost_km2"] > 0 and region["compared"] == whole["compared"] == "net"
    for fig in (region, whole):
        assert (fig["from_snapshot"], fig["to_snapshot"]) == ("2024-10-01", "2024-11-01")
        assert fig["series"] and fig["layer"] == "russian_held"
    assert seed.region_name == {"en": "Donetsk Oblast", "de": "Oblast Donezk"}


def test_seed_verdict_names_region_versus_country_and_the_source(seed):
    v = seed.verdict
    assert (v.compared, v.kind, v.relation, v.all_relation) == ("region", "net", "more", "closer")
    assert v.ratio == pytest.approx(610 / 398.6, abs=0.01)
    assert v.reasons[:2] == ("region_vs_country", "source") and v.data_source == "ISW"
    assert "gross_vs_net" not in v.reasons and v.neighbour is None  # Sept and Nov do not fit


def test_seed_agrees_with_the_story_files_figure_check(seed, data):
    (claim,) = [c for c in load_claims(data.data_dir / "claims.yaml") if c.data_source == "ISW"]
    story = check_claim(claim, data.territory)
    assert seed.areas[0]["region"]["net_km2"] == round(story.region_km2, 1)
    assert seed.areas[0]["all"]["net_km2"] == round(story.all_km2, 1)


def test_record_is_json_ready(seed):
    record = json.loads(json.dumps(seed.as_record()))
    assert record["status"] == "checked" and record["period_start"] == "2024-10-01"
    assert record["verdict"]["reasons"][:2] == ["region_vs_country", "source"]
    assert record["areas"][0]["region"]["net_km2"] == pytest.approx(398.6, abs=0.1)
    assert record["data_version"] and record["claimed"] == 610


@pytest.fixture(scope="module")
def with_test_source(data):
    """The bundled data plus a generated test source (hand-placed boxes, not real
    control data): a strip of Donetsk Oblast taken in October 2024 whose area is ~610 km²."""
    held = shapely.box(37.50, 48.00, 37.55, 48.50)
    taken = shapely.box(37.55, 48.00, 37.70, 48.50)
    table = gpd.GeoDataFrame(
        {"date": [D(2024, 10, 1), D(2024, 11, 1)], "layer": ["russian_held"] * 2,
         "source": ["generated-test"] * 2},
        geometry=[held, shapely.union(held, taken)], crs="EPSG:4326",
    )  # fmt: skip
    terr = Territory(table, data.regions)
    return dataclasses.replace(data, sources={"generated-test": terr}), float(area_km2(taken))


def test_every_loaded_source_is_checked(with_test_source):
    data, taken_km2 = with_test_source
    result = check(data, seed_sentence())
    assert [a["source"] for a in result.areas] == ["deepstate", "generated-test"]
    ours, test = result.areas
    assert ours["region"]["net_km2"] == pytest.approx(398.6, abs=0.1)  # DeepState unchanged
    assert test["region"]["gained_km2"] == pytest.approx(taken_km2, abs=0.1)
    assert test["all"]["net_km2"] == pytest.approx(taken_km2, abs=0.1)
    assert abs(taken_km2 / 610 - 1) < 0.05 and test["region"]["relation"] == "match"
    assert result.verdict.matching_sources == ("generated-test",)


def test_a_source_without_the_period_says_so(with_test_source):
    data, _ = with_test_source
    result = check(data, "Russian forces captured 400 km2 in Donetsk region in September")
    test = result.areas[1]
    assert test["region"] is None and "2024-09-01" in test["error"]
    assert result.areas[0]["error"] is None


def test_a_neighbouring_month_that_fits_is_named(data):
    result = check(data, "Russian forces captured 400 km2 in Donetsk region in September")
    v = result.verdict
    assert v.relation == "more" and "period_edges" in v.reasons
    assert v.neighbour["period_start"] == "2024-10-01" and v.neighbour["period_end"] == "2024-11-01"
    assert v.neighbour["value"] == pytest.approx(398.6, abs=0.1)
    assert "region_vs_country" in v.reasons and v.all_relation == "match"  # 397.2 all Ukraine


@pytest.mark.parametrize(
    "text, date, gross, net",
    [
        # Russia's gross gain in January 2024 was 52.4 km², its net gain 40.4 km².
        ("Russian forces captured 52 square kilometres in January 2024.", D(2024, 2, 5),
         52.4, 40.4),
        # Ukraine's counter-offensive in August 2023: 350.5 km² retaken, 273.4 net.
        ("Ukrainian forces liberated 350 square kilometres in August 2023, according to "
         "DeepState.", D(2023, 9, 4), 350.5, 273.4),
    ],
)  # fmt: skip
def test_gross_against_net(data, text, date, gross, net):
    result = check(data, text, date)
    whole = result.areas[0]["all"]
    assert whole["other"] == "gross" and whole["other_km2"] == pytest.approx(gross, abs=0.1)
    assert whole["km2"] == pytest.approx(net, abs=0.1) and whole["other_relation"] == "match"
    assert result.verdict.relation == "more" and "gross_vs_net" in result.verdict.reasons
    assert "source" not in result.verdict.reasons  # DeepState, or no source named


def test_a_claim_of_nothing_is_compared_too(data):
    result = check(data, "Russian forces gained 0 km2 in the Donetsk region in October.")
    assert result.ok and result.verdict.relation == "less" and result.verdict.ratio == 0


def test_a_period_outside_the_record(data):
    result = check(
        data, "Russische Truppen haben im Oktober 2021 rund 500 Quadratkilometer erobert."
    )
    assert (
        result.ok and result.verdict.relation == "none" and result.verdict.reasons == ("no_data",)
    )
    assert "2021-10-01" in result.areas[0]["error"]


def test_settlements_in_donetsk(data):
    result = check(data, "Nach Angaben von DeepState nahmen russische Truppen im Oktober zwölf "
                   "Ortschaften in der Region Donezk ein.")  # fmt: skip
    s = result.settlements
    assert result.parsed.measure == "settlements" and result.claimed == 12
    names = {p["name_en"]: p["outcome"] for p in s["region"]["places"]}
    assert s["region"]["count"] == sum(o == "to_ru" for o in names.values()) == 4
    assert names["Vuhledar"] == "to_ru" and names["Toretsk"] == "contested"
    assert s["all"]["count"] >= s["region"]["count"] and s["region"]["contested"] == 1
    assert (s["from_snapshot"], s["to_snapshot"]) == ("2024-10-01", "2024-11-01")
    v = result.verdict
    assert (v.compared, v.kind, v.relation) == ("region", "count", "more")
    assert "place_coverage" in v.reasons and "source" not in v.reasons


def test_distance_to_pokrovsk(data):
    result = check(data, "Die russischen Truppen stehen nur noch acht Kilometer vor Pokrowsk.")
    (fig,) = result.distance
    place = data.gazetteer.resolve("Pokrovsk", country="UA")
    snap = data.territory.snapshot(PUB)
    km = distance_km(snap.geometry, place.lon, place.lat)[0]
    assert fig["km"] == pytest.approx(km, abs=0.05) and fig["snapshot"] == str(snap.date)
    assert fig["place_en"] == "Pokrovsk" and fig["date"] == "2024-11-04"
    assert result.verdict.relation == ("less" if km - 8 > 1 else "match")
    near = check(data, f"Russian forces are about {round(km)} km from Pokrovsk.")
    assert near.verdict.relation == "match" and near.verdict.compared == "place"


@pytest.mark.parametrize(
    "text",
    [
        "Russian troops were 9 km from Pokrovsk on 1 November 2024.",
        "On November 1, 2024, Russian forces were 9 km from Pokrovsk.",
        "Am 1. November 2024 standen russische Truppen neun Kilometer vor Pokrowsk.",
    ],
)
def test_a_distance_on_one_day_is_measured_on_that_days_map(data, text):
    result = check(data, text)
    assert (result.parsed.period_start, result.parsed.period_end) == (D(2024, 11, 1),
                                                                      D(2024, 11, 2))  # fmt: skip
    (fig,) = result.distance
    place = data.gazetteer.resolve("Pokrovsk", country="UA")
    km = distance_km(data.territory.snapshot(D(2024, 11, 1)).geometry, place.lon, place.lat)[0]
    assert fig["snapshot"] == "2024-11-01" and fig["km"] == pytest.approx(km, abs=0.05)


def test_a_distance_after_the_newest_map_is_measured_on_it_and_says_how_old(data):
    newest = data.territory.dates()[-1]
    said = newest + dt.timedelta(days=100)
    result = check(data, "Russian forces are 5 km from Pokrovsk.", date=said)
    (fig,) = result.distance
    assert fig["snapshot"] == str(newest) and fig["date"] == str(said)
    assert fig["newest_map_days"] == 100 and "newest_map" in result.verdict.reasons
    place = data.gazetteer.resolve("Pokrovsk", country="UA")
    km = distance_km(data.territory.snapshot(newest).geometry, place.lon, place.lat)[0]
    assert fig["km"] == pytest.approx(km, abs=0.05)
    # Within a week of the newest map it is simply the map in force: no caveat.
    recent = check(data, "Russian forces are 5 km from Pokrovsk.", date=newest)
    assert "newest_map" not in recent.verdict.reasons
    assert "newest_map_days" not in recent.distance[0]


def test_distance_to_an_unknown_place(data):
    result = check(data, "Russian forces are 5 km from Xyzzyvka.")
    assert result.parsed.place == "Xyzzyvka" and result.verdict.relation == "none"
    assert "Xyzzyvka" in result.errors[0] and result.verdict.reasons == ("no_data",)


@pytest.mark.parametrize(
    "text, status, codes",
    [
        ("Russia gained a lot of ground.", "unreadable", {("period", "missing")}),
        ("Russian forces captured 610 km2 in Donetsk region", "unreadable",
         {("period", "missing")}),
        ("Russian troops took 12 villages near Pokrovsk in October.", "unreadable",
         {("region", "unsure")}),
        ("Les troupes russes ont conquis 610 kilomètres carrés en octobre dans la région de "
         "Donetsk.", "refused", {("language", "unsupported")}),
        ("Russian forces captured 610 km2 in October. " * 30, "refused", {("length", "too_long")}),
    ],
)  # fmt: skip
def test_unreadable_sentences_give_codes_and_no_figures(data, text, status, codes):
    result = check(data, text)
    assert result.status == status and not result.ok
    assert codes <= {(p["part"], p["code"]) for p in result.problems}
    assert result.areas == () and result.settlements is None and result.verdict is None
    assert result.as_record()["verdict"] is None


def test_edited_fields_are_checked(data):
    parsed = parse_claim("Russian troops took 12 villages near Pokrovsk in October.", date=PUB)
    edited = dataclasses.replace(parsed, region="UA-14", problems=())
    assert check_sentence(edited, data).settlements["region"]["count"] == 4
    with pytest.raises(FrontlineError) as err:
        check_sentence(dataclasses.replace(edited, region="UA-99"), data)
    assert err.value.param == "region"
    with pytest.raises(FrontlineError) as err:
        check_sentence(dataclasses.replace(edited, side="nobody"), data)
    assert err.value.param == "side"
    area = parse_claim(SEED_TEXT, date=PUB)
    by_hand = dataclasses.replace(area, value=610.0, value_km2=None)  # km² filled in
    assert check_sentence(by_hand, data).verdict.relation == "more"


def test_neighbour_periods():
    assert neighbour_periods(D(2024, 9, 1), D(2024, 10, 1), PUB) == [
        (D(2024, 8, 1), D(2024, 9, 1)), (D(2024, 10, 1), D(2024, 11, 1))]  # fmt: skip
    # November's maps did not exist on 4 November
    assert neighbour_periods(D(2024, 10, 1), D(2024, 11, 1), PUB) == [
        (D(2024, 9, 1), D(2024, 10, 1))]  # fmt: skip
    assert neighbour_periods(D(2024, 10, 28), D(2024, 11, 4), None) == [
        (D(2024, 10, 21), D(2024, 10, 28)), (D(2024, 11, 4), D(2024, 11, 11))]  # fmt: skip
    assert neighbour_periods(D(2024, 1, 1), D(2024, 7, 1), None)[0] == (
        D(2023, 7, 1),
        D(2024, 1, 1),
    )


# --- a story's claim given as its sentence --------------------------------------------------
STORY = (
    Path(__file__).resolve().parents[3]
    / "data/stories/worldscope-2024-11-04-north-korean-troops.yaml"
)


def _story_with(tmp_path, extra: str) -> Path:
    text = STORY.read_text("utf-8").replace(
        "claims:\n  - afp-isw-donetsk-2024-10\n", "claims:\n  - afp-isw-donetsk-2024-10\n" + extra
    )
    path = tmp_path / STORY.name
    path.write_text(text, "utf-8")
    return path


def test_bundled_story_still_lists_its_claim_ids(data):
    from geo.stories import check_story

    story, problems = check_story(STORY, data.gazetteer, data.regions, ["afp-isw-donetsk-2024-10"])
    assert problems == [] and story.claims == ("afp-isw-donetsk-2024-10",)
    assert story.sentences == ()


def test_story_claim_given_as_its_sentence(tmp_path, data):
    from geo.stories import check_story

    path = _story_with(tmp_path, f'  - sentence: "{SEED_TEXT}"\n'
                                 '  - {sentence: "Russian troops took 12 villages in Donetsk '
                                 'region in October.", date: 2024-11-10}\n')  # fmt: skip
    story, problems = check_story(path, data.gazetteer, data.regions, ["afp-isw-donetsk-2024-10"])
    assert problems == []
    assert story.claims == ("afp-isw-donetsk-2024-10",) and len(story.sentences) == 2
    seed_claim, villages = story.sentences
    assert seed_claim.anchor_date == D(2024, 11, 4)  # the article's date
    assert (seed_claim.region, str(seed_claim.period_start)) == ("UA-14", "2024-10-01")
    assert villages.anchor_date == D(2024, 11, 10) and villages.measure == "settlements"
    result = check_sentence(seed_claim, data)
    assert result.areas[0]["region"]["net_km2"] == pytest.approx(398.6, abs=0.1)


@pytest.mark.parametrize(
    "extra, where, needle",
    [
        ('  - sentence: "Russia gained 600 km2 in Donetsk."\n', "claims #2.sentence", "period"),
        ("  - {sentence: Russia gained 600 km2 in October., date: 4.11.2024}\n", "claims #2.date",
         "4.11.2024"),
        ("  - {sentence: Russia gained 600 km2 in October., id: x}\n", "claims #2.id", "unknown"),
        ("  - {sentence: 42}\n", "claims #2.sentence", "as text"),
    ],
)  # fmt: skip
def test_story_sentence_problems_name_the_item(tmp_path, data, extra, where, needle):
    from geo.stories import check_story

    story, problems = check_story(_story_with(tmp_path, extra), data.gazetteer, data.regions)
    assert story is None and len(problems) == 1
    assert f": {where}: " in problems[0] and needle in problems[0]
