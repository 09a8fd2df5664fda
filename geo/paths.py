"""Where Frontline finds its bundled data and keeps the user's own datasets.

Bundled data lives in the repository's ``data/`` folder (read-only at run time); an
installed package (``pip install .``, a wheel) carries a copy of it, and of the web app's
``assets/``, as the packages ``frontline_data`` and ``frontline_assets``. Ingested user
datasets go to a user directory, never inside the installed package, so that an upgrade or
a read-only install never loses or blocks them.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["bundled_data_dir", "installed_resource", "user_data_dir"]

_CHECKOUT = Path(__file__).resolve().parents[1]


def installed_resource(name: str) -> Path:
    """The folder ``name`` (``data`` or ``assets``): the checkout's own when Frontline runs
    from one, else the copy installed with the package."""
    local = _CHECKOUT / name
    if local.is_dir():
        return local
    from importlib.util import find_spec

    # A folder of files without an __init__.py: a namespace package, found by its spec.
    spec = find_spec(f"frontline_{name}")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if Path(folder).is_dir():
            return Path(folder)
    return local


def bundled_data_dir() -> Path:
    """The folder of bundled data: ``$FRONTLINE_BUNDLED_DATA`` or the packaged ``data/``."""
    env = os.environ.get("FRONTLINE_BUNDLED_DATA")
    path = Path(env) if env else installed_resource("data")
    if not (path / "territory.parquet").exists():
        raise FileNotFoundError(
            f"bundled data not found in {path}: expected territory.parquet there. Run from a "
            "checkout of Frontline or set FRONTLINE_BUNDLED_DATA to its data/ folder."
        )
    return path


def user_data_dir() -> Path:
    """The default folder for ingested datasets: ``frontline`` in the XDG data home. (The
    ``data_dir`` setting, ``FRONTLINE_DATA_DIR``, is read with the other settings in
    :mod:`dashboard.settings` and passed to the store.)"""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "frontline"
