"""Where Frontline finds its bundled data and keeps the user's own datasets.

Bundled data lives in the repository's ``data/`` folder (read-only at run time). Ingested
user datasets go to a user directory, never inside the installed package, so that an
upgrade or a read-only install never loses or blocks them.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["bundled_data_dir", "user_data_dir"]


def bundled_data_dir() -> Path:
    """The folder of bundled data: ``$FRONTLINE_BUNDLED_DATA`` or the repo's ``data/``."""
    env = os.environ.get("FRONTLINE_BUNDLED_DATA")
    path = Path(env) if env else Path(__file__).resolve().parents[1] / "data"
    if not (path / "territory.parquet").exists():
        raise FileNotFoundError(
            f"bundled data not found in {path}: expected territory.parquet there. Run from a "
            "checkout of Frontline or set FRONTLINE_BUNDLED_DATA to its data/ folder."
        )
    return path


def user_data_dir() -> Path:
    """The folder for ingested datasets: ``$FRONTLINE_DATA_DIR``, else the XDG data home."""
    env = os.environ.get("FRONTLINE_DATA_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "frontline"
