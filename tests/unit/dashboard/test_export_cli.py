"""`frontline export` writes what the API serves, and exported events ingest back the same."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from geo.ingest import read_events
from geo.query import Query

ROOT = Path(__file__).resolve().parents[3]
FILTERS = ["--from", "2024-10-01", "--to", "2024-11-01", "--regions", "UA-14"]
COMPARED = ["event_id", "date", "date_precision", "event_type", "actor1", "actor2", "country",
            "admin1", "location", "geo_precision", "fatalities", "fatalities_low",
            "fatalities_high", "source", "notes"]  # fmt: skip


def export(*args):
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "export", *map(str, args)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_events_round_trip_through_ingest(tmp_path, data, fmt):
    path = tmp_path / f"events.{fmt}"
    export("events", "--format", fmt, "-o", path, *FILTERS)
    original = data.events(
        Query.from_params({"from": "2024-10-01", "to": "2024-11-01", "regions": "UA-14"})
    )
    again = read_events(path, name="again", regions=data.regions)
    assert again.rejects.empty and len(again.events) == len(original) > 0
    left = original[COMPARED].reset_index(drop=True).astype(str)
    right = again.events[COMPARED].reset_index(drop=True).astype(str)
    pd.testing.assert_frame_equal(left, right)
    # Coordinates survive to the 6 decimals the export writes (about 0.1 m).
    for axis in ("x", "y"):
        got = getattr(again.events.geometry, axis).to_numpy()
        want = getattr(original.geometry, axis).to_numpy()
        assert abs(got - want).max() <= 5e-7
    if fmt == "csv":
        meta = json.loads(path.with_name(path.name + ".meta.json").read_text())
        assert meta["rows"] == len(original) and meta["query"]["regions"] == "UA-14"
        assert any(s["id"] == "naturalearth" for s in meta["sources"])


def test_changes_and_snapshot_files(tmp_path, data):
    csv = tmp_path / "changes.csv"
    export("changes", "--by", "month", "-o", csv, "--from", "2024-08-01", "--to", "2024-10-01")
    df = pd.read_csv(csv)
    assert list(df["period_start"]) == ["2024-08-01", "2024-09-01"]
    assert df.loc[0, "net_km2"] == pytest.approx(363, rel=0.03)
    snap = tmp_path / "snap.geojson"
    export("snapshot", "--date", "2024-11-01", "--format", "geojson", "-o", snap)
    gdf = pyogrio.read_dataframe(snap)
    assert len(gdf) == 1 and str(gdf.loc[0, "snapshot_date"])[:10] == "2024-11-01"
    assert json.loads(snap.read_text())["provenance"]["sources"][0]["id"] == "deepstate"
