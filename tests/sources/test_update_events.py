"""``frontline update events``, driven through the real CLI against the loopback imitation:
what a user sees (output, exit status, stored events, rejects, the updater's record).

UCDP files and pages are built from 8 real rows of the GED 25.1 sample
(``tests/fixtures/sources/ucdp_ged251_sample_rows.csv``) in the documented shapes; every
value a test changes is marked so. ACLED pages serve 4 real events of ACLED's recorded
envelope (``acled_read_2024-01-01_excerpt.json``).
"""

from __future__ import annotations

import json
import logging
import urllib.parse

import pandas as pd
import pyarrow.parquet as pq
import pytest
from imitation_server import FIXTURES, Reply

from dashboard.cli import main
from geo.query import Query
from geo.sources.ucdp import GED_COLUMNS
from geo.stores.files import FileStore
from geo.updates import event_sources
from geo.updates.lock import updater_lock

UCDP_TOKEN = "ucdp-token-5e8d2c7a91b4"
USER = "analyst@newsroom.example"
PASSWORD = "correct-horse-battery-staple"
SECRETS = (UCDP_TOKEN, PASSWORD, "access-token-", "refresh-1-secret")
JULY, AUGUST, SEPTEMBER = (f"GEDEvent_v26_0_{m}.csv" for m in (7, 8, 9))  # named by month
CANDIDATE = ("update", "events", "--source", "ucdp-candidate")


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "ucdp_ged251_sample_rows.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def envelope() -> dict:
    return json.loads((FIXTURES / "acled_read_2024-01-01_excerpt.json").read_text())


def ged49(sample: pd.DataFrame) -> pd.DataFrame:
    """The sample rows in the 49 GED columns; country_id 369 (all are in Ukraine)."""
    frame = pd.DataFrame({c: sample.get(c, "") for c in GED_COLUMNS})
    frame["country_id"] = "369"
    return frame


def csv_body(frame: pd.DataFrame, header: bool = True) -> bytes:
    return frame.to_csv(index=False, header=header).encode()


@pytest.fixture
def user(tmp_path, monkeypatch, imitation):
    """The user folder, with every source pointed at the imitation, no credentials, and
    the updater's HTTP client made fast (politeness has its own test)."""
    folder = tmp_path / "user"
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(folder))
    monkeypatch.delenv("FRONTLINE_STORE", raising=False)
    monkeypatch.setenv("FRONTLINE_UCDP_DOWNLOADS_URL", imitation.url + "/downloads")
    monkeypatch.setenv("FRONTLINE_UCDP_URL", imitation.url + "/api")
    monkeypatch.setenv("FRONTLINE_ACLED_URL", imitation.url)
    for name in ("FRONTLINE_UCDP_TOKEN", "FRONTLINE_ACLED_USERNAME", "FRONTLINE_ACLED_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    fast = {"timeout": 10.0, "min_interval": 0.0, "retries": 2, "backoff": 0.01}
    monkeypatch.setattr(event_sources, "HTTP_OPTIONS", fast)
    return folder


@pytest.fixture
def run(capsys):
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        return (code, *capsys.readouterr())

    return run


def version(folder) -> str:
    return FileStore(user_dir=folder).data_version()


def stored(folder, name: str):
    return FileStore(user_dir=folder).current().events(Query(datasets=(name,)))


def record(folder, source: str) -> dict:
    return json.loads((folder / "updates.json").read_text())["sources"][source]


def serve(imitation, *releases: tuple[str, bytes]) -> None:
    """UCDP's downloads page linking the Candidate ``releases`` (name, body), and each file."""
    links = "".join(f'<a href="candidateged/{name}">{name}</a>\n' for name, _ in releases)
    imitation.route("/downloads/", Reply(body=f"<html>{links}</html>", content_type="text/html"))
    for name, body in releases:
        imitation.route(f"/downloads/candidateged/{name}", Reply(body=body))


def fetched_files(imitation) -> list[str]:
    return [r.path.rsplit("/", 1)[-1] for r in imitation.requests() if r.path.endswith(".csv")]


def rejected_ids(folder, name: str) -> list[str]:
    rejected = pd.read_csv(folder / "rejects" / f"{name}.csv", dtype=str, keep_default_na=False)
    return [json.loads(raw)["id"] for raw in rejected["raw"]]


def assert_no_secret(*texts: str) -> None:
    assert not [(s, t[:200]) for s in SECRETS for t in texts if s in t]


# -- UCDP Candidate: releases, revisions, rejects, nothing new, a newer release ----------------


def test_candidate_releases_revisions_rejects_and_reruns(imitation, sample, user, run):
    ids = sample["id"]
    july = ged49(sample).iloc[:5].reset_index(drop=True)
    august = ged49(sample).iloc[4:].reset_index(drop=True)
    august.loc[0, "best"] = "7"  # changed by the test: August revises July's 5th event
    august.loc[1, "latitude"] = "95.5"  # changed by the test: a row ingest must reject
    serve(imitation, (JULY, csv_body(july, header=False)), (AUGUST, csv_body(august)))
    before = version(user)
    code, out, err = run(*CANDIDATE)
    assert code == 0, err
    assert out.startswith(
        "ucdp-candidate: 8 rows read, 7 valid, 1 rejected; 7 new, 0 revised, 0 unchanged. "
        "Dataset ucdp-candidate has 7 events (2022-05-30 to 2024-05-18).\n"
    )
    assert f"read {JULY}: 5 rows" in out and f"read {AUGUST}: 4 rows" in out
    events = stored(user, "ucdp-candidate").set_index("event_id")
    assert sorted(events.index) == sorted(f"ucdp-candidate:{i}" for i in ids if i != ids[5])
    assert events.loc[f"ucdp-candidate:{ids[4]}", "fatalities"] == 7  # August's revision
    rejects = user / "rejects" / "ucdp-candidate.csv"
    assert f"rejected: coordinates_out_of_range 1; rows kept in {rejects}" in out
    rejected = pd.read_csv(rejects, dtype=str).loc[0, ["column", "value", "reason"]]
    assert rejected.tolist() == ["latitude", "95.5", "coordinates_out_of_range"]
    assert rejected_ids(user, "ucdp-candidate") == [ids[5]]
    first = version(user)
    assert first != before and record(user, "ucdp-candidate")["last_error"] is None

    # Nothing new: said so, nothing downloaded again, nothing written.
    files = {p: p.stat().st_mtime_ns for p in [*(user / "datasets").iterdir(), rejects]}
    code, out, err = run(*CANDIDATE)
    assert (code, err) == (0, "")
    assert out == (
        "ucdp-candidate: nothing new; dataset ucdp-candidate has 7 events "
        "(2022-05-30 to 2024-05-18)\n"
    )
    assert version(user) == first
    assert {p: p.stat().st_mtime_ns for p in files} == files
    assert fetched_files(imitation) == [JULY, AUGUST]

    # September revises one event and repeats two as they were.
    september = ged49(sample).iloc[1:4].reset_index(drop=True)
    september.loc[1, "best"] = "11"  # changed by the test: September revises one event
    serve(imitation, (JULY, b""), (AUGUST, b""), (SEPTEMBER, csv_body(september)))
    code, out, err = run(*CANDIDATE)
    assert code == 0, err
    assert "3 rows read, 3 valid, 0 rejected; 0 new, 1 revised, 2 unchanged" in out
    assert f"read {SEPTEMBER}: 3 rows" in out
    assert fetched_files(imitation) == [JULY, AUGUST, SEPTEMBER]
    events = stored(user, "ucdp-candidate").set_index("event_id")
    assert len(events) == 7 and events.loc[f"ucdp-candidate:{ids[2]}", "fatalities"] == 11
    assert version(user) != first
    assert rejected_ids(user, "ucdp-candidate") == [ids[5]]  # August's row is still rejected


def test_rejects_of_earlier_releases_are_kept_until_a_release_corrects_them(
    imitation, sample, user, run
):
    ids = sample["id"]
    july = ged49(sample).iloc[:4].reset_index(drop=True)
    july.loc[1, "longitude"] = "200"  # changed by the test: rejected in July
    serve(imitation, (JULY, csv_body(july)))
    assert run(*CANDIDATE)[0] == 0
    assert rejected_ids(user, "ucdp-candidate") == [ids[1]]
    august = ged49(sample).iloc[4:6].reset_index(drop=True)
    august.loc[0, "latitude"] = "95.5"  # changed by the test: rejected in August
    serve(imitation, (JULY, csv_body(july)), (AUGUST, csv_body(august)))
    code, out, err = run(*CANDIDATE)
    assert code == 0 and "2 rows read, 1 valid, 1 rejected; 1 new" in out, err
    assert rejected_ids(user, "ucdp-candidate") == [ids[1], ids[4]]  # July's is not lost
    september = ged49(sample).iloc[[1]]  # July's rejected row, as UCDP corrected it
    serve(imitation, (JULY, b""), (AUGUST, b""), (SEPTEMBER, csv_body(september)))
    code, out, err = run(*CANDIDATE)
    assert code == 0 and "1 row read, 1 valid, 0 rejected; 1 new" in out, err
    assert rejected_ids(user, "ucdp-candidate") == [ids[4]]
    assert len(stored(user, "ucdp-candidate")) == 5


def test_releases_read_for_one_country_are_read_again_for_another(imitation, sample, user, run):
    july = ged49(sample)
    july.loc[7, "country_id"] = "365"  # changed by the test: an event in Russia's numbering
    serve(imitation, (JULY, csv_body(july)))
    code, out, err = run(*CANDIDATE)
    assert code == 0 and "7 rows read, 7 valid, 0 rejected; 7 new" in out, err
    code, out, err = run(*CANDIDATE, "--country", "Russia")
    assert code == 0 and "1 row read, 1 valid, 0 rejected; 1 new" in out, (out, err)
    assert fetched_files(imitation) == [JULY, JULY]
    assert len(stored(user, "ucdp-candidate")) == 8


def test_a_mistyped_country_or_another_update_running_changes_nothing(imitation, sample, user, run):
    serve(imitation, (JULY, csv_body(ged49(sample))))
    with updater_lock(FileStore(user_dir=user)) as held:
        assert held
        code, out, err = run(*CANDIDATE)
    assert (code, out) == (2, "")
    assert "ucdp-candidate: another update is running" in err and "nothing was changed" in err
    code, out, err = run(*CANDIDATE, "--country", "Narnia")
    assert (code, out) == (2, "") and "country: UCDP has no country 'Narnia'" in err
    assert not imitation.requests() and not (user / "datasets").exists()
    assert not (user / "updates.json").exists()  # not the source's failure


# -- ACLED: login, pages, credentials kept out of everything ----------------------------------


def acled(imitation, events: list[dict]) -> None:
    """The imitation's ACLED: a token for USER and PASSWORD only, then pages of ``events``."""

    def token(request) -> Reply:
        form = dict(urllib.parse.parse_qsl(request.body.decode()))
        if (form.get("username"), form.get("password")) != (USER, PASSWORD):
            return Reply(401, {"error": "invalid_grant"})
        pair = {"access_token": "access-token-001", "refresh_token": "refresh-1-secret"}
        return Reply(body={"token_type": "Bearer", "expires_in": 86400, **pair})

    def read(request) -> Reply:
        if request.headers.get("authorization") != "Bearer access-token-001":
            return Reply(401, {"message": "Unauthorized"})
        limit, page = int(request.query["limit"][0]), int(request.query["page"][0])
        return Reply(body={"success": True, "data": events[(page - 1) * limit : page * limit]})

    imitation.route("/oauth/token", handler=token)
    imitation.route("/api/acled/read", handler=read)


@pytest.fixture
def acled_account(monkeypatch):
    monkeypatch.setenv("FRONTLINE_ACLED_USERNAME", USER)
    monkeypatch.setenv("FRONTLINE_ACLED_PASSWORD", PASSWORD)
    monkeypatch.setattr(event_sources, "ACLED_LIMIT", 3)  # 4 events: two pages


def test_acled_logs_in_pages_and_keeps_credentials_out(
    imitation, envelope, user, run, acled_account, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    acled(imitation, envelope["data"])
    code, out, err = run("update", "events", "--source", "acled", "--since", "2024-01-01")
    assert code == 0, err
    assert "4 rows read, 4 valid, 0 rejected; 4 new, 0 revised, 0 unchanged" in out
    assert "2 page(s) of at most 3" in out
    reads = imitation.requests("/api/acled/read")
    assert [r.query["page"] for r in reads] == [["1"], ["2"]]
    assert reads[0].query["event_date"][0].startswith("2024-01-01|")
    assert reads[0].headers["authorization"] == "Bearer access-token-001"
    ids = sorted(stored(user, "acled")["event_id"])
    assert ids == sorted(f"acled:{r['event_id_cnty']}" for r in envelope["data"])
    path = user / "datasets" / "acled.parquet"
    cells = pd.read_parquet(path).drop(columns="geometry").astype(str).to_csv()
    metadata = str(pq.read_schema(path).metadata)
    updates = (user / "updates.json").read_text()
    assert_no_secret(out, err, caplog.text, updates, cells, metadata)
    assert USER not in caplog.text + out + err + updates
    first = version(user)

    # The same events again: all unchanged, nothing written.
    code, out, err = run("update", "events", "--source", "acled", "--since", "2024-01-01")
    assert code == 0, err
    assert out.startswith(
        "acled: 4 rows read, 4 valid, 0 rejected; 0 new, 0 revised, 4 unchanged. "
        "Dataset acled has 4 events (2024-01-01 to 2024-01-01).\n"
    )
    assert version(user) == first
    assert_no_secret(out, err, caplog.text, (user / "updates.json").read_text())

    # A missing credential: exit 2, the variable named, nothing sent.
    monkeypatch.delenv("FRONTLINE_ACLED_USERNAME")
    sent = len(imitation.requests())
    code, out, err = run("update", "events", "--source", "acled")
    assert (code, out) == (2, "")
    assert "FRONTLINE_ACLED_USERNAME" in err and "acled" in err
    assert len(imitation.requests()) == sent
    assert_no_secret(err, caplog.text, (user / "updates.json").read_text())


# -- Failures change nothing -----------------------------------------------------------------


def break_next_run(imitation, sample, envelope, case: str) -> str:
    """Serve a failing August release (or a failing ACLED page 2); returns what stderr and
    the updater's record must name."""
    august = f"/downloads/candidateged/{AUGUST}"
    if case == "500":
        serve(imitation, (JULY, b""), (AUGUST, b""))
        imitation.route(august, Reply(500, "<html><h1>Internal Server Error</h1></html>"))
        return f"{AUGUST} ({august}): HTTP 500 Internal Server Error after 3 tries"
    if case == "cut":
        serve(imitation, (JULY, b""), (AUGUST, b""))
        imitation.route(august, Reply(body=csv_body(ged49(sample)), cut=True))
        return f"{AUGUST} ({august}): the body was cut off after 1,"
    page1 = Reply(body={"success": True, "data": envelope["data"][:3]})
    imitation.route("/api/acled/read", page1, Reply(401, {"message": "Unauthorized"}))
    return "page 2 (/api/acled/read): HTTP 401 Unauthorized"


@pytest.mark.parametrize("case", ["500", "cut", "401"])
def test_a_failure_changes_nothing_and_is_recorded(
    imitation, sample, envelope, user, run, acled_account, case
):
    source = "acled" if case == "401" else "ucdp-candidate"
    acled(imitation, envelope["data"])
    serve(imitation, (JULY, csv_body(ged49(sample).iloc[:4])))
    assert run("update", "events", "--source", source)[0] == 0  # a first run succeeds
    seeded, events = version(user), stored(user, source)
    named = break_next_run(imitation, sample, envelope, case)
    code, out, err = run("update", "events", "--source", source)
    assert (code, out) == (2, "")
    assert err.startswith(f"frontline update: error: {source}: ") and named in err, err
    assert version(user) == seeded and stored(user, source).equals(events)
    assert named in record(user, source)["last_error"]
    code, out, err = run("status", "--format", "json")
    assert code == 0, err
    shown = {r["source"]: r for r in json.loads(out)["sources"]}[source]
    assert named in shown["last_error"] and shown["last_success"] is not None
    assert_no_secret(out, err, (user / "updates.json").read_text())
    if source == "ucdp-candidate":  # the next run reads what failed, and only that
        serve(imitation, (JULY, b""), (AUGUST, csv_body(ged49(sample).iloc[4:])))
        code, out, err = run(*CANDIDATE)
        assert code == 0 and "4 rows read, 4 valid, 0 rejected; 4 new" in out, err
        assert fetched_files(imitation).count(JULY) == 1
        assert record(user, source)["last_error"] is None


def test_429_is_retried_after_the_time_the_server_asks(imitation, sample, user, run):
    serve(imitation, (JULY, b""))
    path = f"/downloads/candidateged/{JULY}"
    imitation.route(path, Reply(429, "slow down", headers={"Retry-After": "1"}),
                    Reply(body=csv_body(ged49(sample))))  # fmt: skip
    code, out, err = run(*CANDIDATE)
    assert code == 0, err
    assert "8 rows read, 8 valid, 0 rejected; 8 new" in out
    refused, retried = imitation.requests(path)
    # Measured where it matters, at the server; the client's own gap is 0 in these tests.
    assert retried.time - refused.time >= 1.0
    assert record(user, "ucdp-candidate")["last_error"] is None


# -- The UCDP API: the token ------------------------------------------------------------------


def test_ucdp_api_needs_the_token_and_sends_it_only_as_a_header(
    imitation, sample, user, run, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    page = '<a href="ged/ged251-csv.zip">GED 25.1</a> <a href="candidateged/GEDEvent_v25_0_1.csv">'
    imitation.route("/downloads/", Reply(body=page, content_type="text/html"))
    rows = ged49(sample).to_dict("records")

    def answer(request):
        if request.headers.get("x-ucdp-access-token") != UCDP_TOKEN:
            return Reply(401, "API token required. Add header: x-ucdp-access-token")
        mine = rows if request.path.endswith("/25.1") else []  # January 2025: none of them
        page, size = int(request.query["page"][0]), int(request.query["pagesize"][0])
        pages = max(1, -(-len(mine) // size))
        result = mine[page * size : (page + 1) * size]
        return Reply(body={"TotalCount": len(mine), "TotalPages": pages, "Result": result})

    for release in ("25.1", "25.0.1"):
        imitation.route(f"/api/gedevents/{release}", handler=answer)
    code, out, err = run("update", "events", "--source", "ucdp-api")
    assert (code, out) == (2, "")
    assert "ucdp-api" in err and "set FRONTLINE_UCDP_TOKEN" in err
    assert not imitation.requests()

    monkeypatch.setattr(event_sources, "UCDP_PAGESIZE", 3)
    monkeypatch.setenv("FRONTLINE_UCDP_TOKEN", UCDP_TOKEN)
    code, out, err = run("update", "events", "--source", "ucdp-api")
    assert code == 0, err
    assert "8 rows read, 8 valid, 0 rejected; 8 new" in out
    assert "read gedevents/25.1: 8 rows, 3 page(s)" in out
    calls = [r for r in imitation.requests() if r.path.startswith("/api/")]
    # Oldest release first: Candidate 25.0.1 (out in February 2025), then GED 25.1 (June).
    assert [r.path for r in calls] == ["/api/gedevents/25.0.1"] + ["/api/gedevents/25.1"] * 3
    assert all(r.headers["x-ucdp-access-token"] == UCDP_TOKEN for r in calls)
    assert all(UCDP_TOKEN not in urllib.parse.urlencode(r.query, doseq=True) for r in calls)
    assert_no_secret(out, err, caplog.text, (user / "updates.json").read_text())
    assert len(stored(user, "ucdp-api")) == 8
