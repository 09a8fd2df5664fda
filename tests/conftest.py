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
from geo.store import FileStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def store(tmp_path_factory):
    """The bundled data with an empty, private user folder."""
    return FileStore(bundled_data_dir(), tmp_path_factory.mktemp("user"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def start_server(tmp_path_factory):
    """A function ``start_server(env) -> base URL`` that runs ``frontline serve`` with the
    extra environment ``env`` until the session ends; when it dies, its output is shown."""
    procs = []

    def start(env: dict[str, str]) -> str:
        port = free_port()
        # A file, not a pipe: nobody reads a pipe while tests run, and once its 64 kB
        # buffer is full of request log lines the server blocks and every request hangs.
        log = tmp_path_factory.mktemp("server") / "server.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "dashboard.cli", "serve", "--port", str(port)],
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
                urllib.request.urlopen(base + "/healthz", timeout=1)
                return base
            except OSError:
                time.sleep(0.2)
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
