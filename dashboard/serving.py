"""``frontline serve``: the app under gunicorn, with one worker or several.

Gunicorn is the server in every shape (Flask's development server is for ``--debug`` only):
it serves concurrent readers without queueing them behind one another, restarts a worker
that dies, and answers without naming the Python and Werkzeug versions.

The app is built once in the gunicorn master (``preload_app``), so the bundled arrays, the
territory table and the regions are loaded before the workers fork and are shared
copy-on-write instead of being loaded N times. Database connections are the exception: the
master closes its pool before forking and each worker opens its own (a socket shared by
two processes corrupts both sessions). Each worker then looks for new data on its own
(:mod:`geo.stores.watch`).
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
        # The longest request line gunicorn allows (nginx's default is the same 8 kB): a
        # longer URL is answered 414 by the server before the app runs.
        "limit_request_line": 8190,
        # Recycle workers now and then so a slow leak cannot grow without bound.
        "max_requests": 20000,
        "max_requests_jitter": 2000,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "frontline",
        # gunicorn's control socket lives in ~/.gunicorn/, one path for every instance on
        # the machine: one instance's shutdown removed another's. Frontline does not use it.
        "control_socket_disable": True,
    }


def _close_store(server, worker) -> None:
    rt = server.app.wsgi().config.get("FRONTLINE_RUNTIME")
    if rt is not None:
        rt.store.close()


def _start_scheduler(server, worker) -> None:
    rt = server.app.wsgi().config.get("FRONTLINE_RUNTIME")
    if rt is not None and rt.scheduler is not None:
        rt.scheduler.start()


def serve_with_gunicorn(settings, host: str, port: int, workers: int) -> int:
    """Serve ``create_app(settings)`` with ``workers`` gunicorn processes.

    Parameters
    ----------
    settings : :class:`dashboard.settings.Settings`, read once by the caller.
    host, port : where to listen.
    workers : number of worker processes (at least 1).

    Returns
    -------
    int : exit status (0 after a clean shutdown).
    """
    from gunicorn.app.base import BaseApplication

    from dashboard.app import create_app, freeze_loaded

    if workers < 1:
        raise ValueError(f"workers: expected at least 1, got {workers}")

    class FrontlineApplication(BaseApplication):
        def __init__(self):
            self.options = gunicorn_options(host, port, workers)
            self.options["pre_fork"] = _close_store
            self.options["post_fork"] = _start_scheduler
            self._wsgi = None
            super().__init__()

        def load_config(self):
            for key, value in self.options.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key, value)

        def load(self):
            if self._wsgi is None:
                self._wsgi = create_app(settings).server
                freeze_loaded()  # before the fork, so the workers share these pages too
            return self._wsgi

    print(f"Frontline on http://{host}:{port}/ ({workers} gunicorn workers)", flush=True)
    FrontlineApplication().run()
    return 0
