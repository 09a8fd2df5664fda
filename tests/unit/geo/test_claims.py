"""Claims: the loader's checks and the bundled claims against the real control polygons."""

import datetime as dt
import textwrap

import pytest

from geo.claims import check_claim, load_claims
from geo.errors import FrontlineError
from geo.paths import bundled_data_dir

D = dt.date

GOOD = """
- id: test-claim
  figure: 100
  unit: km2
  period: {from: 2024-10-01, to: 2024-11-01}
  region: UA-14
  layer: russian_held
  direction: advance
  claimed_by: Someone
"""


@pytest.fixture(scope="module")
def bundled(data):
    claims = load_claims(bundled_data_dir() / "claims.yaml", data.regions)
    return {c.id: c for c in claims}


def _write(tmp_path, text):
    path = tmp_path / "claims.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_loads_a_minimal_claim(tmp_path):
    (claim,) = load_claims(_write(tmp_path, GOOD))
    assert claim.period_start == D(2024, 10, 1) and claim.period_end == D(2024, 11, 1)
    assert claim.region == "UA-14" and claim.figure_km2 == 100 and claim.url == ""


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("from: 2024-10-01", "from: 1 Oct 2024", "period.from"),
        ("to: 2024-11-01", "to: 2024-09-01", "period"),
        ("unit: km2", "unit: acres", "unit"),
        ("region: UA-14", "region: UA-99", "region"),
        ("layer: russian_held", "layer: blue", "layer"),
        ("direction: advance", "direction: sideways", "direction"),
        ("figure: 100", "figure: lots", "figure"),
        ("  claimed_by: Someone\n", "", "claimed_by"),
    ],
)
def test_loader_errors_name_file_claim_and_field(tmp_path, data, old, new, field):
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(FrontlineError) as err:
        load_claims(path, data.regions)
    message = str(err.value)
    assert str(path) in message and "'test-claim'" in message and f": {field}:" in message
    assert err.value.param == field


def test_duplicate_ids_and_bad_files(tmp_path):
    with pytest.raises(FrontlineError, match="id: used twice"):
        load_claims(_write(tmp_path, GOOD + GOOD))
    with pytest.raises(FrontlineError, match="expected a list"):
        load_claims(_write(tmp_path, "just text"))
    with pytest.raises(FrontlineError, match="cannot read"):
        load_claims(tmp_path / "missing.yaml")


def test_bundled_claims_are_sourced(bundled):
    article = bundled["afp-isw-donetsk-2024-10"]
    assert article.figure == 610 and article.unit == "km2" and article.region == "UA-14"
    assert article.publication == "WorldScope" and article.published == D(2024, 11, 4)
    assert article.quote == "sind allein im Oktober um 610 Quadratkilometer vorgerückt"
    assert article.quote_lang == "de" and article.data_source == "ISW"
    text = (bundled_data_dir() / "claims.yaml").read_text(encoding="utf-8")
    assert "http" not in text  # no invented URLs


def test_article_claim_against_deepstate(bundled, data):
    check = check_claim(bundled["afp-isw-donetsk-2024-10"], data.territory)
    region, whole = check.region_change, check.all_change
    assert region.region == "UA-14" and whole.region is None
    assert (region.from_snapshot, region.to_snapshot) == (D(2024, 10, 1), D(2024, 11, 1))
    assert check.region_km2 == pytest.approx(398.6, abs=0.5)
    assert check.all_km2 == pytest.approx(502.8, abs=0.5)
    assert check.closest == "all" and not check.matches("region") and not check.matches("all")
    assert check.ratio("region") == pytest.approx(610 / check.region_km2)
    assert check.difference("all") == pytest.approx(610 - check.all_km2)

    verdict = check.verdict()
    assert (verdict.compared, verdict.relation, verdict.all_relation) == ("region", "more",
                                                                          "closer")  # fmt: skip
    assert verdict.ratio == pytest.approx(610 / check.region_km2)
    assert (verdict.reason, verdict.data_source) == ("source_and_region", "ISW")


def test_verdict_wording_lives_in_the_dashboard(bundled, data):
    from dashboard.claims_text import verdict_text

    check = check_claim(bundled["afp-isw-donetsk-2024-10"], data.territory)
    en = verdict_text(check, "en")
    for part in ("610 km²", "398.6 km²", "502.8 km²", "1–31 October 2024", "ISW", "DeepState"):
        assert part in en
    assert "Donetsk Oblast" in en and "1 November 2024" in en
    de = verdict_text(check, "de")
    for part in ("610 km²", "398,6 km²", "502,8 km²", "1.–31. Oktober 2024", "ISW", "DeepState"):
        assert part in de
    assert "Oblast Donezk" in de and "1. November 2024" in de


def test_deepstate_august_claim_matches(bundled, data):
    check = check_claim(bundled["deepstate-ukraine-2024-08"], data.territory)
    assert check.region_change is None and check.closest == "all"
    assert check.matches("all")
    from dashboard.claims_text import verdict_text

    assert "matches (within 5 %)" in verdict_text(check, "en")
    assert "innerhalb von 5 %" in verdict_text(check, "de")
    record = check.as_record()
    assert record["all"]["matches"] is True and record["region"] is None
    assert record["from_snapshot"] == "2024-08-01" and record["to_snapshot"] == "2024-09-01"
    assert record["verdict"]["relation"] == "match" and record["sources"]


def test_record_is_json_ready(bundled, data):
    import json

    record = check_claim(bundled["afp-isw-donetsk-2024-10"], data.territory).as_record()
    text = json.dumps(record, ensure_ascii=False)
    assert '"period_start": "2024-10-01"' in text
    assert record["region"]["net_km2"] == pytest.approx(398.6, abs=0.5)
    assert record["closest"] == "all" and record["verdict"]["reason"] == "source_and_region"
