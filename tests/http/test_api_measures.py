"""The measures beyond km² through a real server and the real CLI: settlements as CSV and
GeoJSON read back by pandas and GDAL, the same count from ``frontline settlements``, the
front's length, speed, distance, and oblast rows that add up to the period's total."""

import io
import json
import urllib.error
import urllib.request

import pandas as pd
import pyogrio
import pytest

from dashboard.api_measures import csv_text
from dashboard.cli import main

OCTOBER = "from=2024-10-01&to=2024-11-01"


def get(server, path, headers=None):
    req = urllib.request.Request(server + path, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    """``frontline ARGS...`` in this process over the bundled data and an empty user folder:
    ``(exit status, stdout, stderr)``."""
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FRONTLINE_STORE", raising=False)

    def run(*argv):
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_settlements_csv_and_geojson_agree(server, tmp_path):
    # Autumn 2022 (Kharkiv, Lyman, Kherson): many places, both ways.
    autumn = "from=2022-09-01&to=2022-12-01"
    status, headers, body = get(server, f"/api/v1/territory/settlements.csv?{autumn}")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert "DeepStateMap" in headers["X-Attribution"] and "GeoNames" in headers["X-Attribution"]
    assert headers["X-Data-Version"] and headers["ETag"]
    table = pd.read_csv(io.BytesIO(body), keep_default_na=False)
    status, headers, body = get(server, f"/api/v1/territory/settlements.geojson?{autumn}")
    assert status == 200 and headers["Content-Type"].startswith("application/geo+json")
    doc = json.loads(body)
    assert "crs" not in doc and doc["provenance"]["query"]["from"] == "2022-09-01"
    assert {s["id"] for s in doc["provenance"]["sources"]} == {
        "deepstate",
        "naturalearth",
        "geonames",
    }
    assert doc["summary"]["total"] == len(doc["features"]) == len(table) > 20
    path = tmp_path / "settlements.geojson"
    path.write_bytes(body)
    gdf = pyogrio.read_dataframe(path)
    assert gdf["geonameid"].tolist() == table["geonameid"].tolist()
    assert gdf["name_uk"].tolist() == table["name_uk"].tolist()
    assert gdf["first_held"].astype(str).tolist() == table["first_held"].tolist()
    # Longitude first (RFC 7946), the same points as the CSV's columns.
    assert gdf.geometry.x.round(6).tolist() == table["lon"].tolist()
    assert gdf.geometry.y.round(6).tolist() == table["lat"].tolist()
    assert {"to_ru", "to_ua"} <= set(table["outcome"])
    assert doc["summary"]["to_ua"] == (table["outcome"] == "to_ua").sum() > 20
    assert set(table["source"]) == {doc["source"]} and (table["to_snapshot"] == "2022-12-01").all()
    kherson = table[(table["name_en"] == "Kherson") & (table["admin1"] == "UA-65")]
    assert kherson["first_held"].tolist() == ["2022-11-12"]


def test_settlements_cli_count_equals_the_apis(server, cli):
    code, out, err = cli(
        "settlements", "--from", "2024-10-01", "--to", "2024-11-01", "--region", "UA-14"
    )
    assert code == 0, err
    for name, day in (("Vuhledar", "2024-10-02"), ("Selydove", "2024-10-28")):
        line = next(row for row in out.splitlines() if f"  {name}  " in row)
        assert line.startswith(day) and "Donetsk Oblast (UA-14)" in line
    assert "5 settlement(s): 4 to Russia, 0 to Ukraine, 1 contested" in out
    assert out.rstrip().splitlines()[-1].startswith("Source: deepstate-layers.")
    assert "DeepStateMap" in out and "GeoNames" in out
    code, out, _ = cli("settlements", "--from", "2024-10-01", "--to", "2024-11-01",
                       "--region", "UA-14", "--format", "json")  # fmt: skip
    mine = json.loads(out)
    path = f"/api/v1/territory/settlements.geojson?{OCTOBER}&regions=UA-14"
    status, _, body = get(server, path)
    api = json.loads(body)
    assert status == 200
    assert mine["summary"]["total"] == api["summary"]["total"] == len(api["features"]) == 5
    assert [p["geonameid"] for p in mine["places"]] == [
        f["properties"]["geonameid"] for f in api["features"]
    ]
    code, out, _ = cli("settlements", "--from", "2024-10-01", "--to", "2024-11-01",
                       "--region", "UA-14", "--lang", "de", "--format", "csv")  # fmt: skip
    german = pd.read_csv(io.StringIO(out))
    assert "Selydowe" in german["name"].tolist() and len(german) == 5


def test_front_length_on_2024_11_01(server, cli):
    status, headers, body = get(
        server, "/api/v1/territory/front.json?from=2024-11-01&to=2024-11-02"
    )
    assert status == 200
    doc = json.loads(body)
    (row,) = doc["rows"]
    assert row["km"] == pytest.approx(1100.6, abs=0.05) and row["snapshot"] == "2024-11-01"
    assert doc["provenance"]["data_version"] == headers["X-Data-Version"]
    code, out, _ = cli("front", "--from", "2024-11-01", "--to", "2024-11-02")
    assert code == 0 and "1,100.6" in out and "Source: deepstate-layers." in out
    status, _, body = get(
        server, "/api/v1/territory/front.csv?from=2024-08-01&to=2025-01-01&by=month"
    )
    months = pd.read_csv(io.BytesIO(body))
    assert months["period_start"].tolist()[0] == "2024-08-01" and len(months) == 5
    assert months["kursk_km"].isna().tolist() == [True, False, False, False, False]


def test_oblast_rows_add_up_to_the_total_every_month_of_2024_and_2025(server):
    period = "from=2024-01-01&to=2026-01-01&by=month"
    status, _, body = get(server, f"/api/v1/territory/oblasts.csv?{period}")
    assert status == 200
    rows = pd.read_csv(io.BytesIO(body), keep_default_na=False)
    status, _, body = get(server, f"/api/v1/territory/changes.csv?{period}")
    totals = pd.read_csv(io.BytesIO(body))
    assert len(totals) == 24
    for total in totals.itertuples():
        mine = rows[rows["period_start"] == total.period_start]
        for col in ("gained_km2", "lost_km2", "net_km2"):
            assert abs(mine[col].sum() - getattr(total, col)) < 0.1, (total, col)
    status, _, body = get(server, f"/api/v1/territory/oblasts.json?{OCTOBER}&regions=UA-14")
    (donetsk,) = json.loads(body)["rows"]
    assert donetsk["region_name"] == "Donetsk Oblast" and donetsk["net_km2"] > 300


def test_area_per_region_sums_per_period(cli):
    code, out, err = cli("area", "--from", "2024-10-01", "--to", "2024-12-01", "--per-region")
    assert code == 0, err
    assert "Donetsk Oblast (UA-14)" in out and out.count("all regions (sum)") == 2
    sums = [line for line in out.splitlines() if "all regions (sum)" in line]
    assert sums[0].split()[-1] == "+502.8" and sums[1].split()[-1] == "+725.9"
    code, out, _ = cli("area", "--from", "2024-10-01", "--to", "2024-12-01", "--per-region",
                       "--region", "UA-14", "--format", "csv")  # fmt: skip
    rows = pd.read_csv(io.StringIO(out))
    assert rows["region"].tolist() == ["UA-14", "UA-14"]
    code, _, err = cli("area", "--from", "2024-10-01", "--to", "2024-10-03", "--per-region",
                       "--by", "day")  # fmt: skip
    assert code == 2 and "by:" in err
    # Nothing changed hands in Dnipropetrovsk oblast (UA-12) that week: a header only.
    week = ("--from", "2024-10-01", "--to", "2024-10-08")
    code, out, _ = cli("area", *week, "--per-region", "--by", "week", "--region", "UA-12")
    assert code == 0 and "no region gained or lost ground" in out
    code, out, _ = cli("settlements", *week, "--region", "UA-12", "--format", "csv")
    assert code == 0 and out.startswith("geonameid,name,") and out.count("\n") == 1


def test_speed_and_distance(server, cli):
    status, _, body = get(server, "/api/v1/territory/speed.json?from=2024-12-01&to=2024-12-03")
    doc = json.loads(body)
    assert status == 200 and doc["windows"] == [7, 30] and len(doc["series"]) == 4
    assert doc["largest_monthly_gain"]["month"] == "2024-11"
    assert doc["largest_monthly_gain"]["last_exceeded"]["month"] == "2022-06"
    status, _, body = get(
        server, "/api/v1/territory/speed.csv?from=2024-12-01&to=2024-12-03&windows=7&regions=UA-14"
    )
    speed = pd.read_csv(io.BytesIO(body))
    assert speed["window_days"].tolist() == [7, 7] and set(speed["region"]) == {"UA-14"}
    code, out, _ = cli("speed", "--from", "2024-12-01", "--to", "2024-12-03")
    assert code == 0 and "the largest since 2022-06" in out
    query = "place=Kramatorsk&from=2025-01-01&to=2025-10-01&by=month"
    status, _, body = get(server, f"/api/v1/distance.json?{query}")
    doc = json.loads(body)
    assert doc["figure"]["km_now"] == 19.8 and doc["place"]["name_uk"] == "Краматорськ"
    status, headers, body = get(server, f"/api/v1/distance.csv?{query}")
    series = pd.read_csv(io.BytesIO(body))
    assert set(series["place"]) == {"Kramatorsk"} and len(series) == 9
    assert "GeoNames" in headers["X-Attribution"]
    code, out, _ = cli("distance", "Kramatorsk", "--from", "2025-01-01", "--to", "2025-10-01",
                       "--by", "month")  # fmt: skip
    assert "Kramatorsk: 19.8 km on 2025-10-01, 22.4 km on 2025-01-01" in out
    code, _, err = cli("distance", "Donetsk", "--from", "2025-01-01", "--to", "2025-02-01")
    assert code == 2 and "ambiguous" in err and "RU-ROS" in err


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/v1/territory/settlements.csv?from=2024-10-01", "to"),
        ("/api/v1/territory/settlements.geojson?from=2024-10-01&to=2024-11-01&regions=UA-99",
         "regions"),
        ("/api/v1/territory/front.json?from=2020-01-01&to=2024-11-01", "from"),
        ("/api/v1/territory/front.csv?from=2022-05-01&to=2024-11-01&by=day", "by"),
        ("/api/v1/territory/speed.json?from=2024-10-01&to=2024-11-01&windows=400", "windows"),
        ("/api/v1/territory/oblasts.json?from=2024-10-01&to=2024-11-01&by=day", "by"),
        ("/api/v1/distance.json?from=2024-10-01&to=2024-11-01", "place"),
        ("/api/v1/distance.json?place=Donetsk&from=2024-10-01&to=2024-11-01", "place"),
        ("/api/v1/distance.csv?place=Donetsk&from=2024-10-01&to=2024-11-01&admin1=XX", "admin1"),
        ("/api/v1/territory/front.json?from=2024-10-01&to=2024-11-01&source=isw", "source"),
        ("/api/v1/territory/settlements.csv?from=2024-10-01&to=2024-11-01&place=Kyiv", "place"),
    ],
)  # fmt: skip
def test_errors_are_json_naming_the_parameter(server, path, param):
    status, headers, body = get(server, path)
    doc = json.loads(body)
    assert status == 400 and headers["Content-Type"].startswith("application/json")
    assert doc == {"ok": False, "error": doc["error"], "status": 400, "param": param}
    assert param in doc["error"]


def test_not_modified_until_the_data_changes(server):
    path = f"/api/v1/territory/settlements.csv?{OCTOBER}&regions=UA-14"
    status, headers, _ = get(server, path)
    assert status == 200 and headers["Cache-Control"].startswith("public")
    status, _, body = get(server, path, {"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""


def test_csv_cells_that_look_like_formulas_are_neutralised():
    text = csv_text([{"name": "=HYPERLINK(1)", "n": -3, "note": "@x"}, {"name": "-1+2"}])
    rows = list(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).itertuples())
    assert (rows[0].name, rows[0].n, rows[0].note) == ("'=HYPERLINK(1)", "-3", "'@x")
    assert rows[1].name == "'-1+2"
    assert csv_text([], ["a", "b"]) == "a,b\n"
