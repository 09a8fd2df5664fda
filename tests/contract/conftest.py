"""Real servers for the contract tests: PostGIS and Redis.

Outside CI a missing server skips its tests with the reason printed (``-ra``); in CI
(``CI=true``, set by ``.ci/run``, which also starts both servers) a missing server fails
them, so the suite can never pass green without having run against the real engines.
"""

import os

import pytest

from geo.paths import bundled_data_dir
from geo.store import FileStore

PG_DEFAULT = "postgresql://frontline:frontline@127.0.0.1:5432/frontline_test"
REDIS_DEFAULT = "redis://127.0.0.1:6379/15"


def _unreachable(what: str, env: str, url: str, exc: Exception):
    message = f"{what} not reachable at {env}={url}: {exc}"
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"{message} (CI=true: the server must be running; see .ci/run)")
    pytest.skip(f"{message}; run .ci/run or set {env}")


@pytest.fixture(scope="session")
def pg_url():
    """A PostGIS database with the schema and the bundled data loaded."""
    import psycopg

    from geo.export import data_version
    from geo.postgis_load import bundled_version, init_schema, load_bundled

    url = os.environ.get("FRONTLINE_TEST_POSTGRES", PG_DEFAULT)
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _unreachable("PostgreSQL", "FRONTLINE_TEST_POSTGRES", url, exc)
    with conn:
        init_schema(conn)
        # Loading takes most of a minute: skip it when the same files are already in.
        if bundled_version(conn) != data_version(bundled_data_dir()):
            load_bundled(conn, bundled_data_dir())
    return url


@pytest.fixture(scope="session")
def redis_url():
    """A Redis server (database 15 by default, flushed before the tests)."""
    import redis

    url = os.environ.get("FRONTLINE_TEST_REDIS", REDIS_DEFAULT)
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        _unreachable("Redis", "FRONTLINE_TEST_REDIS", url, exc)
    client.flushdb()
    return url


@pytest.fixture(scope="session")
def file_store(tmp_path_factory):
    return FileStore(bundled_data_dir(), tmp_path_factory.mktemp("contract-user"))


@pytest.fixture(scope="session")
def postgis_store(pg_url):
    from geo.store_postgis import PostgisStore

    store = PostgisStore(pg_url)
    yield store
    store.close()


@pytest.fixture(params=["file", "postgis"])
def store(request):
    """Each store implementation in turn: the same tests run against both."""
    return request.getfixturevalue(f"{request.param}_store")
