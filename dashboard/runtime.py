"""What the web app runs on: the settings, the store, the cache, and the scope of a request.

``create_app`` builds one :class:`Runtime`; every page, callback and API route asks it for
the :class:`~dashboard.scope.Scope` of the request they serve. The scope holds the store's
current generation (new data reaches every worker within ``refresh_seconds``) plus, for the
browser session that made them, that session's own uploads: nobody else's.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from dashboard.scope import Scope
from dashboard.settings import Settings

__all__ = ["Runtime"]

log = logging.getLogger(__name__)


def _warm_measures(data) -> None:
    """Load the measures' tables of a new generation on a background thread: after an
    update they are rebuilt (seconds), and no reader should wait for that."""
    import flask

    from geo.background import pool
    from geo.measures import warm

    if not flask.has_request_context() or flask.request.environ.get("frontline.warmup"):
        # Only while serving: before gunicorn forks (the warm-up, create_app's preloading)
        # a thread still running would leave its locks held in every worker.
        return

    def run():
        try:
            warm(data)
        except Exception:  # a reader's request will say what is wrong
            log.exception("could not prepare the measures of data version %s", data.version)

    pool("measures").submit(run)


class Runtime:
    """The app's store and cache, and how a request gets its data.

    Parameters
    ----------
    settings : the app's settings.
    store : a :class:`geo.stores.base.Store`.
    cache : a cache of :mod:`dashboard.cache`.
    """

    def __init__(self, settings: Settings, store, cache):
        self.settings = settings
        self.store = store
        self.cache = cache
        self._sessions: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._served: str | None = None
        #: ``serve --update-every``'s :class:`geo.updates.schedule.Scheduler`, or None.
        self.scheduler = None
        store.sessions.configure(
            ttl_s=settings.session_hours * 3600, quota=settings.session_quota_mb * 2**20
        )

    def scope(self, *, session: bool = True) -> Scope:
        """The data of the current request: the store's current generation, plus this
        browser session's uploads when ``session`` (pages and the API; never embeds)."""
        data = self.store.current()
        if data.version != self._served:
            # A new generation: values cached for the old one can never be asked for again.
            self._served = data.version
            self.cache.retain(data.version)
            _warm_measures(data)
        if session:
            from dashboard.sessions import session_id

            sid = session_id()
            if sid:
                data = self._with_uploads(data, sid)
        return Scope(data, self.cache)

    def _with_uploads(self, data, sid: str):
        found = self.store.sessions.columns(sid)
        if found is None:
            return data
        tag, uploads = found
        key = (data.version, sid, tag)
        with self._lock:
            hit = self._sessions.get(key)
            if hit is not None:
                self._sessions.move_to_end(key)
                return hit
        combined = data.with_session(sid, tag, uploads)
        with self._lock:
            self._sessions[key] = combined
            while len(self._sessions) > 8:
                self._sessions.popitem(last=False)
        return combined

    def as_of(self, data=None):
        """How current the data is (:class:`geo.updates.status.AsOf`): the newest map, the
        last successful update, and whether pages should warn that it is old."""
        from geo.updates.status import as_of

        return as_of(self.store, data or self.store.current(), self.settings.stale_days)

    def session_names(self) -> list[str]:
        """The names of this browser session's uploads."""
        from dashboard.sessions import session_id

        return self.store.sessions.names(session_id())
