"""The updater's lock: exactly one update runs at a time, across the workers of a server,
the servers sharing a data folder or a database, and ``frontline update`` from a shell.

- File store: an ``fcntl`` lock on ``<user_dir>/update.lock`` (the kernel drops it when the
  holder dies, so a killed updater never leaves it taken).
- PostGIS store: a session advisory lock on a connection of its own (dropped with the
  connection).

``updater_lock(store)`` yields True when this process holds the lock and False when
another does (``wait=False``), or waits for it (``wait=True``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator

__all__ = ["ADVISORY_KEY", "updater_lock"]

#: The PostgreSQL advisory lock key of Frontline's updater (an arbitrary fixed number).
ADVISORY_KEY = 0x46524F4E  # "FRON"


@contextlib.contextmanager
def updater_lock(store, *, wait: bool = False, timeout: float = 3600.0) -> Iterator[bool]:
    """Hold the store's update lock while the ``with`` body runs; yields whether it is held."""
    if getattr(store, "kind", "") == "postgis":
        with _advisory(store, wait, timeout) as held:
            yield held
        return
    path = store.user_dir / "update.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        held = _flock(fd, wait, timeout)
        if held:
            # Who holds it, for a person looking at the folder.
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        try:
            yield held
        finally:
            if held:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _flock(fd: int, wait: bool, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if not wait or time.monotonic() > deadline:
                return False
            time.sleep(0.5)


@contextlib.contextmanager
def _advisory(store, wait: bool, timeout: float) -> Iterator[bool]:
    import psycopg

    conn = psycopg.connect(store.url, autocommit=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            held = conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()[0]
            if held or not wait or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        try:
            yield bool(held)
        finally:
            if held:
                conn.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_KEY,))
    finally:
        conn.close()
