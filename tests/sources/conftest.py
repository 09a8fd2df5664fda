"""Fixtures for the source tests: the loopback imitation (``imitation_server``) and the
real recorded payloads from ``../shared/data/recorded`` next to the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from imitation_server import RECORDED, Imitation


@pytest.fixture(scope="session")
def recorded() -> Path:
    """The recorded payloads; skipped when absent, except in CI where they must exist."""
    if not RECORDED.is_dir():
        message = f"recorded payloads not found next to the repository ({RECORDED.name}/)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must provide ../shared/data/recorded")
        pytest.skip(message)
    return RECORDED


@pytest.fixture
def imitation():
    """A fresh imitation server (a new port, so a new host for the politeness throttle)."""
    server = Imitation()
    yield server
    server.close()
