"""Uploads that belong to one browser session: stored apart from shared data, never shown
to anybody else, gone after a while.

An analyst's file may be confidential. It is kept under the session's own id (a random
token the web app signs into a cookie), in the data folder (``sessions/<id>/``) or in a
PostGIS table, so every worker and host sees it for that session and for no other. Each
upload expires ``ttl`` seconds after it was made, and a session may hold at most ``quota``
bytes. The web app mixes a session's uploads into its own view only
(:meth:`geo.stores.base.Data.with_session`).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

import geopandas as gpd

from geo.errors import FrontlineError
from geo.stores.names import check_dataset_name

__all__ = ["SESSION_ID", "FolderSessions", "PostgisSessions", "check_session_id"]

log = logging.getLogger(__name__)
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
DEFAULT_TTL_S = 24 * 3600
DEFAULT_QUOTA = 200 * 2**20


def check_session_id(sid: str) -> str:
    """``sid`` when it is a well-formed session id (it becomes a folder name)."""
    if not SESSION_ID.fullmatch(sid or ""):
        raise FrontlineError("session: not a valid session id", param="session")
    return sid


class _Sessions:
    """What both backends share: limits, and the columns of a session's uploads cached by
    a tag that changes whenever the uploads do."""

    def __init__(self, ttl_s: float = DEFAULT_TTL_S, quota: int = DEFAULT_QUOTA):
        self.ttl_s = ttl_s
        self.quota = quota
        self._columns: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def configure(self, *, ttl_s: float | None = None, quota: int | None = None) -> None:
        """Set how long uploads live and how many bytes a session may hold."""
        if ttl_s is not None:
            self.ttl_s = ttl_s
        if quota is not None:
            self.quota = quota

    def _check_quota(self, used: int, adding: int) -> None:
        if used + adding > self.quota:
            raise FrontlineError(
                f"file: this upload ({adding / 2**20:.1f} MB stored) would take your uploads to "
                f"{(used + adding) / 2**20:.1f} MB, over the limit of {self.quota / 2**20:.0f} MB "
                "for one session; remove an upload or wait until they expire",
                param="file",
            )

    def columns(self, sid: str | None):
        """``(tag, EventColumns)`` of the session's uploads, or None when it has none."""
        if not sid:
            return None
        listing = self._listing(check_session_id(sid))
        if not listing:
            return None
        tag = hashlib.blake2b(repr(sorted(listing)).encode(), digest_size=5).hexdigest()
        key = (sid, tag)
        with self._lock:
            hit = self._columns.get(key)
            if hit is not None:
                self._columns.move_to_end(key)
                return tag, hit
        from geo.columns import EventColumns
        from geo.eventtable import read_compact

        cols = EventColumns(read_compact(self._sources(sid, listing)))
        with self._lock:
            self._columns[key] = cols
            while len(self._columns) > 16:  # a few active sessions per worker
                self._columns.popitem(last=False)
        return tag, cols

    def names(self, sid: str | None) -> list[str]:
        """Names of the session's uploads."""
        if not sid:
            return []
        return sorted({name for name, *_ in self._listing(check_session_id(sid))})


class FolderSessions(_Sessions):
    """Uploads as GeoParquet files in ``root/<session id>/<name>.parquet``."""

    def __init__(self, root: Path, **limits):
        super().__init__(**limits)
        self.root = Path(root)

    def save(self, sid: str, name: str, events: gpd.GeoDataFrame) -> str:
        """Store ``events`` as upload ``name`` of session ``sid``; returns where."""
        folder = self.root / check_session_id(sid)
        check_dataset_name(name)
        folder.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        events.to_parquet(buffer, compression="zstd")
        used = sum(size for n, size, _ in self._listing(sid) if n != name)
        self._check_quota(used, buffer.tell())
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(buffer.getvalue())
        os.replace(tmp, folder / f"{name}.parquet")
        return f"session upload {name}"

    def _listing(self, sid: str) -> list[tuple[str, int, int]]:
        folder = self.root / sid
        if not folder.is_dir():
            return []
        now, out = time.time(), []
        for path in folder.glob("*.parquet"):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if now - stat.st_mtime > self.ttl_s:
                _remove(path)
                continue
            out.append((path.stem, stat.st_size, stat.st_mtime_ns))
        return out

    def _sources(self, sid: str, listing) -> list[Path]:
        return [self.root / sid / f"{name}.parquet" for name, *_ in sorted(listing)]

    def expire(self) -> int:
        """Remove uploads older than the time to live; returns how many sessions went."""
        if not self.root.is_dir():
            return 0
        gone = 0
        for folder in self.root.iterdir():
            named = folder.is_dir() and SESSION_ID.fullmatch(folder.name)
            if named and not self._listing(folder.name):
                shutil.rmtree(folder, ignore_errors=True)
                gone += 1
        return gone


class PostgisSessions(_Sessions):
    """Uploads as GeoParquet bytes in ``frontline.session_uploads`` (every host sees them)."""

    def __init__(self, store, **limits):
        super().__init__(**limits)
        self.store = store

    def save(self, sid: str, name: str, events: gpd.GeoDataFrame) -> str:
        """Store ``events`` as upload ``name`` of session ``sid``; returns where."""
        check_session_id(sid)
        check_dataset_name(name)
        buffer = io.BytesIO()
        events.to_parquet(buffer, compression="zstd")
        used = sum(size for n, size, _ in self._listing(sid) if n != name)
        self._check_quota(used, buffer.tell())
        with self.store.connection() as conn:
            conn.execute(
                "INSERT INTO frontline.session_uploads (session, name, bytes, created) "
                "VALUES (%s, %s, %s, now()) ON CONFLICT (session, name) DO UPDATE SET "
                "bytes = EXCLUDED.bytes, created = EXCLUDED.created",
                (sid, name, buffer.getvalue()),
            )
        return f"session upload {name}"

    def _listing(self, sid: str) -> list[tuple[str, int, int]]:
        with self.store.connection() as conn:
            rows = conn.execute(
                "SELECT name, octet_length(bytes), extract(epoch FROM created)::float8 "
                "FROM frontline.session_uploads WHERE session = %s "
                "AND created > now() - make_interval(secs => %s)",
                (sid, float(self.ttl_s)),
            ).fetchall()
        return [(n, int(size), int(created * 1e9)) for n, size, created in rows]

    def _sources(self, sid: str, listing) -> list:
        import pyarrow as pa

        with self.store.connection() as conn:
            rows = conn.execute(
                "SELECT name, bytes FROM frontline.session_uploads WHERE session = %s "
                "ORDER BY name",
                (sid,),
            ).fetchall()
        wanted = {name for name, *_ in listing}
        return [pa.py_buffer(bytes(b)) for n, b in rows if n in wanted]

    def expire(self) -> int:
        """Remove expired uploads; returns how many rows went."""
        with self.store.connection() as conn:
            cur = conn.execute(
                "DELETE FROM frontline.session_uploads "
                "WHERE created < now() - make_interval(secs => %s)",
                (float(self.ttl_s),),
            )
            return cur.rowcount


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError as exc:  # another worker removed it first, or it is not ours to remove
        log.debug("could not remove expired upload %s: %s", path, exc)
