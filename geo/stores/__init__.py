"""Where the data lives: the :class:`Store` protocol, the file store and PostGIS.

``open_store(url)`` picks the implementation from a setting, as geopandas picks an I/O
engine: ``None``/``"file"`` for the bundled files and the user's datasets, a
``postgresql://`` URL for PostGIS (needs the ``postgis`` extra). Readers use
``store.current()``, one immutable generation of the data (:class:`Data`).
"""

from __future__ import annotations

from pathlib import Path

from geo.errors import FrontlineError
from geo.stores.base import BundledFiles, Data, DatasetChange, Store
from geo.stores.files import FileStore
from geo.stores.names import DATASET_NAME, check_dataset_name

__all__ = [
    "DATASET_NAME",
    "BundledFiles",
    "Data",
    "DatasetChange",
    "FileStore",
    "Store",
    "check_dataset_name",
    "open_store",
]


def open_store(url: str | None = None, data_dir: Path | None = None, user_dir: Path | None = None):
    """The store named by ``url``: ``None``/``"file"`` for the bundled files, or a
    ``postgresql://`` URL for PostGIS (needs ``pip install '.[postgis]'``)."""
    if url in (None, "", "file"):
        return FileStore(data_dir, user_dir)
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from geo.stores.postgis import PostgisStore
        except ImportError as exc:
            raise FrontlineError(
                f"store: the PostGIS store needs its extra: pip install '.[postgis]' ({exc})",
                param="store",
            ) from None
        return PostgisStore(url, data_dir=data_dir, user_dir=user_dir)
    raise FrontlineError(
        f"store: expected 'file' or a postgresql:// URL, got {url!r}", param="store"
    )
