"""``frontline serve --update-every 6h``: exactly one updater across all workers and hosts.

Every worker of every server runs a :class:`Scheduler` thread that wakes up now and then.
A wake-up that gets the store's update lock (:mod:`geo.updates.lock`) reads when DeepState
was last tried; only when that was at least one period ago does it run the update. So
however many workers and hosts share the data folder or the database, one update runs per
period, and a worker that dies mid-update leaves the lock to the next one. The update
stores its maps in one step; every worker's store watcher then switches to the new data
version whole (:meth:`geo.stores.base.Store.watch`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading

from geo.updates.lock import updater_lock
from geo.updates.state import now_utc, read_states, record_schedule
from geo.updates.territory import KIND, SOURCE, update_territory

__all__ = ["Scheduler"]

log = logging.getLogger("geo.updates")


class Scheduler:
    """Runs :func:`geo.updates.territory.update_territory` every ``every_s`` seconds.

    Parameters
    ----------
    store : the store the server serves
    every_s : seconds between updates
    tick_s : how often a worker looks whether an update is due (default: a tenth of the
        period, at most a minute)
    """

    def __init__(self, store, every_s: float, tick_s: float | None = None):
        self.store = store
        self.every = dt.timedelta(seconds=every_s)
        self.tick_s = tick_s or min(60.0, every_s / 10)
        self._pid: int | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        """Start the thread of this process (again after a fork; once otherwise)."""
        if self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._stop = threading.Event()
        threading.Thread(target=self._loop, name="frontline-updater", daemon=True).start()

    def stop(self) -> None:
        """Stop this process's thread after its current tick."""
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # a bad tick must not end the schedule
                log.exception("scheduled update failed")
            self._stop.wait(self.tick_s)

    def due(self, now: dt.datetime) -> bool:
        """Whether the last try of DeepState lies a period or more before ``now``."""
        state = read_states(self.store).get(SOURCE)
        if state is None or not state.last_attempt:
            return True
        last = dt.datetime.fromisoformat(state.last_attempt)
        return now - last >= self.every

    def tick(self, now: dt.datetime | None = None):
        """Run the update if it is due and no one else is running it; returns its report,
        or None when nothing ran."""
        with updater_lock(self.store) as held:
            if not held:
                return None
            now = now or now_utc()
            if not self.due(now):
                return None
            log.info("scheduled update of %s (pid %d)", SOURCE, os.getpid())
            try:
                report = update_territory(self.store, lock=False)
            except Exception as exc:  # recorded by update_territory; the schedule goes on
                log.warning("scheduled update of %s failed: %s", SOURCE, exc)
                report = None
            record_schedule(self.store, SOURCE, KIND, now_utc() + self.every)
            return report
