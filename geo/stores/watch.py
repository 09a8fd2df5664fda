"""A thread per process that asks a store for new data every few seconds.

Gunicorn forks its workers from a master that loaded the data: threads do not survive a
fork, so the watcher is kept per process id and started again in each worker (the web app
calls :func:`ensure_watching` on every request; after the first it is a dict lookup).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

__all__ = ["ensure_watching", "stop_watching"]

log = logging.getLogger(__name__)
_watchers: dict[tuple[int, int], threading.Event] = {}
_lock = threading.Lock()


def ensure_watching(store, interval: float) -> None:
    """Start (once per process) a daemon thread that calls ``store.refresh()`` every
    ``interval`` seconds; errors are logged, never raised."""
    key = (os.getpid(), id(store))
    if key in _watchers:
        return
    with _lock:
        if key in _watchers:
            return
        stop = threading.Event()
        _watchers[key] = stop

    def run():
        while not stop.wait(interval):
            try:
                if store.refresh():
                    log.info("now serving data version %s", store.data_version())
            except Exception as exc:  # a source that fails keeps the data it had
                log.warning("looking for new data failed (%s); serving what we have", exc)

    # A daemon: it must not keep a process alive, and atexit stops it before the
    # interpreter tears down the modules a load in progress would still use.
    threading.Thread(target=run, name="frontline-watch", daemon=True).start()


def stop_watching() -> None:
    """Stop every watcher of this process."""
    with _lock:
        for (pid, _), stop in list(_watchers.items()):
            if pid == os.getpid():
                stop.set()


atexit.register(stop_watching)
