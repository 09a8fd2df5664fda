"""``frontline update territory``: DeepState's newer map versions, and imported series.

A DeepState run, under the store's update lock (:mod:`geo.updates.lock`):

1. lists DeepState's versions (conditionally: an unchanged list answers 304);
2. plans the dates that need a map by the day rule (:func:`geo.sources.deepstate.
   plan_days`: the last version of each UTC day stands for the next morning), from the day
   after the newest layered map unless ``since`` says otherwise, leaving out dates whose
   stored map is already that version;
3. fetches and classifies each planned version (:func:`geo.sources.deepstate_layers.
   classify`), drops the polygon parts that touch no admin-1 region (Tuzla island, as the
   bundled layered series does, ``data/SOURCES.md``) and stages the result in
   ``<user_dir>/territory/staging/deepstate/``: a stopped run keeps what it fetched and the
   next run continues from there;
4. only when every planned version is staged: computes the periods the new maps change
   (:func:`geo.periods.extend_period_table`) and stores maps and periods in one step
   (``store.save_territory``); readers switch to the new data version then, never half-way;
5. records the run (:mod:`geo.updates.state`).

Any failure before step 4 leaves the store exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import shapely

from geo.errors import FrontlineError
from geo.sources import deepstate
from geo.sources.deepstate_layers import ClassifiedVersion
from geo.sources.http import HttpClient
from geo.territory import as_date
from geo.territory_series import LAYERED, rows_frame, version_rows
from geo.updates.lock import updater_lock
from geo.updates.state import read_states, record_failure, record_success

__all__ = [
    "KIND",
    "SOURCE",
    "TerritoryUpdate",
    "default_since",
    "drop_off_land",
    "import_territory",
    "update_territory",
]

log = logging.getLogger("geo.updates")

#: The kind and source name under which DeepState's updates are recorded.
KIND = "territory"
SOURCE = deepstate.SOURCE
STAGING = Path("territory") / "staging" / SOURCE


@dataclass(frozen=True)
class TerritoryUpdate:
    """What one run of :func:`update_territory` did.

    Attributes
    ----------
    listed : versions in DeepState's list (0 when it was unchanged since the last run)
    planned : dates that needed a map
    fetched, resumed : versions fetched now, and taken from an earlier stopped run
    dates : the dates stored (ISO), ascending
    periods : precomputed periods added or replaced
    first, last : the first and last date DeepState's series holds after the run
    up_to_date : nothing new (nothing was written)
    dropped : features left out while classifying, by reason, over all versions
    """

    source: str = SOURCE
    listed: int = 0
    planned: int = 0
    fetched: int = 0
    resumed: int = 0
    dates: tuple[str, ...] = ()
    periods: int = 0
    first: str | None = None
    last: str | None = None
    up_to_date: bool = False
    dropped: dict = field(default_factory=dict)

    def as_record(self) -> dict:
        """JSON-ready."""
        record = asdict(self)
        record["dates"] = list(self.dates)
        return record


def update_territory(
    store,
    *,
    since: str | dt.date | None = None,
    base: str | None = None,
    client: HttpClient | None = None,
    now: dt.datetime | None = None,
    progress=None,
    lock: bool = True,
) -> TerritoryUpdate:
    """Fetch DeepState's versions the store lacks and store them as the layered series.

    Parameters
    ----------
    store : a :class:`geo.stores.base.Store`
    since : only dates on or after this one (default: the day after the newest layered map)
    base : DeepState's API base (default ``$FRONTLINE_DEEPSTATE_URL`` or DeepState's own)
    client : the HTTP client (default a polite one: one request a second, Frontline's
        User-Agent, retries after the delay a 429 asks for)
    now : the current time, UTC (default now): mornings after today are not planned,
        because the last version of today is not known yet
    progress : called with a line of text per version, for a person watching
    lock : take the store's update lock (False: the caller holds it, as the scheduler does)

    Returns
    -------
    TerritoryUpdate

    Raises
    ------
    SourceError
        DeepState failed or sent something unusable (the message names the version or the
        list); ClassificationError for a polygon of a colour with no meaning. The store is
        unchanged, what was staged is kept for the next run, the failure is recorded.
    FrontlineError
        Another update holds the lock.

    Examples
    --------
    >>> report = update_territory(store, since="2025-08-02")  # doctest: +SKIP
    >>> report.dates  # doctest: +SKIP
    ('2025-08-02', '2025-08-03', '2025-08-04')
    """
    since_date = as_date(since, "since") if since not in (None, "") else None
    if not lock:
        return _recorded(store, since_date, base, client, now, progress)
    with updater_lock(store) as held:
        if not held:
            raise FrontlineError(
                f"{SOURCE}: another update is running (the update lock of {store!r} is "
                "held); nothing was changed: try again when it has finished",
                param="source",
            )
        return _recorded(store, since_date, base, client, now, progress)


def _recorded(store, since, base, client, now, progress) -> TerritoryUpdate:
    """:func:`_run`, with a failure recorded before it is raised."""
    try:
        return _run(store, since, base, client, now, progress or (lambda _: None))
    except Exception as err:
        text = str(err) if str(err).startswith(f"{SOURCE}:") else f"{SOURCE}: {err}"
        try:
            record_failure(store, SOURCE, KIND, text)
        except Exception as problem:  # the original error matters more
            log.warning("%s: could not record the failure: %s", SOURCE, problem)
        raise


def default_since(territory) -> dt.date | None:
    """The day after the newest map of the layered series (bundled or updated), or None
    when there is none."""
    if "russian_held" not in territory.layers:
        return None
    dates = [d for d, s in zip(territory.dates(), territory.sources("russian_held"),
                               strict=True) if s == LAYERED]  # fmt: skip
    return dates[-1] + dt.timedelta(days=1) if dates else None


def _run(store, since, base, client, now, progress) -> TerritoryUpdate:
    from geo.periods import extend_period_table
    from geo.territory import Territory
    from geo.territory_series import merge_snapshots

    store.refresh()  # a long-running server's store: see what others wrote meanwhile
    data = store.current()
    client = client if client is not None else HttpClient(SOURCE)
    state = read_states(store).get(SOURCE)
    staging = store.user_dir / STAGING
    staged = sorted(staging.glob("*.parquet")) if staging.exists() else []
    # A conditional list request only when nothing is pending and no date was asked for.
    etag = state.detail.get("etag") if state and since is None and not staged else None
    listed = deepstate.list_versions(base, client=client, etag=etag)
    first, last = data.territory.coverage("russian_held")
    if listed.not_modified:
        report = TerritoryUpdate(up_to_date=True, first=str(first), last=str(last))
        _record(store, report, listed.etag or etag)
        return report
    versions = listed.value
    since = since or default_since(data.territory)
    have = store.territory_versions()
    plan = deepstate.plan_days(versions, have, since=since, now=now or dt.datetime.now(dt.UTC))
    if not plan:
        report = TerritoryUpdate(listed=len(versions), up_to_date=True, first=str(first),
                                 last=str(last))  # fmt: skip
        _record(store, report, listed.etag)
        return report
    admin1 = data.regions.admin1
    parts, dropped, fetched, resumed = [], {}, 0, 0
    for n, day in enumerate(plan, 1):
        path = staging / f"{day.date.isoformat()}_{day.version.id}.parquet"
        if path.exists():
            rows = pd.read_parquet(path)
            resumed += 1
        else:
            classified = deepstate.fetch_version(day.version, base, client=client,
                                                 regions=data.regions)  # fmt: skip
            classified = drop_off_land(classified, admin1)
            for reason, count in classified.dropped.items():
                dropped[reason] = dropped.get(reason, 0) + count
            rows = rows_frame(version_rows(day.date, classified))
            _write_parquet(path, rows)
            fetched += 1
        progress(f"{day.date}: version {day.version.id} ({n}/{len(plan)})")
        parts.append(rows)
    new = pd.concat(parts, ignore_index=True).sort_values(
        ["layer", "date"], kind="stable", ignore_index=True
    )
    merged = Territory(merge_snapshots(data.territory.table(), new), data.regions,
                       data.territory.periods)  # fmt: skip
    periods = extend_period_table(merged, admin1, data.territory.periods)
    store.save_territory(SOURCE, new, periods)
    for p in staging.glob("*.parquet"):
        p.unlink(missing_ok=True)
    first, last = merged.coverage("russian_held")
    dates = tuple(sorted({d.date.isoformat() for d in plan}))
    report = TerritoryUpdate(listed=len(versions), planned=len(plan), fetched=fetched,
                             resumed=resumed, dates=dates, periods=len(periods),
                             first=str(first), last=str(last), dropped=dropped)  # fmt: skip
    _record(store, report, listed.etag, plan[-1].version)
    log.info("%s: %d map(s) stored (%s to %s), %d period(s) computed", SOURCE, len(dates),
             dates[0], dates[-1], len(periods))  # fmt: skip
    return report


def _record(store, report: TerritoryUpdate, etag, version=None) -> None:
    detail = {k: getattr(report, k) for k in ("listed", "planned", "fetched", "resumed",
                                              "periods")}  # fmt: skip
    detail["stored"] = list(report.dates)
    detail["etag"] = etag
    if version is not None:
        detail["last_version"] = {"id": version.id, "published": version.published.isoformat()}
    record_success(store, SOURCE, KIND, first=report.first, last=report.last, detail=detail)


def drop_off_land(classified: ClassifiedVersion, admin1) -> ClassifiedVersion:
    """``classified`` without the polygon parts that touch no admin-1 region.

    Natural Earth's admin-1 units leave out Tuzla island (4.4 km², Kerch Strait), which
    DeepState marks Russian-held. The bundled layered series was built without it, so maps
    from an update leave it out too: a month's figure then compares like with like.
    """
    shapes = list(admin1.geometry.values)
    tree = shapely.STRtree(shapes)
    layers, off = {}, 0
    for name, geom in classified.layers.items():
        if geom is None or geom.is_empty:
            layers[name] = geom
            continue
        parts = shapely.get_parts(geom)
        touches = [len(tree.query(p, predicate="intersects")) > 0 for p in parts]
        kept = [p for p, t in zip(parts, touches, strict=True) if t]
        if name != "russian_held":  # russian_held repeats its parts' polygons
            off += len(parts) - len(kept)
        layers[name] = shapely.union_all(kept) if kept else shapely.Polygon()
    dropped = dict(classified.dropped)
    if off:
        dropped["off_land"] = dropped.get("off_land", 0) + off
    return ClassifiedVersion(classified.version_id, classified.published, layers,
                             classified.colours, classified.kept, dropped)  # fmt: skip


def import_territory(
    store,
    path: Path,
    name: str,
    *,
    date_field: str = "date",
    layer_field: str = "layer",
    layers: dict | None = None,
    replace: bool = False,
) -> dict:
    """Read a series of control polygons (:func:`geo.sources.polygons.read_polygons`) and
    store it as territory source ``name``; returns the reading report with ``stored``.

    Raises
    ------
    SourceError
        The file cannot be read or has unusable features (each named by number).
    FrontlineError
        A bad name, or a source of that name exists and ``replace`` is False.
    """
    from geo.sources.polygons import read_polygons
    from geo.stores.names import check_dataset_name

    check_dataset_name(name)
    series = read_polygons(path, date_field=date_field, layer_field=layer_field,
                           layers=layers, source=name)  # fmt: skip
    frame = pd.DataFrame(series.table.drop(columns="geometry"))
    frame["geometry"] = shapely.to_wkb(series.table.geometry.to_numpy())
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ms]")
    with updater_lock(store, wait=True, timeout=600) as held:
        if not held:
            raise FrontlineError(f"{name}: the update lock stayed taken; nothing was changed")
        stored = store.save_territory(name, frame, replace=replace)
        dates = series.report.get("dates") or {}
        detail = {"file": Path(path).name, "layers": series.report.get("layers")}
        record_success(store, f"territory:{name}", KIND, first=dates.get("first"),
                       last=dates.get("last"), detail=detail)  # fmt: skip
    return {**series.report, "stored": str(stored)}


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """``frame`` into ``path`` through a temporary file renamed over it: a killed run
    leaves whole files only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
