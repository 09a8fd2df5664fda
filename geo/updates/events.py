"""``frontline update events``: new and revised events from UCDP or ACLED, in one write.

A run, under the store's update lock (:mod:`geo.updates.lock`):

1. reads what is new at the source (:mod:`geo.updates.event_sources`);
2. passes every row through the same mapping and validation as ``frontline ingest``
   (:func:`geo.ingest.read_events`): rejected rows are counted and kept as CSV in
   ``<user_dir>/rejects/<dataset>.csv``, beside the earlier runs' rejects of rows not read
   again (the file holds every row of the source that is rejected now);
3. compares the valid events with what the dataset holds, by event id: *new* (an id the
   dataset does not have), *revised* (an id it has, with any canonical field changed, as
   when a later UCDP release revises an event), *unchanged*;
4. stores the new and revised events in one ``save_dataset`` (``append`` replaces by id),
   so a failure at any step before it changes nothing, and a run that finds nothing new
   does not write at all;
5. records the run (:mod:`geo.updates.state`): its counts and the dataset's date range, or
   the failure's message.

Credentials (``FRONTLINE_UCDP_TOKEN``, ``FRONTLINE_ACLED_USERNAME``/``_PASSWORD``) are read
from the environment, sent only as the sources require, and removed from every message,
log line and record.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import FrontlineError
from geo.query import Query
from geo.schema import EVENT_DTYPES
from geo.sources.errors import SourceError, redact
from geo.sources.http import HttpClient
from geo.stores.names import check_dataset_name
from geo.territory import as_date
from geo.updates.event_sources import SOURCES, credentials, fetch_rows, ucdp_country_ids
from geo.updates.lock import updater_lock
from geo.updates.state import now_utc, read_states, record_failure, record_success

__all__ = ["KIND", "SOURCES", "EventsUpdate", "compare_events", "update_events"]

log = logging.getLogger("geo.updates")

#: The kind under which event sources are recorded (:class:`geo.updates.state.SourceState`).
KIND = "events"
# Compared to tell a revision from an unchanged event; "dataset" is the same by definition.
_COMPARED = tuple(c for c in EVENT_DTYPES if c not in ("event_id", "dataset"))
_MISSING = "\x00"
#: Days before a dataset's newest ACLED event that a run without --since reads again.
ACLED_REREAD_DAYS = 60
# The column of a source's own event id, by the format its rows are read in.
_NATIVE_ID = {"ucdp": "id", "acled": "event_id_cnty"}


@dataclass(frozen=True)
class EventsUpdate:
    """What one run of :func:`update_events` did.

    Attributes
    ----------
    source, dataset : where the events came from and the dataset they are stored in
    fetched : native rows read from the source (after revisions between its releases,
        the country and ``since``); each is either valid or rejected
    valid, rejected : rows that became events, rows that did not (kept in ``rejects_path``)
    rejects_path : the CSV of the source's rows rejected now (this run's, and earlier runs'
        of rows not read again), or None when no row is
    rejected_by_reason : rejected rows by reason (``geo.schema.REJECT_REASONS``)
    new, revised, unchanged : valid events by what the dataset held before
    total : events in the dataset after the run
    first, last : the dataset's first and last event date after the run (ISO), or None
    since : the ``since`` asked for (ISO), or None
    read : what was read ("GEDEvent_v26_0_8.csv: 1,806 rows"); empty when up to date
    up_to_date : True when the source had no release that was not read before
    stored : what the write did (:meth:`geo.stores.base.DatasetChange.describe`), or None
        when nothing was written
    """

    source: str
    dataset: str
    fetched: int = 0
    valid: int = 0
    rejected: int = 0
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    total: int = 0
    first: str | None = None
    last: str | None = None
    since: str | None = None
    rejects_path: Path | None = None
    rejected_by_reason: dict = field(default_factory=dict)
    read: tuple[str, ...] = ()
    up_to_date: bool = False
    stored: str | None = None

    def as_record(self) -> dict:
        """JSON-ready (the rejects path as text)."""
        record = asdict(self)
        record["rejects_path"] = str(self.rejects_path) if self.rejects_path else None
        record["read"] = list(self.read)
        return record


def update_events(
    store,
    source: str,
    *,
    country: str = "Ukraine",
    since: str | dt.date | None = None,
    name: str | None = None,
    environ: Mapping[str, str] | None = None,
    client: HttpClient | None = None,
) -> EventsUpdate:
    """Fetch new and revised events of ``country`` from ``source`` and store them.

    Parameters
    ----------
    store : a :class:`geo.stores.base.Store` (file store or PostGIS)
    source : ``"ucdp-ged"``, ``"ucdp-candidate"``, ``"ucdp-api"`` or ``"acled"``
    country : the country whose events are read (default Ukraine)
    since : only events on or after this date (ISO text or a date)
    name : the dataset (default: ``source``); checked as ``frontline ingest`` checks names
    environ : base URLs and credentials (default ``os.environ``): ``FRONTLINE_UCDP_URL``,
        ``FRONTLINE_UCDP_DOWNLOADS_URL``, ``FRONTLINE_ACLED_URL``, ``FRONTLINE_UCDP_TOKEN``,
        ``FRONTLINE_ACLED_USERNAME``, ``FRONTLINE_ACLED_PASSWORD``
    client : the HTTP client (default: one named after ``source``)

    Returns
    -------
    EventsUpdate

    Raises
    ------
    SourceError
        The source failed (network, timeout, HTTP 401/403/429/5xx, a truncated or
        malformed payload): the message names the source, the file or page and what was
        wrong. The store is unchanged and the failure is recorded.
    FrontlineError
        A bad argument, a missing credential, or another update holding the lock.

    Examples
    --------
    >>> report = update_events(store, "ucdp-candidate", since="2026-01-01")  # doctest: +SKIP
    >>> report.new, report.revised, report.unchanged  # doctest: +SKIP
    (1200, 34, 556)
    """
    if source not in SOURCES:
        raise FrontlineError(
            f"source: expected one of {', '.join(SOURCES)}, got {source!r}", param="source"
        )
    name = check_dataset_name(name or source)
    since_date = as_date(since, "since") if since not in (None, "") else None
    if source.startswith("ucdp"):
        ucdp_country_ids(country)  # a mistyped country is the user's, not the source's, error
    environ = os.environ if environ is None else environ
    secrets = [v for v in credentials(source, environ).values() if v]
    with updater_lock(store) as held:
        if not held:
            raise FrontlineError(
                f"{source}: another update is running (the update lock of {store!r} is "
                "held); nothing was changed: try again when it has finished",
                param="source",
            )
        try:
            return _run(store, source, name, country, since_date, environ, client)
        except Exception as err:
            clean = _cleaned(err, source, secrets)
            try:
                record_failure(store, source, KIND, str(clean))
            except Exception as problem:  # the original error matters more
                log.warning("%s: could not record the failure: %s", source,
                            redact(str(problem), secrets))  # fmt: skip
            if clean is err:
                raise
            raise clean from None


def _cleaned(err: Exception, source: str, secrets: list[str]) -> Exception:
    """``err`` with credentials removed and the source named first (the same object when
    nothing needed changing)."""
    text = redact(str(err), secrets)
    if not isinstance(err, FrontlineError):
        text = f"{type(err).__name__}: {text}"
    if not text.startswith(f"{source}:"):
        text = f"{source}: {text}"
    if text == str(err):
        return err
    if isinstance(err, SourceError):
        return SourceError(text, source=err.source, where=redact(err.where, secrets),
                           status=err.status, reason=err.reason, param=err.param)  # fmt: skip
    if isinstance(err, FrontlineError):
        return type(err)(text, param=err.param)
    return FrontlineError(text)


def _run(store, source, name, country, since, environ, client) -> EventsUpdate:
    from geo.ingest import read_events

    store.refresh()  # a long-running server's store: see what others wrote meanwhile
    data = store.current()
    held = data.events(Query(datasets=(name,)))
    state = read_states(store).get(source)
    applied = {}
    # The releases read before count only for this dataset and country: read for Ukraine,
    # they hold none of Russia's events.
    if (state is not None and state.detail.get("dataset") == name and len(held)
            and _countries(state.detail.get("country")) == _countries(country)):  # fmt: skip
        applied = dict(state.detail.get("applied") or {})
    if source == "acled" and since is None and len(held):
        # ACLED has no release files: without a date every run would ask for everything
        # since 1997. Events of the last weeks are still being revised, so re-read those.
        since = pd.to_datetime(held["date"]).max().date() - dt.timedelta(days=ACLED_REREAD_DAYS)
    rows = fetch_rows(source, country=country, since=since, environ=environ, client=client,
                      applied=applied)  # fmt: skip
    asked = since.isoformat() if since else None
    if rows.up_to_date:
        first, last = _date_range(held["date"])
        report = EventsUpdate(source, name, total=store.dataset_rows(name), first=first,
                              last=last, since=asked, up_to_date=True)  # fmt: skip
        log.info("%s: nothing new; dataset %s has %d events", source, name, report.total)
        _record(store, report, country, applied)
        return report
    csv = rows.frame.to_csv(index=False).encode("utf-8")
    result = read_events(csv, format=rows.format, name=name, regions=data.regions)
    events = result.events
    is_new, is_revised = compare_events(held, events)
    changed = events[is_new | is_revised]
    stored = None
    if len(changed):
        mode = "append" if store.dataset_rows(name) else "replace"
        stored = store.save_dataset(name, changed, mode).describe()
    rejects_path = _keep_rejects(store.user_dir / "rejects" / f"{name}.csv", result.rejects,
                                 rows.frame, rows.format)  # fmt: skip
    kept = held["date"][~held["event_id"].astype(str).isin(set(events["event_id"].astype(str)))]
    first, last = _date_range(pd.concat([kept, events["date"]], ignore_index=True))
    summary = result.summary()
    report = EventsUpdate(
        source, name, fetched=result.rows_read, valid=len(events), rejected=len(result.rejects),
        new=int(is_new.sum()), revised=int(is_revised.sum()),
        unchanged=int(len(events) - is_new.sum() - is_revised.sum()),
        total=store.dataset_rows(name), first=first, last=last, since=asked,
        rejects_path=rejects_path, rejected_by_reason=summary["rejected_by_reason"],
        read=rows.read, stored=stored,
    )  # fmt: skip
    log.info("%s: %d rows fetched, %d valid, %d rejected; %d new, %d revised, %d unchanged",
             source, report.fetched, report.valid, report.rejected, report.new,
             report.revised, report.unchanged)  # fmt: skip
    _record(store, report, country, {**applied, **rows.applied})
    return report


def _record(store, report: EventsUpdate, country: str, applied: dict) -> None:
    counts = ("fetched", "valid", "rejected", "new", "revised", "unchanged", "total")
    detail = {k: getattr(report, k) for k in counts}
    detail.update(dataset=report.dataset, country=country, since=report.since,
                  read=list(report.read), applied=applied)  # fmt: skip
    record_success(store, report.source, KIND, first=report.first, last=report.last,
                   detail=detail)  # fmt: skip


def compare_events(
    held: gpd.GeoDataFrame, events: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``events`` are new and which revise an event of ``held``, by ``event_id``.

    An event is *revised* when ``held`` has its id and any canonical field differs (every
    column of :data:`geo.schema.EVENT_DTYPES` but ``dataset``, ``raw`` included, and the
    point's coordinates); it is *unchanged* when all are equal.

    Parameters
    ----------
    held : the events the dataset holds (canonical schema)
    events : the events read now (canonical schema, unique ids)

    Returns
    -------
    (is_new, is_revised) : boolean arrays aligned with ``events``

    Examples
    --------
    >>> is_new, is_revised = compare_events(store_events, fetched_events)  # doctest: +SKIP
    >>> int(is_new.sum()), int(is_revised.sum())  # doctest: +SKIP
    (2, 1)
    """
    ids = events["event_id"].astype(str).to_numpy()
    held_ids = held["event_id"].astype(str).to_numpy()
    is_new = ~np.isin(ids, held_ids)
    is_revised = np.zeros(len(events), dtype=bool)
    if is_new.all():
        return is_new, is_revised
    # Where each known id sits in held (the last row of an id, should one appear twice).
    order = pd.Series(np.arange(len(held)), index=held_ids)
    order = order[~order.index.duplicated(keep="last")]
    mine = np.flatnonzero(~is_new)
    theirs = order.reindex(ids[mine]).to_numpy()
    a = _canonical(events.iloc[mine])
    b = _canonical(held.iloc[theirs])
    differs = (a != b).any(axis=1)
    differs |= events.geometry.iloc[mine].x.to_numpy() != held.geometry.iloc[theirs].x.to_numpy()
    differs |= events.geometry.iloc[mine].y.to_numpy() != held.geometry.iloc[theirs].y.to_numpy()
    is_revised[mine] = differs
    return is_new, is_revised


def _canonical(frame: pd.DataFrame) -> np.ndarray:
    """The compared columns as one text array (missing values as a marker no text has)."""
    columns = []
    for name in _COMPARED:
        if name not in frame.columns:
            columns.append(np.full(len(frame), _MISSING, dtype=object))
            continue
        values = frame[name]
        missing = pd.isna(values).to_numpy()
        if name == "date":
            text = pd.to_datetime(values).dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
        else:
            text = values.astype(object).astype(str).to_numpy(dtype=object)
        columns.append(np.where(missing, _MISSING, text))
    return np.column_stack(columns) if columns else np.empty((len(frame), 0), dtype=object)


def _countries(text) -> frozenset[str]:
    return frozenset(n.strip().lower() for n in re.split(r"[|,]", str(text or "")) if n.strip())


def _keep_rejects(path: Path, rejects: pd.DataFrame, rows: pd.DataFrame, fmt: str) -> Path | None:
    """Keep in ``path`` the rows of this source that are rejected now, and return it (None
    when no row is): this run's rejects (``run`` says when), and the earlier runs' rejects
    of rows this run did not read again.

    Releases read before are not read again (:func:`geo.updates.event_sources.
    plan_releases`), so a file holding only this run's rejects would lose theirs for good;
    a row read again is either valid now or among this run's rejects.
    """
    from geo.ingest import rejects_csv

    earlier = pd.DataFrame(columns=["raw"])
    try:
        earlier = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as err:  # an edited or damaged file: replaced, not fatal
        log.warning("%s: unreadable, replaced by this run's rejects: %s", path, err)
    column = _NATIVE_ID[fmt]
    read = set(rows[column].astype(str).str.strip()) if column in rows else set()
    raws = earlier["raw"] if "raw" in earlier else [""] * len(earlier)
    kept = earlier[[_native_id(raw, column) not in read for raw in raws]]
    if not len(rejects) and len(kept) == len(earlier):
        return path if len(kept) else None  # nothing changed
    if not len(rejects) and not len(kept):
        path.unlink()
        return None
    this_run = rejects.assign(run=now_utc().isoformat())
    parts = [p.astype(object) for p in (kept, this_run) if len(p)]
    _write_text(path, rejects_csv(pd.concat(parts, ignore_index=True)))
    return path


def _native_id(raw: str, column: str) -> str | None:
    """The source's own id of a rejected row, from its ``raw`` JSON (None if unreadable)."""
    try:
        value = json.loads(raw).get(column)
    except (ValueError, AttributeError):
        return None
    return None if value is None else str(value).strip() or None


def _date_range(dates: pd.Series) -> tuple[str | None, str | None]:
    dates = pd.to_datetime(dates).dropna()
    if not len(dates):
        return None, None
    return dates.min().date().isoformat(), dates.max().date().isoformat()


def _write_text(path: Path, text: str) -> None:
    """``text`` into ``path`` through a temporary file renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
