"""Shared fixtures: the real bundled data, loaded once per test session, and real
``frontline serve`` processes on free localhost ports (HTTP, property and security tests)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from geo.paths import bundled_data_dir
from geo.stores import FileStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def store(tmp_path_factory):
    """The file store over the bundled data with an empty, private user folder."""
    return FileStore(bundled_data_dir(), tmp_path_factory.mktemp("user"))


@pytest.fixture(scope="session")
def data(store):
    """The bundled data: the store's current generation (what every reader reads)."""
    return store.current()


@pytest.fixture
def scope(data):
    """A request's scope over the bundled data, with a cache that pickles every value it
    keeps (as Redis would), so nothing unpicklable can creep into a cached result."""
    from dashboard.cache import MemoryCache
    from dashboard.scope import Scope

    return Scope(data, MemoryCache(check=True))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def start_server(tmp_path_factory):
    """A function ``start_server(env, args=(), ready="http") -> base URL`` that runs
    ``frontline serve *args`` with the extra environment ``env`` until the session ends;
    when it dies, its output is shown. ``ready="tcp"`` returns as soon as it listens,
    before any request has reached a worker."""
    procs = []

    def start(env: dict[str, str], args=(), ready: str = "http") -> str:
        port = free_port()
        # A file, not a pipe: nobody reads a pipe while tests run, and once its 64 kB
        # buffer is full of request log lines the server blocks and every request hangs.
        log = tmp_path_factory.mktemp("server") / "server.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "dashboard.cli", "serve", "--port", str(port), *args],
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )
        proc.log = log
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"server exited early:\n{log.read_text()}")
            try:
                if ready == "tcp":
                    # Listening, and no request made: the workers have served nothing yet.
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                else:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                return base
            except OSError:
                time.sleep(0.05 if ready == "tcp" else 0.2)
        proc.kill()
        pytest.fail(f"server did not answer within 60 s:\n{log.read_text()}")

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server(start_server, tmp_path_factory):
    """Base URL of a real server over the bundled data with an empty user folder."""
    return start_server({"FRONTLINE_DATA_DIR": str(tmp_path_factory.mktemp("user"))})


PG_DEFAULT = "postgresql://frontline:frontline@127.0.0.1:5432/frontline_test"
REDIS_DEFAULT = "redis://127.0.0.1:6379/15"


def _unreachable(what: str, env: str, url: str, exc: Exception):
    message = f"{what} not reachable at {env}={url}: {exc}"
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"{message} (CI=true: the server must be running; see .ci/run)")
    pytest.skip(f"{message}; run .ci/run or set {env}")


@pytest.fixture(scope="session")
def pg_url():
    """A PostGIS database with the schema and the bundled data loaded. Outside CI a
    missing server skips the tests that need it; in CI (``CI=true``) it fails them."""
    import psycopg

    from geo.stores.postgis_load import bundled_digest, bundled_version, init_schema, load_bundled

    url = os.environ.get("FRONTLINE_TEST_POSTGRES", PG_DEFAULT)
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _unreachable("PostgreSQL", "FRONTLINE_TEST_POSTGRES", url, exc)
    with conn:
        init_schema(conn)
        # Loading takes most of a minute: skip it when the same files are already in.
        if bundled_version(conn) != bundled_digest(bundled_data_dir()):
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
