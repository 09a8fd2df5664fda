"""The `frontline` command, run as a real subprocess the way users run it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely

ROOT = Path(__file__).resolve().parents[3]
UCDP = (
    ROOT
    / "tests/unit/geo/ingest/fixtures/ucdp_ged251_russia_ukraine_random_sample2000_2022-2024.csv"
)


def frontline(*args, env=None, check=False):
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=check,
        timeout=300,
    )


def test_help_explains_every_command():
    out = frontline("--help").stdout
    for command in ("serve", "area", "ingest"):
        assert command in out
    area = frontline("area", "--help").stdout
    assert "--region" in area and "UA-14" in area and "equal-area" in area
    ingest = frontline("ingest", "--help").stdout
    assert "Exit 0" in ingest and "--rejects" in ingest


def test_area_august_2024_json():
    proc = frontline("area", "--from", "2024-08-01", "--to", "2024-09-01", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert row["region"] is None
    assert row["net_km2"] == pytest.approx(363, rel=0.03)
    assert (row["from_snapshot"], row["to_snapshot"]) == ("2024-08-01", "2024-09-01")
    for key in ("period_start", "period_end", "gained_km2", "lost_km2"):
        assert key in row


def test_area_donetsk_table_names_snapshots_and_source():
    proc = frontline("area", "--from", "2024-10-01", "--to", "2024-11-01", "--region", "UA-14")
    assert proc.returncode == 0, proc.stderr
    assert "2024-10-01 → 2024-11-01" in proc.stdout
    assert "UA-14" in proc.stdout and "DeepStateMap" in proc.stdout and "EPSG:6933" in proc.stdout


def test_area_by_month_csv_for_the_kursk_layer():
    proc = frontline(
        "area", "--from", "2024-08-01", "--to", "2025-01-01", "--layer", "ua_held_in_russia",
        "--by", "month", "--format", "csv",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    from io import StringIO

    df = pd.read_csv(StringIO(proc.stdout))
    assert list(df["period_start"]) == [
        "2024-08-01",
        "2024-09-01",
        "2024-10-01",
        "2024-11-01",
        "2024-12-01",
    ]
    assert df.loc[0, "net_km2"] > 500  # the incursion from 6 August 2024
    assert (df.loc[1:, "net_km2"] < 0).all()  # then pushed back month after month


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--from", "2024-10-01", "--to", "2024-11-01", "--region", "UA-99"], "UA-99"),
        (["--from", "2024-13-01", "--to", "2024-11-01"], "from"),
        (["--from", "2024-11-01", "--to", "2024-10-01"], "must be after"),
        (["--from", "2021-01-01", "--to", "2021-02-01"], "starts on 2022-04-04"),
    ],
)
def test_area_bad_input_exit_2_with_message(args, needle):
    proc = frontline("area", *args)
    assert proc.returncode == 2
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_ingest_ucdp_sample_accepts_all_rows(tmp_path):
    proc = frontline("ingest", UCDP, "--data-dir", tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "accepted       2,000" in proc.stdout
    stored = tmp_path / "datasets" / "ucdp.parquet"
    events = pd.read_parquet(stored)
    assert len(events) == 2000


def test_ingest_damaged_file_rejects_rows_and_counts_add_up(tmp_path):
    bad = tmp_path / "mine.csv"
    bad.write_text(
        "id;date;lat;lon;notes\n"
        "1;2024-10-05;48.0;37.8;fine\n"
        "2;2024-13-05;48.0;37.8;bad date\n"
        "3;2024-10-05;37.8;48.0;swapped\n"
        "4;2024-10-05;95;37.8;out of range\n"
        "1;2024-10-06;48.1;37.7;duplicate id\n"
        "5;2024-10-07;43.0;33.0;black sea\n",
        encoding="utf-8-sig",
    )
    rejects = tmp_path / "rejects.csv"
    proc = frontline("ingest", bad, "--data-dir", tmp_path, "--rejects", rejects)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "rows read          6" in proc.stdout and "accepted           1" in proc.stdout
    df = pd.read_csv(rejects)
    assert len(df) == 5
    assert set(df["reason"]) == {
        "unparseable_date", "swapped_lat_lon", "coordinates_out_of_range", "duplicate_id",
        "outside_known_regions",
    }  # fmt: skip
    assert list(df["row"]) == [2, 3, 4, 5, 6]
    # The stored dataset is real GeoParquet: pyarrow reads it, its metadata says WKB points
    # in WGS84. (The GDAL in pyogrio's wheel has no Parquet driver, so GDAL cannot be used.)
    stored = tmp_path / "datasets" / "mine.parquet"
    table = pq.read_table(stored)
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["primary_column"] == "geometry"
    assert geo["columns"]["geometry"]["encoding"] == "WKB"
    point = shapely.from_wkb(table.column("geometry")[0].as_py())
    assert table.num_rows == 1 and (point.x, point.y) == (37.8, 48.0)


def test_ingest_unreadable_file_exit_2(tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\xff\xfe\x00\x01binary\x00junk")
    proc = frontline("ingest", junk, "--data-dir", tmp_path)
    assert proc.returncode == 2
    assert "junk.csv" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "datasets").exists()
    missing = frontline("ingest", tmp_path / "nope.csv", "--data-dir", tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr
