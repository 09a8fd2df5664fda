"""UCDP: discovering release files, reading them (header or not, zip), revisions by id, the
token-protected API with zero-based pages, and rows through the same ingest as the CLI.

No real UCDP API response or full 49-column file was ever recorded (README of the recorded
folder), so the files and pages served here are built from 8 real rows of the GED 25.1
sample (``tests/fixtures/sources/ucdp_ged251_sample_rows.csv``), in the documented shapes;
columns the sample lacks are left empty, and any value a test changes is marked so.
"""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest
from imitation_server import FIXTURES, Reply

from geo.errors import FrontlineError
from geo.ingest import read_events
from geo.paths import bundled_data_dir
from geo.regions import Regions
from geo.sources import ucdp
from geo.sources.errors import SourceError
from geo.sources.http import HttpClient
from geo.sources.ucdp import GED_COLUMNS, discover_downloads, merge_releases, read_release

TOKEN = "ucdp-token-5e8d2c7a91b4"
PAGE = """<html><body><h2>Downloads</h2>
<a href="https://ucdp.uu.se/downloads/ged/ged251-csv.zip">GED 25.1 CSV</a>
<a href="/downloads/ged/ged251.pdf">Codebook</a>
<a href="candidateged/GEDEvent_v26_0_8.csv">August 2026</a>
<a href="candidateged/GEDEvent_v26_0_7.csv">July 2026</a>
<a href="candidateged/GEDEvent_v26_01_26_06.csv">January-June 2026</a>
<a href="ged/ged261-csv.zip">GED 26.1</a> <a href="ged/ged261-csv.zip">again</a>
</body></html>"""


@pytest.fixture(scope="module")
def regions():
    return Regions.from_data_dir(bundled_data_dir())


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    path = FIXTURES / "ucdp_ged251_sample_rows.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def ged49(sample: pd.DataFrame) -> pd.DataFrame:
    """The sample rows in the 49 GED columns; country_id 369 (all are in Ukraine)."""
    frame = pd.DataFrame({c: sample.get(c, "") for c in GED_COLUMNS})
    frame["country_id"] = "369"
    return frame


def headerless(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, header=False).encode()


def fast(source="ucdp") -> HttpClient:
    return HttpClient(source, min_interval=0, backoff=0.05)


def test_downloads_are_discovered_oldest_first():
    found = discover_downloads(PAGE, "https://ucdp.uu.se/downloads")
    assert [(d.kind, d.version, d.released) for d in found] == [
        ("ged", "25.1", (2025, 6)),
        ("ged", "26.1", (2026, 6)),
        ("candidate-cumulative", "26.01-26.06", (2026, 7)),
        ("candidate", "26.0.7", (2026, 8)),
        ("candidate", "26.0.8", (2026, 9)),
    ]
    assert found[-1].url == "https://ucdp.uu.se/downloads/candidateged/GEDEvent_v26_0_8.csv"
    assert found[0].name == "ged251-csv.zip"


def test_a_release_without_header_gets_the_49_columns_and_a_zip_is_read(sample):
    frame = ged49(sample)
    frame.loc[3, "country_id"] = "365"  # changed by the test: one row in Russia
    rows = read_release(headerless(frame), "GEDEvent_v24_0_1.csv")
    assert list(rows.columns) == list(GED_COLUMNS)
    assert len(rows) == 7 and "365" not in set(rows["country_id"])
    assert rows["id"].tolist() == [i for j, i in enumerate(frame["id"]) if j != 3]
    assert len(read_release(headerless(frame), "x.csv", country_ids=None)) == 8
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("GEDEvent_v25_1.csv", frame.to_csv(index=False))
    zipped = read_release(buffer.getvalue(), "ged251-csv.zip", country_ids=(369, 365))
    assert (
        len(zipped) == 8
        and zipped["where_description"].tolist() == sample["where_description"].tolist()
    )


def test_unreadable_releases_are_named(sample):
    with pytest.raises(SourceError, match=r"^ucdp: odd\.csv: no header row and 3 columns"):
        read_release(b"1,2,3\n4,5,6\n", "odd.csv")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("GEDEvent_v25_1.csv", ged49(sample).to_csv(index=False))
    cut = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    with pytest.raises(SourceError, match=r"ged251-csv\.zip: the zip file is damaged or truncated"):
        read_release(cut, "ged251-csv.zip")


def test_a_later_release_revises_events_by_id(sample):
    older = ged49(sample).iloc[:5].reset_index(drop=True)
    newer = ged49(sample).iloc[4:].reset_index(drop=True)
    newer.loc[0, "best"] = "7"  # changed by the test: the revision of event older[4]
    merged, report = merge_releases([("v26_0_7", older), ("v26_0_8", newer)])
    assert report == {
        "files": [{"name": "v26_0_7", "rows": 5}, {"name": "v26_0_8", "rows": 4}],
        "rows_read": 9,
        "rows": 8,
        "revised_ids": 1,
    }
    revised = merged.set_index("id").loc[sample["id"][4]]
    assert revised["best"] == "7"


def test_files_through_the_imitation_and_into_ingest(imitation, sample, regions, tmp_path):
    july = ged49(sample).iloc[:5].reset_index(drop=True)
    august = ged49(sample).iloc[4:].reset_index(drop=True)
    august.loc[0, "best"] = "7"  # changed by the test: a revision
    august.loc[1, "latitude"] = "95.5"  # changed by the test: a row ingest must reject
    imitation.route("/downloads/", Reply(body=PAGE, content_type="text/html"))
    imitation.route("/downloads/candidateged/GEDEvent_v26_0_7.csv", Reply(body=headerless(july)))
    imitation.route(
        "/downloads/candidateged/GEDEvent_v26_0_8.csv",
        Reply(body=august.to_csv(index=False), content_type="text/csv"),
    )
    base = imitation.url + "/downloads"
    listed = ucdp.list_downloads(base, client=fast())
    wanted = [d for d in listed.value if d.kind == "candidate"][::-1]  # order is restored
    fetched = ucdp.fetch_files(wanted, client=fast())
    assert [f["name"] for f in fetched.report["files"]] == [
        "GEDEvent_v26_0_7.csv",
        "GEDEvent_v26_0_8.csv",
    ]
    assert (fetched.report["rows"], fetched.report["revised_ids"]) == (8, 1)
    result = ucdp.to_events(fetched, name="ucdp-candidate", regions=regions)
    assert result.summary()["accepted"] == 7 and result.summary()["rejected"] == 1
    assert result.events["event_id"].str.startswith("ucdp-candidate:").all()
    # The same rows, as a file given to `frontline ingest`, give the same events and rejects.
    path = tmp_path / "candidate.csv"
    fetched.frame.to_csv(path, index=False)
    direct = read_events(path, format="ucdp", name="ucdp-candidate", regions=regions)
    pd.testing.assert_frame_equal(direct.rejects, result.rejects)
    assert direct.events.equals(result.events)
    assert result.rejects["row"].tolist() == [6]  # the 6th row of fetched.frame


def api_rows(sample: pd.DataFrame) -> list[dict]:
    """API-shaped rows (numbers, booleans, nulls, ``T00:00:00`` dates) from the sample."""
    numeric = {"id", "best", "low", "high", "deaths_a", "deaths_b", "deaths_civilians",
               "deaths_unknown", "type_of_violence"}  # fmt: skip
    rows = []
    for record in ged49(sample).to_dict("records"):
        row = {}
        for column, value in record.items():
            if column in numeric:
                row[column] = int(value)
            elif column in ("latitude", "longitude"):
                row[column] = float(value)
            elif column == "country_id":
                row[column] = 369
            elif column == "active_year":
                row[column] = value == "True"
            elif column == "date_start":
                row[column] = value + "T00:00:00"
            else:
                row[column] = value or None
        rows.append(row)
    return rows


def test_api_pages_are_zero_based_and_carry_the_token(imitation, sample, regions):
    rows = api_rows(sample)
    path = "/api/gedevents/26.0.7"

    def answer(request):
        if request.headers.get("x-ucdp-access-token") != TOKEN:
            return Reply(401, "API token required. Add header: x-ucdp-access-token")
        page, size = int(request.query["page"][0]), int(request.query["pagesize"][0])
        pages = -(-len(rows) // size)
        more = page + 1 < pages
        return Reply(body={
            "TotalCount": len(rows), "TotalPages": pages, "PreviousPageUrl": "",
            "NextPageUrl": f"{imitation.url}{path}?pagesize={size}&page={page + 1}" if more else "",
            "Result": rows[page * size:(page + 1) * size],
        })  # fmt: skip

    imitation.route(path, handler=answer)
    base = imitation.url + "/api"
    got = ucdp.fetch_api("26.0.7", TOKEN, base, client=fast("ucdp-api"), pagesize=3,
                         start="2022-01-01", end="2024-12-31")  # fmt: skip
    queries = [r.query for r in imitation.requests(path)]
    assert [q["page"] for q in queries] == [["0"], ["1"], ["2"]]
    assert queries[0]["Country"] == ["369"] and queries[0]["StartDate"] == ["2022-01-01"]
    assert queries[0]["EndDate"] == ["2024-12-31"] and queries[0]["pagesize"] == ["3"]
    assert got.report["pages"] == [{"page": 0, "rows": 3}, {"page": 1, "rows": 3},
                                   {"page": 2, "rows": 2}]  # fmt: skip
    assert got.report["total_count"] == 8 and len(got.frame) == 8
    assert got.frame.loc[0, "active_year"] == "True" and got.frame.loc[0, "gwnob"] == ""
    result = ucdp.to_events(got, name="ucdp-api", regions=regions)
    assert result.summary()["accepted"] == 8
    dates = result.events.set_index("event_id")["date"].dt.strftime("%Y-%m-%d")
    assert {k.split(":")[1]: v for k, v in dates.items()} == dict(
        zip(sample["id"], sample["date_start"], strict=True)
    )
    assert set(result.events["event_id"]) == {f"ucdp-api:{i}" for i in sample["id"]}

    with pytest.raises(SourceError) as caught:
        ucdp.fetch_api("26.0.7", "wrong-token-xyz", base, client=fast("ucdp-api"))
    assert caught.value.status == 401 and "wrong-token-xyz" not in str(caught.value)
    assert "the access token is missing or wrong (header x-ucdp-access-token" in str(caught.value)


def test_api_paging_by_next_page_url_alone_and_other_failures(imitation, sample):
    rows = api_rows(sample)
    path = "/api/gedevents/25.1"

    def answer(request):
        page = int(request.query["page"][0])
        more = "yes" if page == 0 else ""
        return Reply(body={"NextPageUrl": more, "Result": rows[page * 5 : (page + 1) * 5]})

    imitation.route(path, handler=answer)
    got = ucdp.fetch_api("25.1", TOKEN, imitation.url + "/api", client=fast("ucdp-api"))
    assert [p["rows"] for p in got.report["pages"]] == [5, 3]
    imitation.route(path, Reply(400, "Bad Request"))
    with pytest.raises(SourceError, match=r"400 Bad Request.*UCDP also answers 400 when"):
        ucdp.fetch_api("25.1", TOKEN, imitation.url + "/api", client=fast("ucdp-api"))
    imitation.route(path, Reply(body=json.dumps({"Result": "none"})))
    with pytest.raises(SourceError, match=r"gedevents/25.1 page 0 \(/api/gedevents/25.1\)"):
        ucdp.fetch_api("25.1", TOKEN, imitation.url + "/api", client=fast("ucdp-api"))
    with pytest.raises(FrontlineError, match="version: expected a UCDP version"):
        ucdp.fetch_api("latest", TOKEN)
    with pytest.raises(FrontlineError, match="needs an access token"):
        ucdp.fetch_api("25.1", "")
