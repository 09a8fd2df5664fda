"""Settings, declared once: name, default, environment variable and help text.

Every setting is documented in the README (a test holds that), set by an environment
variable ``FRONTLINE_<NAME>`` or passed to :func:`dashboard.app.create_app`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

__all__ = ["SETTINGS_HELP", "Settings"]

SETTINGS_HELP = {
    "data_dir": "folder of ingested datasets (default ~/.local/share/frontline)",
    "basemap": "default basemap: 'offline' (bundled outlines, no tile server) or an online "
    "MapLibre style name such as 'carto-positron' or 'open-street-map'",
    "frame_ancestors": "who may frame /embed pages: '*' (anyone) or a space-separated list of "
    "origins, sent as CSP frame-ancestors",
    "max_upload_mb": "largest event file accepted by upload in the browser, in MB",
    "store": "where the data lives: 'file' (bundled files, default) or a PostgreSQL/PostGIS URL "
    "such as postgresql://user@host/frontline",
    "cache": "shared cache for expensive results: 'memory' (per process, default) or a Redis URL "
    "such as redis://localhost:6379/0",
}


@dataclass(frozen=True)
class Settings:
    """Run-time settings of the app (see :data:`SETTINGS_HELP`)."""

    data_dir: Path | None = None
    basemap: str = "offline"
    frame_ancestors: str = "*"
    max_upload_mb: int = 50
    store: str = "file"
    cache: str = "memory"

    @classmethod
    def from_env(cls, environ=os.environ) -> Settings:
        """Settings from ``FRONTLINE_<NAME>`` environment variables, else the defaults."""
        values = {}
        for f in fields(cls):
            raw = environ.get(f"FRONTLINE_{f.name.upper()}")
            if raw is None:
                continue
            if f.name == "data_dir":
                values[f.name] = Path(raw)
            elif f.name == "max_upload_mb":
                values[f.name] = int(raw)
            else:
                values[f.name] = raw
        return cls(**values)
