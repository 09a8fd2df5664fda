"""Settings, declared once: name, default, environment variable and help text.

Every setting is documented in the README (a test holds that), set by an environment
variable ``FRONTLINE_<NAME>`` or a command-line option, and read in one place:
:meth:`Settings.from_env` (the CLI adds its options with :meth:`Settings.replace`). The
result is passed down; nothing else reads the environment for a setting.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

__all__ = ["SETTINGS_HELP", "Settings", "every_seconds"]

SETTINGS_HELP = {
    "data_dir": "folder of ingested datasets, session uploads and caches "
    "(default ~/.local/share/frontline)",
    "basemap": "default basemap: 'offline' (bundled outlines, no tile server) or an online "
    "MapLibre style name such as 'carto-positron' or 'open-street-map'",
    "frame_ancestors": "who may frame /embed pages: '*' (anyone) or a space-separated list of "
    "origins, sent as CSP frame-ancestors",
    "max_upload_mb": "largest event file accepted by upload in the browser, in MB",
    "store": "where the data lives: 'file' (bundled files, default) or a PostgreSQL/PostGIS URL "
    "such as postgresql://user@host/frontline",
    "cache": "shared cache for expensive results: 'memory' (per process, default) or a Redis URL "
    "such as redis://localhost:6379/0",
    "secret_key": "key that signs the session cookie; the same on every host behind a load "
    "balancer (default: a random key kept in the data folder)",
    "session_hours": "hours an upload in the browser stays available to its session",
    "session_quota_mb": "most MB of uploads one browser session may keep",
    "refresh_seconds": "how often a running server looks for new data (ingest, db load, update)",
    "stale_days": "pages warn that the data is old when the newest map is older than this many "
    "days",
    "update_every": "run `frontline update territory` from the server this often, e.g. '6h' or "
    "'30m' (one updater across all workers and hosts; default: never)",
}


def _positive_float(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"FRONTLINE_{name.upper()}: expected a number, got {raw!r}") from None
    if not value > 0:
        raise ValueError(f"FRONTLINE_{name.upper()}: must be positive, got {raw!r}")
    return value


def every_seconds(text: str, name: str = "--update-every") -> float:
    """A period such as ``6h``, ``30m``, ``1d`` or ``900`` (seconds) in seconds.

    Examples
    --------
    >>> every_seconds("6h")
    21600.0
    """
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    raw = str(text).strip().lower()
    number, unit = (raw[:-1], raw[-1]) if raw[-1:] in units else (raw, "s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        raise ValueError(f"{name}: expected a period such as 6h, 30m or 1d, got {text!r}") from None
    if seconds < 60:
        raise ValueError(
            f"{name}: at least one minute (the source asks for politeness), got {text!r}"
        )
    return seconds


@dataclass(frozen=True)
class Settings:
    """Run-time settings of the app (see :data:`SETTINGS_HELP`)."""

    data_dir: Path | None = None
    basemap: str = "offline"
    frame_ancestors: str = "*"
    max_upload_mb: int = 50
    store: str = "file"
    cache: str = "memory"
    secret_key: str = ""
    session_hours: float = 24.0
    session_quota_mb: int = 200
    refresh_seconds: float = 2.0
    stale_days: float = 3.0
    update_every: str = ""

    @classmethod
    def from_env(cls, environ=os.environ) -> Settings:
        """Settings from ``FRONTLINE_<NAME>`` environment variables, else the defaults.

        Raises
        ------
        ValueError : naming the variable and what was expected.
        """
        values = {}
        for f in fields(cls):
            raw = environ.get(f"FRONTLINE_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            if f.name == "data_dir":
                values[f.name] = Path(raw)
            elif f.name in ("max_upload_mb", "session_quota_mb"):
                values[f.name] = int(_positive_float(f.name, raw))
            elif f.name in ("session_hours", "refresh_seconds", "stale_days"):
                values[f.name] = _positive_float(f.name, raw)
            else:
                values[f.name] = raw
        settings = cls(**values)
        if settings.update_every:
            every_seconds(settings.update_every, "FRONTLINE_UPDATE_EVERY")
        from dashboard.state import BASEMAPS

        if settings.basemap not in BASEMAPS:
            raise ValueError(f"FRONTLINE_BASEMAP: expected one of {', '.join(BASEMAPS)}, "
                             f"got {settings.basemap!r}")  # fmt: skip
        return settings

    def replace(self, **changes) -> Settings:
        """These settings with some changed (``None`` values are ignored: an option that
        was not given keeps the environment's value)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
