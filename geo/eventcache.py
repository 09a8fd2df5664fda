"""A ready-to-map copy of the compact event table, so a restart does not parse Parquet.

Reading a million events from zstd Parquet, sorting and encoding them takes about a second
(ten at ten million). The result (:func:`geo.eventtable.read_compact`) is written once as
an uncompressed Arrow IPC file in the user folder (``cache/events.arrow``) and memory-mapped
on the next start. The file records what it was built from: the path, size and
modification time of every event file, and this format's version. Anything different (a
dataset saved, replaced or removed, a bundled file updated) and the cache is not used and
is rebuilt; it is never trusted on its name alone.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

__all__ = ["CACHE_NAME", "read_cache", "signature", "write_cache"]

CACHE_NAME = "cache/events.arrow"
_FORMAT = 1
_KEY = b"frontline_events_signature"
log = logging.getLogger(__name__)


def signature(paths: list[Path]) -> str:
    """What the cache must have been built from: every source file's path, size, mtime."""
    files = []
    for path in paths:
        stat = Path(path).stat()
        files.append([str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns])
    return json.dumps({"format": _FORMAT, "files": files}, sort_keys=True)


def read_cache(path: Path, expected: str) -> pd.DataFrame | None:
    """The cached compact table at ``path`` if it was built from ``expected`` sources."""
    if not path.exists():
        return None
    try:
        source = pa.memory_map(str(path), "r")
        reader = ipc.open_file(source)
        if (reader.schema.metadata or {}).get(_KEY, b"").decode() != expected:
            return None
        table = reader.read_all()
    except (OSError, pa.ArrowInvalid) as exc:
        log.warning("event cache %s unreadable (%s): reading the event files", path, exc)
        return None
    mapper = {pa.large_string(): pd.StringDtype(), pa.int32(): pd.Int32Dtype()}.get
    return table.to_pandas(types_mapper=mapper, split_blocks=True)


def write_cache(frame: pd.DataFrame, path: Path, sig: str) -> bool:
    """Write ``frame`` to ``path`` atomically (temporary file, then rename); False when
    the folder is not writable (the cache is an optimisation, never a requirement)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _sweep(path.parent)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), _KEY: sig.encode()})
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".events.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out, ipc.new_file(out, table.schema) as writer:
                writer.write_table(table)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        log.warning("event cache not written to %s: %s", path, exc)
        return False
    return True


def _sweep(folder: Path, older_than_s: float = 3600) -> None:
    """Remove temporary files a killed writer left behind (a fresh one may belong to a
    writer in another worker process, so only old ones go)."""
    now = time.time()
    for stale in folder.glob(".events.*.tmp"):
        try:
            if now - stale.stat().st_mtime > older_than_s:
                stale.unlink()
        except OSError:
            continue  # gone already, or not ours to remove
