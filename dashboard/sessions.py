"""Browser sessions: a random id in a signed cookie, the uploads kept under it by the store.

As Flask and Django do it: the cookie carries only a signed id (Flask's session cookie,
``HttpOnly``, ``SameSite=Lax``), the data stays on the server (:mod:`geo.stores.sessions`).
Every worker and host that shares the secret key and the store knows the session; nobody
without the cookie can name it. A cross-site iframe (an embed in an article) does not send
the cookie, and embeds ignore sessions anyway.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import flask

__all__ = ["configure_sessions", "session_id"]

_KEY = "sid"


def session_id(create: bool = False) -> str | None:
    """The id of the browser session of the current request (made when ``create``)."""
    if not flask.has_request_context():
        return None
    sid = flask.session.get(_KEY)
    if sid is None and create:
        sid = secrets.token_urlsafe(18)
        flask.session[_KEY] = sid
        flask.session.permanent = True
    return sid if isinstance(sid, str) else None


def configure_sessions(server: flask.Flask, settings, user_dir: Path) -> None:
    """Give ``server`` its signing key and cookie settings."""
    server.secret_key = settings.secret_key or _stored_key(user_dir)
    server.config.update(
        SESSION_COOKIE_NAME="frontline_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.session_hours),
        # Only set a cookie when a session stores something (an upload), not on every page.
        SESSION_REFRESH_EACH_REQUEST=False,
    )


def _stored_key(user_dir: Path) -> str:
    """A random key kept in ``<user_dir>/secret_key`` (made once, readable by its owner
    only), so every worker on this machine signs alike and a restart keeps sessions."""
    path = Path(user_dir) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
    return key
