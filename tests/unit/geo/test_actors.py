"""One actor, many spellings: every actor of the bundled events has one canonical actor, and
a filter for a canonical actor selects exactly its aliases' events, by both query paths.

The expected rows come from a plain row-by-row reading of the bundled files, not from
``Query.mask``, so the filter is checked against something it does not share.
"""

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import yaml

from geo import actors
from geo.actors import ACTORS, aliases, canonical, expand
from geo.columns import EventColumns
from geo.errors import FrontlineError
from geo.eventtable import to_compact
from geo.paths import bundled_data_dir
from geo.query import Query

RECORDED = Path(__file__).resolve().parents[4] / "shared" / "data" / "recorded"
#: Actors of the bundled events that deliberately stay under their own name: UCDP's victims
#: of one-sided violence are not a side of the war.
UNGROUPED = {"Civilians"}


@pytest.fixture(scope="module")
def raw_rows():
    """(event_id, dataset, actor1, actor2) of every bundled event, read from the files."""
    out = []
    for path in sorted(bundled_data_dir().glob("events_*.parquet")):
        frame = pd.read_parquet(path, columns=["event_id", "dataset", "actor1", "actor2"])
        for row in frame.astype(object).itertuples(index=False):
            a1, a2 = (v if isinstance(v, str) else "" for v in (row.actor1, row.actor2))
            out.append((str(row.event_id), str(row.dataset), a1, a2))
    return out


def _ids_naive(raw_rows, names) -> set[str]:
    names = set(names)
    return {eid for eid, _ds, a1, a2 in raw_rows if a1 in names or a2 in names}


# -- the table -------------------------------------------------------------------------------


def test_every_actor_of_the_bundled_events_has_one_canonical_actor(raw_rows):
    raw = {a for _eid, _ds, a1, a2 in raw_rows for a in (a1, a2) if a}
    listed = {name: actor for actor, names in ACTORS.items() for _ds, name in names}
    assert raw - set(listed) == UNGROUPED, "an actor of the bundled data is not in ACTORS"
    for name in raw:
        assert canonical(name) == listed.get(name, name)
        assert name in aliases(canonical(name))
    # The spellings of Russia in the bundled events are one actor. (The story's third,
    # "Armed Forces of the Russian Federation", was on its claim, which is no event.)
    russia = {n for n in raw if "Russia" in n}
    assert russia == {"Government of Russia (Soviet Union)", "Government of Russia"}
    assert {canonical(n) for n in russia} == {"Russia (state)"}
    assert canonical("Armed Forces of the Russian Federation") == "Russia (state)"
    assert canonical("Korean People's Army") == canonical("Government of North Korea")
    assert canonical("Korean People's Army") == "North Korea (state)"


def test_table_spellings_of_bundled_datasets_are_really_there(raw_rows):
    # A spelling tagged ucdp must occur in the bundled UCDP events, and one tagged story in a
    # story file (its events or its claims' items). Otherwise the table would claim a
    # provenance that is not true.
    seen = {(ds, a) for _eid, ds, a1, a2 in raw_rows for a in (a1, a2) if a}
    for path in sorted((bundled_data_dir() / "stories").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in doc["events"]:
            seen |= {("story", item[k]) for k in ("actor1", "actor2") if item.get(k)}
    for actor, names in ACTORS.items():
        assert names, actor
        for dataset, name in names:
            assert dataset in {"ucdp", "story", "acled"}, (actor, dataset)
            if dataset != "acled":
                assert (dataset, name) in seen, f"{name!r} is not in the bundled {dataset} data"


def test_recorded_acled_state_forces_are_in_the_table():
    # The real ACLED payloads: every Russian and Ukrainian state force in them is grouped.
    # The API excerpt has runs of spaces in three names. These are line-wrapping artefacts
    # of the public copy (recorded/README.md), not ACLED's spelling, so they are collapsed.
    if not RECORDED.is_dir():
        pytest.skip("../shared/data/recorded is not next to the repository")
    payload = json.loads(
        (RECORDED / "acled/api_acled_read_2024-01-01_Ukraine_excerpt.json").read_text()
    )
    csv = pd.read_csv(RECORDED / "acled/export_csv_excerpt_header_plus_3_rows.csv", dtype=str)
    names = {row[k] for row in payload["data"] for k in ("actor1", "actor2", "assoc_actor_1")}
    names |= set(csv["actor1"].dropna()) | set(csv["actor2"].dropna())
    names = {re.sub(r"\s+", " ", n).strip() for n in names} - {""}
    state = {n for n in names if n.startswith(("Military Forces of", "Government of"))}
    assert len(state) == 4  # Russia and Ukraine, each also as its air force
    assert {canonical(n) for n in state} == {"Russia (state)", "Ukraine (state)"}
    assert canonical("Civilians (Ukraine)") == "Civilians (Ukraine)"  # not a side


def test_unknown_names_stay_as_they_are():
    for name in ("Wagner Group", "Civilians", "Unidentified Armed Group (Russia)", "x"):
        assert canonical(name) == name
        assert aliases(name) == (name,)
    # Matching is exact: a spelling with other spaces or case is a name of its own.
    assert canonical("Military Forces of Russia      (2000-)") != "Russia (state)"
    assert canonical("government of ukraine") == "government of ukraine"


def test_no_spelling_is_listed_twice_and_no_label_is_a_spelling():
    assert len(actors._CANONICAL) == sum(len(v) for v in ACTORS.values())
    with pytest.raises(FrontlineError, match=r"'B' is listed under both 'X' and 'Y'") as err:
        actors._index({"X": (("ucdp", "A"), ("ucdp", "B")), "Y": (("acled", "B"),)})
    assert err.value.param == "ACTORS"
    with pytest.raises(FrontlineError, match=r"also spellings: \['X'\]"):
        actors._index({"X": (("ucdp", "A"),), "Y": (("acled", "X"),)})


def test_expand_keeps_raw_names_exact():
    assert expand(["Government of Ukraine"]) == ("Government of Ukraine",)
    got = expand(["Ukraine (state)", "Civilians", "Government of Ukraine"])
    assert got == ("Ukraine (state)", *aliases("Ukraine (state)"), "Civilians")
    assert expand([]) == ()


# -- the filter on the real bundled data ------------------------------------------------------


@pytest.mark.parametrize("actor", sorted(ACTORS))
def test_a_canonical_actor_selects_exactly_its_aliases_events(data, raw_rows, actor):
    expected = _ids_naive(raw_rows, aliases(actor))
    query = Query(actors=(actor,))
    events = data.events()
    by_mask = set(events.loc[query.mask(events), "event_id"])
    positions = data.columns.positions(query)
    by_positions = data.rows(positions, ["event_id"])["event_id"]
    assert by_mask == expected
    assert list(by_positions) == list(events.loc[query.mask(events), "event_id"])
    assert set(by_positions) == expected
    assert len(expected) > 0  # every actor in the table has events in the bundled data


def test_russia_and_ukraine_counts_on_the_bundled_data(data, raw_rows):
    # The union is more than any one spelling: UCDP's and the story's.
    russia = _ids_naive(raw_rows, aliases("Russia (state)"))
    ucdp_only = _ids_naive(raw_rows, ["Government of Russia (Soviet Union)"])
    assert ucdp_only < russia and len(russia - ucdp_only) == 1  # the Kremlin meeting
    ukraine = data.columns.positions(Query(actors=("Ukraine (state)",)))
    exact = data.columns.positions(Query(actors=("Government of Ukraine",)))
    # A raw name keeps its exact meaning; the canonical actor adds the story's spelling.
    assert len(ukraine) == len(exact) + 1
    assert len(exact) == len(_ids_naive(raw_rows, ["Government of Ukraine"]))
    both = Query(actors=("Russia (state)", "North Korea (state)"))
    assert len(data.columns.positions(both)) == len(
        _ids_naive(raw_rows, aliases("Russia (state)") + aliases("North Korea (state)"))
    )


def test_actor_filter_with_other_filters_and_session_uploads(data):
    # Two bundled UCDP rows relabelled with ACLED's spellings stand for a user's ACLED
    # upload (test data made here, not ACLED's): they join the same canonical actors.
    base = data.events(Query.from_params({"datasets": "ucdp", "from": "2024-10-01"})).head(2)
    upload = base.assign(
        dataset="acled-test",
        event_id=["acled-test:1", "acled-test:2"],
        actor1=["Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)"],
        actor2=["Military Forces of Ukraine (2019-)", ""],
    )
    upload = gpd.GeoDataFrame(upload, geometry="geometry", crs=4326).astype(
        {"actor1": "string", "actor2": "string", "event_id": "string", "dataset": "category"}
    )
    combined = data.with_session("s" * 22, "t", EventColumns(to_compact(upload)))
    for actor, extra in (("Russia (state)", 1), ("Ukraine (state)", 2)):
        query = Query(actors=(actor,), date_from=upload["date"].min().date())
        before = data.columns.positions(query)
        after = combined.columns.positions(query)
        assert len(after) == len(before) + extra
        ids = combined.rows(after, ["event_id"])["event_id"]
        events = combined.events()
        assert list(ids) == list(events.loc[query.mask(events), "event_id"])
        assert {"acled-test:1", "acled-test:2"} & set(ids) == set(upload["event_id"][:extra])
    assert combined.actors() == data.actors()  # the ACLED spellings add no new name


def test_the_actor_list_names_russia_once(data):
    listed = data.actors()
    assert listed == sorted(set(listed))
    assert [a for a in listed if "Russia" in a] == ["Russia (state)"]
    assert listed == [
        "Civilians",
        "Germany (state)",
        "North Korea (state)",
        "Russia (state)",
        "South Korea (state)",
        "Ukraine (state)",
    ]
    # The raw names stay in the data (and so in exports).
    assert "Government of Russia (Soviet Union)" in set(data.column("actor1").astype(object))


def test_actor_test_is_the_same_on_categories_text_and_objects():
    # The compact table keeps actors as categories (tested per category, then by code);
    # uploads and tests use text. Missing actors match nothing on every path.
    names = ["Government of Ukraine", None, "Military Forces of Russia (2000-)", "", "Civilians"]
    frame = pd.DataFrame({"actor1": names, "actor2": list(reversed(names))})
    queries = [("Russia (state)",), ("Government of Ukraine",), ("Civilians",), ("nobody",)]
    for actors_ in queries:
        query = Query(actors=actors_)
        got = [query.mask(frame.astype(dtype)).tolist() for dtype in ("category", "string", object)]
        assert got[0] == got[1] == got[2], actors_
    assert Query(actors=("Russia (state)",)).mask(frame.astype("category")).tolist() == [
        False, False, True, False, False,
    ]  # fmt: skip
