"""Shared fixtures: the real bundled data, loaded once per test session."""

import pytest

from geo.paths import bundled_data_dir
from geo.store import FileStore


@pytest.fixture(scope="session")
def store(tmp_path_factory):
    """The bundled data with an empty, private user folder."""
    return FileStore(bundled_data_dir(), tmp_path_factory.mktemp("user"))
