"""The sentence parser: a table of wire-style sentences in German and English, written for
this test (not quoted from agencies, except the seed sentence), and random text that must
never raise."""

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.claims import UNITS
from geo.claimtext import MAX_CHARS, MEASURES, MI2_KM2, fold, parse_claim, read_number
from geo.errors import FrontlineError
from geo.paths import bundled_data_dir
from geo.regions import Regions

PUB = dt.date(2024, 11, 4)  # the seed article's date
SEED = (
    "Laut einer AFP-Analyse, die auf Daten des Institute for the Study of War (ISW) basiert, "
    "haben russische Truppen in der Region Donezk schnell Territorium gewonnen und sind allein "
    "im Oktober um 610 Quadratkilometer vorgerückt."
)
OCT, SEP = ("2024-10-01", "2024-11-01"), ("2024-09-01", "2024-10-01")
YTD, LAST_WEEK = ("2024-01-01", "2024-11-04"), ("2024-10-28", "2024-11-04")
PAST_7 = LAST_WEEK  # 4 Nov 2024 is a Monday: the last calendar week is the last 7 days
AS_OF = ("2024-11-04", "2024-11-05")


@pytest.fixture(scope="module")
def regions():
    return Regions.from_data_dir(bundled_data_dir())


def row(text, measure, value, side, region, period, hedge=None, problems=(), date=PUB, **extra):
    want = dict(measure=measure, value=value, side=side, region=region, period=period, hedge=hedge)
    return pytest.param(text, date, want, set(problems), extra, id=text[:48])


def refused(text, *problems, date=PUB, **extra):
    return row(text, None, None, None, None, None, problems=problems, date=date, **extra)


# fmt: off
TABLE = [
    # --- German ---------------------------------------------------------------------------
    row(SEED,
        "area_gained", 610, "russia", "UA-14", OCT, sources=("AFP", "ISW"), data_source="ISW",
        reporter="AFP", region_text="Region Donezk"),
    row("Russische Truppen haben nach Angaben des ISW im Oktober rund 500 Quadratkilometer in"
        " der Ukraine erobert.",
        "area_gained", 500, "russia", None, OCT, "rund",
        assumptions=({"part": "region", "code": "all_ukraine"},)),
    row("Die russische Armee ist im Gebiet Charkiw seit Jahresbeginn um mehr als 1.200 "
        "Quadratkilometer vorgerückt, berichtet dpa.",
        "area_gained", 1200, "russia", "UA-63", YTD, "mehr als", reporter="dpa"),
    row("Nach Angaben der ukrainischen Analysegruppe DeepState eroberten russische Einheiten "
        "im vergangenen Monat 478 Quadratkilometer.",
        "area_gained", 478, "russia", None, OCT, data_source="DeepState"),
    row("Im Donezker Gebiet nahmen die russischen Streitkräfte in der vergangenen Woche knapp"
        " 100 Quadratkilometer ein.",
        "area_gained", 100, "russia", "UA-14", LAST_WEEK, "knapp"),
    row("Seit dem 1. Oktober haben russische Truppen nach ISW-Daten etwa 700 Quadratkilometer"
        " im Gebiet Donezk erobert.",
        "area_gained", 700, "russia", "UA-14", ("2024-10-01", "2024-11-04"), "etwa"),
    row("Vom 1. bis 15. Oktober 2024 rückten russische Truppen in der Oblast Saporischschja "
        "um 85 Quadratkilometer vor.",
        "area_gained", 85, "russia", "UA-23", ("2024-10-01", "2024-10-16")),
    row("Die Ukraine hat seit Beginn ihrer Offensive im August rund 1.000 Quadratkilometer im"
        " russischen Gebiet Kursk erobert.",
        "area_gained", 1000, "ukraine", "RU-KRS", ("2024-08-01", "2024-11-04"), "rund"),
    row("Binnen einer Woche haben die russischen Streitkräfte fast 200 Quadratkilometer "
        "eingenommen, wie der britische Geheimdienst mitteilte.",
        "area_gained", 200, "russia", None, LAST_WEEK, "fast", sources=("UK MoD",)),
    row("Die russische Armee hat im September 1.517,5 Quadratkilometer erobert, so viel wie "
        "in keinem anderen Monat in diesem Jahr.",
        "area_gained", 1517.5, "russia", None, SEP, problems=[("period", "ambiguous")]),
    row("Russische Truppen haben im Oktober bis zu 30 Ortschaften erobert, berichtet Reuters.",
        "settlements", 30, "russia", None, OCT, "bis zu"),
    row("Nach Angaben von DeepState nahmen russische Truppen im Oktober zwölf Ortschaften in "
        "der Region Donezk ein.",
        "settlements", 12, "russia", "UA-14", OCT),
    row("Die russischen Truppen stehen nur noch acht Kilometer vor Pokrowsk.",
        "distance", 8, "russia", None, AS_OF, place="Pokrowsk"),
    row("Russische Einheiten sind nach ukrainischen Angaben rund sechs Kilometer von "
        "Kurachowe entfernt.",
        "distance", 6, "russia", None, AS_OF, "rund", place="Kurachowe"),
    row("Die Ukraine hat im Oktober netto 120 Quadratkilometer verloren.",
        "area_net", 120, "ukraine", None, OCT),
    row("Die ukrainischen Streitkräfte haben im Gebiet Kursk seit August mehr als 600 "
        "Quadratkilometer verloren.",
        "area_lost", 600, "ukraine", "RU-KRS", ("2024-08-01", "2024-11-04"), "mehr als"),
    row("Russland eroberte im ersten Halbjahr 2024 nach ISW-Angaben 1.175 Quadratkilometer.",
        "area_gained", 1175, "russia", None, ("2024-01-01", "2024-07-01")),
    row("In den ersten zehn Monaten des Jahres sind russische Truppen um gut 2.700 "
        "Quadratkilometer vorgerückt.",
        "area_gained", 2700, "russia", None, ("2024-01-01", "2024-11-01"), "gut"),
    row("Zwischen dem 1. und 31. Oktober eroberten russische Einheiten im Gebiet Luhansk 43 "
        "Quadratkilometer.",
        "area_gained", 43, "russia", "UA-09", OCT),
    row("Im Jahr 2023 rückten russische Truppen insgesamt um 518 Quadratkilometer vor.",
        "area_gained", 518, "russia", None, ("2023-01-01", "2024-01-01")),
    row("Russische Truppen haben im Dezember 300 Quadratkilometer erobert.",
        "area_gained", 300, "russia", None, ("2023-12-01", "2024-01-01")),
    row("Russland hat seit Beginn der Invasion rund 100.000 Quadratkilometer ukrainischen "
        "Territoriums besetzt.",
        "area_gained", 100000, "russia", None, ("2022-02-24", "2024-11-04"), "rund"),
    row("Russische Truppen haben im Oktober 2024 um die 600 Quadratkilometer erobert.",
        "area_gained", 600, "russia", None, OCT, "um die"),
    row("Seit Anfang Oktober haben russische Truppen ein Dutzend Ortschaften im Donezker "
        "Gebiet eingenommen.",
        "settlements", 12, "russia", "UA-14", ("2024-10-01", "2024-11-04"),
        problems=[("number", "unsure")]),
    row("Die russischen Angreifer sind vom 1. Oktober bis zum 3. November 2024 um 1.038 "
        "Quadratkilometer vorgerückt.",
        "area_gained", 1038, "russia", None, ("2024-10-01", "2024-11-04")),
    row("In der Oblast Cherson haben ukrainische Truppen im vergangenen Monat 15 "
        "Quadratkilometer befreit.",
        "area_gained", 15, "ukraine", "UA-65", OCT),
    row("Laut ISW wurden seit Jahresbeginn mehr als 2.000 Quadratkilometer von russischen "
        "Truppen erobert.",
        "area_gained", 2000, "russia", None, YTD, "mehr als"),
    row("Seit dem 6. August haben ukrainische Truppen nach eigenen Angaben 1.300 "
        "Quadratkilometer in der russischen Region Kursk eingenommen.",
        "area_gained", 1300, "ukraine", "RU-KRS", ("2024-08-06", "2024-11-04")),
    row("Die russische Armee hat nach Angaben des Verteidigungsministeriums in Moskau im "
        "Oktober 37 Ortschaften eingenommen.",
        "settlements", 37, "russia", None, OCT),
    row("Russische Truppen eroberten im Oktober 1 234 Quadratkilometer.",
        "area_gained", 1234, "russia", None, OCT),
    row("Auf einer Fläche von 610 Quadratkilometern sind russische Truppen im Oktober "
        "vorgerückt, schreibt AFP unter Berufung auf das ISW.",
        "area_gained", 610, "russia", None, OCT),
    row("Russische Truppen sind erstmals in das Gebiet Dnipropetrowsk vorgedrungen und haben "
        "dort seit September 9 Quadratkilometer erobert.",
        "area_gained", 9, "russia", "UA-12", ("2024-09-01", "2024-11-04")),
    # German: refused or flagged
    row("Im Gebiet Saporischschja hat die Ukraine nach eigenen Angaben seit Sommer 20 "
        "Quadratkilometer zurückerobert.",
        "area_gained", 20, "ukraine", "UA-23", None, problems=[("period", "missing")]),
    row("Russische Truppen haben bei Pokrowsk im Oktober 100 Quadratkilometer erobert.",
        "area_gained", 100, "russia", None, OCT, problems=[("region", "unsure")]),
    row("Russische Truppen sind im Oktober in der Region Donezk weiter vorgerückt.",
        None, None, "russia", "UA-14", OCT,
        problems=[("measure", "missing"), ("number", "missing")]),
    row("Die ukrainische Armee hat bei Charkiw 50 Quadratkilometer zurückerobert.",
        "area_gained", 50, "ukraine", "UA-63", None, problems=[("period", "missing")]),
    row("Russische Truppen eroberten im Oktober 1,234 Quadratkilometer.",
        "area_gained", 1234, "russia", None, OCT, problems=[("number", "ambiguous")]),
    row("Russische Truppen haben im Oktober Dutzende Dörfer erobert.",
        "settlements", None, "russia", None, OCT, problems=[("number", "unsure")]),
    row("Russische Truppen haben in der Region Donbass im Oktober 500 Quadratkilometer "
        "erobert.",
        "area_gained", 500, "russia", None, OCT, problems=[("region", "ambiguous")],
        region_candidates=("UA-14", "UA-09")),
    # --- English --------------------------------------------------------------------------
    row("Russian forces captured about 600 square kilometres in the Donetsk region in "
        "October, according to AFP's analysis of ISW data.",
        "area_gained", 600, "russia", "UA-14", OCT, "about", sources=("AFP", "ISW")),
    row("Russian troops have seized more than 1,500 sq km of Ukrainian territory since the "
        "start of the year, the Institute for the Study of War said.",
        "area_gained", 1500, "russia", None, YTD, "more than"),
    row("Moscow's forces gained 2,356 square kilometres in 2024, according to DeepState.",
        "area_gained", 2356, "russia", None, YTD,
        assumptions=({"part": "region", "code": "all_ukraine"},
                     {"part": "period", "code": "cut_at_date"})),
    row("Ukrainian forces have advanced roughly 1,000 square kilometers into Russia's Kursk "
        "region since the incursion began on August 6.",
        "area_gained", 1000, "ukraine", "RU-KRS", ("2024-08-06", "2024-11-04"), "roughly"),
    row("Russia captured 610 km2 in October, ISW data show.",
        "area_gained", 610, "russia", None, OCT),
    row("Russian forces have taken 12 villages in the Pokrovsk direction over the past week, "
        "the Kyiv Independent reported.",
        "settlements", 12, "russia", None, LAST_WEEK, problems=[("region", "unsure")],
        reporter="Kyiv Independent"),
    row("Ukrainian troops recaptured 15 sq km near Kharkiv last week.",
        "area_gained", 15, "ukraine", "UA-63", LAST_WEEK),
    row("According to Reuters, Ukraine lost nearly 500 square miles in the Donetsk Oblast "
        "during October.",
        "area_lost", 500, "ukraine", "UA-14", OCT, "nearly", unit="mi2", value_km2=500 * MI2_KM2),
    row("Russian troops are now less than 3 km from Pokrovsk, a key logistics hub in the "
        "Donetsk region.",
        "distance", 3, "russia", "UA-14", AS_OF, "less than", place="Pokrovsk"),
    row("Russian forces advanced to within 10 kilometres of the city of Kupiansk in the "
        "Kharkiv region.",
        "distance", 10, "russia", "UA-63", AS_OF, "within", place="Kupiansk"),
    row("Between October 1 and October 15, Russian forces gained 320 square kilometers in "
        "Zaporizhzhia Oblast, ISW said.",
        "area_gained", 320, "russia", "UA-23", ("2024-10-01", "2024-10-16")),
    row("Russia's net gain in October was 540 km², according to the UK Ministry of Defence.",
        "area_net", 540, "russia", None, OCT, data_source="UK MoD"),
    row("Russian forces made gains of around 1,100 sq km in the past month, according to an "
        "AFP tally.",
        "area_gained", 1100, "russia", None, ("2024-10-04", "2024-11-04"), "around"),
    row("Russian forces seized 2,700 sq km between January and October 2024, AFP calculated "
        "from ISW data.",
        "area_gained", 2700, "russia", None, ("2024-01-01", "2024-11-01")),
    row("Russian forces captured 25 settlements last month, the Ukrainian General Staff said.",
        "settlements", 25, "russia", None, OCT),
    row("Ukrainian forces liberated three villages in the Kharkiv region in September.",
        "settlements", 3, "ukraine", "UA-63", SEP),
    row("Russian forces captured 1.5 square kilometres in Vovchansk in the past 24 hours.",
        "area_gained", 1.5, "russia", None, ("2024-11-03", "2024-11-04"),
        problems=[("region", "unsure")]),
    row("Russia lost 35 square kilometres in the Kursk region in the past week, DeepState "
        "said.",
        "area_lost", 35, "russia", "RU-KRS", LAST_WEEK),
    row("Ukraine's forces have lost about 40 square kilometres of the Kursk salient in the "
        "last two weeks.",
        "area_lost", 40, "ukraine", "RU-KRS", ("2024-10-21", "2024-11-04"), "about"),
    row("In 2024 so far, Russian forces have taken nearly 3,000 square kilometres in Ukraine,"
        " according to an AFP analysis of ISW data.",
        "area_gained", 3000, "russia", None, YTD, "nearly"),
    row("Russian forces captured seven settlements in Zaporizhzhia region between Oct. 20 and"
        " Oct. 27.",
        "settlements", 7, "russia", "UA-23", ("2024-10-20", "2024-10-28")),
    row("Russian forces captured around 400 sq km in February.",
        "area_gained", 400, "russia", None, ("2024-02-01", "2024-03-01"), "around",
        date=dt.date(2024, 3, 15)),
    row("Ukrainian forces have advanced about 100 square kilometres in Kursk since the start "
        "of the month.",
        "area_gained", 100, "ukraine", "RU-KRS", ("2024-11-01", "2024-11-04"), "about"),
    row("Russian forces advanced by some 200 square kilometres from October 1 to October 15, "
        "2024.",
        "area_gained", 200, "russia", None, ("2024-10-01", "2024-10-16"), "some"),
    row("Russian gains in the Luhansk region totalled 18 square kilometres in the week to "
        "November 3, ISW said.",
        "area_gained", 18, "russia", "UA-09", LAST_WEEK),
    row("Russian forces captured five villages in the Donetsk region last week, according to "
        "the Ukrainian military.",
        "settlements", 5, "russia", "UA-14", LAST_WEEK),
    row("The Russian army took control of 1,146 square kilometres in Ukraine in November, "
        "according to AFP's analysis of ISW data.",
        "area_gained", 1146, "russia", None, ("2024-11-01", "2024-12-01"),
        date=dt.date(2024, 12, 2)),
    row("Ukraine says Russian forces captured 200 sq km in the Donetsk region over the past "
        "week.",
        "area_gained", 200, "russia", "UA-14", LAST_WEEK),
    row("Russian forces captured 120 square kilometres in the Kharkiv region in October 2023.",
        "area_gained", 120, "russia", "UA-63", ("2023-10-01", "2023-11-01")),
    row("Russian forces have taken more than 200 sq km in Ukraine's Donetsk region since the "
        "start of October, ISW said.",
        "area_gained", 200, "russia", "UA-14", ("2024-10-01", "2024-11-04"), "more than"),
    row("Ukrainian forces regained about 5 square kilometres on the Kinburn spit in Mykolaiv "
        "Oblast in October.",
        "area_gained", 5, "ukraine", "UA-48", OCT, "about"),
    row("Russian forces advanced about 20 square kilometers in Sumy Oblast between November 1"
        " and November 3.",
        "area_gained", 20, "russia", "UA-59", ("2024-11-01", "2024-11-04"), "about"),
    row("Russian forces have seized 15 square kilometres in Dnipropetrovsk Oblast since "
        "October 25.",
        "area_gained", 15, "russia", "UA-12", ("2024-10-25", "2024-11-04")),
    row("Ukrainian forces recaptured 12 sq km on the left bank of the Kherson region in the "
        "past month.",
        "area_gained", 12, "ukraine", "UA-65", ("2024-10-04", "2024-11-04")),
    row("Russian forces took 70 square kilometres in the Lugansk region in September, "
        "according to the Russian Defence Ministry.",
        "area_gained", 70, "russia", "UA-09", SEP, data_source="Russian MoD"),
    row("At least 400 square kilometres fell to Russian forces in October, according to "
        "DeepState.",
        "area_gained", 400, "russia", None, OCT, "at least"),
    row("Ukrainian forces advanced about 800 square kilometres in Kursk during August.",
        "area_gained", 800, "ukraine", "RU-KRS", ("2024-08-01", "2024-09-01"), "about",
        date=dt.date(2024, 9, 2)),
    row("Moscow's troops advanced by 1,146 square kilometres in Ukraine in October, the "
        "largest monthly gain since March 2022.",
        "area_gained", 1146, "russia", None, OCT),
    row("Russische Truppen haben im Oktober so viel ukrainisches Territorium erobert wie seit"
        " März 2022 nicht mehr: 610 Quadratkilometer.",
        "area_gained", 610, "russia", None, OCT),
    row("Die ukrainische Armee hat seit Jahresbeginn 3.000 Quadratkilometer an Russland "
        "verloren.",
        "area_lost", 3000, "ukraine", None, YTD),
    row("Russian forces lost 10 villages to Ukrainian troops in Kursk in August.",
        "settlements", 10, "ukraine", "RU-KRS", ("2024-08-01", "2024-09-01")),
    row("Russia took 1 500 km² in Q3 2024, DeepState data show.",
        "area_gained", 1500, "russia", None, ("2024-07-01", "2024-10-01")),
    row("Russian forces occupied a further 2 km² in Luhansk Oblast yesterday.",
        "area_gained", 2, "russia", "UA-09", ("2024-11-03", "2024-11-04")),
    # English: refused or flagged
    row("Russian troops captured Selydove, about 18 km southeast of Pokrovsk, in late "
        "October.",
        "distance", 18, "russia", None, OCT, "about",
        problems=[("measure", "unsure"), ("period", "unsure")], place="Pokrovsk"),
    row("Ukrainian troops were pushed back by about 2 km from Vuhledar in October.",
        None, 2, "ukraine", None, OCT, "about", problems=[("measure", "unsupported")]),
    row("Russia has captured roughly 1,800 square kilometres of territory since August, "
        "mostly around Pokrovsk, AFP reported.",
        "area_gained", 1800, "russia", None, ("2024-08-01", "2024-11-04"), "roughly",
        problems=[("region", "unsure")]),
    row("Kyiv's troops have pushed Russian forces back by about 3 kilometres in the Kharkiv "
        "region.",
        None, 3, "ukraine", "UA-63", None, "about",
        problems=[("measure", "unsupported"), ("period", "missing")]),
    row("Russian forces advanced 610 km² in October and 480 km² in September.",
        "area_gained", 610, "russia", None, OCT,
        problems=[("number", "ambiguous"), ("period", "ambiguous")]),
    row("Russian forces have gained 56 km² in Kharkiv Oblast and 420 km² in Donetsk Oblast in"
        " October.",
        "area_gained", 56, "russia", None, OCT,
        problems=[("number", "ambiguous"), ("region", "ambiguous")]),
    row("Russian troops advanced 150 sq mi in Luhansk and Donetsk oblasts last month.",
        "area_gained", 150, "russia", None, OCT, problems=[("region", "ambiguous")]),
    row("Russian forces captured 1.234 square kilometres in October.",
        "area_gained", 1234, "russia", None, OCT, problems=[("number", "ambiguous")]),
    row("Russian forces have captured 610 square kilometres in the Donetsk region, according "
        "to ISW.",
        "area_gained", 610, "russia", "UA-14", None, problems=[("period", "missing")]),
    row("Russian troops advanced rapidly in Donetsk Oblast in October, AFP reported.",
        None, None, "russia", "UA-14", OCT,
        problems=[("measure", "missing"), ("number", "missing")]),
    row("Russian forces captured dozens of villages in the Donetsk region in October.",
        "settlements", None, "russia", "UA-14", OCT, problems=[("number", "unsure")]),
    row("Russian forces pushed forward 4 km in the Toretsk area this week.",
        None, 4, "russia", None, ("2024-11-04", "2024-11-08"),
        problems=[("measure", "unsupported"), ("region", "unsure")], date=dt.date(2024, 11, 8)),
    row("Russian forces captured 40 square kilometres in the south last month.",
        "area_gained", 40, "russia", None, OCT, problems=[("region", "unsure")]),
    row("Russian forces have advanced over 2,000 square kilometres in the Kursk region since "
        "August, pushing Ukrainian troops back.",
        "area_gained", 2000, "russia", "RU-KRS", ("2024-08-01", "2024-11-04"), "over"),
    row("Russian forces captured 610 in October, ISW said.",
        None, None, "russia", None, OCT, problems=[("measure", "missing"), ("unit", "missing")]),
    row("Russia has taken control of about 18% of Ukraine's territory, ISW said.",
        None, None, "russia", None, None,
        problems=[("measure", "missing"), ("period", "missing"), ("unit", "unsupported")]),
    row("Russland hat nach eigenen Angaben im Oktober 50 Prozent des Gebiets Kursk "
        "zurückerobert.",
        None, None, "russia", "RU-KRS", OCT,
        problems=[("measure", "missing"), ("unit", "unsupported")]),
    # --- other languages and oversize input --------------------------------------------------
    refused("Selon une analyse de l'AFP, les forces russes ont progressé de 610 km² en octobre "
        "dans la région de Donetsk.",
        ("language", "unsupported"), lang="fr"),
    refused("По данным ISW, в октябре российские войска продвинулись на 610 квадратных километров"
        " в Донецкой области.",
        ("language", "unsupported"), lang="ru"),
    refused("За даними DeepState, у жовтні російські війська просунулися на 478 квадратних "
        "кілометрів.",
        ("language", "unsupported"), lang="uk"),
    refused("Las fuerzas rusas avanzaron 610 kilómetros cuadrados en octubre en la región de "
        "Donetsk, según el ISW.",
        ("language", "unsupported"), lang="es"),
    refused("Secondo l'ISW, le forze russe hanno conquistato 610 chilometri quadrati nella "
        "regione di Donetsk a ottobre.",
        ("language", "unsupported"), lang="it"),
    refused("Według ISW rosyjskie wojska zajęły w październiku 610 kilometrów kwadratowych w "
        "obwodzie donieckim.",
        ("language", "unsupported"), lang="pl"),
    refused((SEED + " ") * 5,
        ("length", "too_long")),
]
# fmt: on


def _got(c):
    period = (c.period_start.isoformat(), c.period_end.isoformat()) if c.period_start else None
    keys = ("measure", "value", "side", "region", "hedge")
    return {"period": period, **{k: getattr(c, k) for k in keys}}


@pytest.mark.parametrize(("text", "date", "want", "problems", "extra"), TABLE)
def test_table(text, date, want, problems, extra, regions):
    c = parse_claim(text, date=date, regions=regions)
    assert _got(c) == want, c.describe()
    assert {(p["part"], p["code"]) for p in c.problems} == problems, c.describe()
    for key, value in extra.items():
        got = getattr(c, key)
        assert got == pytest.approx(value) if isinstance(value, float) else got == value, key


@pytest.mark.parametrize(("text", "date", "want", "problems", "extra"), TABLE)
def test_table_without_the_region_table_reads_the_same(text, date, want, problems, extra, regions):
    # The built-in names alone cover every region the table names.
    bare, full = parse_claim(text, date=date), parse_claim(text, date=date, regions=regions)
    assert (bare.region, bare.region_candidates) == (full.region, full.region_candidates)
    assert bare.region == want["region"]


def test_table_is_big_enough():
    refusals = [p for p in TABLE if p.values[3]]
    assert len(TABLE) >= 60 and len(refusals) >= 12
    assert sum(1 for p in TABLE if "Quadratkilometer" in p.values[0]) >= 20
    assert SEED in [p.values[0] for p in TABLE]


def test_seed_record_is_json_ready():
    c = parse_claim(SEED, date="2024-11-04")
    record = c.as_record()
    assert json.loads(json.dumps(record)) == record
    assert record["ok"] is True and record["lang"] == "de"
    assert record["period_start"] == "2024-10-01" and record["period_end"] == "2024-11-01"
    assert record["period_text"] == "Oktober" and record["value_km2"] == 610
    assert c.describe().startswith("area_gained 610 km2, side russia, UA-14")


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("Donetsk region", "UA-14"),
        ("Donetsk Oblast", "UA-14"),
        ("der Region Donezk", "UA-14"),
        ("im Gebiet Donezk", "UA-14"),
        ("im Donezker Gebiet", "UA-14"),
        ("in der Oblast Donezk", "UA-14"),
        ("Charkiw", "UA-63"),
        ("im Gebiet Charkiw", "UA-63"),
        ("the Kharkiv region", "UA-63"),
        ("Saporischschja", "UA-23"),
        ("Zaporizhzhia", "UA-23"),
        ("Zaporozhye", "UA-23"),
        ("Cherson", "UA-65"),
        ("Luhansk", "UA-09"),
        ("Lugansk", "UA-09"),
        ("Kursk", "RU-KRS"),
        ("Sumy", "UA-59"),
        ("Dnipropetrovsk", "UA-12"),
        ("Dnipropetrowsk", "UA-12"),
        ("Crimea", "UA-43"),
        ("der Krim", "UA-43"),
        ("Kyiv region", "UA-32"),
        ("Gebiet Kiew", "UA-32"),
        ("Donetska oblast", "UA-14"),
        ("Донецька область", "UA-14"),
        ("Belgorod", "RU-BEL"),
    ],
)
def test_region_forms(words, code, regions):
    c = parse_claim(
        f"Russian forces captured 50 km² in {words} in October.", date=PUB, regions=regions
    )
    assert c.region == code, c.describe()
    assert fold(c.region_text).endswith(fold(words.split()[-1]))


def test_kyiv_alone_is_a_side_not_a_region(regions):
    c = parse_claim(
        "Kyiv's forces retook 20 square kilometres in October.", date=PUB, regions=regions
    )
    assert (c.side, c.region) == ("ukraine", None)


@pytest.mark.parametrize(
    ("words", "period"),
    [
        ("im Oktober", OCT),
        ("im Dezember", ("2023-12-01", "2024-01-01")),
        ("im November", ("2024-11-01", "2024-11-04")),
        ("last month", OCT),
        ("in the past week", PAST_7),
        ("since the start of the year", YTD),
        ("in 2023", ("2023-01-01", "2024-01-01")),
        ("between 1 and 15 October", ("2024-10-01", "2024-10-16")),
        ("vom 1. bis 15. Oktober 2024", ("2024-10-01", "2024-10-16")),
        ("from October 1 to October 15", ("2024-10-01", "2024-10-16")),
        ("in den vergangenen 30 Tagen", ("2024-10-05", "2024-11-04")),
        ("in May", ("2024-05-01", "2024-06-01")),
        ("im März", ("2024-03-01", "2024-04-01")),
        ("between August and October", ("2024-08-01", "2024-11-01")),
        ("since the full-scale invasion", ("2022-02-24", "2024-11-04")),
        ("this month", ("2024-11-01", "2024-11-04")),
        ("on 1 October 2024", ("2024-10-01", "2024-10-02")),
        ("on October 2", ("2024-10-02", "2024-10-03")),
        ("am 3. Oktober", ("2024-10-03", "2024-10-04")),
        ("since 1 October 2024", ("2024-10-01", "2024-11-04")),
        ("seit dem 1. Oktober", ("2024-10-01", "2024-11-04")),
    ],
)
def test_periods_against_the_publication_date(words, period):
    c = parse_claim(f"Russian forces captured 50 km² {words}.", date=PUB)
    assert _got(c)["period"] == period, c.describe()


def test_march_and_may_as_words_are_no_months():
    c = parse_claim("Russian forces may march on and capture 50 km², ISW warned.", date=PUB)
    assert c.period_start is None and c.problem("period") == "missing"


@pytest.mark.parametrize(
    ("raw", "lang", "value", "problem"),
    [
        ("610", "de", 610, None),
        ("1.234,5", "de", 1234.5, None),
        ("1,234.5", "en", 1234.5, None),
        ("1.234", "de", 1234, None),
        ("1.5", "en", 1.5, None),
        ("1,5", "de", 1.5, None),
        ("1 234", "de", 1234, None),
        ("1.234", "en", 1234, "ambiguous"),
        ("1,234", "de", 1234, "ambiguous"),
        ("1,5", "en", 1.5, "ambiguous"),
        ("1.234.567", "de", 1234567, None),
        ("twelve", "en", 12, None),
        ("zwölf", "de", 12, None),
        ("a dozen", "en", 12, "unsure"),
        ("Dutzende", "de", None, "unsure"),
        ("1.234", None, 1234, "ambiguous"),
    ],
)
def test_read_number(raw, lang, value, problem):
    assert read_number(raw, lang) == (value if value is None else float(value), problem)


def test_square_miles_factor_is_the_claims_one():
    assert UNITS["mi2"] == MI2_KM2


def test_length_limit_is_exact():
    pad = "Russian forces captured 50 km² in October."
    at_limit = pad + " " * (MAX_CHARS - len(pad))
    assert parse_claim(at_limit, date=PUB).ok
    over = parse_claim(at_limit + ".", date=PUB)
    assert over.problems == ({"part": "length", "code": "too_long"},) and not over.ok


def test_no_date_anchors_on_today_and_says_so():
    c = parse_claim("Russian forces captured 50 km² last month.")
    assert c.anchor_date == dt.date.today()
    assert {"part": "period", "code": "assumed_today"} in c.assumptions


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [({"text": 5}, "text"), ({"lang": "fr"}, "lang"), ({"date": "4.11.2024"}, "date")],
)
def test_bad_arguments_name_the_parameter(kwargs, param):
    args = {"text": "Russian forces captured 50 km² in October.", **kwargs}
    text = args.pop("text")
    with pytest.raises(FrontlineError) as err:
        parse_claim(text, **args)
    assert err.value.param == param


# A few hundred random inputs must all come back as a ParsedClaim: raw text, and text built
# from the parser's own vocabulary (which reaches the period and number code far more often).
# fmt: off
_PIECES = [
    "Russian forces", "russische Truppen", "Ukraine", "captured", "erobert", "verloren", "net",
    "610", "1.234,5", "1,234", "2024", "9999", "31", "0", "km²", "Quadratkilometer", "sq mi",
    "villages", "km from", "Kilometer vor", "Pokrowsk", "in October", "im Dezember", "May",
    "between 31 and 1 February", "vom 30. bis 31. Februar", "in the past 0 weeks", "last",
    "since", "seit", "Region Donezk", "Donbas", "Kyiv region", "about", "mehr als", "bis zu",
    "a dozen", "Dutzende", "(", ")", ",", ".", "ISW", "AFP", "l'", "der", "the", "\u00a0", "Q4",
    "week to 31 June", "weekend",
]
# fmt: on


@settings(
    max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.one_of(
        st.text(max_size=1200), st.lists(st.sampled_from(_PIECES), max_size=40).map(" ".join)
    ),
    st.dates(min_value=dt.date(1, 1, 1)),
)
def test_no_input_raises(text, date):
    c = parse_claim(text, date=date)
    assert c.measure in (None, *MEASURES)
    assert all(set(p) == {"part", "code"} for p in c.problems)
    json.dumps(c.as_record())


@pytest.mark.parametrize("date", [dt.date.min, dt.date.max, dt.date(2024, 2, 29)])
@pytest.mark.parametrize(
    "text",
    [
        "Russian troops are 3 km from Pokrovsk.",
        "Russian forces captured 50 km² in the past 12 months, last year and yesterday.",
        "Russische Truppen eroberten vom 30. bis 31. Februar und im Dezember 20 Dörfer.",
        "Russian forces took 5 km² since the start of the year, in Q4 and over the weekend.",
    ],
)
def test_dates_at_the_ends_of_the_calendar(text, date):
    c = parse_claim(text, date=date)
    assert c.period_start is None or c.period_start <= c.period_end


@pytest.mark.parametrize(
    ("words", "period"),
    [
        ("last week", ("2024-10-28", "2024-11-04")),  # the calendar week before
        ("in der vergangenen Woche", ("2024-10-28", "2024-11-04")),
        ("in the past week", ("2024-10-31", "2024-11-07")),  # the 7 days before the date
        ("binnen einer Woche", ("2024-10-31", "2024-11-07")),
        ("this week", ("2024-11-04", "2024-11-07")),
    ],
)
def test_calendar_weeks_and_rolling_weeks_differ_midweek(words, period):
    c = parse_claim(f"Russian forces captured 50 km² {words}.", date=dt.date(2024, 11, 7))
    assert _got(c)["period"] == period, c.describe()
