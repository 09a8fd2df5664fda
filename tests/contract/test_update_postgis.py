"""``frontline update territory`` into a real PostGIS: the recorded DeepState versions of
1-3 August 2025 from the loopback imitation replace the mornings of 2-4 August in one
transaction, a reader of another connection sees the new version whole, and a second
updater finds the advisory lock taken.

The shared test database is put back as ``db load`` leaves it, before and after (the
bundled maps of those dates, no periods of updated maps, no updater's record), so the other
contract tests see the bundled data even after a run that was killed.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sources"))
from imitation_server import RECORDED, Imitation, Reply, read_recorded

from geo.errors import FrontlineError
from geo.sources.http import HttpClient
from geo.updates.lock import updater_lock
from geo.updates.territory import update_territory

IDS = (1754077960, 1754166026, 1754251105)
DATES = [dt.date(2025, 8, d) for d in (2, 3, 4)]


def _put_back(store) -> None:
    """The bundled maps of DATES, no periods of updated maps, no updater's record: as
    ``db load`` left the database (also after a run of this test that was killed)."""
    import pandas as pd
    import pyarrow.parquet as pq
    import shapely

    from geo.paths import bundled_data_dir
    from geo.stores.postgis_load import _bump_version, _ewkb

    table = pq.read_table(bundled_data_dir() / "territory.parquet",
                          columns=["date", "layer", "source", "geometry"]).to_pandas()  # fmt: skip
    table = table[pd.to_datetime(table["date"]).dt.date.isin(DATES)]
    geoms = _ewkb(shapely.from_wkb(table["geometry"].to_numpy()))
    with store.connection() as conn, conn.transaction():
        conn.execute("DELETE FROM frontline.territory WHERE date = ANY(%s)", (DATES,))
        with conn.cursor().copy(
            "COPY frontline.territory (date, layer, source, geom) FROM STDIN"
        ) as copy:
            for date, layer, source, geom in zip(pd.to_datetime(table["date"]).dt.date,
                                                 table["layer"], table["source"], geoms,
                                                 strict=True):  # fmt: skip
                copy.write_row([date, str(layer), str(source), geom])
        conn.execute("DELETE FROM frontline.territory_periods")
        conn.execute("DELETE FROM frontline.meta WHERE key = 'updates'")
        _bump_version(conn, "territory")


@pytest.fixture
def restored(pg_url, tmp_path):
    """A PostGIS store on the shared database, with the bundled maps of DATES before and
    after the test."""
    from geo.stores.postgis import PostgisStore

    store = PostgisStore(pg_url, user_dir=tmp_path)
    _put_back(store)
    yield store
    _put_back(store)
    store.close()


def test_an_update_replaces_the_mornings_in_one_transaction(restored, pg_url):
    if not RECORDED.is_dir():
        pytest.skip("recorded DeepState payloads not found next to the repository")
    from geo.stores.postgis import PostgisStore

    imitation = Imitation()
    try:
        imitation.route("/public", Reply(body=[
            {"id": v, "createdAt": dt.datetime.fromtimestamp(v, dt.UTC).isoformat()}
            for v in IDS]))  # fmt: skip
        for v in IDS:
            body = read_recorded(RECORDED / "deepstate", f"api_history_{v}_geojson.json.xz")
            imitation.route(f"/{v}/geojson", Reply(body=body))
        reader = PostgisStore(pg_url)
        before = reader.current()
        assert before.territory.changes("2025-08-02", "2025-08-04").net_km2 == pytest.approx(
            37.9, abs=0.1
        )
        # While one updater holds the lock, another is refused and changes nothing.
        with updater_lock(restored) as held:
            assert held
            with pytest.raises(FrontlineError, match="another update is running"):
                update_territory(reader, since="2025-08-02", base=imitation.url)
        report = update_territory(restored, since="2025-08-02", base=imitation.url,
                                  client=HttpClient("deepstate", min_interval=0))  # fmt: skip
        assert report.dates == tuple(d.isoformat() for d in DATES)
        assert restored.territory_versions() == dict(zip(DATES, map(str, IDS), strict=True))
        reader.refresh()
        after = reader.current()
        assert after.version != before.version
        change = after.territory.changes("2025-08-02", "2025-08-04")
        assert change.net_km2 == pytest.approx(37.9, abs=1)
        assert after.territory.changes("2025-07-01", "2025-08-01").net_km2 == pytest.approx(
            564.2, abs=1
        )
        assert reader.read_update_state()["sources"]["deepstate"]["last_error"] is None
        reader.close()
    finally:
        imitation.close()
