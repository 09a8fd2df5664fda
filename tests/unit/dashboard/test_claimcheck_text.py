"""A checked sentence in words (English and German), and ``frontline check`` run in-process
through its own argument parser."""

import argparse
import datetime as dt
import json
import sys

import pytest

from dashboard import cli_check
from dashboard.api_check import TokenBucket
from dashboard.claimcheck_text import (
    figure_rows,
    parsed_fields,
    parsed_notes,
    problem_text,
    sentence_verdict,
    text,
)
from geo.claimcheck import check_sentence
from geo.claimtext import parse_claim

PUB = dt.date(2024, 11, 4)
SEED = (
    "Laut einer AFP-Analyse, die auf Daten des Institute for the Study of War (ISW) basiert, "
    "haben russische Truppen in der Region Donezk schnell Territorium gewonnen und sind allein "
    "im Oktober um 610 Quadratkilometer vorgerückt."
)


@pytest.fixture(scope="module")
def seed(data):
    return check_sentence(parse_claim(SEED, date=PUB, regions=data.regions), data)


def test_seed_verdict_in_german_and_english(seed):
    de = sentence_verdict(seed, "de")
    for part in ("Oblast Donezk", "398,6 km²", "502,8 km²", "610 km²", "1,5-mal", "ISW",
                 "ganze Front", "1.–31. Oktober 2024", "1. November 2024"):  # fmt: skip
        assert part in de, part
    en = sentence_verdict(seed, "en")
    wanted = ("Donetsk Oblast", "398.6 km²", "502.8 km²", "1.5 times", "closer to the",
              "whole front", "ISW draws the front differently", "1–31 October 2024")  # fmt: skip
    for part in wanted:
        assert part in en, part


def test_parsed_fields_name_every_part(seed, data):
    de = dict(parsed_fields(seed.parsed, "de", data.regions))
    assert de["Messgröße"] == "Geländegewinn" and de["Zahl"] == "610 km²"
    assert de["Region"] == "Oblast Donezk (UA-14)" and de["Datenquelle"] == "ISW"
    assert de["Zeitraum"].startswith("1.–31. Oktober 2024") and de["Probleme"] == "–"
    en = dict(parsed_fields(seed.parsed, "en"))
    assert en["Region"] == "UA-14" and en["Side"].startswith("Russia")


@pytest.mark.parametrize(
    "part, code, en, de",
    [
        ("period", "missing", "no period found", "kein Zeitraum gefunden"),
        ("number", "missing", "no number found", "keine Zahl gefunden"),
        ("region", "ambiguous", "region ambiguous", "Region mehrdeutig"),
        ("language", "unsupported", "only English and German", "nur Deutsch und Englisch"),
        ("length", "too_long", "1,000 characters", "1.000 Zeichen"),
    ],
)
def test_problem_codes_in_words(part, code, en, de):
    problem = {"part": part, "code": code}
    assert en in problem_text(problem, "en") and de in problem_text(problem, "de")


def test_notes_list_problems_then_assumptions():
    parsed = parse_claim("Russia gained 600 km2 last spring.", date=PUB)
    assert parsed_notes(parsed, "de") == ["kein Zeitraum gefunden",
                                          "keine Region genannt: die ganze Ukraine"]  # fmt: skip
    assert parsed_notes(parse_claim(SEED, date=PUB), "en") == []


def test_every_string_has_both_languages():
    from dashboard.claimcheck_text import _T

    for key, (en, de) in _T.items():
        assert en and de, key
        assert en.count("{") == de.count("{"), key  # the same placeholders


def test_unreadable_and_refused_verdicts(data):
    unreadable = check_sentence(parse_claim("Russia gained 600 km2 in Donetsk.", date=PUB), data)
    assert sentence_verdict(unreadable, "en") == (
        "This sentence cannot be checked: no period found."
    )
    assert "kein Zeitraum gefunden" in sentence_verdict(unreadable, "de")
    french = parse_claim(
        "Les troupes russes ont conquis 610 kilomètres carrés en octobre.", date=PUB
    )
    assert "nur Deutsch und Englisch" in sentence_verdict(check_sentence(french, data), "de")


def test_settlement_and_distance_verdicts(data):
    villages = check_sentence(parse_claim(
        "Nach Angaben von DeepState nahmen russische Truppen im Oktober zwölf Ortschaften in der "
        "Region Donezk ein.", date=PUB, regions=data.regions), data)  # fmt: skip
    de = sentence_verdict(villages, "de")
    assert "4 von Russland eingenommene Ortschaften" in de and "Vuhledar" in de
    assert "Ortsverzeichnisses" in de and "12 Ortschaften" in de
    header, rows = figure_rows(villages, "en")
    assert header[-2:] == ["count", "contested"] and rows[0][3] == "4"
    pokrovsk = check_sentence(parse_claim(
        "Russian forces are about 10 km from Pokrovsk.", date=PUB), data)  # fmt: skip
    en = sentence_verdict(pokrovsk, "en")
    assert "from Pokrovsk" in en and "4 November 2024" in en and "within 5 % or 1 km" in en


def test_a_distance_on_a_stale_map_and_inside_held_ground_in_words(data):
    # Said 100 days after the newest map: the verdict gives the map's date and its age.
    newest = data.territory.dates()[-1]
    said = newest + dt.timedelta(days=100)
    late = check_sentence(parse_claim("Russian forces are 5 km from Kupiansk.", date=said), data)
    en, de = sentence_verdict(late, "en"), sentence_verdict(late, "de")
    assert "newest map Frontline has, 100 days older" in en and "Update the data" in en
    assert "neueste Karte in Frontline, 100 Tage älter" in de
    assert "Likely reasons" not in en  # the map's age is a caveat, not a reason for a gap
    # A place inside Russian-held ground: 5 km are more than 0, with no "0.0 times".
    taken = check_sentence(parse_claim(
        "Russian forces are 5 km from Avdiivka.", date=dt.date(2024, 11, 4)), data)  # fmt: skip
    en = sentence_verdict(taken, "en")
    assert "lies inside Russian-held ground" in en and "are more than that" in en
    assert "times" not in en


def test_text_falls_back_to_english_for_other_languages():
    assert text("field.region", "fr") == "Region" and text("field.period", "de") == "Zeitraum"


# --- frontline check, in-process ------------------------------------------------------------
def run(argv, tmp_path):
    parser = argparse.ArgumentParser(prog="frontline")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_check.add_parser(sub)
    args = parser.parse_args([*argv, "--data-dir", str(tmp_path)])
    return cli_check.COMMANDS[args.command](args, sys.stdout)


def test_cli_table_in_german(tmp_path, capsys):
    assert run(["check", SEED, "--date", "2024-11-04"], tmp_path) == 0
    out = capsys.readouterr().out
    for part in ("Gelesen:", "Zahlen:", "Urteil:", "Oblast Donezk (UA-14)", "398,6", "502,8",
                 "2024-10-01 → 2024-11-01", "gewonnen", "deepstate"):  # fmt: skip
        assert part in out, part


def test_cli_json_in_english(tmp_path, capsys):
    code = run(["check", SEED, "--date", "2024-11-04", "--lang", "en", "--format", "json"],
               tmp_path)  # fmt: skip
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["checked"] and payload["lang"] == "en"
    assert payload["parsed"]["region"] == "UA-14"
    assert payload["check"]["areas"][0]["region"]["net_km2"] == pytest.approx(398.6, abs=0.1)
    assert "Donetsk Oblast" in payload["verdict"]


def test_cli_unreadable_and_refused_exit_2(tmp_path, capsys):
    assert run(["check", "Russia gained 600 km2 in Donetsk.", "--date", "2024-11-04"],
               tmp_path) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "cannot read the sentence: no period found" in err
    assert run(["check", "x" * 1001], tmp_path) == 2
    assert "refused: longer than 1,000 characters" in capsys.readouterr().err


def test_cli_bad_date_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        run(["check", SEED, "--date", "4.11.2024"], tmp_path)
    assert exit_.value.code == 2 and "--date" in capsys.readouterr().err


def test_cli_hides_terminal_controls(tmp_path, capsys):
    run(["check", "Russia gained \x1b[31m600 km2 in Donetsk.", "--date", "2024-11-04"], tmp_path)
    assert "\x1b" not in capsys.readouterr().out


# --- the API's rate limit ------------------------------------------------------------------
def test_token_bucket_refills_at_its_rate():
    now = [0.0]
    bucket = TokenBucket(30, clock=lambda: now[0])
    assert all(bucket.take("a") == 0 for _ in range(30))
    wait = bucket.take("a")
    assert wait == pytest.approx(2.0)  # one token every 2 s at 30 a minute
    assert bucket.take("b") == 0  # another client has its own bucket
    now[0] += 2.0
    assert bucket.take("a") == 0 and bucket.take("a") > 0


def test_token_bucket_forgets_the_oldest_clients():
    bucket = TokenBucket(1, max_keys=2, clock=lambda: 0.0)
    for key in ("a", "b", "c"):
        assert bucket.take(key) == 0
    assert bucket.take("a") == 0 and bucket.take("c") > 0  # "a" was forgotten, "c" was not
