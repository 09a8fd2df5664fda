"""Real servers for the contract tests: PostGIS and Redis.

The servers come from ``pg_url`` and ``redis_url`` in ``tests/conftest.py``: outside CI a
missing server skips its tests with the reason printed (``-ra``); in CI (``CI=true``, set by
``.ci/run``, which also starts both servers) a missing server fails them, so the suite can
never pass green without having run against the real engines.
"""

import pytest

from geo.paths import bundled_data_dir
from geo.stores import FileStore


@pytest.fixture(scope="session")
def file_store(tmp_path_factory):
    return FileStore(bundled_data_dir(), tmp_path_factory.mktemp("contract-user"))


@pytest.fixture(scope="session")
def postgis_store(pg_url):
    from geo.stores.postgis import PostgisStore

    store = PostgisStore(pg_url)
    yield store
    store.close()


@pytest.fixture(params=["file", "postgis"])
def store(request):
    """Each store implementation in turn: the same tests run against both."""
    return request.getfixturevalue(f"{request.param}_store")
