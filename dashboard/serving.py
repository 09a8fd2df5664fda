"""``frontline serve --workers N``: the app under gunicorn, for production.

The app is built once in the gunicorn master (``preload_app``), so the bundled arrays, the
territory table and the regions are loaded before the workers fork and are shared
copy-on-write instead of being loaded N times. Database connections are the exception: the
master closes its pool before forking and each worker opens its own (a socket shared by
two processes corrupts both sessions). Gunicorn itself restarts a worker that dies.
"""

from __future__ import annotations

import logging

__all__ = ["gunicorn_options", "serve_with_gunicorn"]

log = logging.getLogger(__name__)


def gunicorn_options(host: str, port: int, workers: int) -> dict:
    """The gunicorn settings ``serve_with_gunicorn`` uses (a dict of config names)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        # Threads let one worker overlap database and cache waits; the work itself is
        # CPU-bound pandas, so a few are enough.
        "worker_class": "gthread",
        "threads": 4,
        "preload_app": True,
        # A request that takes longer than this is stuck: gunicorn kills and replaces the
        # worker. Well above the slowest real request (a full-range territory series).
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        # Recycle workers now and then so a slow leak cannot grow without bound.
        "max_requests": 20000,
        "max_requests_jitter": 2000,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "frontline",
    }


def _close_store(server, worker) -> None:
    store = server.app.wsgi().config.get("FRONTLINE_STORE")
    close = getattr(store, "close", None)
    if close is not None:
        close()


def serve_with_gunicorn(host: str, port: int, workers: int) -> int:
    """Serve ``create_app(Settings.from_env())`` with ``workers`` gunicorn processes.

    Parameters
    ----------
    host, port : where to listen.
    workers : number of worker processes (at least 1).

    Returns
    -------
    int : exit status (0 after a clean shutdown).
    """
    from gunicorn.app.base import BaseApplication

    from dashboard.app import create_app, freeze_loaded
    from dashboard.settings import Settings

    if workers < 1:
        raise ValueError(f"workers: expected at least 1, got {workers}")

    class FrontlineApplication(BaseApplication):
        def __init__(self):
            self.options = gunicorn_options(host, port, workers)
            self.options["pre_fork"] = _close_store
            self._wsgi = None
            super().__init__()

        def load_config(self):
            for key, value in self.options.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key, value)

        def load(self):
            if self._wsgi is None:
                self._wsgi = create_app(Settings.from_env()).server
                freeze_loaded()  # before the fork, so the workers share these pages too
            return self._wsgi

    print(f"Frontline on http://{host}:{port}/ ({workers} gunicorn workers)", flush=True)
    FrontlineApplication().run()
    return 0
